/**
 * The API process's Prometheus metrics (prom-client), in a registry of its own
 * (not prom-client's global one: tests build many apps in one process, and the
 * names would collide).
 *
 * - HTTP requests by method, route template and status (a histogram of seconds),
 *   recorded when the response finishes. The route is the Express template
 *   (`/complaints/:id`), never the URL, so ids do not multiply the series.
 * - Gauges from the database and Temporal, computed when scraped (src/services/metrics-figures.ts:
 *   one read of a small indexed set each) and cached for a few seconds, so N concurrent or
 *   frequent scrapes make one query per source. A source that fails (Temporal down, the
 *   database slow) leaves only its own families empty for that scrape, is logged, and counts in
 *   `qualityloop_metrics_collect_errors_total{source}`; the rest of the scrape is served.
 * - prom-client's default process metrics, prefixed `qualityloop_api_`.
 *
 * Served on a listener of its own (`startMetricsServer`, QL_METRICS_HOST/QL_METRICS_PORT) and,
 * only when QL_METRICS_TOKEN is set, as `GET /metrics` on the API's port behind that bearer token
 * (`metricsEndpoint`). Never public by default. docs/operations.md, "Metrics".
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { Client } from '@temporalio/client';
import type { Request, RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { HttpProblem } from '../api/problem';
import type { Config } from '../config';
import { AUDIT_DIGEST_SCHEDULE_ID } from '../contracts/audit';
import { QUALITY_LOOP_SCHEDULE_ID } from '../contracts/quality-loop';
import { REVIEW_SCHEDULE_ID } from '../contracts/review';
import type { Models } from '../db/models';
import { type Logger, createLogger } from '../logger';
import { complaintBacklog, latestAuditDigestAt, latestScheduleRun, openCycles, pendingOutbox } from '../services/metrics-figures';

/** The Temporal Schedules the worker keeps (src/services/schedules.ts). */
export const SCHEDULE_IDS = [AUDIT_DIGEST_SCHEDULE_ID, QUALITY_LOOP_SCHEDULE_ID, REVIEW_SCHEDULE_ID] as const;

/** How long a database figure is reused: Prometheus scrapes every 15-60 s; a burst of scrapes makes one query. */
export const DB_FIGURES_CACHE_MS = 5_000;
/** Schedules run at most every few minutes; describing them costs a round trip per schedule and run. */
export const SCHEDULE_FIGURES_CACHE_MS = 15_000;
/** A source slower than this is skipped for the scrape (Prometheus' own scrape timeout defaults to 10 s). */
export const SOURCE_TIMEOUT_MS = 3_000;

const SOURCES = ['complaints', 'cycles', 'outbox', 'audit_digest', 'schedules'] as const;
type Source = (typeof SOURCES)[number];

export interface ApiMetricsDeps {
  models: Models;
  client: Client;
  config: Config;
  log?: Logger;
  /** Clock of the time-dependent figures (at risk, breached, overdue, ages). */
  now?: () => number;
  /** The Schedules reported (default SCHEDULE_IDS; tests name their own). */
  scheduleIds?: readonly string[];
  /** How long figures are reused (default DB_FIGURES_CACHE_MS, SCHEDULE_FIGURES_CACHE_MS). */
  cacheMs?: { database?: number; schedules?: number };
}

