/**
 * Starts and stops the project's real infrastructure as child processes:
 * the Temporal dev server (Temporal CLI, SQLite file, Web UI), FerretDB (a
 * MongoDB wire-protocol server on a PostgreSQL cluster it owns) and, through @temporalio/testing,
 * the time-skipping test server. Used by `npm run dev`, the tests and the
 * benchmark. Every process started here is owned by the caller: `stop()` ends
 * it (SIGTERM, then SIGKILL) and an exit hook kills leftovers if the parent
 * dies first, so no orphan survives a test run.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES, SEARCH_ATTRIBUTE_FLAGS } from '../src/contracts/search-attributes';

const ROOT = path.resolve(__dirname, '..');

export interface ToolPaths {
  TEMPORAL_CLI: string;
  FERRETDB_BIN: string;
  TEMPORAL_TEST_SERVER: string;
}

let cachedTools: Partial<ToolPaths> = {};

/** Builds or fetches the tools into the per-machine cache (scripts/provision.sh) and returns their paths. */
export function provision(...targets: ('temporal' | 'ferretdb' | 'testsrv')[]): ToolPaths {
  const out = execFileSync('bash', [path.join(ROOT, 'scripts/provision.sh'), ...targets], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for (const line of out.split('\n')) {
    const m = /^(\w+)=(.+)$/.exec(line.trim());
    if (m) cachedTools = { ...cachedTools, [m[1]!]: m[2]! };
  }
  return cachedTools as ToolPaths;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface ManagedProcess {
  pid: number;
  stop(): Promise<void>;
  /** SIGKILL, for crash tests. */
  kill(): Promise<void>;
}

function manage(name: string, cmd: string, args: string[], logFile: string, env?: NodeJS.ProcessEnv): { child: ChildProcess; handle: ManagedProcess } {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => live.delete(child));
  const end = async (signal: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  if (child.pid === undefined) throw new Error(`${name}: failed to start ${cmd}`);
  return {
    child,
    handle: { pid: child.pid, stop: () => end('SIGTERM', 10_000), kill: () => end('SIGKILL', 1_000) },
  };
}

async function waitForPort(port: number, child: ChildProcess, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface FerretDb extends ManagedProcess {
  port: number;
  /** Base URI; append a database name. */
  uri: string;
}

export async function startFerretDb(opts: { dataDir: string; port?: number; logFile?: string; fsync?: boolean }): Promise<FerretDb> {
  const { FERRETDB_BIN } = cachedTools.FERRETDB_BIN ? (cachedTools as ToolPaths) : provision('ferretdb');
  const port = opts.port ?? (await freePort());
  const args = ['-listen', `127.0.0.1:${port}`, '-data', opts.dataDir, `-fsync=${opts.fsync ?? true}`];
  const { child, handle } = manage('ferretdb', FERRETDB_BIN, args, opts.logFile ?? path.join(opts.dataDir, '..', 'ferretdb.log'));
  // First start initialises a PostgreSQL cluster (a few seconds).
  await waitForPort(port, child, 'FerretDB', 120_000);
  return { ...handle, port, uri: `mongodb://127.0.0.1:${port}` };
}

export interface TemporalDevServer extends ManagedProcess {
  port: number;
  address: string;
  uiPort: number;
  uiUrl: string;
}

/**
 * Temporal dev server with our custom search attributes registered. With a
 * `dbFile`, every workflow survives a restart of the server.
 */
export async function startTemporalDevServer(opts: {
  dbFile?: string;
  port?: number;
  uiPort?: number;
  logFile: string;
  headless?: boolean;
  /** `--dynamic-config-value KEY=VALUE` pairs (e.g. a low continue-as-new threshold in tests). */
  dynamicConfig?: Record<string, string | number | boolean>;
}): Promise<TemporalDevServer> {
  const { TEMPORAL_CLI } = cachedTools.TEMPORAL_CLI ? (cachedTools as ToolPaths) : provision('temporal');
  const port = opts.port ?? (await freePort());
  const uiPort = opts.uiPort ?? (await freePort());
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--ui-port', String(uiPort),
    '--http-port', String(await freePort()),
    '--metrics-port', String(await freePort()),
    '--log-level', 'warn',
    ...SEARCH_ATTRIBUTE_FLAGS.flatMap((f) => ['--search-attribute', f]),
  ];
  if (opts.dbFile) {
    mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  if (opts.headless) args.push('--headless');
  for (const [key, value] of Object.entries(opts.dynamicConfig ?? {})) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  const { child, handle } = manage('temporal', TEMPORAL_CLI, args, opts.logFile);
  await waitForPort(port, child, 'Temporal dev server');
  // The frontend listens before the namespace and search attributes are ready.
  await waitForNamespace(`127.0.0.1:${port}`);
  return { ...handle, port, address: `127.0.0.1:${port}`, uiPort, uiUrl: `http://127.0.0.1:${uiPort}` };
}

async function waitForNamespace(address: string, timeoutMs = 60_000): Promise<void> {
  const { Connection } = await import('@temporalio/client');
  const deadline = Date.now() + timeoutMs;
  const connection = await Connection.connect({ address });
  try {
    for (;;) {
      try {
        const res = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
        const names = Object.keys(res.customAttributes ?? {});
        if (SEARCH_ATTRIBUTE_FLAGS.every((f) => names.includes(f.split('=')[0]!))) return;
      } catch {
        // not ready yet
      }
      if (Date.now() > deadline) throw new Error(`Temporal namespace at ${address} not ready within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await connection.close();
  }
}

/**
 * Registers our custom search attributes on a server started without them
 * (the time-skipping test server; the dev server gets them as start flags).
 */
export async function registerSearchAttributes(connection: Pick<Connection, 'operatorService'>, namespace = 'default'): Promise<void> {
  const { INDEXED_VALUE_TYPE_KEYWORD: KEYWORD, INDEXED_VALUE_TYPE_BOOL: BOOL } = temporal.api.enums.v1.IndexedValueType;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, k.type === SearchAttributeType.BOOL ? BOOL : KEYWORD])),
  });
}
