// Placeholder: replaced by the page's owner.
export default function Users() {
  return <h1>Users</h1>;
}
