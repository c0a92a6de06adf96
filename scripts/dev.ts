/**
 * `npm run dev`: the whole system on the embedded default, one command.
 * Temporal dev server (SQLite file + Web UI) + FerretDB (on PostgreSQL) +
 * a local mail catcher (scripts/mail-catcher.ts: customer emails land there) +
 * worker + API serving the web app (built here when its sources changed),
 * with demo calendar, SLA policies, users, service areas,
 * triggers and thirteen weeks of complaint history seeded; the triggers are
 * evaluated once at start, and the billing area gets its last month's review. Data lives in
 * ./data and survives restarts. Ctrl-C stops everything it started.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { type Config, ENV_VARS, loadConfig } from '../src/config';
import { QUALITY_LOOP_SCHEDULE_ID, QUALITY_LOOP_WORKFLOW, type QualityLoopResult } from '../src/contracts/quality-loop';
import { addDays, isoWeek } from '../src/domain/kpi';
import { connectDatabase } from '../src/db/models';
import { DEMO_PASSWORDS, DEMO_USERS, seedDemoData } from '../src/db/seed';
import { seedDemoHistory } from './demo-history';
import { provision, startFerretDb, startTemporalDevServer } from '../infra/launch';
import { startMailCatcher } from './mail-catcher';
import { seedVoiceDemo } from './demo-voice';

const ROOT = path.resolve(__dirname, '..');
const DATA = path.join(ROOT, 'data');
const TEMPORAL_DB = path.join(DATA, 'temporal.db');
const port = (name: string, dflt: number) => Number(process.env[name] ?? dflt);

interface DevSecrets {
  pepper: string;
  webhook: string;
  /** Ed25519 key pair for audit digests (PKCS#8 / SPKI DER, base64). */
  auditSigningKey: string;
  auditPublicKey: string;
}

function devSecrets(): DevSecrets {
  const file = path.join(DATA, 'dev-secrets.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>) : {};
  if (stored.pepper && stored.webhook && stored.auditSigningKey && stored.auditPublicKey) return stored as DevSecrets;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const secrets: DevSecrets = {
    pepper: stored.pepper ?? randomBytes(24).toString('hex'),
    webhook: stored.webhook ?? randomBytes(24).toString('hex'),
    auditSigningKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    auditPublicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

/** Newest modification time (ms) of a file, or of any file under a directory. */
function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(p).reduce((max, name) => Math.max(max, newestMtime(path.join(p, name))), st.mtimeMs);
}

/**
 * The web app's inputs: its sources, page and build config, the API's src/ (the web app imports its
 * schemas, contracts and permission matrix; all of src/ is compared, a superset), and the lockfile.
 */
const WEB_INPUTS = ['web/src', 'web/index.html', 'web/vite.config.mts', 'web/tsconfig.json', 'src', 'package-lock.json'].map((p) => path.join(ROOT, p));
const WEB_BUILT = path.join(ROOT, 'web/dist/index.html');

/**
 * Builds the web app (`npm run build:web` into web/dist, which the API serves under /app/) unless
 * web/dist is newer than every input. Resolves to a line for the start-up summary; a failed build
 * does not stop the API (it then answers /app/ with 503 WEB_APP_NOT_BUILT).
 */
function buildWebApp(): Promise<string> {
  const built = existsSync(WEB_BUILT) ? statSync(WEB_BUILT).mtimeMs : 0;
  if (built > 0 && built > Math.max(...WEB_INPUTS.map(newestMtime))) return Promise.resolve('web app up to date (web/dist)');
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'build:web'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err) => resolve(`web app NOT built: ${err.message}`));
    child.on('exit', (code) => {
      if (code === 0) return resolve(`web app built in ${((Date.now() - t0) / 1000).toFixed(1)}s (web/dist)`);
      console.error(`[dev] npm run build:web failed (exit ${code}):\n${stderr.slice(-4000)}`);
      resolve('web app NOT built (see the error above; /app/ answers 503 until `npm run build:web` succeeds)');
    });
  });
}

