// Placeholder: replaced by the page's owner.
export default function Policies() {
  return <h1>Policies</h1>;
}
