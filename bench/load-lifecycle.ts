/**
 * Sustained load: the whole complaint lifecycle over HTTP (intake,
 * acknowledge, public note, resolve, close) at a fixed arrival rate for a
 * fixed time, with one and then two worker processes (worker/main.ts as child
 * processes, bench/worker-process.ts) on one task queue.
 *
 * Open loop: lifecycle i starts at t0 + i / rate whether or not the earlier
 * ones have finished; each lifecycle sends its five requests one after the
 * other. The rate steps up (BENCH_LOAD_RATES [0.5,1,2,4,6,8,12] lifecycles/s,
 * BENCH_LOAD_STEP_S [15] s each) and stops at the first step that fails:
 * a failed request, an action's p99 over 1 s, or a backlog that did not stay
 * bounded. The report names the highest rate that passed, per worker count
 * (BENCH_LOAD_WORKERS [1,2]).
 *
 * Next to each action, a bare Temporal Update round trip on the same server,
 * task queue and workers: the bare client (no HTTP) sends an `acknowledge`
 * update whose request id the complaint workflow has already applied, so the
 * workflow answers it from its request log: client -> Temporal -> a workflow
 * task on a worker -> Temporal -> client, accepted and completed in history,
 * no activity, no database write. No workflow is added for the bench: this is
 * the cheapest accepted update the production workflow has. It is measured
 * idle (one at a time, before the steps) and under load (BENCH_LOAD_ECHO_RATE
 * [2] per second during each step, on complaints of their own).
 *
 * Backlog: lifecycles in flight when arrivals stop, against what a steady
 * system holds at that rate (Little: rate x the p99 lifecycle time of the
 * lifecycles started in the step's first half, + 1); and every started
 * lifecycle must finish within BENCH_LOAD_DRAIN_S [20] s after.
 * Worker CPU = (utime + stime) delta over the arrival window / wall time, in %
 * of one core (/proc/<pid>/stat); RSS = peak VmRSS sampled every 500 ms.
 *
 * `npx tsx bench/load-lifecycle.ts` runs this section alone (own Temporal dev
 * server and FerretDB; `bash scripts/prepare.sh temporal ferretdb` first);
 * `npm run bench` runs it before the fault section.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import type { FerretDb, TemporalDevServer } from '../infra/launch';
import { createApp } from '../src/api/app';
import { type Config, configSchema } from '../src/config';
import { complaintUpdates, complaintWorkflowId } from '../src/contracts/complaint';
import { connectDatabase, type Models } from '../src/db/models';
import { DEMO_USERS, seedDemoData } from '../src/db/seed';
import type { Actor } from '../src/domain/actors';
import { createLogger } from '../src/logger';
import { complaintIdFor } from '../src/services/complaints';
import { apiIntake, complaintBody } from './load';
import { runStandalone, withStandaloneInfra } from './standalone';
import { fmt, percentile, section, sleep, table } from './stats';
import { type WorkerChild, cpuMsOf, rssOf, spawnWorker, workerEnv } from './worker-process';

const ACTIONS = ['intake', 'acknowledge', 'note', 'resolve', 'close'] as const;
type Action = (typeof ACTIONS)[number];
/** The p99 every action must stay under. */
const TARGET_MS = 1000;
const MiB = 1024 * 1024;

export interface LoadSettings {
  rates: number[];
  stepSeconds: number;
  workers: number[];
  drainSeconds: number;
  echoRate: number;
  /** Lifecycles before the first step (one at a time): caches, JIT, connections. */
  warmup: number;
  /** Idle echo updates (one at a time) before the first step. */
  echoIdle: number;
}

export function loadSettingsFromEnv(): LoadSettings {
  const list = (name: string, dflt: string) =>
    (process.env[name] || dflt).split(',').map((v) => {
      const n = Number(v);
      if (!(n > 0)) throw new Error(`${name} must be a comma-separated list of positive numbers, got ${process.env[name]}`);
      return n;
    });
  const num = (name: string, dflt: number) => list(name, String(dflt))[0]!;
  return {
    rates: list('BENCH_LOAD_RATES', '0.5,1,2,4,6,8,12'),
    stepSeconds: num('BENCH_LOAD_STEP_S', 15),
    workers: list('BENCH_LOAD_WORKERS', '1,2').map(Math.round),
    drainSeconds: num('BENCH_LOAD_DRAIN_S', 20),
    echoRate: num('BENCH_LOAD_ECHO_RATE', 2),
    warmup: Math.round(num('BENCH_LOAD_WARMUP', 6)),
    echoIdle: Math.round(num('BENCH_LOAD_ECHO_IDLE', 40)),
  };
}

