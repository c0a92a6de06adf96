// Placeholder: replaced by the page's owner.
export default function Dashboard() {
  return <h1>Dashboard</h1>;
}
