// Placeholder: replaced by the page's owner.
export default function CyclePage() {
  return <h1>CyclePage</h1>;
}
