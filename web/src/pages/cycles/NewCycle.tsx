// Placeholder: replaced by the page's owner.
export default function NewCycle() {
  return <h1>NewCycle</h1>;
}
