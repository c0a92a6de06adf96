/**
 * Fault recovery: each process of the system is SIGKILLed once (and the
 * worker also SIGTERMed once its replacement polls, as in a rolling restart) while clients keep
 * complaint updates in flight, and restarted at once, as an orchestrator
 * would (BENCH_FAULT_DOWN_MS keeps it down longer when run alone). The API and
 * the worker run as child processes (src/api/main.ts, worker/main.ts); the
 * Temporal dev server and FerretDB are the bench's own, restarted on the same
 * port and data. Clients behave like real ones: each sends
 * `POST /complaints/:id/add-note` with an Idempotency-Key and, on 503 or a
 * dropped connection, sends it again with the same key.
 *
 * Per process, measured from the moment the restarted process is ready
 * (worker: polling; Temporal: namespace served; FerretDB: listening; API:
 * listening):
 *   in flight   requests sent before the kill or while the process was down:
 *               time from ready until the last of them was answered 200
 *   new         one update sent at ready to each of a dozen complaints that the
 *               killed worker had cached: their latency (p50, max), next to the
 *               same requests' latency in the 2 s before the kill
 *   intake      one POST /complaints sent at ready: time to its 201
 * Afterwards every acknowledged update must be in its complaint exactly once,
 * with one audit event each.
 *
 * `tsx bench/fault.ts` runs this section alone (BENCH_FAULTS=worker,temporal,...
 * picks processes); `npm run bench` runs it last.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type FerretDb, type TemporalDevServer, freePort, startFerretDb, startTemporalDevServer } from '../infra/launch';
import { type Config, ENV_VARS, configSchema, configToEnv } from '../src/config';
import { connectDatabase } from '../src/db/models';
import { DEMO_USERS, seedDemoData } from '../src/db/seed';
import { complaintBody } from './load';
import { fmt, median, percentile, section, sleep, table } from './stats';
import { runStandalone, withStandaloneInfra } from './standalone';
import { type WorkerChild, spawnWorker, workerEnv } from './worker-process';

const ROOT = path.resolve(__dirname, '..');

/** Processes that can be killed, in the order they are. */
export const FAULTS = ['worker', 'worker-sigterm', 'temporal', 'ferretdb', 'api'] as const;
export type Fault = (typeof FAULTS)[number];

const FAULT_LABEL: Record<Fault, string> = {
  worker: 'worker SIGKILL',
  'worker-sigterm': 'worker SIGTERM, replacement up',
  temporal: 'Temporal dev server SIGKILL',
  ferretdb: 'FerretDB SIGKILL',
  api: 'API SIGKILL',
};

/** Load goes on this long after ready before the next fault (requests still waiting are awaited). */
const RECOVERY_WINDOW_MS = 5_000;
/** Steady load before each kill (its latencies are that fault's baseline). */
const STEADY_MS = 2_000;
/** Clients, each sending one update at a time with a pause in between. */
const CLIENTS = 6;
const THINK_MS = 100;
/** Complaints per client (the client rotates through them, so each history stays complaint-sized: a few dozen events). */
const COMPLAINTS_PER_CLIENT = 8;
/** New requests at ready: one update to each of this many complaints per client (all cached on the worker before the kill). */
const PROBES_PER_CLIENT = 2;
/** A client gives up on one request after this long (and counts it as failed). */
const GIVE_UP_MS = 60_000;

export interface FaultContext {
  /** Temp dir of the run: the Temporal SQLite file is `temporal.db` and FerretDB's data `ferretdb/` in it, as bench/run.ts starts them. */
  dir: string;
  temporal: TemporalDevServer;
  ferret: FerretDb;
  bundlePath: string;
  /** Config for this section's own task queue and database (its API port is chosen here). */
  config: Config;
  onCleanup(name: string, fn: () => Promise<void>): void;
  progress(msg: string): void;
  /** Which processes to kill; default every one in FAULTS. */
  faults?: readonly Fault[];
  /** Stop starting new faults after this long. */
  budgetMs?: number;
  /** How long a killed process stays down before it is started again (default 0: at once). */
  downMs?: number;
}

interface Req {
  client: number;
  key: string;
  complaintId: string;
  sentAt: number;
  doneAt?: number;
  attempts: number;
  /** Final non-retryable answer, or a give-up. */
  failure?: string;
}