function run(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  // One process per service (`node --import tsx`), so signals reach the service itself.
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[dev] ${name} exited (${signal ?? code}); stopping`);
      void stopAll(1);
    }
  });
  return child;
}

let stopping = false;
const stoppers: (() => Promise<void>)[] = [];
async function stopAll(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  process.exit(code);
}

/**
 * The Temporal dev server does not upgrade the schema of an existing SQLite
 * file. A file from an older server opens, but schedules then fail: moving
 * from Temporal CLI v1.5.1 (Server 1.29.1) to CLI 1.9.1 (Server 1.32.0), the
 * worker exits with "no such table: current_chasm_executions" when it sets up
 * the audit-digest schedule. So the server version that created
 * data/temporal.db is recorded next to it (TEMPORAL_DB.server-version), and
 * another version stops here with what to do, before anything is started or
 * changed. Returns a function that records the version once the server is up.
 */
function checkTemporalDb(temporalCli: string): () => void {
  const about = execFileSync(temporalCli, ['--version'], { encoding: 'utf8' }).trim();
  const server = /Server ([\w.+-]+)/.exec(about)?.[1] ?? about;
  const marker = `${TEMPORAL_DB}.server-version`;
  const record = () => writeFileSync(marker, `${server}\n`);
  if (!existsSync(TEMPORAL_DB)) return record;
  // Files without a record were made by qualityloop's earlier CLI, v1.5.1 (Server 1.29.1).
  const created = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : '1.29.1';
  if (created === server) return record;
  console.error(`
[dev] data/temporal.db was created by Temporal Server ${created}; this run's Temporal CLI is
      ${about}.
      The dev server does not upgrade an existing database file: it would open, but the worker would
      fail (for 1.29.1 -> 1.32.0: "no such table: current_chasm_executions" at the audit-digest schedule).
      Nothing was started or changed. Either:
        - start afresh on the new server, keeping the old data aside (Temporal's workflows live in
          data/temporal.db, the complaints and cycles that refer to them in data/ferretdb, so move both):
            mv data data.server-${created} && npm run dev
        - or keep running the server that created it${created === '1.29.1' ? `: QUALITYLOOP_NO_WHEELS=1 npm run dev
          (uses Temporal CLI v1.5.1, Server 1.29.1, built from the Go module proxy: minutes the first time)` : ` (Temporal Server ${created}).`}
`);
  process.exit(1);
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const t0 = Date.now();
  const tools = provision('temporal', 'ferretdb');
  // Built while the servers start (a couple of seconds on two cores).
  const webBuild = buildWebApp();
  const recordTemporalDb = checkTemporalDb(tools.TEMPORAL_CLI);
  process.once('SIGINT', () => void stopAll());
  process.once('SIGTERM', () => void stopAll());

  const ferret = await startFerretDb({ dataDir: path.join(DATA, 'ferretdb'), port: port('QL_DEV_MONGO_PORT', 27017), logFile: path.join(DATA, 'logs/ferretdb.log') });
  stoppers.push(() => ferret.stop());
  const temporal = await startTemporalDevServer({
    dbFile: TEMPORAL_DB,
    port: port('QL_DEV_TEMPORAL_PORT', 7233),
    uiPort: port('QL_DEV_TEMPORAL_UI_PORT', 8233),
    logFile: path.join(DATA, 'logs/temporal.log'),
  });
  stoppers.push(() => temporal.stop());
  recordTemporalDb();
  const mail = await devMail();
  if (mail.stop) stoppers.push(mail.stop);

  const secrets = devSecrets();
  const apiPort = port('QL_DEV_API_PORT', 8080);
  // The API's Prometheus listener (the API process only: each process needs a port of its own).
  const apiMetricsPort = port('QL_DEV_API_METRICS_PORT', 9464);
  const workerMetricsPort = port('QL_DEV_WORKER_METRICS_PORT', 9465);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [ENV_VARS.temporalAddress]: temporal.address,
    [ENV_VARS.temporalNamespace]: 'default',
    [ENV_VARS.taskQueue]: 'qualityloop',
    [ENV_VARS.mongoUri]: `${ferret.uri}/qualityloop`,
    [ENV_VARS.apiPort]: String(apiPort),
    [ENV_VARS.apiHost]: '127.0.0.1',
    [ENV_VARS.publicUrl]: `http://127.0.0.1:${apiPort}`,
    [ENV_VARS.temporalUiUrl]: temporal.uiUrl,
    [ENV_VARS.apiKeyPepper]: secrets.pepper,
    [ENV_VARS.webhookSecret]: secrets.webhook,
    [ENV_VARS.auditSigningKey]: secrets.auditSigningKey,
    [ENV_VARS.auditPublicKey]: secrets.auditPublicKey,
    // Digests every 5 minutes in development, so GET /audit/digests/latest soon has one.
    [ENV_VARS.auditDigestIntervalMinutes]: process.env[ENV_VARS.auditDigestIntervalMinutes] ?? '5',
    [ENV_VARS.logLevel]: process.env[ENV_VARS.logLevel] ?? 'info',
    // Customer emails go to the local catcher (or to the relay in QL_SMTP_URL, when set).
    [ENV_VARS.smtpUrl]: mail.smtpUrl,
  };
  const config = loadConfig(env);
  const models = await connectDatabase(config.mongo.uri);
  await seedDemoData(models, config.secrets.apiKeyPepper);
  const history = await seedDemoHistory(models);
  if (history.written) console.log(`demo history: ${history.complaints} closed complaints and service volume from ${history.from} to ${history.to} (scripts/demo-history.ts)`);
  await models.connection.close();

  // Each process its own metrics port: the worker's is the Temporal SDK's exporter (temporal_* and qualityloop_activity_*).
  const worker = run('worker', 'worker/main.ts', { ...env, [ENV_VARS.metricsPort]: String(workerMetricsPort) });
  stoppers.push(() => stopChild(worker));
  const api = run('api', 'src/api/main.ts', { ...env, [ENV_VARS.metricsPort]: String(apiMetricsPort) });
  stoppers.push(() => stopChild(api));
  await waitReady(`http://127.0.0.1:${apiPort}/readyz`);
  const webStatus = await webBuild;

  const key = DEMO_USERS.find((u) => u.role === 'agent')!.key;
  const ownerKey = DEMO_USERS.find((u) => u.role === 'process_owner')!.key;
  await startDemoCycle(`http://127.0.0.1:${apiPort}`, ownerKey);
  const loop = await firstTriggerRun(config);
  const review = await demoReview(`http://127.0.0.1:${apiPort}`, ownerKey, history.to);
  // Surveys answered by demo customers through their own links (their invitations are in the mail catcher).
  const surveys = await seedVoiceDemo({ baseUrl: `http://127.0.0.1:${apiPort}`, config, ownerKey }).catch((err: Error) => [`not created: ${err.message}`]);
  const weeks = `from=${history.from}&to=${history.to}`;
  // The demo triggers' baseline: the weeks before billing's shift.
  const baseline = `baselineFrom=${isoWeek(addDays(history.from, 7))}&baselineTo=${isoWeek(addDays(history.from, 55))}`;
  // Every demo person has a web sign-in (seedDemoData); the intake integration only its API key.
  const people = DEMO_PASSWORDS.map((p) => ({ ...p, role: DEMO_USERS.find((u) => u.id === p.userId)!.role }));
  console.log(`
  Web app          http://127.0.0.1:${apiPort}/app/   (${webStatus})
  ${mail.line}

Sign in with (user / password):
${people.map((p) => `  ${p.role.padEnd(13)} ${p.userId.padEnd(8)} ${p.password}`).join('\n')}

qualityloop is running (started in ${((Date.now() - t0) / 1000).toFixed(1)}s; data in ./data)

  API              http://127.0.0.1:${apiPort}
  API docs         http://127.0.0.1:${apiPort}/docs   (OpenAPI: /openapi.json)
  Temporal Web UI  ${temporal.uiUrl}
  Temporal gRPC    ${temporal.address}
  MongoDB (FerretDB) ${ferret.uri}/qualityloop
  API metrics      http://127.0.0.1:${apiMetricsPort}/metrics   (Prometheus text; docs/operations.md)
  Worker metrics   http://127.0.0.1:${workerMetricsPort}/metrics

Demo users and API keys (Authorization: Bearer <key>):
${DEMO_USERS.map((u) => `  ${u.role.padEnd(13)} ${u.id.padEnd(8)} ${u.key}`).join('\n')}

Try:
  curl -s -X POST http://127.0.0.1:${apiPort}/complaints -H 'Authorization: Bearer ${DEMO_USERS.find((u) => u.role === 'intake')!.key}' \\
    -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-1' \\
    -d '{"customer":{"id":"cust-1","email":"cust-1@example.com","language":"en"},"channel":"email","category":"billing","severity":"P2","description":"Charged twice"}'
  curl -s http://127.0.0.1:${apiPort}/complaints -H 'Authorization: Bearer ${key}'
  curl -s http://127.0.0.1:${apiPort}/cycles -H 'Authorization: Bearer ${ownerKey}'
  curl -s 'http://127.0.0.1:${apiPort}/cycles/<id>/report?format=markdown' -H 'Authorization: Bearer ${ownerKey}'

The quality loop on ${history.complaints} demo complaints (${history.from} to ${history.to}; scripts/demo-history.ts):
  triggers evaluated: ${loop}
  quality review:     ${review}
  curl -s 'http://127.0.0.1:${apiPort}/analytics/control-chart?kpi=complaint_rate&area=billing&period=week&${weeks}&${baseline}' -H 'Authorization: Bearer ${ownerKey}'
  curl -s 'http://127.0.0.1:${apiPort}/analytics/pareto?by=cause&area=delivery&${weeks}' -H 'Authorization: Bearer ${ownerKey}'
  curl -s 'http://127.0.0.1:${apiPort}/analytics/kpis?kpi=first_response_attainment,csat_average&area=billing&period=week&${weeks}' -H 'Authorization: Bearer ${ownerKey}'
  curl -s http://127.0.0.1:${apiPort}/triggers -H 'Authorization: Bearer ${ownerKey}'
  curl -s http://127.0.0.1:${apiPort}/reviews -H 'Authorization: Bearer ${ownerKey}'

The voice of the customer (scripts/demo-voice.ts; sign in as olivia):
${surveys.map((l) => `  ${l}`).join('\n')}
  curl -s 'http://127.0.0.1:${apiPort}/analytics/kpis?kpi=servqual_gap_reliability,servqual_gap_overall&area=billing&period=week&from=${addDays(history.to, -6)}&to=${addDays(history.to, 14)}' -H 'Authorization: Bearer ${ownerKey}'
  Register a complaint with the curl line above, then open the mail catcher and click the customer's link.

Ctrl-C stops everything.`);
}

