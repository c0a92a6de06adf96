import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, ENV_VARS, loadConfig } from '../../src/config';

const PEPPER = 'pepper-0123456789abcdef'; // 23 characters
const WEBHOOK_SECRET = 'webhook-secret-0123456'; // 22 characters
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const SIGNING_KEY = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
const PUBLIC_KEY = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

/** The three variables without a default. */
const REQUIRED = {
  QL_MONGO_URI: 'mongodb://db.internal:27017/qualityloop',
  QL_API_KEY_PEPPER: PEPPER,
  QL_WEBHOOK_SECRET: WEBHOOK_SECRET,
};

/** The ConfigError thrown by loadConfig(env); fails the test if nothing or something else is thrown. */
function configError(env: Record<string, string | undefined>): ConfigError {
  let caught: unknown;
  try {
    loadConfig(env);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  return caught as ConfigError;
}

/** The problem lines of a ConfigError message ('  QL_X: ...'), header dropped. */
const problemLines = (err: ConfigError): string[] => err.message.split('\n').slice(1);

describe('loadConfig', () => {
  it('given every variable set to a valid value, when loading, then each lands in its config field', () => {
    const config = loadConfig({
      QL_TEMPORAL_ADDRESS: 'temporal.internal:7233',
      QL_TEMPORAL_NAMESPACE: 'quality',
      QL_TASK_QUEUE: 'complaints',
      QL_TEMPORAL_UI_URL: 'http://temporal-ui.internal:8233',
      QL_MONGO_URI: 'mongodb+srv://cluster0.example.net/qualityloop',
      QL_API_PORT: '9090',
      QL_API_HOST: '0.0.0.0',
      QL_PUBLIC_URL: 'https://quality.example.com',
      QL_LOG_LEVEL: 'debug',
      QL_API_KEY_PEPPER: PEPPER,
      QL_WEBHOOK_SECRET: WEBHOOK_SECRET,
      QL_WEBHOOK_URLS: ' https://hooks.example.com/a , , http://hooks.internal:9000/b ',
      QL_WORKER_MAX_CACHED_WORKFLOWS: '500',
      QL_TEMPORAL_WORKFLOW_TASK_TIMEOUT_MS: '5000',
      QL_WORKER_STICKY_QUEUE_TIMEOUT_MS: '2000',
      QL_API_RATE_LIMIT_PER_MINUTE: '120',
      QL_API_RATE_LIMIT_BURST: '20',
      QL_AUDIT_SIGNING_KEY: SIGNING_KEY,
      QL_AUDIT_PUBLIC_KEY: PUBLIC_KEY,
      QL_AUDIT_DIGEST_INTERVAL_MINUTES: '15',
      QL_LOOP_TRIGGER_INTERVAL_MINUTES: '720',
      QL_LOOP_TRIGGER_OFFSET_MINUTES: '30',
      QL_AUTH_SESSION_IDLE_MINUTES: '20',
      QL_AUTH_SESSION_MAX_HOURS: '8',
      QL_AUTH_LOCKOUT_FAILURES: '3',
      QL_AUTH_LOCKOUT_MINUTES: '10',
      QL_AUTH_IP_FAILURES_PER_WINDOW: '40',
      QL_OIDC_ISSUER: 'https://id.example.com/realms/quality',
      QL_OIDC_CLIENT_ID: 'qualityloop',
      QL_OIDC_CLIENT_SECRET: 'oidc-client-secret',
      QL_OIDC_NAME: 'Example ID',
      QL_OIDC_ROLE_CLAIM: 'groups',
      QL_OIDC_ROLE_MAP: 'ql-agents=agent, ql-leads=supervisor',
      QL_OIDC_USER_ID_CLAIM: 'email',
      QL_TRUST_PROXY: '1',
      QL_SMTP_URL: 'smtps://mailer:secret@smtp.example.com:465',
      QL_MAIL_FROM: 'Example Care <care@example.com>',
      QL_LINK_SECRET: 'link-secret-0123456789',
      QL_LINK_TTL_DAYS: '14',
      QL_LINK_RATE_LIMIT_PER_MINUTE: '10',
      QL_LINK_ADDRESS_RATE_LIMIT_PER_MINUTE: '100',
      QL_METRICS_HOST: '0.0.0.0',
      QL_METRICS_PORT: '9464',
      QL_METRICS_TOKEN: 'metrics-token-0123456789',
      QL_OTLP_ENDPOINT: 'http://otel-collector:4318',
    });
    expect(config).toEqual({
      temporal: { address: 'temporal.internal:7233', namespace: 'quality', taskQueue: 'complaints', uiUrl: 'http://temporal-ui.internal:8233', workflowTaskTimeoutMs: 5000 },
      mongo: { uri: 'mongodb+srv://cluster0.example.net/qualityloop' },
      // The port string is coerced to a number.
      api: { port: 9090, host: '0.0.0.0', publicUrl: 'https://quality.example.com', trustProxy: 1, rateLimit: { perMinute: 120, burst: 20 } },
      logLevel: 'debug',
      secrets: { apiKeyPepper: PEPPER, webhookSecret: WEBHOOK_SECRET },
      // Split on commas, trimmed, empty entries dropped.
      notifications: { webhookUrls: ['https://hooks.example.com/a', 'http://hooks.internal:9000/b'] },
      mail: { smtpUrl: 'smtps://mailer:secret@smtp.example.com:465', from: 'Example Care <care@example.com>' },
      customers: { linkSecret: 'link-secret-0123456789', linkTtlDays: 14, linkRatePerMinute: 10, addressRatePerMinute: 100 },
      worker: { maxCachedWorkflows: 500, stickyQueueTimeoutMs: 2000 },
      observability: { metrics: { host: '0.0.0.0', port: 9464, token: 'metrics-token-0123456789' }, otlpEndpoint: 'http://otel-collector:4318' },
      audit: { signingKey: SIGNING_KEY, publicKey: PUBLIC_KEY, digestIntervalMinutes: 15 },
      loop: { triggerIntervalMinutes: 720, triggerOffsetMinutes: 30 },
      auth: {
        sessionIdleMinutes: 20,
        sessionMaxHours: 8,
        lockout: { failures: 3, minutes: 10 },
        ipFailuresPerWindow: 40,
        // The role map is parsed into claim value -> role, trimmed.
        oidc: {
          issuer: 'https://id.example.com/realms/quality',
          clientId: 'qualityloop',
          clientSecret: 'oidc-client-secret',
          name: 'Example ID',
          roleClaim: 'groups',
          roleMap: { 'ql-agents': 'agent', 'ql-leads': 'supervisor' },
          userIdClaim: 'email',
        },
      },
    });
  });

  it('given only the required variables, when loading, then every other field takes its default', () => {
    expect(loadConfig(REQUIRED)).toEqual({
      // Recovery settings (docs/decisions.md): far below Temporal's 10 s defaults.
      temporal: { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'qualityloop', workflowTaskTimeoutMs: 3000 },
      mongo: { uri: 'mongodb://db.internal:27017/qualityloop' },
      api: { port: 8080, host: '127.0.0.1', trustProxy: 0, rateLimit: { perMinute: 600, burst: 100 } },
      logLevel: 'info',
      secrets: { apiKeyPepper: PEPPER, webhookSecret: WEBHOOK_SECRET },
      notifications: { webhookUrls: [] },
      // Customer email off until QL_SMTP_URL is set; links signed with a key derived from the webhook secret, valid 30 days.
      mail: { from: 'qualityloop <no-reply@qualityloop.local>' },
      customers: { linkTtlDays: 30, linkRatePerMinute: 30, addressRatePerMinute: 300 },
      worker: { stickyQueueTimeoutMs: 1000 },
      // Metrics are served only once a port (own listener) or a token (main port) is set; tracing only with an endpoint.
      observability: { metrics: { host: '127.0.0.1' } },
      audit: { digestIntervalMinutes: 60 },
      // The improvement triggers: daily at 01:00 UTC.
      loop: { triggerIntervalMinutes: 1440, triggerOffsetMinutes: 60 },
      // Sign-in: 30-minute idle and 12-hour absolute sessions, 5 failures lock for 15 minutes, OIDC off.
      auth: {
        sessionIdleMinutes: 30,
        sessionMaxHours: 12,
        lockout: { failures: 5, minutes: 15 },
        ipFailuresPerWindow: 50,
        oidc: { name: 'Single sign-on', roleClaim: 'qualityloop_role', roleMap: {}, userIdClaim: 'preferred_username' },
      },
    });
  });

  it('given a trigger offset not inside the trigger interval, or an interval of zero, when loading, then the error names the variable', () => {
    expect(problemLines(configError({ ...REQUIRED, QL_LOOP_TRIGGER_INTERVAL_MINUTES: '60', QL_LOOP_TRIGGER_OFFSET_MINUTES: '60' }))).toEqual([
      '  QL_LOOP_TRIGGER_OFFSET_MINUTES: must be less than the trigger interval',
    ]);
    expect(problemLines(configError({ ...REQUIRED, QL_LOOP_TRIGGER_INTERVAL_MINUTES: '0' })).map((l) => l.split(':')[0]!.trim())).toEqual(['QL_LOOP_TRIGGER_INTERVAL_MINUTES']);
  });

  it('given an OIDC role map naming an unknown role, or an issuer without client credentials, when loading, then the error names the variable', () => {
    expect(problemLines(configError({ ...REQUIRED, QL_OIDC_ROLE_MAP: 'ql-agents=agent,boss=overlord' }))).toEqual([
      '  QL_OIDC_ROLE_MAP: "boss=overlord" is not claim-value=role with a role among agent, supervisor, process_owner, sponsor, admin, auditor, intake',
    ]);
    expect(problemLines(configError({ ...REQUIRED, QL_OIDC_ISSUER: 'https://id.example.com' })).map((l) => l.split(':')[0]!.trim())).toEqual(['QL_OIDC_CLIENT_ID']);
  });

  it('given optional variables set to the empty string, when loading, then they count as unset and defaults apply', () => {
    const config = loadConfig({ ...REQUIRED, QL_API_PORT: '', QL_LOG_LEVEL: '', QL_TEMPORAL_ADDRESS: '', QL_WEBHOOK_URLS: '', QL_PUBLIC_URL: '' });
    expect(config.api).toEqual({ port: 8080, host: '127.0.0.1', trustProxy: 0, rateLimit: { perMinute: 600, burst: 100 } });
    expect(config.logLevel).toBe('info');
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.notifications.webhookUrls).toEqual([]);
  });

  it('given variables qualityloop does not know, when loading, then they are ignored', () => {
    expect(loadConfig({ ...REQUIRED, PATH: '/usr/bin', QL_UNKNOWN: 'x' }).mongo.uri).toBe(REQUIRED.QL_MONGO_URI);
  });

  it('given a non-mongodb URI, when loading, then the error names QL_MONGO_URI and the expected scheme', () => {
    const err = configError({ ...REQUIRED, QL_MONGO_URI: 'postgres://db.internal/qualityloop' });
    expect(err.name).toBe('ConfigError');
    expect(problemLines(err)).toEqual(['  QL_MONGO_URI: must be a mongodb:// or mongodb+srv:// URI']);
    expect(err.message.startsWith('invalid configuration:\n')).toBe(true);
  });

  it('given a 15-character secret, when loading, then the error names the variable and the 16-character minimum', () => {
    const err = configError({ ...REQUIRED, QL_API_KEY_PEPPER: '123456789012345' });
    expect(problemLines(err)).toEqual(['  QL_API_KEY_PEPPER: must be at least 16 characters']);
    const err2 = configError({ ...REQUIRED, QL_WEBHOOK_SECRET: 'short' });
    expect(problemLines(err2)).toEqual(['  QL_WEBHOOK_SECRET: must be at least 16 characters']);
  });

  it('given a secret of exactly 16 characters, when loading, then it is accepted', () => {
    expect(loadConfig({ ...REQUIRED, QL_API_KEY_PEPPER: '1234567890123456' }).secrets.apiKeyPepper).toBe('1234567890123456');
  });

  it.each(['abc', '70000', '65536', '-1', '80.5'])('given QL_API_PORT=%s, when loading, then the error names QL_API_PORT', (port) => {
    const lines = problemLines(configError({ ...REQUIRED, QL_API_PORT: port }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ {2}QL_API_PORT: /);
  });

  it('given the port bounds 0 and 65535, when loading, then both are accepted', () => {
    expect(loadConfig({ ...REQUIRED, QL_API_PORT: '0' }).api.port).toBe(0);
    expect(loadConfig({ ...REQUIRED, QL_API_PORT: '65535' }).api.port).toBe(65535);
  });

  it('given a webhook list with one malformed entry, when loading, then the error names QL_WEBHOOK_URLS once', () => {
    const lines = problemLines(configError({ ...REQUIRED, QL_WEBHOOK_URLS: 'https://hooks.example.com/a,not a url' }));
    // The array index is dropped from the path, so the variable itself is named.
    expect(lines).toEqual(['  QL_WEBHOOK_URLS: Invalid URL']);
  });

  it('given a webhook URL that is not http(s), when loading, then QL_WEBHOOK_URLS is rejected', () => {
    // Webhooks are delivered with an HTTP POST (fetch); a javascript: or ftp: URL can never be
    // delivered to and would only fail later, on first use, which config validation exists to prevent.
    for (const url of ['javascript:alert(1)', 'ftp://hooks.example.com/a']) {
      const lines = problemLines(configError({ ...REQUIRED, QL_WEBHOOK_URLS: `https://hooks.example.com/ok,${url}` }));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^ {2}QL_WEBHOOK_URLS: /);
    }
  });

  it('given a bad log level and bad optional URLs, when loading, then each error names its variable', () => {
    const lines = problemLines(configError({ ...REQUIRED, QL_LOG_LEVEL: 'loud', QL_PUBLIC_URL: 'quality.example.com', QL_TEMPORAL_UI_URL: 'nope' }));
    expect(lines.map((l) => l.split(':')[0]!.trim()).sort()).toEqual(['QL_LOG_LEVEL', 'QL_PUBLIC_URL', 'QL_TEMPORAL_UI_URL']);
  });

  it('given an empty environment, when loading, then all three required variables are reported', () => {
    const lines = problemLines(configError({}));
    expect(lines.map((l) => l.split(':')[0]!.trim())).toEqual([ENV_VARS.mongoUri, ENV_VARS.apiKeyPepper, ENV_VARS.webhookSecret]);
  });

  it('given several bad variables at once, when loading, then every problem is reported in one error', () => {
    const err = configError({
      QL_MONGO_URI: 'mysql://db',
      QL_API_PORT: '99999',
      QL_LOG_LEVEL: 'chatty',
      QL_API_KEY_PEPPER: 'short',
      // QL_WEBHOOK_SECRET missing
      QL_WEBHOOK_URLS: 'not-a-url',
    });
    const names = problemLines(err).map((l) => l.split(':')[0]!.trim());
    expect(names.sort()).toEqual(
      ['QL_API_KEY_PEPPER', 'QL_API_PORT', 'QL_LOG_LEVEL', 'QL_MONGO_URI', 'QL_WEBHOOK_SECRET', 'QL_WEBHOOK_URLS'].sort(),
    );
    // Messages name variables, never internal config paths.
    expect(err.message).not.toMatch(/mongo\.uri|api\.port|secrets\.|notifications\./);
  });
});
