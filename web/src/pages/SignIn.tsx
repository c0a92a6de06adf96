// Placeholder: replaced by the page's owner.
export default function SignIn() {
  return <h1>SignIn</h1>;
}
