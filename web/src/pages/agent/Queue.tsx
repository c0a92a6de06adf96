// Placeholder: replaced by the page's owner.
export default function Queue() {
  return <h1>Queue</h1>;
}
