// Placeholder: replaced by the page's owner.
export default function ComplaintPage() {
  return <h1>ComplaintPage</h1>;
}
