// Placeholder: replaced by the page's owner.
export default function Verify() {
  return <h1>Verify</h1>;
}
