/**
 * `npm run build [-- --out-dir <dir>]`: the production build. Compiles the
 * API, worker, workflows, activities and the production scripts (seed,
 * create-api-key) to JavaScript with tsconfig.build.json, keeping the source
 * tree (dist/src/api/main.js, dist/worker/main.js, dist/scripts/seed.js), and
 * writes the prebuilt workflow bundle dist/workflow-bundle.js, which the
 * compiled worker loads instead of bundling at start (worker/main.ts).
 *
 * The output folder is emptied first, so a file deleted from the sources never
 * ships from an earlier build. `--out-dir` builds elsewhere (the production
 * build test builds into a temporary image-like layout).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_FILE, workflowBundleOptions } from '../worker/bundle';
import { runMain } from '../src/main';

const ROOT = path.resolve(__dirname, '..');

function outDirFromArgs(args: string[]): string {
  if (args.length === 0) return path.join(ROOT, 'dist');
  if (args.length === 2 && args[0] === '--out-dir' && args[1]) return path.resolve(args[1]);
  console.error('usage: npm run build [-- --out-dir <dir>]');
  process.exit(2);
}

function compile(outDir: string): Promise<void> {
  const tsc = require.resolve('typescript/bin/tsc');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc -p tsconfig.build.json failed (exit ${code})`))));
  });
}

async function main(): Promise<void> {
  const outDir = outDirFromArgs(process.argv.slice(2));
  // Emptying a folder that holds the repository would delete the sources.
  if (!path.relative(outDir, ROOT).startsWith('..')) throw new Error(`refusing to build into ${outDir}: it contains the repository`);
  const t0 = Date.now();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  // Both are CPU-bound but single-threaded: side by side on two cores.
  const [, bundle] = await Promise.all([compile(outDir), bundleWorkflowCode({ ...workflowBundleOptions(), logger: new DefaultLogger('WARN') })]);
  writeFileSync(path.join(outDir, WORKFLOW_BUNDLE_FILE), bundle.code);
  console.log(`built ${outDir} in ${((Date.now() - t0) / 1000).toFixed(1)}s (JavaScript + ${WORKFLOW_BUNDLE_FILE})`);
}

runMain(main);
