import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { ROLES } from '../domain/actors';

/**
 * The one configuration object of qualityloop, read once at start-up by the API
 * and the worker from environment variables. Every variable is named
 * `QL_<SECTION>_<KEY>`; docker-compose.yml and the README use the same names
 * (a test checks that). Invalid config stops the process with a readable list
 * of the offending variables instead of failing later on first use.
 */
export const ENV_VARS = {
  temporalAddress: 'QL_TEMPORAL_ADDRESS',
  temporalNamespace: 'QL_TEMPORAL_NAMESPACE',
  taskQueue: 'QL_TASK_QUEUE',
  temporalWorkflowTaskTimeoutMs: 'QL_TEMPORAL_WORKFLOW_TASK_TIMEOUT_MS',
  mongoUri: 'QL_MONGO_URI',
  apiPort: 'QL_API_PORT',
  apiHost: 'QL_API_HOST',
  publicUrl: 'QL_PUBLIC_URL',
  trustProxy: 'QL_TRUST_PROXY',
  logLevel: 'QL_LOG_LEVEL',
  apiKeyPepper: 'QL_API_KEY_PEPPER',
  webhookUrls: 'QL_WEBHOOK_URLS',
  webhookSecret: 'QL_WEBHOOK_SECRET',
  temporalUiUrl: 'QL_TEMPORAL_UI_URL',
  workerMaxCachedWorkflows: 'QL_WORKER_MAX_CACHED_WORKFLOWS',
  workerStickyQueueTimeoutMs: 'QL_WORKER_STICKY_QUEUE_TIMEOUT_MS',
  rateLimitPerMinute: 'QL_API_RATE_LIMIT_PER_MINUTE',
  rateLimitBurst: 'QL_API_RATE_LIMIT_BURST',
  auditSigningKey: 'QL_AUDIT_SIGNING_KEY',
  auditPublicKey: 'QL_AUDIT_PUBLIC_KEY',
  auditDigestIntervalMinutes: 'QL_AUDIT_DIGEST_INTERVAL_MINUTES',
  loopTriggerIntervalMinutes: 'QL_LOOP_TRIGGER_INTERVAL_MINUTES',
  loopTriggerOffsetMinutes: 'QL_LOOP_TRIGGER_OFFSET_MINUTES',
  authSessionIdleMinutes: 'QL_AUTH_SESSION_IDLE_MINUTES',
  authSessionMaxHours: 'QL_AUTH_SESSION_MAX_HOURS',
  authLockoutFailures: 'QL_AUTH_LOCKOUT_FAILURES',
  authLockoutMinutes: 'QL_AUTH_LOCKOUT_MINUTES',
  authIpFailuresPerWindow: 'QL_AUTH_IP_FAILURES_PER_WINDOW',
  oidcIssuer: 'QL_OIDC_ISSUER',
  oidcClientId: 'QL_OIDC_CLIENT_ID',
  oidcClientSecret: 'QL_OIDC_CLIENT_SECRET',
  oidcName: 'QL_OIDC_NAME',
  oidcRoleClaim: 'QL_OIDC_ROLE_CLAIM',
  oidcRoleMap: 'QL_OIDC_ROLE_MAP',
  oidcUserIdClaim: 'QL_OIDC_USER_ID_CLAIM',
  smtpUrl: 'QL_SMTP_URL',
  mailFrom: 'QL_MAIL_FROM',
  linkSecret: 'QL_LINK_SECRET',
  linkTtlDays: 'QL_LINK_TTL_DAYS',
  linkRatePerMinute: 'QL_LINK_RATE_LIMIT_PER_MINUTE',
  linkAddressRatePerMinute: 'QL_LINK_ADDRESS_RATE_LIMIT_PER_MINUTE',
  metricsHost: 'QL_METRICS_HOST',
  metricsPort: 'QL_METRICS_PORT',
  metricsToken: 'QL_METRICS_TOKEN',
  otlpEndpoint: 'QL_OTLP_ENDPOINT',
} as const;

const csvUrls = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((u) => u.trim()).filter(Boolean))
  .pipe(z.array(z.url({ protocol: /^https?$/ })));

const secret = z.string().min(16, 'must be at least 16 characters');

