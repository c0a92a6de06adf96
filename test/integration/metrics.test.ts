/**
 * The API's Prometheus metrics on the real stack (Temporal dev server, a real Worker, FerretDB,
 * real HTTP): scraped as Prometheus would, and checked to move with real actions: requests in
 * the histogram under their route template, a complaint at risk then breached by its real SLA
 * timer, a webhook receiver answering 500, an audit digest made by its Schedule, an open cycle.
 * Then who may scrape: the token route on the API port, the listener of its own, and a scrape
 * that survives Temporal being unreachable.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { createApiMetrics, startMetricsServer } from '../../src/observability/metrics';
import { ensureDigestSchedule } from '../../src/services/audit-schedule';
import { type ApiStack, expectProblem, startApiStack } from '../helpers/api';
import { validCycle } from '../helpers/cycle-endpoints';
import { ALWAYS, policy, seedCatalog } from '../helpers/fixtures';
import { type Exposition, sampleValue, samplesOf, scrape } from '../helpers/prometheus';
import { eventually, uniqueId } from '../helpers/stack';

const TOKEN = 'metrics-token-0123456789abcdef';
const QUEUE = 'general';

/** Answers every webhook delivery with 500, counting them. */
async function startFailingReceiver() {
  let requests = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/hooks/secret-path?token=abc`,
    requests: () => requests,
    close: () => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections())),
  };
}

async function listen(handler: http.RequestListener | http.Server): Promise<{ server: http.Server; url: string }> {
  const server = handler instanceof http.Server ? handler : http.createServer(handler);
  if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const closeServer = (server: http.Server) => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections()));

describe('API metrics', () => {
  let stack: ApiStack;
  let receiver: Awaited<ReturnType<typeof startFailingReceiver>>;
  const opened: http.Server[] = [];
  const scheduleId = uniqueId('metrics-digest');

  /** A scrape of the API's port with the token; fails the test on anything but a parsed 200. */
  async function scrapeApi(): Promise<Exposition> {
    const res = await scrape(`${stack.baseUrl}/metrics`, { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    return res.exposition!;
  }

  /** Scrapes until `pick` holds (figures are cached for a few seconds), returning that scrape. */
  const scrapeUntil = (pick: (e: Exposition) => boolean, what: string, timeoutMs = 20_000) =>
    eventually(async () => {
      const e = await scrapeApi();
      return pick(e) ? e : null;
    }, timeoutMs, what);

  const intake = async (severity: string) => {
    const res = await stack.call('POST', '/complaints', {
      key: stack.keys.intake,
      body: { customer: { id: uniqueId('cust') }, channel: 'email', category: 'billing', severity, description: 'The parcel never arrived.' },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    receiver = await startFailingReceiver();
    stack = await startApiStack({
      webhookUrls: [receiver.url],
      configure: (c) => ({ ...c, observability: { ...c.observability, metrics: { ...c.observability.metrics, token: TOKEN } } }),
      seed: (models) =>
        seedCatalog(
          models,
          {
            // P1: at risk from its first instant (1 % threshold), breached by the real first-response timer after 15 s.
            // The API takes whole minutes; the catalog stores what it is given and the clocks count milliseconds, so
            // a quarter of a minute breaches on the dev server in real time, with no clock trick.
            fast: policy({ match: { severities: ['P1'] }, warningThresholds: [1], targets: { firstResponseMinutes: 0.25, nextResponseMinutes: 0.25, resolutionMinutes: 0.5 } }),
            // Everything else: days away, so nothing else warns or breaches during the file.
            calm: policy({ match: { severities: ['P2', 'P3', 'P4'] } }),
          },
          { always: ALWAYS },
        ),
    });
  }, 60_000);

  afterAll(async () => {
    await stack?.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    await Promise.all(opened.map(closeServer));
    await stack?.stop();
    await receiver?.close();
  });

  it('given requests to a complaint, when scraped, then the histogram counts them under the route template /complaints/:id, never under a raw id', async () => {
    const id = await intake('P4');
    const countOf = (e: Exposition, route: string, status: string) => sampleValue(e, 'qualityloop_http_request_duration_seconds_count', { method: 'GET', route, status }) ?? 0;
    const before = await scrapeApi();
    for (let i = 0; i < 3; i++) expect((await stack.call('GET', `/complaints/${id}`, { key: stack.keys.alice })).status).toBe(200);
    expect((await stack.call('GET', `/no-such-path/${id}`, { key: stack.keys.alice })).status).toBe(404);
    expect((await stack.call('GET', '/docs')).status).toBe(200);

    const after = await scrapeUntil((e) => countOf(e, '/complaints/:id', '200') >= countOf(before, '/complaints/:id', '200') + 3, 'three GETs counted', 5_000);
    expect(countOf(after, '/complaints/:id', '200')).toBe(countOf(before, '/complaints/:id', '200') + 3);
    expect(countOf(after, 'unmatched', '404')).toBe(countOf(before, 'unmatched', '404') + 1);
    expect(countOf(after, '/docs', '200')).toBe(countOf(before, '/docs', '200') + 1);
    expect(sampleValue(after, 'qualityloop_http_request_duration_seconds_count', { method: 'POST', route: '/complaints', status: '201' })).toBeGreaterThanOrEqual(1);
    expect(after.types.qualityloop_http_request_duration_seconds).toBe('histogram');
    // No label anywhere carries the id or a raw path.
    expect(after.samples.filter((s) => Object.values(s.labels).some((v) => v.includes(id) || v.startsWith('/no-such-path')))).toEqual([]);
    // The process metrics come along, prefixed.
    expect(sampleValue(after, 'qualityloop_api_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('given a webhook receiver answering 500, when a message for it fails, then outbox_failed and outbox_pending rise by one for its host, with no path or query in the label', async () => {
    const target = { target: receiver.host };
    const before = await scrapeApi();
    // Every configured target has its series from the start.
    expect(sampleValue(before, 'qualityloop_outbox_failed', target)).toBe(0);
    expect(sampleValue(before, 'qualityloop_outbox_pending', target)).toBe(0);

    const id = await intake('P3');
    expect((await stack.call('POST', `/complaints/${id}/acknowledge`, { key: stack.keys.alice, body: {} })).status).toBe(200);
    expect((await stack.call('POST', `/complaints/${id}/resolve`, { key: stack.keys.alice, body: { summary: 'Refunded.' } })).status).toBe(200);
    // Resolving asks for feedback by webhook: the one message of this file so far, refused by the receiver.
    const message = await eventually(() => stack.models.Outbox.findOne({ complaintId: id, type: 'csat.requested', attempts: { $gte: 1 } }).lean(), 20_000, 'a failed delivery attempt');
    expect(message).toMatchObject({ status: 'pending', deliveredTo: [] });
    expect(receiver.requests()).toBeGreaterThanOrEqual(1);

    const after = await scrapeUntil((e) => sampleValue(e, 'qualityloop_outbox_failed', target) === 1, 'outbox_failed 1');
    expect(sampleValue(after, 'qualityloop_outbox_pending', target)).toBe(1);
    expect(samplesOf(after, 'qualityloop_outbox_failed').map((s) => s.labels.target)).toEqual([receiver.host]);
  });

  it('given a P1 complaint whose first response is due in 15 s, when it is taken in and left unanswered, then it is open and at risk, and its real breach moves it to breached', async () => {
    const labels = { queue: QUEUE, severity: 'P1' };
    const id = await intake('P1');
    const atRisk = await scrapeUntil((e) => sampleValue(e, 'qualityloop_complaints_at_risk', labels) === 1, 'P1 at risk', 12_000);
    expect(sampleValue(atRisk, 'qualityloop_complaints_open', labels)).toBe(1);
    expect(sampleValue(atRisk, 'qualityloop_complaints_breached', labels)).toBe(0);
    // The breach recorded by the workflow's timer (not only the deadline passing).
    await eventually(async () => (await stack.models.ComplaintRow.findById(id).lean())?.breached === true, 30_000, 'breach recorded by the workflow');
    const breached = await scrapeUntil((e) => sampleValue(e, 'qualityloop_complaints_breached', labels) === 1, 'P1 breached');
    expect(sampleValue(breached, 'qualityloop_complaints_open', labels)).toBe(1);
    expect(sampleValue(breached, 'qualityloop_complaints_at_risk', labels)).toBe(0);
    // Complaints of other severities are counted apart.
    expect(sampleValue(breached, 'qualityloop_complaints_open', { queue: QUEUE, severity: 'P4' })).toBe(1);
    expect(sampleValue(breached, 'qualityloop_complaints_breached', { queue: QUEUE, severity: 'P4' })).toBe(0);
  }, 60_000);

  it('given a PDCA cycle started through the API, when scraped, then it counts as open in its phase and not overdue', async () => {
    const res = await stack.call('POST', '/cycles', { key: stack.keys.process_owner, body: validCycle() });
    expect(res.status).toBe(201);
    const e = await scrapeUntil((x) => sampleValue(x, 'qualityloop_cycles', { phase: 'plan' }) === 1, 'one cycle in plan');
    expect(sampleValue(e, 'qualityloop_cycles_overdue', { phase: 'plan' })).toBe(0);
  });

  it('given the audit digest Schedule, when it runs, then the digest age appears and the Schedule reports its last run as a success, on a metrics listener of its own', async () => {
    const own = createApiMetrics({ models: stack.models, client: stack.client, config: stack.config, scheduleIds: [scheduleId], cacheMs: { database: 0, schedules: 0 } });
    const server = await startMetricsServer(own, '127.0.0.1', 0);
    opened.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    const schedule = { schedule: scheduleId };

    const before = (await scrape(url)).exposition!;
    expect(samplesOf(before, 'qualityloop_audit_digest_age_seconds')).toEqual([]);
    expect(samplesOf(before, 'qualityloop_schedule_last_run_success', schedule)).toEqual([]);

    const t0 = Date.now();
    await (await ensureDigestSchedule(stack.client, stack.config, scheduleId)).trigger();
    const after = await eventually(async () => {
      const e = (await scrape(url)).exposition!;
      return sampleValue(e, 'qualityloop_schedule_last_run_success', schedule) === 1 ? e : null;
    }, 30_000, 'the schedule run reported');
    const ranAt = sampleValue(after, 'qualityloop_schedule_last_run_timestamp_seconds', schedule)!;
    expect(ranAt * 1000).toBeGreaterThanOrEqual(t0 - 1000);
    expect(ranAt * 1000).toBeLessThanOrEqual(Date.now());
    const age = sampleValue(after, 'qualityloop_audit_digest_age_seconds')!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan((Date.now() - t0) / 1000 + 1);
    // The Schedules of other tests and deployments are not this listener's business.
    expect(samplesOf(after, 'qualityloop_schedule_last_run_success').map((s) => s.labels.schedule)).toEqual([scheduleId]);
  }, 45_000);

  it('given the API port with a token configured, when /metrics is asked without it or with a wrong one, then 401 problem+json, and with it 200 in the Prometheus text format', async () => {
    expectProblem(await stack.call('GET', '/metrics'), 401, 'UNAUTHENTICATED');
    const wrong = await stack.call('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}x` } });
    expectProblem(wrong, 401, 'UNAUTHENTICATED');
    expect(wrong.headers['www-authenticate']).toBe('Bearer');
    // An API key is not the metrics token.
    expectProblem(await stack.call('GET', '/metrics', { key: stack.keys.admin }), 401, 'UNAUTHENTICATED');
    const ok = await scrape(`${stack.baseUrl}/metrics`, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(ok.exposition!.types.qualityloop_complaints_open).toBe('gauge');
  });

  it('given no token configured, when /metrics is asked on the API port, then it is an unknown path (404), whatever the Authorization', async () => {
    const { observability } = stack.config;
    const config = { ...stack.config, observability: { ...observability, metrics: { host: observability.metrics.host } } };
    const { server, url } = await listen(createApp({ config, models: stack.models, client: stack.client, log: pino({ level: 'silent' }) }).listen(0, '127.0.0.1'));
    opened.push(server);
    for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }] as Record<string, string>[]) {
      const res = await fetch(`${url}/metrics`, { headers });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      await res.text();
    }
  });

  it('given a metrics listener of its own, when anything but GET /metrics is asked, then 404, and GET /metrics needs no token there', async () => {
    const own = createApiMetrics({ models: stack.models, client: stack.client, config: stack.config, scheduleIds: [] });
    const server = await startMetricsServer(own, '127.0.0.1', 0);
    opened.push(server);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ok = await scrape(`${base}/metrics`);
    expect(ok.status).toBe(200);
    expect(sampleValue(ok.exposition!, 'qualityloop_complaints_open', { queue: QUEUE, severity: 'P4' })).toBe(1);
    for (const [method, path] of [['GET', '/'], ['GET', '/complaints'], ['GET', '/healthz'], ['POST', '/metrics'], ['GET', '/metrics/x']]) {
      const res = await fetch(`${base}${path}`, { method });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      await res.text();
    }
  });

  it('given Temporal unreachable, when scraped by three at once, then every scrape still answers with the database figures, leaves the schedule families empty, and the one shared failed read is counted once', async () => {
    const connection = await Connection.connect({ address: stack.config.temporal.address });
    const closedClient = new Client({ connection, namespace: stack.config.temporal.namespace });
    await connection.close();
    const own = createApiMetrics({ models: stack.models, client: closedClient, config: stack.config, log: pino({ level: 'silent' }) });
    const server = await startMetricsServer(own, '127.0.0.1', 0);
    opened.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    const concurrent = await Promise.all([scrape(url), scrape(url), scrape(url)]);
    expect(concurrent.map((r) => r.status)).toEqual([200, 200, 200]);
    // A later scrape within the cache time reuses the failed read instead of asking Temporal again.
    const res = await scrape(url);
    expect(res.status).toBe(200);
    const e = res.exposition!;
    expect(samplesOf(e, 'qualityloop_schedule_last_run_success')).toEqual([]);
    expect(samplesOf(e, 'qualityloop_schedule_last_run_timestamp_seconds')).toEqual([]);
    expect(sampleValue(e, 'qualityloop_metrics_collect_errors_total', { source: 'schedules' })).toBe(1);
    expect(sampleValue(e, 'qualityloop_metrics_collect_errors_total', { source: 'complaints' })).toBe(0);
    expect(sampleValue(e, 'qualityloop_complaints_open', { queue: QUEUE, severity: 'P1' })).toBe(1);
  }, 20_000);
});