export interface LoadContext {
  dir: string;
  temporal: TemporalDevServer;
  ferret: FerretDb;
  bundlePath: string;
  /** A config on the bench's servers for this task queue and database. */
  config(taskQueue: string, database: string): Config;
  /** Serves the API in this process (the bench process is also the load generator); resolves to its base URL. */
  startApi(config: Config, models: Models, client: Client): Promise<string>;
  onCleanup(name: string, fn: () => Promise<void>): void;
  progress(msg: string): void;
  /** Steps not yet started when this much time has passed are skipped. */
  budgetMs?: number;
}

interface StepFigures {
  rate: number;
  started: number;
  finished: number;
  failures: string[];
  /** Lifecycles started but not finished when arrivals stopped, and the steady-state bound for it. */
  inFlightEnd: number;
  inFlightBound: number;
  /** Every started lifecycle finished within the drain time. */
  drained: boolean;
  ms: Record<Action | 'lifecycle' | 'echo', number[]>;
  workerCpuPct: number[];
  workerPeakRssMiB: number[];
  temporalCpuPct: number;
  ferretCpuPct: number;
  /** The bench process: API + load generator. */
  benchCpuPct: number;
  loadAvg: number;
  verdict: string;
  pass: boolean;
}

interface WorkerCountFigures {
  workers: number;
  idleEcho: number[];
  steps: StepFigures[];
  best: number | null;
  skipped: number[];
}

export interface LoadFigures {
  settings: LoadSettings;
  runs: WorkerCountFigures[];
  loadAtStart: string;
  loadAtEnd: string;
}

const intakeUser = DEMO_USERS.find((u) => u.role === 'intake')!;
const agentUser = DEMO_USERS.find((u) => u.id === 'alice')!;
const agentActor: Actor = { id: agentUser.id, role: agentUser.role };
/** The request id the echo complaints have applied once: later updates carrying it are answered from the request log. */
const ECHO_REQUEST_ID = 'bench-echo';

/** One complaint from intake to close over HTTP, timing each request; throws on any answer but 201/200. */
function lifecycleRunner(baseUrl: string, tag: string) {
  const intake = apiIntake(baseUrl, intakeUser.key);
  const act = async (id: string, slug: string, body: unknown) => {
    const res = await fetch(`${baseUrl}/complaints/${id}/${slug}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agentUser.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${slug}: HTTP ${res.status}: ${text.slice(0, 200)}`);
  };
  return async (i: number, record: (action: Action, ms: number) => void): Promise<void> => {
    const key = `${tag}-${i}`;
    const id = complaintIdFor(intakeUser.id, key);
    const steps: [Action, () => Promise<void>][] = [
      ['intake', () => intake(key, complaintBody(i))],
      ['acknowledge', () => act(id, 'acknowledge', {})],
      ['note', () => act(id, 'add-note', { text: `We are on it (#${i})`, visibility: 'public' })],
      ['resolve', () => act(id, 'resolve', { summary: 'Refunded' })],
      ['close', () => act(id, 'close', { rating: 5 })],
    ];
    for (const [action, send] of steps) {
      const t = performance.now();
      await send();
      record(action, performance.now() - t);
    }
  };
}

/** Complaints acknowledged once with ECHO_REQUEST_ID through the bare client; returns a sender of one echo update (its round trip in ms). */
async function echoComplaints(client: Client, baseUrl: string, tag: string, count: number): Promise<() => Promise<number>> {
  const intake = apiIntake(baseUrl, intakeUser.key);
  const handles = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const key = `${tag}-echo-${i}`;
      await intake(key, complaintBody(i));
      const handle = client.workflow.getHandle(complaintWorkflowId(complaintIdFor(intakeUser.id, key)));
      await handle.executeUpdate(complaintUpdates.acknowledge, { args: [{ actor: agentActor, command: { type: 'acknowledge' }, requestId: ECHO_REQUEST_ID }] });
      return handle;
    }),
  );
  let next = 0;
  return async () => {
    const handle = handles[next++ % handles.length]!;
    const t = performance.now();
    // A fresh update id (the SDK's default) each time: Temporal runs it; the workflow's request log answers it.
    await handle.executeUpdate(complaintUpdates.acknowledge, { args: [{ actor: agentActor, command: { type: 'acknowledge' }, requestId: ECHO_REQUEST_ID }] });
    return performance.now() - t;
  };
}

/** Calls `fire(i)` at t0 + i / rate until `seconds` have passed, without waiting for earlier calls. */
async function openLoop(rate: number, seconds: number, fire: (i: number) => void): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; ; i++) {
    const due = t0 + (i * 1000) / rate;
    if (due >= t0 + seconds * 1000) break;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    fire(i);
  }
  const left = t0 + seconds * 1000 - performance.now();
  if (left > 0) await sleep(left);
}