/**
 * Where customer emails go in development: a local mail catcher (SMTP on QL_DEV_SMTP_PORT, default
 * 1025; its page on QL_DEV_MAIL_PORT, default 8025; free ports when those are taken), unless
 * QL_SMTP_URL names a relay, which is then used as is.
 */
async function devMail(): Promise<{ smtpUrl: string; line: string; stop?: () => Promise<void> }> {
  const relay = process.env[ENV_VARS.smtpUrl];
  if (relay) return { smtpUrl: relay, line: `Mail             sent through ${relay.replace(/\/\/[^@/]*@/, '//***@')} (QL_SMTP_URL)` };
  const ports = { smtpPort: port('QL_DEV_SMTP_PORT', 1025), httpPort: port('QL_DEV_MAIL_PORT', 8025) };
  const catcher = await startMailCatcher(ports).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    console.warn(`[dev] port ${ports.smtpPort} or ${ports.httpPort} is taken: the mail catcher uses free ports`);
    return startMailCatcher();
  });
  return { smtpUrl: catcher.smtpUrl, line: `Mail (caught): ${catcher.webUrl}   (customer emails with their links; SMTP ${catcher.smtpUrl})`, stop: catcher.stop };
}

/**
 * Evaluates the improvement triggers once at start (the Schedule runs them daily): on the demo history
 * both demo triggers signal and open their cycles. One run per day: a restart the same day reuses it.
 */