export interface ApiMetrics {
  registry: Registry;
  /** Express middleware timing every request; mount it first. */
  httpMetrics: RequestHandler;
  /** The exposition text of every metric, as Prometheus scrapes it. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/** Paths served by something other than a declared route, labelled by their mount point. */
const FIXED_ROUTES = ['/app', '/docs'] as const;

/**
 * The `route` label of a finished request: the matched Express route template, a fixed label
 * for the web app and the API docs (static files and client-side routes under them), and
 * `unmatched` when no route matched (an unknown path, or a request refused before routing).
 */
export function routeLabel(req: Request): string {
  const path = req.originalUrl.split('?')[0] ?? '';
  const fixed = FIXED_ROUTES.find((p) => path === p || path.startsWith(`${p}/`));
  if (fixed) return fixed;
  const template: unknown = req.route?.path;
  if (typeof template === 'string') return req.baseUrl + template;
  return 'unmatched';
}

function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

export function createApiMetrics(deps: ApiMetricsDeps): ApiMetrics {
  const { models, client, config } = deps;
  const log = deps.log ?? createLogger(config, 'metrics');
  const now = deps.now ?? Date.now;
  const scheduleIds = deps.scheduleIds ?? SCHEDULE_IDS;
  const dbTtl = deps.cacheMs?.database ?? DB_FIGURES_CACHE_MS;
  const scheduleTtl = deps.cacheMs?.schedules ?? SCHEDULE_FIGURES_CACHE_MS;
  const registry = new Registry();
  const registers = [registry];

  collectDefaultMetrics({ register: registry, prefix: 'qualityloop_api_' });

  const readers: (() => Promise<unknown>)[] = [];
  const collectErrors = new Counter({
    name: 'qualityloop_metrics_collect_errors_total',
    help: 'Failed reads of a metrics source (the families it feeds are left empty for that scrape)',
    labelNames: ['source'],
    registers,
    // Rendered once this scrape's reads have settled, so a failure shows in the scrape it emptied.
    async collect() {
      await Promise.allSettled(readers.map((read) => read()));
    },
  });
  for (const source of SOURCES) collectErrors.inc({ source }, 0);

  /**
   * One source's figures, shared by every gauge it feeds and by concurrent scrapes: a read in
   * flight is always shared, a settled one is reused for `ttlMs`. A failure is counted and logged
   * once per read, and cached like a success: a dependency that is down is asked again after the
   * TTL, not by every scrape.
   */
  function cachedSource<T>(source: Source, ttlMs: number, load: () => Promise<T>): () => Promise<T> {
    let entry: { settledAt: number | null; value: Promise<T> } | null = null;
    const read = () => {
      if (entry && (entry.settledAt === null || Date.now() - entry.settledAt < ttlMs)) return entry.value;
      const value = within(SOURCE_TIMEOUT_MS, load()).catch((err: unknown) => {
        collectErrors.inc({ source });
        log.warn({ err, source }, 'metrics source failed; its metrics are skipped in this scrape');
        throw err;
      });
      const current = { settledAt: null as number | null, value };
      // Also marks the rejection handled: each reader handles it, none is unhandled while cached.
      value.then(
        () => (current.settledAt = Date.now()),
        () => (current.settledAt = Date.now()),
      );
      entry = current;
      return value;
    };
    readers.push(read);
    return read;
  }

  const complaints = cachedSource('complaints', dbTtl, () => complaintBacklog(models, now()));
  const cycles = cachedSource('cycles', dbTtl, () => openCycles(models, now()));
  const outbox = cachedSource('outbox', dbTtl, () => pendingOutbox(models, config.notifications.webhookUrls));
  const latestDigest = cachedSource('audit_digest', dbTtl, () => latestAuditDigestAt(models));
  const schedules = cachedSource('schedules', scheduleTtl, () =>
    client.connection.withDeadline(Date.now() + SOURCE_TIMEOUT_MS, () => Promise.all(scheduleIds.map((id) => latestScheduleRun(client, id)))),
  );

  /** A gauge filled from a source at each scrape; left without samples when the source fails. */
  function sourcedGauge<T>(name: string, help: string, labelNames: string[], load: () => Promise<T>, write: (gauge: Gauge, value: T) => void): void {
    // No samples: `reset` leaves a label-less gauge at 0, a value nobody measured, so that one sample is removed too.
    const clear = (gauge: Gauge) => {
      gauge.reset();
      if (labelNames.length === 0) gauge.remove();
    };
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        let value: T;
        try {
          value = await load();
        } catch {
          clear(this);
          return;
        }
        clear(this);
        write(this, value);
      },
    });
  }

  const backlogGauge = (name: string, help: string, figure: 'open' | 'atRisk' | 'breached') =>
    sourcedGauge(name, help, ['queue', 'severity'], complaints, (g, groups) => {
      for (const b of groups) g.set({ queue: b.queue, severity: b.severity }, b[figure]);
    });
  backlogGauge('qualityloop_complaints_open', 'Open complaints (not closed or cancelled) by queue and severity', 'open');
  backlogGauge('qualityloop_complaints_at_risk', 'Open complaints past an SLA warning threshold and not breached, by queue and severity', 'atRisk');
  backlogGauge('qualityloop_complaints_breached', 'Open complaints with a breached SLA clock, by queue and severity', 'breached');

  sourcedGauge('qualityloop_cycles', 'Open improvement cycles by phase', ['phase'], cycles, (g, tallies) => {
    for (const t of tallies) g.set({ phase: t.phase }, t.open);
  });
  sourcedGauge('qualityloop_cycles_overdue', 'Open improvement cycles past their goal deadline while still in their phases, by phase', ['phase'], cycles, (g, tallies) => {
    for (const t of tallies) g.set({ phase: t.phase }, t.overdue);
  });

  sourcedGauge('qualityloop_outbox_pending', 'Undelivered outbox messages by target (webhook host, or email)', ['target'], outbox, (g, tallies) => {
    for (const t of tallies) g.set({ target: t.target }, t.pending);
  });
  sourcedGauge('qualityloop_outbox_failed', 'Undelivered outbox messages whose last attempt failed or that were given up, by target', ['target'], outbox, (g, tallies) => {
    for (const t of tallies) g.set({ target: t.target }, t.failed);
  });

  sourcedGauge('qualityloop_audit_digest_age_seconds', 'Age of the latest signed audit digest (absent when there is none yet)', [], latestDigest, (g, madeAt) => {
    // The age at this scrape, from a cached instant: it keeps growing while the figure is reused.
    if (madeAt !== null) g.set(Math.max(0, (now() - madeAt) / 1000));
  });

  sourcedGauge('qualityloop_schedule_last_run_timestamp_seconds', 'Start of the latest finished run of each Temporal Schedule (Unix seconds)', ['schedule'], schedules, (g, runs) => {
    for (const r of runs) if (r) g.set({ schedule: r.scheduleId }, r.startedAt / 1000);
  });
  sourcedGauge('qualityloop_schedule_last_run_success', 'Whether the latest finished run of each Temporal Schedule completed (1) or failed, timed out, was terminated or cancelled (0)', ['schedule'], schedules, (g, runs) => {
    for (const r of runs) if (r) g.set({ schedule: r.scheduleId }, r.succeeded ? 1 : 0);
  });

  const duration = new Histogram({
    name: 'qualityloop_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status: time until the response finished',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const httpMetrics: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => end({ method: req.method, route: routeLabel(req), status: String(res.statusCode) }));
    next();
  };

  return {
    registry,
    httpMetrics,
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * `GET /metrics` on the API's own port, for `Authorization: Bearer <token>` only. Both sides
 * are hashed before the timing-safe compare, so neither the token's content nor its length
 * shows in the response time.
 */
export function metricsEndpoint(metrics: ApiMetrics, token: string): RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    const given = /^Bearer +(\S+)$/i.exec(req.header('authorization') ?? '')?.[1] ?? '';
    if (!timingSafeEqual(digest(given), expected)) {
      next(new HttpProblem(401, 'Unauthorized', 'the metrics token is required (Authorization: Bearer <QL_METRICS_TOKEN>)', { code: 'UNAUTHENTICATED' }, { 'www-authenticate': 'Bearer' }));
      return;
    }
    metrics.scrape().then(({ contentType, body }) => res.type(contentType).send(body), next);
  };
}

/**
 * A listener of its own answering only `GET /metrics` (404 to anything else), for a
 * Prometheus inside the deployment's network; resolves once it listens (port 0: any free port).
 */
export async function startMetricsServer(metrics: ApiMetrics, host: string, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: this listener serves GET /metrics only\n');
      return;
    }
    metrics.scrape().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