async function runStep(opts: {
  rate: number;
  settings: LoadSettings;
  lifecycle: ReturnType<typeof lifecycleRunner>;
  echo: () => Promise<number>;
  workers: WorkerChild[];
  ctx: LoadContext;
}): Promise<StepFigures> {
  const { rate, settings, lifecycle, echo, workers, ctx } = opts;
  const ms: StepFigures['ms'] = { intake: [], acknowledge: [], note: [], resolve: [], close: [], lifecycle: [], echo: [] };
  const failures: string[] = [];
  const startedAt: number[] = [];
  const lifecycleMsByStart: { at: number; ms: number }[] = [];
  let finished = 0;
  const pending: Promise<void>[] = [];

  const pids = { workers: workers.map((w) => w.pid), temporal: ctx.temporal.pid, ferret: ctx.ferret.pid };
  const peakRss = workers.map(() => 0);
  const sampleRss = () => workers.forEach((w, k) => (peakRss[k] = Math.max(peakRss[k]!, rssOf(w.pid))));
  const sampler = setInterval(sampleRss, 500);
  const cpu0 = { workers: pids.workers.map(cpuMsOf), temporal: cpuMsOf(pids.temporal), ferret: cpuMsOf(pids.ferret), bench: process.cpuUsage() };
  const t0 = performance.now();

  const arrivals = openLoop(rate, settings.stepSeconds, (i) => {
    const at = performance.now() - t0;
    startedAt.push(at);
    pending.push(
      lifecycle(i, (action, v) => ms[action].push(v)).then(
        () => {
          const total = performance.now() - t0 - at;
          ms.lifecycle.push(total);
          lifecycleMsByStart.push({ at, ms: total });
          finished++;
        },
        (err: Error) => void failures.push(err.message),
      ),
    );
  });
  const echoes = openLoop(settings.echoRate, settings.stepSeconds, () => {
    pending.push(echo().then((v) => void ms.echo.push(v), (err: Error) => void failures.push(`echo: ${err.message}`)));
  });
  await Promise.all([arrivals, echoes]);

  const wallMs = performance.now() - t0;
  const pct = (before: number, after: number) => ((after - before) / wallMs) * 100;
  const benchCpu = process.cpuUsage(cpu0.bench);
  const workerCpuPct = pids.workers.map((pid, k) => pct(cpu0.workers[k]!, cpuMsOf(pid)));
  const temporalCpuPct = pct(cpu0.temporal, cpuMsOf(pids.temporal));
  const ferretCpuPct = pct(cpu0.ferret, cpuMsOf(pids.ferret));
  sampleRss();
  clearInterval(sampler);
  const inFlightEnd = startedAt.length - finished - failures.filter((f) => !f.startsWith('echo:')).length;
  const early = lifecycleMsByStart.filter((l) => l.at < (settings.stepSeconds * 1000) / 2).map((l) => l.ms);
  const inFlightBound = Math.ceil((rate * percentile(early, 99)) / 1000) + 1;

  let timer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    Promise.all(pending).then(() => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), settings.drainSeconds * 1000))),
  ]);
  clearTimeout(timer);

  const worst = ACTIONS.map((a) => [a, percentile(ms[a], 99)] as const).reduce((w, x) => (x[1] > w[1] ? x : w));
  const bounded = drained && inFlightEnd <= inFlightBound;
  const verdict =
    failures.length > 0
      ? `failed: ${failures.length} request(s)`
      : !bounded
        ? `backlog grew (${inFlightEnd} in flight > ${inFlightBound}${drained ? '' : `, not drained in ${settings.drainSeconds} s`})`
        : worst[1] > TARGET_MS
          ? `${worst[0]} p99 ${fmt(worst[1], 0)} ms > ${TARGET_MS}`
          : 'pass';
  return {
    rate,
    started: startedAt.length,
    finished,
    failures,
    inFlightEnd,
    inFlightBound,
    drained,
    ms,
    workerCpuPct,
    workerPeakRssMiB: peakRss.map((b) => b / MiB),
    temporalCpuPct,
    ferretCpuPct,
    benchCpuPct: ((benchCpu.user + benchCpu.system) / 1000 / wallMs) * 100,
    loadAvg: os.loadavg()[0]!,
    verdict,
    pass: verdict === 'pass',
  };
}