export interface FaultRow {
  fault: Fault;
  /** Kill -> restarted process ready. */
  restartMs: number;
  inFlight: number;
  /** Ready -> last in-flight (or sent while down) request succeeded; 0 if all finished before ready. */
  inFlightRecoveryMs: number;
  /** Kill -> that same instant. */
  inFlightFromKillMs: number;
  fresh: number;
  freshP50Ms: number;
  freshMaxMs: number;
  baselineP50Ms: number;
  baselineMaxMs: number;
  intakeMs: number;
  retries: number;
  /** Starts needed until the restarted process came up (an orchestrator restarts a failed start). */
  restartAttempts: number;
  /** 1-minute load average at the kill (2 cores; other work shares the machine). */
  load: number;
  failures: string[];
}

export interface FaultFigures {
  rows: FaultRow[];
  baseline: { n: number; p50: number; p99: number; max: number };
  acknowledged: number;
  lost: number;
  duplicated: number;
  /** Complaints whose audit trail does not have exactly one add_note event per note. */
  auditMismatches: number;
  unknownOutcome: number;
  skipped: Fault[];
  downMs: number;
}

interface ChildHandle {
  pid: number;
  ready: Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** The API entry point as a child process (`node --import tsx src/api/main.ts`); ready at its 'api listening' log line. */
function spawnApi(config: Config, logFile: string): ChildHandle {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...configToEnv({ ...config, logLevel: 'info' }) };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/api/main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error('failed to spawn the API');
  const log = createWriteStream(logFile, { flags: 'a' });
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  void exited.then(() => log.end());
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      log.write(c);
      if (out.length < 100_000) out += c.toString();
      if (out.includes('api listening')) resolve();
    });
    child.stderr!.on('data', (c: Buffer) => {
      log.write(c);
      out += c.toString();
    });
    child.once('exit', (code, signal) => reject(new Error(`API exited (${signal ?? code}) before listening:\n${out.slice(-2000)}`)));
  });
  ready.catch(() => undefined);
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  return {
    pid: child.pid,
    ready,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      process.removeListener('exit', onExit);
    },
  };
}

function workerHandle(w: WorkerChild): ChildHandle {
  return {
    pid: w.pid,
    ready: w.ready,
    async kill(signal) {
      if (signal === 'SIGTERM') return w.stop();
      const exited = new Promise<void>((r) => (w.child.exitCode !== null || w.child.signalCode !== null ? r() : w.child.once('exit', () => r())));
      w.child.kill(signal);
      await exited;
      await w.stop(); // closes its log
    },
  };
}

/** Starts a server again until it comes up, as an orchestrator restarts a failed start (at most 20 tries, 250 ms apart). */
async function restartUntilUp<T>(start: () => Promise<T>, onRetry: (attempt: number, err: Error) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= 20) throw err;
      onRetry(attempt + 1, err as Error);
      await sleep(250);
    }
  }
}

