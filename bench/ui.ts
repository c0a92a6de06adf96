/**
 * The web app in a real headless Chromium (Debian's, driven by playwright-core
 * as the e2e tests do): how long from navigation until the page shows its
 * data, next to how long the API takes for the very requests the page sent.
 *
 * - Queue: an agent's queue of BENCH_UI_COMPLAINTS [1000] open complaints (all
 *   in alice's scope: 80 % hers, 20 % waiting unowned in her queue), read-model
 *   documents written directly (bench/read-scale.ts templates, the same
 *   documents the persistence activity writes). Rendered = the queue table
 *   (`data-testid="queue-table"`) says `data-loaded="true"` (every page in).
 * - Cycle: a PDCA cycle started through the API on a real worker, with
 *   BENCH_UI_MEASUREMENTS [1000] measurements recorded through the API (500 per
 *   request, the API's limit). Rendered = the control chart
 *   (`data-testid="measurement-chart"`) has `data-points` (set once painted);
 *   the report shows how many points it drew of the measurements.
 *
 * Page time = `performance.now()` in the page when the condition first holds
 * (checked every animation frame), i.e. from the navigation's start: HTML,
 * scripts, the session check, the data requests, rendering. API time = the
 * same data requests (every request the page sent to the API outside /auth/
 * and /app/, captured in the browser) sent from Node with the same session
 * cookie, in the page's order: requests the page had in flight together are
 * sent together, the others one after the other. BENCH_UI_REPS [5] alternating
 * runs after one cold navigation (empty browser cache, reported apart);
 * medians. Target: page <= API + 300 ms.
 *
 * `npx tsx bench/ui.ts` runs this section alone (own Temporal dev server,
 * FerretDB, worker, API; needs `npm run build:web` and
 * `bash scripts/prepare.sh temporal ferretdb chromium`).
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../src/api/app';
import { DEFAULT_WEB_DIST } from '../src/api/web-app';
import { type Config, configSchema } from '../src/config';
import type { Models } from '../src/db/models';
import { connectDatabase } from '../src/db/models';
import { DEMO_USERS, demoPassword, seedDemoData } from '../src/db/seed';
import { createLogger } from '../src/logger';
import { documentFor, templates } from './read-scale';
import { runStandalone, withStandaloneInfra } from './standalone';
import { fmt, median, section } from './stats';
import { spawnWorker, workerEnv } from './worker-process';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The built web app the API serves (alone: BENCH_WEB_DIST may point at another build). */
export const WEB_DIST = process.env.BENCH_WEB_DIST ? path.resolve(process.env.BENCH_WEB_DIST) : DEFAULT_WEB_DIST;
/** What the page may add to the API's time for the same requests. */
export const UI_TARGET_EXTRA_MS = 300;

export interface UiSettings {
  complaints: number;
  measurements: number;
  reps: number;
}

export const uiSettingsFromEnv = (): UiSettings => {
  const int = (name: string, dflt: number) => {
    const v = Number(process.env[name] ?? dflt);
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
    return v;
  };
  return { complaints: int('BENCH_UI_COMPLAINTS', 1000), measurements: int('BENCH_UI_MEASUREMENTS', 1000), reps: int('BENCH_UI_REPS', 5) };
};

export interface UiMeasure {
  label: string;
  /** What the page had to show, and what it showed (rows or chart points) in the last run. */
  expected: number;
  shown: number | null;
  /** First navigation, empty browser cache. */
  coldPageMs: number;
  pageMs: number;
  apiMs: number;
  /** The page's data requests (method and path), in the order sent, and how many went out together at most. */
  requests: string[];
  parallelMax: number;
  /**
   * The page time split (medians): navigation -> first data request sent (HTML, scripts, session
   * check), first request sent -> last answer in (the data, as the page fetched it), -> rendered.
   */
  phases: { shellMs: number; dataMs: number; renderMs: number } | null;
  /** Set when the page never reached its rendered condition (e.g. still a placeholder). */
  failure?: string;
}

export interface UiFigures {
  settings: UiSettings;
  chromium: string;
  seedSeconds: { complaints: number; cycle: number };
  measures: UiMeasure[];
}

interface Captured {
  method: string;
  url: string;
  start: number;
  end: number;
}