/** One worker count: its own task queue, database, API and worker processes; the rate steps until one fails. */
async function runWorkerCount(ctx: LoadContext, settings: LoadSettings, client: Client, count: number, runId: string, t0: number): Promise<WorkerCountFigures> {
  const config = ctx.config(`bench-load-${count}w-${runId}`, `qlbench_load_${count}w_${runId}`);
  const models = await connectDatabase(config.mongo.uri);
  ctx.onCleanup(`load (${count} workers): mongo connection`, () => models.connection.close());
  await seedDemoData(models, config.secrets.apiKeyPepper);
  const baseUrl = await ctx.startApi(config, models, client);

  ctx.progress(`load: starting ${count} worker process(es)`);
  const workers: WorkerChild[] = [];
  // One after the other: start-up is not what this section measures (test/integration/two-workers.test.ts starts them together).
  for (let k = 0; k < count; k++) {
    const w = spawnWorker(workerEnv(config, ctx.bundlePath), path.join(ctx.dir, `load-${count}w-worker-${k}.log`));
    ctx.onCleanup(`load: worker ${w.pid}`, () => w.stop());
    workers.push(w);
    await w.ready;
  }

  const tag = `${runId}-${count}w`;
  const lifecycle = lifecycleRunner(baseUrl, tag);
  for (let i = 0; i < settings.warmup; i++) await lifecycle(-1 - i, () => undefined);
  const echo = await echoComplaints(client, baseUrl, tag, 4);
  const idleEcho: number[] = [];
  for (let i = 0; i < settings.echoIdle; i++) idleEcho.push(await echo());

  const steps: StepFigures[] = [];
  const skipped: number[] = [];
  let lifecycleN = 0;
  for (const rate of settings.rates) {
    if (steps.some((s) => !s.pass)) break;
    if (ctx.budgetMs !== undefined && performance.now() - t0 > ctx.budgetMs) {
      skipped.push(rate);
      continue;
    }
    ctx.progress(`load: ${count} worker(s), ${rate} lifecycles/s for ${settings.stepSeconds} s`);
    const base = lifecycleN;
    lifecycleN += Math.ceil(rate * settings.stepSeconds) + 1;
    const step = await runStep({ rate, settings, lifecycle: (i, record) => lifecycle(base + i, record), echo, workers, ctx });
    ctx.progress(`load: ${count} worker(s), ${rate}/s: ${step.verdict}${step.failures[0] ? ` (first: ${step.failures[0]})` : ''}`);
    steps.push(step);
    await sleep(1000);
  }
  await Promise.all(workers.map((w) => w.stop()));
  const passed = steps.filter((s) => s.pass).map((s) => s.rate);
  return { workers: count, idleEcho, steps, best: passed.length ? Math.max(...passed) : null, skipped };
}

export async function measureLoadLifecycle(ctx: LoadContext, settings = loadSettingsFromEnv()): Promise<LoadFigures> {
  const t0 = performance.now();
  const loadAtStart = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const connection = await Connection.connect({ address: ctx.temporal.address });
  ctx.onCleanup('load: Temporal connection', () => connection.close());
  const client = new Client({ connection, namespace: 'default' });
  const runId = randomBytes(4).toString('hex');
  const runs: WorkerCountFigures[] = [];
  for (const count of settings.workers) runs.push(await runWorkerCount(ctx, settings, client, count, runId, t0));
  return { settings, runs, loadAtStart, loadAtEnd: os.loadavg().map((l) => l.toFixed(2)).join(' ') };
}

const p = (values: number[]) => `${fmt(percentile(values, 50), 0)}/${fmt(percentile(values, 99), 0)}`;