export async function measureFaultRecovery(ctx: FaultContext): Promise<FaultFigures> {
  const t0 = performance.now();
  const faults = ctx.faults ?? FAULTS;
  const downMs = ctx.downMs ?? 0;
  const apiPort = await freePort();
  const config: Config = {
    ...ctx.config,
    api: { ...ctx.config.api, port: apiPort, host: '127.0.0.1', rateLimit: { perMinute: 1_000_000, burst: 100_000 } },
  };
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  const models = await connectDatabase(config.mongo.uri, { serverSelectionTimeoutMS: 30_000 });
  ctx.onCleanup('fault: mongo connection', () => models.connection.close());
  await seedDemoData(models, config.secrets.apiKeyPepper);
  const agent = DEMO_USERS.find((u) => u.role === 'agent')!;
  const intake = DEMO_USERS.find((u) => u.role === 'intake')!;

  // Processes: the ones this section starts, and the bench's servers (restarted in place).
  let temporal = ctx.temporal;
  let ferret = ctx.ferret;
  let logN = 0;
  const startWorker = () => {
    const w = spawnWorker(workerEnv(config, ctx.bundlePath), path.join(ctx.dir, `fault-worker-${logN++}.log`));
    const h = workerHandle(w);
    ctx.onCleanup(`fault: worker ${w.pid}`, () => w.stop());
    return h;
  };
  const startApi = () => {
    const a = spawnApi(config, path.join(ctx.dir, `fault-api-${logN++}.log`));
    ctx.onCleanup(`fault: API ${a.pid}`, () => a.kill('SIGTERM'));
    return a;
  };
  let worker = startWorker();
  let api = startApi();
  await Promise.all([worker.ready, api.ready]);

  const call = async (method: string, url: string, key: string, body: unknown, idempotencyKey?: string) => {
    const res = await fetch(baseUrl + url, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(GIVE_UP_MS),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
  };

  // Complaints the clients work on: created and acknowledged (so each is cached on the worker, sticky).
  const runTag = `f${Date.now().toString(36)}`;
  const complaints: string[][] = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      const ids: string[] = [];
      for (let k = 0; k < COMPLAINTS_PER_CLIENT; k++) {
        const created = await call('POST', '/complaints', intake.key, complaintBody(c * 100 + k), `${runTag}-intake-${c}-${k}`);
        if (created.status !== 201 && created.status !== 200) throw new Error(`fault setup: intake answered ${created.status}`);
        const id = created.body!.id as string;
        const ack = await call('POST', `/complaints/${id}/acknowledge`, agent.key, {});
        if (ack.status !== 200) throw new Error(`fault setup: acknowledge answered ${ack.status}: ${JSON.stringify(ack.body)}`);
        ids.push(id);
      }
      return ids;
    }),
  );

  // Clients: one update at a time each, retried with the same key until it succeeds.
  const reqs: Req[] = [];
  let sending = true;
  let retries = 0;
  const retryable = (status: number) => status === 503 || status === 502 || status === 504 || status === 500 || status === 429;
  /** One add-note, retried with the same key until it succeeds (or fails for good, or GIVE_UP_MS passes). */
  const sendNote = async (client: number, complaintId: string, key: string): Promise<Req> => {
    const r: Req = { client, key, complaintId, sentAt: performance.now(), attempts: 0 };
    reqs.push(r);
    for (;;) {
      r.attempts++;
      let status = 0;
      try {
        const res = await call('POST', `/complaints/${complaintId}/add-note`, agent.key, { text: `note ${key}`, visibility: 'internal' }, key);
        status = res.status;
        if (status === 200) {
          r.doneAt = performance.now();
          return r;
        }
        if (!retryable(status)) {
          r.failure = `HTTP ${status}: ${JSON.stringify(res.body).slice(0, 200)}`;
          return r;
        }
      } catch {
        // connection refused or reset (API down): retry like a client would
      }
      retries++;
      if (performance.now() - r.sentAt > GIVE_UP_MS) {
        r.failure = `gave up after ${r.attempts} attempts (last ${status || 'no answer'})`;
        return r;
      }
      await sleep(100);
    }
  };
  const clientLoop = async (c: number) => {
    for (let seq = 0; sending; seq++) {
      await sendNote(c, complaints[c]![seq % COMPLAINTS_PER_CLIENT]!, `${runTag}-${c}-${seq}`);
      await sleep(THINK_MS);
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, c) => clientLoop(c));

  const latencies = (from: number, to: number) => reqs.filter((r) => r.sentAt >= from && r.sentAt < to && r.doneAt !== undefined).map((r) => r.doneAt! - r.sentAt);
  const allDone = async (before: number, timeoutMs: number) => {
    const deadline = performance.now() + timeoutMs;
    while (reqs.some((r) => r.sentAt < before && r.doneAt === undefined && r.failure === undefined) && performance.now() < deadline) await sleep(50);
  };

  const tSteady = performance.now();
  await sleep(STEADY_MS * 2);
  const tSteadyEnd = performance.now();

  interface Window {
    fault: Fault;
    tBase: number;
    tKill: number;
    tReady: number;
    tEnd: number;
    inFlightAtKill: Req[];
    probes: Req[];
    restartAttempts: number;
    retries: number;
    intakeMs: number;
    load: number;
  }
  const windows: Window[] = [];
  const skipped: Fault[] = [];
  for (const fault of faults) {
    if (ctx.budgetMs !== undefined && performance.now() - t0 > ctx.budgetMs) {
      skipped.push(fault);
      continue;
    }
    ctx.progress(`fault: ${FAULT_LABEL[fault]}`);
    const tBase = performance.now();
    await sleep(STEADY_MS);
    const retries0 = retries;
    let restartAttempts = 1;
    // A rolling restart starts the replacement first and stops the old worker once it is ready:
    // measured from the SIGTERM (the replacement is already up), while the old one drains.
    let draining: Promise<void> | undefined;
    let replacement: ChildHandle | undefined;
    if (fault === 'worker-sigterm') {
      replacement = startWorker();
      await replacement.ready;
    }
    const tKill = performance.now();
    const load = os.loadavg()[0]!;
    const inFlightAtKill = reqs.filter((r) => r.client >= 0 && r.doneAt === undefined && r.failure === undefined);
    switch (fault) {
      case 'worker': {
        await worker.kill('SIGKILL');
        await sleep(downMs);
        worker = startWorker();
        await worker.ready;
        break;
      }
      case 'worker-sigterm': {
        draining = worker.kill('SIGTERM');
        worker = replacement!;
        break;
      }
      case 'temporal': {
        await temporal.kill();
        await sleep(downMs);
        temporal = await restartUntilUp(
          () => startTemporalDevServer({ dbFile: path.join(ctx.dir, 'temporal.db'), port: temporal.port, logFile: path.join(ctx.dir, 'temporal.log'), headless: true }),
          (n) => (restartAttempts = n),
        );
        const t = temporal;
        ctx.onCleanup('fault: Temporal dev server (restarted)', () => t.stop());
        break;
      }
      case 'ferretdb': {
        await ferret.kill();
        await sleep(downMs);
        ferret = await restartUntilUp(
          () => startFerretDb({ dataDir: path.join(ctx.dir, 'ferretdb'), port: ferret.port, logFile: path.join(ctx.dir, 'ferretdb.log') }),
          (n, err) => {
            restartAttempts = n;
            ctx.progress(`fault: FerretDB start ${n - 1} failed (${err.message.split('\n')[0]}); starting again`);
          },
        );
        const f = ferret;
        ctx.onCleanup('fault: FerretDB (restarted)', () => f.stop());
        break;
      }
      case 'api': {
        await api.kill('SIGKILL');
        await sleep(downMs);
        api = startApi();
        await api.ready;
        break;
      }
    }
    const tReady = performance.now();
    // New requests at ready: one update to every complaint, and one intake (the start RPC only: no worker involved).
    const probed = complaints.flatMap((ids) => ids.slice(0, PROBES_PER_CLIENT));
    const probesP = Promise.all(probed.map((id, i) => sendNote(-1, id, `${runTag}-probe-${windows.length}-${i}`)));
    const intakeP = (async () => {
      for (;;) {
        const r = await call('POST', '/complaints', intake.key, complaintBody(windows.length), `${runTag}-intake-probe-${windows.length}`).catch(() => ({ status: 0 }));
        if (r.status === 201 || r.status === 200) return performance.now() - tReady;
        if (performance.now() - tReady > GIVE_UP_MS) return Number.POSITIVE_INFINITY;
        await sleep(100);
      }
    })();
    await sleep(RECOVERY_WINDOW_MS);
    const tEnd = performance.now();
    await allDone(tEnd, GIVE_UP_MS + 5_000);
    await draining;
    const w: Window = { fault, tBase, tKill, tReady, tEnd, inFlightAtKill, probes: await probesP, restartAttempts, retries: retries - retries0, intakeMs: await intakeP, load };
    windows.push(w);
    const affected = [...inFlightAtKill, ...reqs.filter((r) => r.sentAt >= tKill && r.sentAt < tReady)];
    ctx.progress(
      `fault: ${FAULT_LABEL[fault]}: ready after ${ms(tReady - tKill)} ms; in flight done at (ms after ready) ` +
        `${affected.map((r) => ms((r.doneAt ?? Number.POSITIVE_INFINITY) - tReady)).join(' ')}; new max ${ms(Math.max(...w.probes.map((r) => (r.doneAt ?? Number.POSITIVE_INFINITY) - r.sentAt)))} ms; intake ${ms(w.intakeMs)} ms`,
    );
  }

  sending = false;
  await Promise.all(clients);

  const rows: FaultRow[] = windows.map((w) => {
    const affected = [...w.inFlightAtKill, ...reqs.filter((r) => r.sentAt >= w.tKill && r.sentAt < w.tReady)];
    const lastDone = Math.max(w.tReady, ...affected.map((r) => r.doneAt ?? Number.POSITIVE_INFINITY));
    const fresh = w.probes;
    const freshLat = fresh.map((r) => (r.doneAt ?? Number.POSITIVE_INFINITY) - r.sentAt);
    // Requests sent and answered in the steady state before the kill.
    const base = reqs.filter((r) => r.client >= 0 && r.sentAt >= w.tBase && r.doneAt !== undefined && r.doneAt < w.tKill).map((r) => r.doneAt! - r.sentAt);
    return {
      fault: w.fault,
      restartMs: w.tReady - w.tKill,
      inFlight: affected.length,
      inFlightRecoveryMs: lastDone - w.tReady,
      inFlightFromKillMs: lastDone - w.tKill,
      fresh: fresh.length,
      freshP50Ms: median(freshLat),
      freshMaxMs: Math.max(...freshLat),
      baselineP50Ms: median(base),
      baselineMaxMs: Math.max(...base),
      intakeMs: w.intakeMs,
      retries: w.retries,
      restartAttempts: w.restartAttempts,
      load: w.load,
      failures: reqs.filter((r) => r.failure && r.sentAt >= w.tBase && r.sentAt < w.tEnd).map((r) => r.failure!),
    };
  });
  const baselineLat = latencies(tSteady + STEADY_MS / 2, tSteadyEnd);
  // The raw timeline, for a closer look (kept with BENCH_KEEP_TMP=1).
  const wall = (t: number) => new Date(Date.now() - (performance.now() - t)).toISOString();
  writeFileSync(
    path.join(ctx.dir, 'fault-trace.json'),
    JSON.stringify({
      windows: windows.map((w) => ({ fault: w.fault, base: wall(w.tBase), kill: wall(w.tKill), ready: wall(w.tReady), end: wall(w.tEnd) })),
      requests: reqs.map((r) => ({ key: r.key, complaintId: r.complaintId, sent: wall(r.sentAt), done: r.doneAt && wall(r.doneAt), ms: r.doneAt && Math.round(r.doneAt - r.sentAt), attempts: r.attempts, failure: r.failure })),
    }, null, 1),
  );

  // Exactly once: every acknowledged note is in the complaint once (GET /complaints/:id), none twice,
  // and the audit trail has one add_note event per note.
  const finals = new Map<string, string[]>();
  let auditMismatches = 0;
  for (const id of complaints.flat()) {
    const got = await call('GET', `/complaints/${id}`, agent.key, undefined);
    const notes = ((got.body?.notes ?? []) as { text: string }[]).map((n) => n.text);
    finals.set(id, notes);
    const audited = await models.AuditEvent.countDocuments({ entityId: id, action: 'add_note' });
    if (audited !== notes.length) auditMismatches++;
  }
  let lost = 0;
  let duplicated = 0;
  let unknownOutcome = 0;
  for (const r of reqs) {
    const n = finals.get(r.complaintId)!.filter((t) => t === `note ${r.key}`).length;
    if (n > 1) duplicated++;
    if (r.doneAt !== undefined && n === 0) lost++;
    if (r.doneAt === undefined) unknownOutcome++;
  }

  await Promise.all([worker.kill('SIGTERM'), api.kill('SIGTERM')]);
  return {
    rows,
    baseline: { n: baselineLat.length, p50: median(baselineLat), p99: percentile(baselineLat, 99), max: Math.max(...baselineLat) },
    acknowledged: reqs.filter((r) => r.doneAt !== undefined).length,
    lost,
    duplicated,
    auditMismatches,
    unknownOutcome,
    skipped,
    downMs,
  };
}

