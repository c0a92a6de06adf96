/**
 * The real worker entry point (worker/main.ts) as a child process, so its
 * memory can be measured alone, plus RSS reading from /proc.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, configToEnv } from '../src/config';

const ROOT = path.resolve(__dirname, '..');

export function workerEnv(config: Config, bundlePath: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
    // info: the readiness line 'worker started' is logged at info.
    ...configToEnv({ ...config, logLevel: 'info' }),
    QL_WORKFLOW_BUNDLE: bundlePath,
  };
}

/**
 * Node flags that load tsx in-process (`node --import tsx worker/main.ts`):
 * unlike the `tsx` CLI, which runs the script in a grandchild, this keeps the
 * worker in the one process whose RSS we read.
 */
const TSX_ARGS = ['--import', 'tsx'];

export interface WorkerChild {
  child: ChildProcess;
  pid: number;
  ready: Promise<void>;
  output(): string;
  stop(graceMs?: number): Promise<void>;
}

export function spawnWorker(env: NodeJS.ProcessEnv, logFile: string): WorkerChild {
  const child = spawn(process.execPath, [...TSX_ARGS, path.join(ROOT, 'worker/main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('failed to spawn the worker');
  const log = createWriteStream(logFile, { flags: 'a' });
  let out = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    if (out.length < 200_000) out += chunk.toString();
  };
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      keep(c);
      if (out.includes('worker started')) resolve();
    });
    child.stderr!.on('data', keep);
    child.once('exit', (code, signal) => reject(new Error(`worker exited (${signal ?? code}) before starting:\n${out.slice(-4000)}`)));
  });
  ready.catch(() => undefined);
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  return {
    child,
    pid: child.pid,
    ready,
    output: () => out,
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      process.removeListener('exit', onExit);
      if (!log.writableEnded) await new Promise<void>((r) => log.end(() => r()));
    },
  };
}

/** VmRSS of one process in bytes (0 when it is gone). */
export function rssOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

let clockTicks: number | undefined;

/** CPU time (user + system) a process has used so far, in ms (NaN when it is gone). */
export function cpuMsOf(pid: number): number {
  clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

/** The process and all its descendants (from /proc/<pid>/stat parent ids). */
export function processTree(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the command name in parentheses, which may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // process ended while scanning
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parentOf) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  }
  return tree;
}

/** RSS of the process tree rooted at pid, in bytes. */
export function treeRss(pid: number): { bytes: number; processes: number } {
  const pids = processTree(pid);
  return { bytes: pids.reduce((sum, p) => sum + rssOf(p), 0), processes: pids.length };
}

/**
 * The worker's effective maxCachedWorkflows. worker/main.ts passes no
 * override, so the SDK default applies; it depends on the V8 heap limit of the
 * worker process (@temporalio/worker lib/worker-options.js, reuseV8Context
 * default true): max(floor(max(heapMiB - 200, 0) * 600 / 1024), 10). The heap
 * limit is read from a probe process started exactly like the worker.
 */
export function effectiveCacheSize(env: NodeJS.ProcessEnv): { cacheSize: number; heapLimitMiB: number } {
  const probe = spawnSync(process.execPath, [...TSX_ARGS, '-e', 'process.stdout.write(String(require("v8").getHeapStatistics().heap_size_limit))'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  const heapLimitMiB = Number(probe.stdout) / 1024 / 1024;
  if (!Number.isFinite(heapLimitMiB) || heapLimitMiB <= 0) throw new Error(`heap probe failed: ${probe.stderr}`);
  return { cacheSize: Math.max(Math.floor((Math.max(heapLimitMiB - 200, 0) * 600) / 1024), 10), heapLimitMiB };
}