/** The report section: one table row per step and worker count, then the highest passing rate per worker count. */
export function loadSection(f: LoadFigures, number: number): string {
  const s = f.settings;
  const rows = f.runs.flatMap((r) =>
    r.steps.map((st) => [
      `${r.workers}`,
      fmt(st.rate, st.rate % 1 ? 1 : 0),
      `${st.started}/${st.finished}`,
      `${st.inFlightEnd}/${st.inFlightBound}`,
      ...ACTIONS.map((a) => p(st.ms[a])),
      p(st.ms.echo),
      p(st.ms.lifecycle),
      st.workerCpuPct.map((c) => fmt(c, 0)).join('+'),
      st.workerPeakRssMiB.map((m) => fmt(m, 0)).join('+'),
      `${fmt(st.temporalCpuPct, 0)}/${fmt(st.ferretCpuPct, 0)}/${fmt(st.benchCpuPct, 0)}`,
      fmt(st.loadAvg, 1),
      st.verdict,
    ]),
  );
  const cpus = os.cpus();
  return section(`${number}. Sustained load: the complaint lifecycle at a fixed arrival rate (open loop), 1 and 2 worker processes`, [
    ...table(
      ['workers', 'rate/s', 'started/done', 'in flight end/bound', ...ACTIONS.map((a) => `${a} p50/p99`), 'bare update p50/p99', 'lifecycle p50/p99', 'worker CPU %', 'worker RSS MiB', 'Temporal/Ferret/API CPU %', 'load', 'verdict'],
      rows,
    ).map((l): [string, string] => ['', l]),
    ['', ''],
    ...f.runs.map((r): [string, string] => [
      `${r.workers} worker${r.workers > 1 ? 's' : ''}`,
      `highest rate with every action's p99 < ${TARGET_MS} ms, no failure, backlog bounded: ${r.best === null ? `none of ${s.rates.join(', ')}/s` : `${r.best} lifecycles/s (${r.best * ACTIONS.length} requests/s)`}; ` +
        `bare update idle p50/p99 ${p(r.idleEcho)} ms (${r.idleEcho.length} one at a time)${r.skipped.length ? `; skipped (time budget): ${r.skipped.join(', ')}/s` : ''}`,
    ]),
    ['machine', `${cpus[0]?.model ?? 'unknown'} x ${cpus.length}; load average ${f.loadAtStart} at start, ${f.loadAtEnd} at end of this section (1/5/15 min)`],
    ['method', `open loop: lifecycle i starts at i/rate, each sends its 5 requests in turn; ${s.stepSeconds} s per rate; rates ${s.rates.join(', ')}/s, stopping at the first that fails; ${s.warmup} warm-up lifecycles first`],
    ['times', 'ms, p50/p99 nearest rank (a step with < 100 samples reports its maximum as p99); each action from request sent to answer; lifecycle = intake sent -> close answered'],
    ['bare update', `the cheapest accepted update of the complaint workflow, via the bare client: an acknowledge carrying a request id it already applied (answered from its request log: one workflow task, no activity, no write); ${s.echoRate}/s during each step`],
    ['backlog', `in flight when arrivals stop / bound = ceil(rate x p99 lifecycle time of the first half) + 1; bounded = at or under the bound and all done within ${s.drainSeconds} s`],
    ['CPU, RSS', 'worker CPU = utime+stime over the arrival window in % of one core, per process (a+b); RSS = peak VmRSS per worker; API = the bench process (API in-process + load generator)'],
    [
      'actions',
      'intake = POST /complaints (201 once the workflow is started); each other action answers once the workflow applied the update and persisted it (read model, audit ' +
        'event, outbox); acknowledge, sent right after the 201, also waits for the registration (SLA policy lookup, first write)',
    ],
    ...f.runs.flatMap((r) => r.steps.filter((st) => st.failures.length).map((st): [string, string] => [`failures ${r.workers}w ${st.rate}/s`, st.failures.slice(0, 3).join('; ')])),
  ]);
}

/** Runs the section on the bench's servers and returns its report text (section `number`). */
export async function runLoadSection(ctx: LoadContext, number: number): Promise<string> {
  return loadSection(await measureLoadLifecycle(ctx), number);
}

/** The API in this process on a free loopback port (standalone run; bench/run.ts passes its own). */
async function serveApi(config: Config, models: Models, client: Client, onCleanup: LoadContext['onCleanup']): Promise<string> {
  const server = http.createServer(createApp({ config, models, client, log: createLogger(config, 'api') }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  onCleanup('load: API server', () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** `npx tsx bench/load-lifecycle.ts`: this section alone, on its own Temporal dev server and FerretDB. */
async function standalone(): Promise<void> {
  await withStandaloneInfra('load', async ({ dir, temporal, ferret, bundlePath, progress, onCleanup }) => {
    const secrets = { apiKeyPepper: randomBytes(16).toString('hex'), webhookSecret: randomBytes(16).toString('hex') };
    const config = (taskQueue: string, database: string): Config =>
      configSchema.parse({
        temporal: { address: temporal.address, namespace: 'default', taskQueue },
        mongo: { uri: `${ferret.uri}/${database}` },
        // The bench's one agent sends most requests: the production per-user limit would throttle it.
        api: { port: 0, host: '127.0.0.1', rateLimit: { perMinute: 60_000, burst: 1000 } },
        logLevel: 'silent',
        secrets,
        notifications: { webhookUrls: '' },
      });
    const ctx: LoadContext = { dir, temporal, ferret, bundlePath, config, startApi: (c, m, cl) => serveApi(c, m, cl, onCleanup), onCleanup, progress };
    console.log(await runLoadSection(ctx, 1));
  });
}

if (require.main === module) runStandalone(standalone);
