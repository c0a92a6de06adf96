/**
 * Stops the shared infrastructure, then removes the run's folder
 * (global-setup.ts), failing the run if a test left a `ql-*` or
 * `qualityloop-*` folder in its temp folder: every suite must remove what it
 * creates, also when a test fails.
 */
import { readdirSync, rmSync } from 'node:fs';

/** Names of folders and files the project's tests create in the temp folder. */
const OURS = /^(ql|qualityloop)-/;

export default async function globalTeardown(): Promise<void> {
  await globalThis.__QL_INFRA__?.stop();
  const dir = process.env.QL_TEST_DIR;
  const runTmp = process.env.QL_TEST_TMPDIR;
  const leftovers = runTmp ? readdirSync(runTmp).filter((name) => OURS.test(name)) : [];
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (leftovers.length > 0) {
    throw new Error(`tests left ${leftovers.length} temporary folder(s) behind (removed now; each suite must remove its own in afterAll): ${leftovers.sort().join(', ')}`);
  }
}
