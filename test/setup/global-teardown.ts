export default async function globalTeardown(): Promise<void> {
  await globalThis.__QL_INFRA__?.stop();
}
