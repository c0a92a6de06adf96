/** Runs the real worker entry point (worker/main.ts) as a child process, as production does. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
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
  // `node --import tsx` runs the worker in this one process (the tsx CLI would fork a grandchild
  // that a SIGKILL of the parent leaves running).
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker/main.ts')], {
    cwd: ROOT,
    // info: the readiness line 'worker started' is logged at info.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...configToEnv(config), [ENV_VARS.logLevel]: 'info', QL_WORKFLOW_BUNDLE: requireEnv('QL_TEST_WORKFLOW_BUNDLE') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('worker started')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before starting:\n${out}`)));
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
