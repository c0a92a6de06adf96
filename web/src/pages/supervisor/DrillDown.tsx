// Placeholder: replaced by the page's owner.
export default function DrillDown() {
  return <h1>DrillDown</h1>;
}