/** `claim-value=role,other=role`: how the identity provider's role claim maps to our roles (empty: the claim names our roles). */
const roleMap = z
  .string()
  .default('')
  .transform((s, ctx) => {
    const out: Record<string, (typeof ROLES)[number]> = {};
    for (const pair of s.split(',').map((p) => p.trim()).filter(Boolean)) {
      const i = pair.lastIndexOf('=');
      const value = pair.slice(0, i).trim();
      const role = pair.slice(i + 1).trim();
      if (i <= 0 || !value || !(ROLES as readonly string[]).includes(role)) {
        ctx.addIssue({ code: 'custom', message: `"${pair}" is not claim-value=role with a role among ${ROLES.join(', ')}` });
        return z.NEVER;
      }
      out[value] = role as (typeof ROLES)[number];
    }
    return out;
  });
const ed25519Key = z.string().min(40, 'must be an Ed25519 key (PEM, or base64 DER)');

export const configSchema = z.object({
  temporal: z.object({
    address: z.string().min(1).default('127.0.0.1:7233'),
    namespace: z.string().min(1).default('default'),
    taskQueue: z.string().min(1).default('qualityloop'),
    uiUrl: z.url().optional(),
    /**
     * Workflow task timeout given to every complaint and cycle workflow the API starts
     * (Temporal's default is 10 s). It is how long Temporal waits before handing a workflow
     * task held by a dead worker to another one, so a request in flight when a worker is
     * killed waits about this long. A healthy task takes milliseconds; a first task after a
     * restart replays the history (well under a second here). Too low, and an overloaded
     * worker's tasks time out and are replayed again. See docs/decisions.md, recovery.
     */
    workflowTaskTimeoutMs: z.coerce.number().int().min(1000).max(120_000).default(3000),
  }),
  mongo: z.object({
    uri: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI'),
  }),
  api: z.object({
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    host: z.string().default('127.0.0.1'),
    publicUrl: z.url().optional(),
    /** Reverse proxies in front of the API whose X-Forwarded-For is trusted for the client address (sign-in throttling, logs); 0: none. */
    trustProxy: z.coerce.number().int().min(0).max(10).default(0),
    /**
     * Per user (all of a user's keys and sessions), shared by every API replica
     * (counted in MongoDB, src/services/rate-limits.ts): windows of min(burst,
     * perMinute) requests lasting 60 * min(burst, perMinute) / perMinute s, plus
     * burst - perMinute more per window of that many requests' worth when burst
     * exceeds perMinute (docs/security.md, "Rate limits").
     */
    rateLimit: z
      .object({
        perMinute: z.coerce.number().int().min(1).default(600),
        burst: z.coerce.number().int().min(1).default(100),
      })
      .default({ perMinute: 600, burst: 100 }),
  }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  secrets: z.object({
    /** Server-side secret mixed into API key hashes, so a leaked DB alone cannot be brute-forced offline. */
    apiKeyPepper: secret,
    /** HMAC key that signs webhook bodies (header `X-Qualityloop-Signature`). */
    webhookSecret: secret,
  }),
  audit: z
    .object({
      /** Ed25519 private key (PKCS#8, PEM or base64 DER) that signs audit digests; the worker needs it. */
      signingKey: ed25519Key.optional(),
      /** Ed25519 public key (SPKI, PEM or base64 DER) that verifies them; derived from the signing key when unset. */
      publicKey: ed25519Key.optional(),
      /** How often the digest schedule runs. */
      digestIntervalMinutes: z.coerce.number().int().min(1).max(24 * 60).default(60),
    })
    .default({ digestIntervalMinutes: 60 }),
  notifications: z.object({
    webhookUrls: csvUrls,
  }),
  /** Customer email (src/mail): off while `smtpUrl` is unset (messages stay pending in the outbox with that reason). */
  mail: z
    .object({
      /** `smtp://user:pass@host:port` or `smtps://...` (nodemailer's connection URL). */
      smtpUrl: z.url({ protocol: /^smtps?$/ }).optional(),
      /** The From: of customer messages. */
      from: z.string().min(3).max(200).default('qualityloop <no-reply@qualityloop.local>'),
    })
    .default({ from: 'qualityloop <no-reply@qualityloop.local>' }),
  /** Customer links (src/domain/customer-link.ts): signed, expiring, revocable. */
  customers: z
    .object({
      /** HMAC key of link tokens; derived from the webhook secret when unset (docs/voice.md). */
      linkSecret: secret.optional(),
      /** How long a link sent in a message stays valid. */
      linkTtlDays: z.coerce.number().positive().max(366).default(30),
      /** Requests one link may make per minute (all its endpoints together; one 60 s window, shared by every API replica). */
      linkRatePerMinute: z.coerce.number().int().min(1).max(10_000).default(30),
      /** Link requests one client address may make per minute (all links together; one 60 s window, shared by every API replica). */
      addressRatePerMinute: z.coerce.number().int().min(1).max(100_000).default(300),
    })
    .default({ linkTtlDays: 30, linkRatePerMinute: 30, addressRatePerMinute: 300 }),
  /** The quality loop's schedule (src/services/quality-loop-schedule.ts). */
  loop: z
    .object({
      /** How often the improvement triggers are evaluated (default daily). */
      triggerIntervalMinutes: z.coerce.number().int().min(1).max(7 * 24 * 60).default(24 * 60),
      /** When in each interval, counted from the Unix epoch (UTC midnight for a daily interval): default 01:00 UTC. */
      triggerOffsetMinutes: z.coerce.number().int().min(0).max(7 * 24 * 60 - 1).default(60),
    })
    .refine((l) => l.triggerOffsetMinutes < l.triggerIntervalMinutes, {
      path: ['triggerOffsetMinutes'],
      message: 'must be less than the trigger interval',
      // Only once both numbers are valid: a bad interval is reported once, as itself.
      when: (payload) => payload.issues.length === 0,
    })
    .default({ triggerIntervalMinutes: 24 * 60, triggerOffsetMinutes: 60 }),
  /** Sign-in for people (docs/security.md): browser sessions, lockout, and OpenID Connect. */
  auth: z
    .object({
      /** A session unused this long ends (sliding). */
      // Fractions are allowed (tests run with seconds); production values are whole minutes and hours.
      sessionIdleMinutes: z.coerce.number().positive().max(24 * 60).default(30),
      /** A session ends this long after sign-in, however active. */
      sessionMaxHours: z.coerce.number().positive().max(30 * 24).default(12),
      lockout: z
        .object({
          /** Consecutive failed sign-ins that lock an account... */
          failures: z.coerce.number().int().min(1).max(100).default(5),
          /** ...for this long (the right password is refused too until then). */
          minutes: z.coerce.number().positive().max(24 * 60).default(15),
        })
        .default({ failures: 5, minutes: 15 }),
      /** Failed sign-ins one client IP may make per lockout window (all accounts together) before it is slowed down with 429. */
      ipFailuresPerWindow: z.coerce.number().int().min(1).max(100_000).default(50),
      /** OpenID Connect sign-in; off while `issuer` is unset. */
      oidc: z
        .object({
          issuer: z.url().optional(),
          clientId: z.string().min(1).optional(),
          clientSecret: z.string().min(1).optional(),
          /** Label of the sign-in button. */
          name: z.string().min(1).max(60).default('Single sign-on'),
          /** The ID token / userinfo claim that names the role (a string or a list of strings). */
          roleClaim: z.string().min(1).default('qualityloop_role'),
          /** Claim value -> role; values not listed are taken as role names themselves. */
          roleMap: roleMap,
          /** The claim that becomes the user id (falls back to `sub`). */
          userIdClaim: z.string().min(1).default('preferred_username'),
        })
        .refine((o) => !o.issuer || (o.clientId && o.clientSecret), { path: ['clientId'], message: 'QL_OIDC_CLIENT_ID and QL_OIDC_CLIENT_SECRET are required with QL_OIDC_ISSUER' })
        .default({ name: 'Single sign-on', roleClaim: 'qualityloop_role', roleMap: {}, userIdClaim: 'preferred_username' }),
    })
    .default({
      sessionIdleMinutes: 30,
      sessionMaxHours: 12,
      lockout: { failures: 5, minutes: 15 },
      ipFailuresPerWindow: 50,
      oidc: { name: 'Single sign-on', roleClaim: 'qualityloop_role', roleMap: {}, userIdClaim: 'preferred_username' },
    }),
  /**
   * Metrics and traces (docs/operations.md). Each process (API, worker) serves
   * Prometheus metrics on its own listener `host:port` when `port` is set (off
   * otherwise): the API through prom-client, the worker through the Temporal
   * SDK's Prometheus exporter. The API also serves `GET /metrics` on its main
   * port when `token` is set, to callers sending `Authorization: Bearer <token>`.
   * Never public by default.
   */
  observability: z
    .object({
      metrics: z
        .object({
          host: z.string().min(1).default('127.0.0.1'),
          port: z.coerce.number().int().min(0).max(65535).optional(),
          token: secret.optional(),
        })
        .default({ host: '127.0.0.1' }),
      /** Base URL of an OTLP/HTTP collector (traces go to `<url>/v1/traces`); tracing is off while unset. */
      otlpEndpoint: z.url({ protocol: /^https?$/ }).optional(),
    })
    .default({ metrics: { host: '127.0.0.1' } }),
  worker: z
    .object({
      /** Workflows kept in the worker's cache (memory bound); unset = the SDK's default from the heap size. */
      maxCachedWorkflows: z.coerce.number().int().min(0).optional(),
      /**
       * How long a workflow task waits on this worker's sticky queue before Temporal moves it
       * to the shared queue (SDK default 10 s). After a worker is killed, Temporal keeps
       * routing its workflows' tasks to its sticky queue for up to 10 s, so every request
       * waits this long; a busy but live worker rarely leaves a task there for a second.
       */
      stickyQueueTimeoutMs: z.coerce.number().int().min(100).max(60_000).default(1000),
    })
    .default({ stickyQueueTimeoutMs: 1000 }),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function fromEnv(env: Env) {
  const v = (k: keyof typeof ENV_VARS) => {
    const raw = env[ENV_VARS[k]];
    return raw === undefined || raw === '' ? undefined : raw;
  };
  return {
    temporal: {
      address: v('temporalAddress'),
      namespace: v('temporalNamespace'),
      taskQueue: v('taskQueue'),
      uiUrl: v('temporalUiUrl'),
      workflowTaskTimeoutMs: v('temporalWorkflowTaskTimeoutMs'),
    },
    mongo: { uri: v('mongoUri') },
    api: { port: v('apiPort'), host: v('apiHost'), publicUrl: v('publicUrl'), trustProxy: v('trustProxy'), rateLimit: { perMinute: v('rateLimitPerMinute'), burst: v('rateLimitBurst') } },
    logLevel: v('logLevel'),
    secrets: { apiKeyPepper: v('apiKeyPepper'), webhookSecret: v('webhookSecret') },
    notifications: { webhookUrls: v('webhookUrls') },
    mail: { smtpUrl: v('smtpUrl'), from: v('mailFrom') },
    customers: { linkSecret: v('linkSecret'), linkTtlDays: v('linkTtlDays'), linkRatePerMinute: v('linkRatePerMinute'), addressRatePerMinute: v('linkAddressRatePerMinute') },
    worker: { maxCachedWorkflows: v('workerMaxCachedWorkflows'), stickyQueueTimeoutMs: v('workerStickyQueueTimeoutMs') },
    observability: { metrics: { host: v('metricsHost'), port: v('metricsPort'), token: v('metricsToken') }, otlpEndpoint: v('otlpEndpoint') },
    audit: { signingKey: v('auditSigningKey'), publicKey: v('auditPublicKey'), digestIntervalMinutes: v('auditDigestIntervalMinutes') },
    loop: { triggerIntervalMinutes: v('loopTriggerIntervalMinutes'), triggerOffsetMinutes: v('loopTriggerOffsetMinutes') },
    auth: {
      sessionIdleMinutes: v('authSessionIdleMinutes'),
      sessionMaxHours: v('authSessionMaxHours'),
      lockout: { failures: v('authLockoutFailures'), minutes: v('authLockoutMinutes') },
      ipFailuresPerWindow: v('authIpFailuresPerWindow'),
      oidc: {
        issuer: v('oidcIssuer'),
        clientId: v('oidcClientId'),
        clientSecret: v('oidcClientSecret'),
        name: v('oidcName'),
        roleClaim: v('oidcRoleClaim'),
        roleMap: v('oidcRoleMap'),
        userIdClaim: v('oidcUserIdClaim'),
      },
    },
  };
}

/** Maps a config path (e.g. `mongo.uri`) back to its environment variable for error messages. */
const PATH_TO_ENV: Record<string, string> = {
  'temporal.address': ENV_VARS.temporalAddress,
  'temporal.namespace': ENV_VARS.temporalNamespace,
  'temporal.taskQueue': ENV_VARS.taskQueue,
  'temporal.uiUrl': ENV_VARS.temporalUiUrl,
  'temporal.workflowTaskTimeoutMs': ENV_VARS.temporalWorkflowTaskTimeoutMs,
  'mongo.uri': ENV_VARS.mongoUri,
  'api.port': ENV_VARS.apiPort,
  'api.host': ENV_VARS.apiHost,
  'api.publicUrl': ENV_VARS.publicUrl,
  'api.trustProxy': ENV_VARS.trustProxy,
  logLevel: ENV_VARS.logLevel,
  'secrets.apiKeyPepper': ENV_VARS.apiKeyPepper,
  'secrets.webhookSecret': ENV_VARS.webhookSecret,
  'notifications.webhookUrls': ENV_VARS.webhookUrls,
  'mail.smtpUrl': ENV_VARS.smtpUrl,
  'mail.from': ENV_VARS.mailFrom,
  'customers.linkSecret': ENV_VARS.linkSecret,
  'customers.linkTtlDays': ENV_VARS.linkTtlDays,
  'customers.linkRatePerMinute': ENV_VARS.linkRatePerMinute,
  'customers.addressRatePerMinute': ENV_VARS.linkAddressRatePerMinute,
  'worker.maxCachedWorkflows': ENV_VARS.workerMaxCachedWorkflows,
  'worker.stickyQueueTimeoutMs': ENV_VARS.workerStickyQueueTimeoutMs,
  'observability.metrics.host': ENV_VARS.metricsHost,
  'observability.metrics.port': ENV_VARS.metricsPort,
  'observability.metrics.token': ENV_VARS.metricsToken,
  'observability.otlpEndpoint': ENV_VARS.otlpEndpoint,
  'api.rateLimit.perMinute': ENV_VARS.rateLimitPerMinute,
  'api.rateLimit.burst': ENV_VARS.rateLimitBurst,
  'audit.signingKey': ENV_VARS.auditSigningKey,
  'audit.publicKey': ENV_VARS.auditPublicKey,
  'audit.digestIntervalMinutes': ENV_VARS.auditDigestIntervalMinutes,
  'loop.triggerIntervalMinutes': ENV_VARS.loopTriggerIntervalMinutes,
  'loop.triggerOffsetMinutes': ENV_VARS.loopTriggerOffsetMinutes,
  'auth.sessionIdleMinutes': ENV_VARS.authSessionIdleMinutes,
  'auth.sessionMaxHours': ENV_VARS.authSessionMaxHours,
  'auth.lockout.failures': ENV_VARS.authLockoutFailures,
  'auth.lockout.minutes': ENV_VARS.authLockoutMinutes,
  'auth.ipFailuresPerWindow': ENV_VARS.authIpFailuresPerWindow,
  'auth.oidc.issuer': ENV_VARS.oidcIssuer,
  'auth.oidc.clientId': ENV_VARS.oidcClientId,
  'auth.oidc.clientSecret': ENV_VARS.oidcClientSecret,
  'auth.oidc.name': ENV_VARS.oidcName,
  'auth.oidc.roleClaim': ENV_VARS.oidcRoleClaim,
  'auth.oidc.roleMap': ENV_VARS.oidcRoleMap,
  'auth.oidc.userIdClaim': ENV_VARS.oidcUserIdClaim,
};

/** Parses the environment into a Config, or throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const parsed = configSchema.safeParse(fromEnv(env));
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const path = issue.path.filter((p) => typeof p !== 'number').join('.');
    const name = PATH_TO_ENV[path] ?? path;
    return `  ${name}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

/** The environment that reproduces `config` (to start a worker or API process with it). */
export function configToEnv(config: Config): Record<string, string> {
  const env: Record<string, string | undefined> = {
    [ENV_VARS.temporalAddress]: config.temporal.address,
    [ENV_VARS.temporalNamespace]: config.temporal.namespace,
    [ENV_VARS.taskQueue]: config.temporal.taskQueue,
    [ENV_VARS.temporalUiUrl]: config.temporal.uiUrl,
    [ENV_VARS.temporalWorkflowTaskTimeoutMs]: String(config.temporal.workflowTaskTimeoutMs),
    [ENV_VARS.mongoUri]: config.mongo.uri,
    [ENV_VARS.apiPort]: String(config.api.port),
    [ENV_VARS.apiHost]: config.api.host,
    [ENV_VARS.publicUrl]: config.api.publicUrl,
    [ENV_VARS.trustProxy]: String(config.api.trustProxy),
    [ENV_VARS.logLevel]: config.logLevel,
    [ENV_VARS.apiKeyPepper]: config.secrets.apiKeyPepper,
    [ENV_VARS.webhookSecret]: config.secrets.webhookSecret,
    [ENV_VARS.webhookUrls]: config.notifications.webhookUrls.join(','),
    [ENV_VARS.smtpUrl]: config.mail.smtpUrl,
    [ENV_VARS.mailFrom]: config.mail.from,
    [ENV_VARS.linkSecret]: config.customers.linkSecret,
    [ENV_VARS.linkTtlDays]: String(config.customers.linkTtlDays),
    [ENV_VARS.linkRatePerMinute]: String(config.customers.linkRatePerMinute),
    [ENV_VARS.linkAddressRatePerMinute]: String(config.customers.addressRatePerMinute),
    [ENV_VARS.workerMaxCachedWorkflows]: config.worker.maxCachedWorkflows?.toString(),
    [ENV_VARS.workerStickyQueueTimeoutMs]: String(config.worker.stickyQueueTimeoutMs),
    [ENV_VARS.metricsHost]: config.observability.metrics.host,
    [ENV_VARS.metricsPort]: config.observability.metrics.port?.toString(),
    [ENV_VARS.metricsToken]: config.observability.metrics.token,
    [ENV_VARS.otlpEndpoint]: config.observability.otlpEndpoint,
    [ENV_VARS.rateLimitPerMinute]: String(config.api.rateLimit.perMinute),
    [ENV_VARS.rateLimitBurst]: String(config.api.rateLimit.burst),
    [ENV_VARS.auditSigningKey]: config.audit.signingKey,
    [ENV_VARS.auditPublicKey]: config.audit.publicKey,
    [ENV_VARS.auditDigestIntervalMinutes]: String(config.audit.digestIntervalMinutes),
    [ENV_VARS.loopTriggerIntervalMinutes]: String(config.loop.triggerIntervalMinutes),
    [ENV_VARS.loopTriggerOffsetMinutes]: String(config.loop.triggerOffsetMinutes),
    [ENV_VARS.authSessionIdleMinutes]: String(config.auth.sessionIdleMinutes),
    [ENV_VARS.authSessionMaxHours]: String(config.auth.sessionMaxHours),
    [ENV_VARS.authLockoutFailures]: String(config.auth.lockout.failures),
    [ENV_VARS.authLockoutMinutes]: String(config.auth.lockout.minutes),
    [ENV_VARS.authIpFailuresPerWindow]: String(config.auth.ipFailuresPerWindow),
    [ENV_VARS.oidcIssuer]: config.auth.oidc.issuer,
    [ENV_VARS.oidcClientId]: config.auth.oidc.clientId,
    [ENV_VARS.oidcClientSecret]: config.auth.oidc.clientSecret,
    [ENV_VARS.oidcName]: config.auth.oidc.name,
    [ENV_VARS.oidcRoleClaim]: config.auth.oidc.roleClaim,
    [ENV_VARS.oidcRoleMap]: Object.entries(config.auth.oidc.roleMap).map(([k, r]) => `${k}=${r}`).join(','),
    [ENV_VARS.oidcUserIdClaim]: config.auth.oidc.userIdClaim,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The key that signs customer links: QL_LINK_SECRET, else one derived from the webhook secret (so no deployment needs a new secret). */
export function linkSecretOf(config: Pick<Config, 'customers' | 'secrets'>): string {
  return config.customers.linkSecret ?? createHmac('sha256', config.secrets.webhookSecret).update('qualityloop customer links v1').digest('hex');
}

/** The base URL of links in customer messages: QL_PUBLIC_URL, else the API's own address. */
export function publicBaseUrl(config: Pick<Config, 'api'>): string {
  return (config.api.publicUrl ?? `http://${config.api.host === '0.0.0.0' ? '127.0.0.1' : config.api.host}:${config.api.port}`).replace(/\/+$/, '');
}