/** The page's own API calls: same origin, not the app's files, not the sign-in/session endpoints. */
const isDataRequest = (url: URL, origin: string) => url.origin === origin && !url.pathname.startsWith('/app') && !url.pathname.startsWith('/auth/');

/** Groups captured requests into waves: one starts once every earlier request has finished. */
function waves(reqs: Captured[]): Captured[][] {
  const out: Captured[][] = [];
  let openUntil = Number.NEGATIVE_INFINITY;
  for (const r of [...reqs].sort((a, b) => a.start - b.start)) {
    if (r.start >= openUntil) out.push([r]);
    else out[out.length - 1]!.push(r);
    openUntil = Math.max(openUntil, r.end);
  }
  return out;
}

/** Sends the page's requests again from Node, wave by wave, with the page's session cookie; total ms. */
async function replay(groups: Captured[][], cookie: string): Promise<number> {
  const t0 = performance.now();
  for (const group of groups) {
    await Promise.all(
      group.map(async (r) => {
        const res = await fetch(r.url, { method: r.method, headers: { cookie, accept: 'application/json' } });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${r.method} ${r.url}: HTTP ${res.status}`);
      }),
    );
  }
  return performance.now() - t0;
}

/**
 * Opens `pagePath` in a fresh page of `context` and waits until `condition`
 * (a JS expression evaluated in the page, true when rendered) holds; returns
 * the page's clock at that moment and the data requests it sent.
 */
async function navigate(context: BrowserContext, origin: string, pagePath: string, condition: string, shownExpr: string, timeoutMs: number) {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const pending = new Map<object, Captured>();
  const done: Captured[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (isDataRequest(url, origin)) pending.set(req, { method: req.method(), url: req.url(), start: performance.now(), end: Number.NaN });
  });
  const finish = (req: object) => {
    const c = pending.get(req);
    if (!c) return;
    pending.delete(req);
    c.end = performance.now();
    done.push(c);
  };
  page.on('requestfinished', finish);
  page.on('requestfailed', finish);
  try {
    await page.goto(pagePath, { waitUntil: 'commit' });
    // Checked every animation frame by a loop evaluated through the DevTools protocol (page.waitForFunction
    // would eval() the condition in the page, which the app's CSP forbids).
    const ms = (await page.evaluate(
      `new Promise((resolve) => {
        const tick = () => {
          if (${condition}) resolve(performance.now());
          else if (performance.now() > ${timeoutMs}) resolve(-1);
          else requestAnimationFrame(tick);
        };
        tick();
      })`,
    )) as number;
    if (ms < 0) {
      const shown = (await page.evaluate(shownExpr).catch(() => null)) as number | null;
      const heading = (await page.locator('h1').first().textContent({ timeout: 1000 }).catch(() => null)) ?? 'no h1';
      return { ms: Number.NaN, shown, requests: done, phases: null, failure: `not rendered within ${timeoutMs} ms of navigation (h1: "${heading.trim()}")${errors.length ? `; page errors: ${errors.join(' | ')}` : ''}` };
    }
    const shown = (await page.evaluate(shownExpr)) as number | null;
    // Every data request the page sent before it was rendered has finished by now.
    // Where the time went, by the page's own Resource Timing of its data requests (same clock as `ms`).
    const spans = (await page.evaluate(
      `performance.getEntriesByType('resource')
        .filter((e) => { const u = new URL(e.name); return u.origin === location.origin && !u.pathname.startsWith('/app') && !u.pathname.startsWith('/auth/') && e.startTime <= ${ms}; })
        .map((e) => [e.startTime, e.responseEnd])`,
    )) as [number, number][];
    const firstStart = Math.min(...spans.map((x) => x[0]));
    const lastEnd = Math.max(...spans.map((x) => x[1]));
    const phases = spans.length ? { shellMs: firstStart, dataMs: lastEnd - firstStart, renderMs: ms - lastEnd } : null;
    return { ms, shown, requests: done, phases, failure: errors.length ? `page errors: ${errors.join(' | ')}` : undefined };
  } finally {
    await page.close();
  }
}

async function measurePage(opts: {
  label: string;
  context: BrowserContext;
  origin: string;
  cookie: string;
  pagePath: string;
  condition: string;
  shownExpr: string;
  expected: number;
  reps: number;
  progress: (msg: string) => void;
}): Promise<UiMeasure> {
  const { label, context, origin, cookie, reps, progress } = opts;
  const go = () => navigate(context, origin, opts.pagePath, opts.condition, opts.shownExpr, 60_000);
  const cold = await go();
  const base = { label, expected: opts.expected, requests: cold.requests.map((r) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`) };
  if (cold.failure && Number.isNaN(cold.ms)) {
    return { ...base, shown: cold.shown, coldPageMs: Number.NaN, pageMs: Number.NaN, apiMs: Number.NaN, parallelMax: 0, phases: null, failure: cold.failure };
  }
  const page: number[] = [];
  const phases: NonNullable<UiMeasure['phases']>[] = [];
  const api: number[] = [];
  let last = cold;
  let groups = waves(cold.requests);
  for (let r = 0; r < reps; r++) {
    const steps = r % 2 === 0 ? (['page', 'api'] as const) : (['api', 'page'] as const);
    for (const step of steps) {
      if (step === 'page') {
        last = await go();
        if (Number.isNaN(last.ms)) throw new Error(`${label}: ${last.failure}`);
        page.push(last.ms);
        if (last.phases) phases.push(last.phases);
        groups = waves(last.requests);
      } else {
        api.push(await replay(groups, cookie));
      }
    }
  }
  const m: UiMeasure = {
    ...base,
    shown: last.shown,
    coldPageMs: cold.ms,
    pageMs: median(page),
    apiMs: median(api),
    requests: last.requests.map((r) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`),
    parallelMax: Math.max(0, ...groups.map((g) => g.length)),
    phases: phases.length
      ? { shellMs: median(phases.map((p) => p.shellMs)), dataMs: median(phases.map((p) => p.dataMs)), renderMs: median(phases.map((p) => p.renderMs)) }
      : null,
    failure: last.failure,
  };
  progress(`ui ${label}: page ${fmt(m.pageMs, 0)} ms (cold ${fmt(m.coldPageMs, 0)}), API ${fmt(m.apiMs, 0)} ms, ${m.requests.length} requests`);
  return m;
}

/** 1,000 open complaints in alice's scope: 80 % owned by her, 20 % unowned in her queue (general). */
async function seedQueue(models: Models, count: number): Promise<void> {
  const t = await templates(models);
  const db = models.connection.db!;
  for (let start = 0; start < count; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - start) }, (_, k) => documentFor(t, start + k, count, () => ({ owner: 'alice', queue: 'general' })));
    await Promise.all([
      db.collection('complaints').insertMany(batch.map((b) => b.full) as never[], { ordered: false }),
      db.collection('complaint_rows').insertMany(batch.map((b) => b.row) as never[], { ordered: false }),
      db.collection('complaint_policies').insertMany(batch.map((b) => b.policies) as never[], { ordered: false }),
    ]);
  }
}

/** A PDCA cycle with `count` measurements (a stable process, then a shift the control chart flags), all through the API. */
async function seedCycle(apiUrl: string, ownerKey: string, count: number, runId: string): Promise<string> {
  const post = async (p: string, body: unknown, key: string) => {
    const res = await fetch(`${apiUrl}${p}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ownerKey}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { cycleId?: string; id?: string; detail?: string };
    if (!res.ok) throw new Error(`POST ${p}: HTTP ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    return json;
  };
  const created = await post(
    '/cycles',
    {
      type: 'pdca',
      title: 'Cut first-response time on billing complaints',
      problemStatement: 'Billing complaints wait about 10 hours for a first response.',
      area: 'customer support / billing',
      sponsorId: 'simon',
      team: ['alice'],
      goal: { metric: 'first response time', unit: 'h', direction: 'lower_is_better', baseline: 10, target: 6, deadline: new Date(Date.now() + 60 * 86_400_000).toISOString() },
    },
    `bench-ui-cycle-${runId}`,
  );
  const cycleId = created.cycleId ?? created.id;
  if (!cycleId) throw new Error(`POST /cycles answered without an id: ${JSON.stringify(created).slice(0, 300)}`);
  // Deterministic values around 10 h (a linear congruential generator), shifted up over the last 5 %.
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const t0 = Date.now() - count * 3_600_000;
  const values = Array.from({ length: count }, (_, i) => ({
    value: Math.round((10 + (rnd() + rnd() + rnd() - 1.5) * 1.2 + (i >= count * 0.95 ? 3 : 0)) * 100) / 100,
    at: new Date(t0 + i * 3_600_000).toISOString(),
  }));
  for (let i = 0; i < count; i += 500) await post(`/cycles/${cycleId}/record-measurements`, { measurements: values.slice(i, i + 500) }, `bench-ui-meas-${runId}-${i}`);
  return cycleId;
}

/** Signs `userId` in through the API's sign-in endpoint (the context keeps the cookie); returns it as a Cookie header. */
async function signIn(context: BrowserContext, userId: string): Promise<string> {
  const res = await context.request.post('/auth/login', { data: { username: userId, password: demoPassword(userId) } });
  if (!res.ok()) throw new Error(`sign-in of ${userId}: HTTP ${res.status()} ${(await res.text()).slice(0, 200)}`);
  const cookies = await context.cookies();
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/**
 * Seeds the queue and the cycle on `apiUrl` (its database `models`; a worker
 * must poll the API's task queue for the cycle), then measures both pages.
 */
export async function measureUi(opts: { models: Models; apiUrl: string; settings: UiSettings; runId: string; progress: (msg: string) => void; onCleanup?: (name: string, fn: () => Promise<void>) => void }): Promise<UiFigures> {
  const { models, apiUrl, settings, progress } = opts;
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST} is missing: run \`npm run build:web\` first`);
  progress(`ui: seeding ${settings.complaints} open complaints and a cycle with ${settings.measurements} measurements`);
  let t = performance.now();
  await seedQueue(models, settings.complaints);
  const complaintSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const owner = DEMO_USERS.find((u) => u.role === 'process_owner')!;
  const cycleId = await seedCycle(apiUrl, owner.key, settings.measurements, opts.runId);
  const cycleSeconds = (performance.now() - t) / 1000;

  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  opts.onCleanup?.('Chromium', () => browser.close());
  try {
    const version = browser.version();
    const origin = new URL(apiUrl).origin;
    const measures: UiMeasure[] = [];
    const contextFor = async (userId: string) => {
      const context = await browser.newContext({ baseURL: apiUrl, locale: 'en-GB', timezoneId: 'Europe/Paris', viewport: { width: 1366, height: 900 } });
      return { context, cookie: await signIn(context, userId) };
    };

    const agent = await contextFor('alice');
    measures.push(
      await measurePage({
        label: `agent queue, ${settings.complaints} open complaints`,
        ...agent,
        origin,
        pagePath: '/app/queue',
        condition: `document.querySelector('[data-testid="queue-table"]')?.getAttribute('data-loaded') === 'true'`,
        shownExpr: `document.querySelectorAll('[data-testid="queue-row"]').length`,
        expected: settings.complaints,
        reps: settings.reps,
        progress,
      }),
    );
    await agent.context.close();

    const ownerCtx = await contextFor(owner.id);
    measures.push(
      await measurePage({
        label: `cycle page, ${settings.measurements} measurements`,
        ...ownerCtx,
        origin,
        pagePath: `/app/cycles/${cycleId}`,
        // The chart sets data-points once ECharts has painted them (web/src/pages/cycles/charts.tsx).
        condition: `document.querySelector('[data-testid="measurement-chart"]')?.hasAttribute('data-points')`,
        shownExpr: `(() => { const v = document.querySelector('[data-testid="measurement-chart"]')?.getAttribute('data-points'); return v == null ? null : Number(v); })()`,
        expected: settings.measurements,
        reps: settings.reps,
        progress,
      }),
    );
    await ownerCtx.context.close();
    return { settings, chromium: `Chromium ${version} (${CHROMIUM_PATH}), headless, playwright-core`, seedSeconds: { complaints: complaintSeconds, cycle: cycleSeconds }, measures };
  } finally {
    await browser.close();
  }
}

/** Report lines: per page, page vs API time and the target. */
export function uiReport(f: UiFigures): [string, string][] {
  const lines: [string, string][] = [
    ['browser', f.chromium],
    ['data', `${f.settings.complaints} open complaints in alice's scope written as read-model documents in ${fmt(f.seedSeconds.complaints, 1)} s; a PDCA cycle with ${f.settings.measurements} measurements recorded through the API in ${fmt(f.seedSeconds.cycle, 1)} s`],
    ['method', `page: performance.now() in the page when rendered (checked each frame) = from navigation start; API: the page's data requests sent from Node with its session cookie, same order and grouping; ${f.settings.reps} alternating runs after a cold one, medians`],
  ];
  for (const m of f.measures) {
    lines.push([m.label, '']);
    if (Number.isNaN(m.pageMs)) {
      lines.push(['  result', `NOT MEASURED: ${m.failure ?? 'unknown'}`]);
      lines.push(['  shown', `${m.shown ?? 'nothing'} of ${m.expected}`]);
      continue;
    }
    const met = m.pageMs <= m.apiMs + UI_TARGET_EXTRA_MS;
    lines.push(['  page (warm)', `${fmt(m.pageMs, 0)} ms (cold, empty cache: ${fmt(m.coldPageMs, 0)} ms); shown ${m.shown ?? 'n/a'} of ${m.expected}`]);
    lines.push(['  API, same requests', `${fmt(m.apiMs, 0)} ms for ${m.requests.length} request(s), at most ${m.parallelMax} at once`]);
    if (m.phases) {
      lines.push([
        '  page time split',
        `${fmt(m.phases.shellMs, 0)} ms to the first data request (HTML, scripts, session) + ${fmt(m.phases.dataMs, 0)} ms of data requests + ${fmt(m.phases.renderMs, 0)} ms from the last answer to rendered`,
      ]);
    }
    lines.push(['  page - API', `${fmt(m.pageMs - m.apiMs, 0)} ms  -> target page <= API + ${UI_TARGET_EXTRA_MS} ms: ${met ? 'met' : 'not met'}`]);
    const distinct = [...new Set(m.requests.map((r) => r.replace(/cursor=[^&]+/, 'cursor=…')))];
    lines.push(['  requests', distinct.slice(0, 4).join(', ') + (distinct.length > 4 ? `, … (${distinct.length} distinct)` : '')]);
    if (m.failure) lines.push(['  note', m.failure]);
  }
  return lines;
}

// ------------------------------------------------------------ alone

async function main(): Promise<void> {
  const settings = uiSettingsFromEnv();
  const runId = randomBytes(4).toString('hex');
  await withStandaloneInfra('ui', async ({ dir, temporal, ferret, bundlePath, progress, onCleanup }) => {
    const config: Config = configSchema.parse({
      temporal: { address: temporal.address, namespace: 'default', taskQueue: `bench-ui-${runId}` },
      mongo: { uri: `${ferret.uri}/bench_ui_${runId}` },
      api: { port: 0, host: '127.0.0.1', rateLimit: { perMinute: 1_000_000, burst: 1_000_000 } },
      logLevel: 'silent',
      secrets: { apiKeyPepper: randomBytes(16).toString('hex'), webhookSecret: randomBytes(16).toString('hex') },
      notifications: { webhookUrls: '' },
    });
    const models = await connectDatabase(config.mongo.uri);
    onCleanup('ui: database', () => models.connection.close());
    await seedDemoData(models, config.secrets.apiKeyPepper);
    const worker = spawnWorker(workerEnv(config, bundlePath), path.join(dir, 'worker.log'));
    onCleanup('ui: worker', () => worker.stop());
    const connection = await Connection.connect({ address: temporal.address });
    onCleanup('ui: Temporal connection', () => connection.close());
    const client = new Client({ connection, namespace: 'default' });
    const server = http.createServer(createApp({ config, models, client, log: createLogger(config, 'api'), webDist: WEB_DIST }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onCleanup('ui: API server', () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
    await worker.ready;
    const figures = await measureUi({ models, apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, settings, runId, progress });
    console.log(section('Web app in headless Chromium: page rendered vs the API time of its requests (medians)', uiReport(figures)));
  });
}

if (require.main === module) runStandalone(main);
