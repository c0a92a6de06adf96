/**
 * Starts the shared test infrastructure once per jest run: FerretDB and a
 * Temporal dev server on free ports with their own temp data folders, and one
 * workflow bundle reused by every Worker. Addresses reach the test files
 * through environment variables (QL_TEST_*).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from '../../worker/bundle';
import { provision, startFerretDb, startTemporalDevServer } from '../../infra/launch';

declare global {
  var __QL_INFRA__: { stop(): Promise<void> } | undefined;
}

export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qualityloop-test-'));
  const tools = provision('temporal', 'ferretdb', 'testsrv');
  const [ferret, temporal, bundle] = await Promise.all([
    // fsync off: throwaway data (a killed process loses nothing either way; only an OS crash would).
    startFerretDb({ dataDir: path.join(dir, 'ferretdb'), logFile: path.join(dir, 'ferretdb.log'), fsync: false }),
    startTemporalDevServer({ logFile: path.join(dir, 'temporal.log'), headless: true }),
    bundleWorkflowCode({ ...workflowBundleOptions(), logger: quietLogger }),
  ]);
  // The run's own temp folder: test files (started after this, with this environment) get it from
  // os.tmpdir(), so global-teardown can tell what this run left behind from other processes' folders.
  const runTmp = path.join(dir, 'tmp');
  mkdirSync(runTmp);
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  Object.assign(process.env, {
    QL_TEST_DIR: dir,
    QL_TEST_TMPDIR: runTmp,
    TMPDIR: runTmp,
    QL_TEST_MONGO_URI: ferret.uri,
    QL_TEST_TEMPORAL_ADDRESS: temporal.address,
    QL_TEST_WORKFLOW_BUNDLE: bundlePath,
    QL_TEST_TIME_SKIPPING_SERVER: tools.TEMPORAL_TEST_SERVER,
    QL_TEST_TEMPORAL_CLI: tools.TEMPORAL_CLI,
    QL_TEST_FERRETDB_BIN: tools.FERRETDB_BIN,
  });
  globalThis.__QL_INFRA__ = {
    stop: async () => {
      await Promise.all([temporal.stop(), ferret.stop()]);
    },
  };
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
