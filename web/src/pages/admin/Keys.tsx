// Placeholder: replaced by the page's owner.
export default function Keys() {
  return <h1>Keys</h1>;
}
