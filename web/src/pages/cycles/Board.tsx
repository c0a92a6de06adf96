// Placeholder: replaced by the page's owner.
export default function Board() {
  return <h1>Board</h1>;
}