const ms = (v: number) => (v === Number.POSITIVE_INFINITY ? 'never' : `${fmt(v, 0)}`);

/** The report section: one row per process killed. */
export function faultSection(f: FaultFigures, number = 7): string {
  const title = `${number}. Fault recovery: each process killed once and restarted${f.downMs ? ` after ${fmt(f.downMs / 1000)} s` : ' at once'}, updates in flight`;
  const rows = f.rows.map((r) => [
    FAULT_LABEL[r.fault],
    `${ms(r.restartMs)}${r.restartAttempts > 1 ? ` (${r.restartAttempts} starts)` : ''}`,
    `${r.inFlight}`,
    ms(r.inFlightRecoveryMs),
    ms(r.inFlightFromKillMs),
    `${r.fresh}`,
    ms(r.freshP50Ms),
    ms(r.freshMaxMs),
    `${ms(r.baselineP50Ms)} / ${ms(r.baselineMaxMs)}`,
    ms(r.intakeMs),
    `${r.retries}`,
    fmt(r.load, 1),
  ]);
  const failures = f.rows.flatMap((r) => r.failures.map((e) => `${r.fault}: ${e}`));
  return section(title, [
    ...table(['process killed', 'restart ms', 'in flight', 'ready->done ms', 'kill->done ms', 'new', 'new p50 ms', 'new max ms', 'baseline p50/max ms', 'intake ms', 'retries', 'load'], rows).map((l): [string, string] => ['', l]),
    ['', ''],
    ['steady state', `update latency before the first kill: p50 ${ms(f.baseline.p50)} ms, p99 ${ms(f.baseline.p99)} ms, max ${ms(f.baseline.max)} ms (${f.baseline.n} requests)`],
    ['exactly once', `${f.acknowledged} acknowledged updates: ${f.lost} lost, ${f.duplicated} applied twice; ${f.unknownOutcome} without an answer at the end; audit trail off on ${f.auditMismatches} complaint(s)`],
    ['target', `recovery <= 3000 ms from ready for in-flight and new requests: ${f.rows.every((r) => r.inFlightRecoveryMs <= 3000 && r.freshMaxMs <= 3000) ? 'met' : 'not met'}`],
    ['load', `${CLIENTS} clients, one add-note at a time each (${THINK_MS} ms pause), ${COMPLAINTS_PER_CLIENT} complaints per client; retry on 503/no answer every 100 ms with the same Idempotency-Key`],
    ['measured', 'from the restarted process being ready (worker polling, Temporal namespace served, FerretDB listening, API listening); worker SIGTERM: a rolling restart, the replacement polls before the old worker gets SIGTERM, so from the SIGTERM; load = 1-min load average at the kill'],
    ['in flight', 'requests sent before the kill or while the process was down: ready -> the last of them answered 200 (kill -> same, next to it)'],
    ['new', `one add-note sent at ready to each of ${CLIENTS * PROBES_PER_CLIENT} complaints cached on the worker before the kill: time to its 200; intake = one POST /complaints at ready`],
    ['baseline', `the same updates in the ${STEADY_MS / 1000} s before that kill (sent and answered before it)`],
    ...(f.skipped.length ? [['skipped', `${f.skipped.join(', ')} (time budget)`] as [string, string]] : []),
    ...(failures.length ? [['failures', failures.slice(0, 5).join('; ')] as [string, string]] : []),
  ]);
}

