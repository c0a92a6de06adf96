/**
 * Running one bench section alone (`npx tsx bench/<section>.ts`): its own
 * Temporal dev server, FerretDB and workflow bundle in a temp folder, every
 * process stopped and the folder removed afterwards (BENCH_KEEP_TMP=1 keeps it).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundleWorkflowCode } from '@temporalio/worker';
import { type FerretDb, type TemporalDevServer, startFerretDb, startTemporalDevServer } from '../infra/launch';
import { workflowBundleOptions } from '../worker/bundle';

export interface StandaloneInfra {
  dir: string;
  ferret: FerretDb;
  temporal: TemporalDevServer;
  bundlePath: string;
  progress: (msg: string) => void;
  /** Runs `fn` at the end, in reverse order of registration. */
  onCleanup: (name: string, fn: () => Promise<unknown>) => void;
}

export async function withStandaloneInfra(label: string, section: (infra: StandaloneInfra) => Promise<void>): Promise<void> {
  const progress = (msg: string) => process.stderr.write(`[${label} ${(performance.now() / 1000).toFixed(1)}s] ${msg}\n`);
  const cleanups: (() => Promise<unknown>)[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), `qualityloop-bench-${label}-`));
  try {
    const quiet = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: console.error, log: () => undefined };
    const [ferret, temporal, bundle] = await Promise.all([
      startFerretDb({ dataDir: path.join(dir, 'ferretdb'), logFile: path.join(dir, 'ferretdb.log') }),
      startTemporalDevServer({ dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log'), headless: true }),
      bundleWorkflowCode({ ...workflowBundleOptions(), logger: quiet }),
    ]);
    cleanups.push(() => ferret.stop(), () => temporal.stop());
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, bundle.code);
    await section({ dir, ferret, temporal, bundlePath, progress, onCleanup: (_name, fn) => void cleanups.push(fn) });
  } finally {
    for (const fn of cleanups.reverse()) await fn().catch((err: Error) => progress(`cleanup failed: ${err.message}`));
    if (process.env.BENCH_KEEP_TMP === '1') progress(`temp dir kept: ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** The entry point of a section run alone: exit 0 once done (child processes' handles may linger), 1 on failure. */
export function runStandalone(main: () => Promise<void>): void {
  main().then(
    () => setTimeout(() => process.exit(0), 500).unref(),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