async function firstTriggerRun(config: Config): Promise<string> {
  const connection = await Connection.connect({ address: config.temporal.address });
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const workflowId = `${QUALITY_LOOP_SCHEDULE_ID}-dev-${new Date().toISOString().slice(0, 10)}`;
    const handle = await client.workflow
      .start(QUALITY_LOOP_WORKFLOW, { workflowId, taskQueue: config.temporal.taskQueue, args: [{}] })
      .catch((err: unknown) => {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle(workflowId);
        throw err;
      });
    const result = (await Promise.race([handle.result(), new Promise((r) => setTimeout(() => r(null), 60_000))])) as QualityLoopResult | null;
    if (!result) return `still running (workflow ${workflowId} in the Temporal UI)`;
    return `${result.evaluated} trigger(s); cycles opened: ${result.opened.join(', ') || 'none today'}`;
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  } finally {
    await connection.close();
  }
}

/** The billing area's review of the last month of the history, created through the API (a second start finds it there). */
async function demoReview(baseUrl: string, ownerKey: string, historyEnd: string): Promise<string> {
  const lastMonth = addDays(`${historyEnd.slice(0, 7)}-01`, -1).slice(0, 7);
  const res = await fetch(`${baseUrl}/reviews`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ownerKey}`, 'content-type': 'application/json', 'idempotency-key': `demo-review-${lastMonth}` },
    body: JSON.stringify({ areaId: 'billing', period: lastMonth }),
  });
  const body = (await res.json().catch(() => ({}))) as { reviewId?: string; id?: string; detail?: string };
  if (res.ok) return `billing ${lastMonth}: ${body.reviewId ?? body.id ?? 'created'}`;
  return `billing ${lastMonth}: HTTP ${res.status} ${body.detail ?? ''}`;
}

/** A demo PDCA cycle, started through the API (the Idempotency-Key makes restarts reuse it). */
async function startDemoCycle(baseUrl: string, ownerKey: string): Promise<void> {
  const res = await fetch(`${baseUrl}/cycles`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ownerKey}`, 'content-type': 'application/json', 'idempotency-key': 'demo-cycle-1' },
    body: JSON.stringify({
      type: 'pdca',
      title: 'Cut billing complaint resolution time',
      problemStatement: 'Billing complaints take 3 days on average to resolve; customers churn.',
      area: 'billing support',
      sponsorId: 'simon',
      team: ['alice', 'bob'],
      goal: { metric: 'billing resolution time', unit: 'hours', direction: 'lower_is_better', baseline: 72, target: 24, deadline: '2027-06-30T00:00:00Z' },
      evidence: { complaintCategory: 'billing' },
    }),
  });
  if (!res.ok) console.warn(`demo cycle not created: HTTP ${res.status} ${await res.text()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    child.kill('SIGTERM');
  });
}

async function waitReady(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`API not ready at ${url} within ${timeoutMs} ms`);
}

main().catch(async (err) => {
  console.error('[dev] failed:', err);
  await stopAll(1);
});
