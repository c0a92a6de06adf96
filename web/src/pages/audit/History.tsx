// Placeholder: replaced by the page's owner.
export default function History() {
  return <h1>History</h1>;
}