/** Runs the section on the bench's servers and returns its report text (section `number`). */
export async function runFaultSection(ctx: FaultContext, number?: number): Promise<string> {
  return faultSection(await measureFaultRecovery(ctx), number);
}

/**
 * `tsx bench/fault.ts`: this section alone, on its own Temporal dev server and
 * FerretDB (BENCH_FAULTS=worker,temporal,... picks processes).
 */
async function standalone(): Promise<void> {
  await withStandaloneInfra('fault', async ({ dir, temporal, ferret, bundlePath, progress, onCleanup }) => {
    const runId = randomBytes(4).toString('hex');
    const config = configSchema.parse({
      // The recovery settings can be overridden as in production (QL_TEMPORAL_WORKFLOW_TASK_TIMEOUT_MS, QL_WORKER_STICKY_QUEUE_TIMEOUT_MS).
      temporal: { address: temporal.address, namespace: 'default', taskQueue: `fault-${runId}`, workflowTaskTimeoutMs: process.env[ENV_VARS.temporalWorkflowTaskTimeoutMs] || undefined },
      worker: { stickyQueueTimeoutMs: process.env[ENV_VARS.workerStickyQueueTimeoutMs] || undefined },
      mongo: { uri: `${ferret.uri}/qlfault_${runId}` },
      api: { port: 0, host: '127.0.0.1' },
      logLevel: 'silent',
      secrets: { apiKeyPepper: randomBytes(16).toString('hex'), webhookSecret: randomBytes(16).toString('hex') },
      notifications: { webhookUrls: '' },
    });
    const faults = process.env.BENCH_FAULTS?.split(',').map((f) => {
      if (!(FAULTS as readonly string[]).includes(f)) throw new Error(`BENCH_FAULTS: unknown process ${f} (one of ${FAULTS.join(', ')})`);
      return f as Fault;
    });
    const downMs = Number(process.env.BENCH_FAULT_DOWN_MS ?? 0);
    console.log(await runFaultSection({ dir, temporal, ferret, bundlePath, config, faults, downMs, progress, onCleanup }));
  });
}

if (require.main === module) runStandalone(standalone);
