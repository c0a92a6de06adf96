// Placeholder: replaced by the page's owner.
export default function AuditSearch() {
  return <h1>AuditSearch</h1>;
}
