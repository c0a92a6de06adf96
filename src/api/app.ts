/**
 * The Express application, separate from `listen` so tests can mount it on
 * any port. The HTTP layer only validates, authorises and translates; use
 * cases live in src/services.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import cookieParser from 'cookie-parser';
import express from 'express';
import { type Config, configSchema } from '../config';
import type { Models } from '../db/models';
import type { Logger } from '../logger';
import { type ApiMetrics, createApiMetrics, metricsEndpoint } from '../observability/metrics';
import { createComplaintService } from '../services/complaints';
import { createCycleService } from '../services/cycles';
import { createSessionService } from '../services/sessions';
import { mongoWindows } from '../services/rate-limits';
import { type Authenticator, createAuthenticator } from './auth';
import { buildOpenApi } from './openapi';
import { errorHandler, notFoundHandler } from './problem';
import { securityHeaders, createRateLimiter } from './hardening';
import { type RouteSpec, mountRoutes } from './route';
import { adminRoutes } from './routes/admin';
import { authRoutes } from './routes/auth';
import { auditIntegrityRoutes } from './routes/audit';
import { auditSearchRoutes } from './routes/audit-search';
import { catalogRoutes } from './routes/catalog';
import { complaintRoutes } from './routes/complaints';
import { cycleRoutes } from './routes/cycles';
import { followUpRoutes } from './routes/follow-ups';
import { customerLinkRoutes } from './routes/customer-link';
import { customerRoutes } from './routes/customers';
import { healthRoutes } from './routes/health';
import { historyRoutes } from './routes/history';
import { analyticsRoutes } from './routes/analytics';
import { reviewRoutes } from './routes/reviews';
import { serviceAreaRoutes } from './routes/service-areas';
import { surveyLinkRoutes } from './routes/survey-link';
import { surveyRoutes } from './routes/surveys';
import { triggerRoutes } from './routes/triggers';
import { webAppRouter } from './web-app';

/** JSON bodies are read per route, after authentication (src/api/route.ts). */
export { BODY_LIMIT } from './route';

export interface AppDeps {
  config: Config;
  models: Models;
  client: Client;
  log: Logger;
  /** Where the built web app is (default web/dist). */
  webDist?: string;
  /** Prometheus metrics shared with the metrics listener (src/api/main.ts); made here when only the token route serves them. */
  metrics?: ApiMetrics;
}

/** What route modules may use. */
export interface RouteDeps extends AppDeps {
  auth: Authenticator;
  complaints: ReturnType<typeof createComplaintService>;
  cycles: ReturnType<typeof createCycleService>;
}

/** Every route of the API (also used to generate the OpenAPI document and docs/permissions.md). */
export function buildRoutes(deps: RouteDeps): RouteSpec[] {
  return [
    ...healthRoutes(deps.models, deps.client),
    ...authRoutes(deps),
    ...complaintRoutes(deps.complaints),
    ...cycleRoutes(deps.cycles),
    ...historyRoutes(deps),
    ...catalogRoutes(deps.models),
    ...auditSearchRoutes(deps),
    ...auditIntegrityRoutes(deps),
    ...adminRoutes(deps),
    ...serviceAreaRoutes(deps),
    ...analyticsRoutes(deps),
    ...triggerRoutes(deps),
    ...reviewRoutes(deps),
    ...followUpRoutes(deps.models),
    ...customerLinkRoutes(deps),
    ...customerRoutes(deps),
    ...surveyRoutes(deps),
    ...surveyLinkRoutes(deps),
  ];
}

/** The route specs alone, without live dependencies (docs generation): handlers are never called. */
export function documentedRoutes(): RouteSpec[] {
  const config = configSchema.parse({ temporal: {}, api: {}, notifications: {}, mongo: { uri: 'mongodb://docs' }, secrets: { apiKeyPepper: 'docs-pepper-0123456789', webhookSecret: 'docs-secret-0123456789' } });
  const unused = {} as never;
  return buildRoutes({ config, models: unused, client: unused, log: unused, auth: unused, complaints: unused, cycles: unused });
}

export function createApp(deps: AppDeps): express.Express {
  const { config, models, client, log } = deps;
  const app = express();
  app.disable('x-powered-by');
  if (config.api.trustProxy > 0) app.set('trust proxy', config.api.trustProxy);
  app.set('query parser', 'simple'); // no nested objects from ?a[b]=c: no operator injection through the query

  // No registry at all when nothing would serve it (no listener's metrics given, no token).
  const metricsToken = config.observability.metrics.token;
  const metrics = deps.metrics ?? (metricsToken ? createApiMetrics({ models, client, config, log }) : undefined);
  if (metrics) app.use(metrics.httpMetrics);

  app.use((req, res, next) => {
    const id = /^[\w-]{1,64}$/.test(req.header('x-request-id') ?? '') ? req.header('x-request-id')! : randomUUID();
    res.setHeader('x-request-id', id);
    res.locals.requestId = id;
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      log.debug({ requestId: id, method: req.method, url: req.originalUrl, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'request');
    });
    next();
  });
  app.use(securityHeaders);
  // For operators, on this port only with QL_METRICS_TOKEN; before body parsing. Not an API route: not in the OpenAPI document.
  if (metrics && metricsToken) app.get('/metrics', metricsEndpoint(metrics, metricsToken));
  // Fills req.cookies (the ql_session cookie of signed-in people, src/api/auth.ts); unsigned: the token is random and looked up.
  app.use(cookieParser());

  const sessions = createSessionService(models, { idleMinutes: config.auth.sessionIdleMinutes, maxHours: config.auth.sessionMaxHours });
  const auth = createAuthenticator(models, config.secrets.apiKeyPepper, sessions);
  const routes = buildRoutes({
    ...deps,
    auth,
    complaints: createComplaintService({ client, models, config }),
    cycles: createCycleService({ client, models, config }),
  });
  const router = express.Router();
  mountRoutes(router, routes, { authenticate: auth.handler, afterAuth: [createRateLimiter(config.api.rateLimit, { store: mongoWindows(models, log), log })] });

  const openapi = buildOpenApi(routes, { version: '0.1.0', serverUrl: config.api.publicUrl });
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  app.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_HTML);
  });
  // A script file rather than an inline script, so the page's CSP needs no 'unsafe-inline' for scripts.
  app.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send("window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });");
  });
  app.use('/docs/assets', express.static(swaggerDir, { index: false }));
  app.use(webAppRouter(deps.webDist));

  app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler(log));
  return app;
}

const DOCS_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>qualityloop API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body></html>`;
