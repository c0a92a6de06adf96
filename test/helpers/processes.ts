/** Runs the real worker and API entry points (worker/main.ts, src/api/main.ts) as child processes, as production does. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { freePort } from '../../infra/launch';
import { type Config, ENV_VARS, configToEnv } from '../../src/config';
import { requireEnv } from './stack';

const ROOT = path.resolve(__dirname, '../..');

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves once the worker polls its task queue. */
  ready: Promise<void>;
  output: () => string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export function spawnWorker(config: Config): WorkerProcess {
  return spawnEntry('worker', 'worker/main.ts', 'worker started', { ...configToEnv(config), QL_WORKFLOW_BUNDLE: requireEnv('QL_TEST_WORKFLOW_BUNDLE') });
}

export interface ApiProcess extends WorkerProcess {
  baseUrl: string;
}

/** The API entry point on a free port of 127.0.0.1 (`config.api.port` is ignored). */
export async function spawnApi(config: Config): Promise<ApiProcess> {
  const port = await freePort();
  const api = spawnEntry('api', 'src/api/main.ts', 'api listening', { ...configToEnv(config), [ENV_VARS.apiHost]: '127.0.0.1', [ENV_VARS.apiPort]: String(port) });
  return { ...api, baseUrl: `http://127.0.0.1:${port}` };
}

function spawnEntry(what: string, entry: string, readyLine: string, env: Record<string, string>): WorkerProcess {
  // `node --import tsx` runs the entry point in this one process (the tsx CLI would fork a grandchild
  // that a SIGKILL of the parent leaves running).
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
    cwd: ROOT,
    // info: the readiness line is logged at info.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, [ENV_VARS.logLevel]: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(readyLine)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before starting:\n${out}`)));
  });
  ready.catch(() => undefined);
  process.once('exit', () => child.kill('SIGKILL'));
  return {
    child,
    pid: child.pid!,
    ready,
    output: () => out,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Deletes the Temporal Schedules that start workflows on `taskQueue`: a real worker
 * process ensures the digest, review and loop schedules, which would otherwise keep
 * firing on the shared dev server after the test.
 */
export async function deleteSchedulesOn(client: Client | undefined, taskQueue: string | undefined): Promise<void> {
  if (!client || !taskQueue) return;
  for await (const s of client.schedule.list()) {
    const handle = client.schedule.getHandle(s.scheduleId);
    const described = await handle.describe().catch(() => null);
    if (described?.action.type === 'startWorkflow' && described.action.taskQueue === taskQueue) await handle.delete().catch(() => undefined);
  }
}
