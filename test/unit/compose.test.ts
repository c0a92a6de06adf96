/**
 * Static checks of the production deployment: docker-compose.yml and the
 * Prometheus and Grafana configuration under infra/ (the Dockerfile has its
 * own, test/unit/dockerfile.test.ts).
 * There is no Docker engine in CI, so the compose file is parsed and checked
 * against the application's own configuration schema instead of being run;
 * the dashboard's queries are parsed with Prometheus' own PromQL grammar and
 * their metric names checked against what the processes export.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';
import { SearchAttributeType } from '@temporalio/common';
import { generateKeyPairSync } from 'node:crypto';
import { ENV_VARS, loadConfig } from '../../src/config';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';
import type { Client } from '@temporalio/client';
import type { Models } from '../../src/db/models';
import { createApiMetrics } from '../../src/observability/metrics';
import { ACTIVITY_METRICS } from '../../worker/run';

const ROOT = join(__dirname, '..', '..');
const COMPOSE_PATH = join(ROOT, 'docker-compose.yml');
const DOCKERFILE_PATH = join(ROOT, 'Dockerfile');

type Service = {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, unknown> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  ports?: Array<string | { target?: number; published?: string | number }>;
  healthcheck?: { test?: string | string[] };
  deploy?: { replicas?: number };
  volumes?: unknown[];
};
type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown> };

const composeText = readFileSync(COMPOSE_PATH, 'utf8');
const compose = parse(composeText) as Compose;
const services = compose.services;

const KNOWN_QL_VARS = new Set<string>(Object.values(ENV_VARS));

/** Values a user would export in the shell before `docker compose up`. */
const SHELL_ENV: Record<string, string> = {
  QL_API_KEY_PEPPER: 'test-pepper-0123456789abcdef',
  QL_WEBHOOK_SECRET: 'test-webhook-secret-0123456789',
  QL_AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
};

/**
 * Minimal Compose interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}`, `${VAR?message}` and `$$` (a literal `$`).
 */
function interpolate(value: string, shell: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g,
    (match, name: string | undefined, colon: string | undefined, op: string | undefined, arg: string | undefined) => {
      if (match === '$$') return '$';
      const v = shell[name!];
      const unset = colon ? v === undefined || v === '' : v === undefined;
      if (!op) return v ?? '';
      if (op === '-') return unset ? (arg ?? '') : v!;
      if (unset) throw new Error(`required variable ${name} is missing: ${arg}`);
      return v!;
    },
  );
}

function rawEnv(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const i = entry.indexOf('=');
        return i === -1 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? '' : String(v)]));
}

function resolvedEnv(service: Service, shell: Record<string, string | undefined> = SHELL_ENV) {
  return Object.fromEntries(Object.entries(rawEnv(service)).map(([k, v]) => [k, interpolate(v, shell)]));
}

function commandText(cmd: string | string[] | undefined): string {
  if (cmd === undefined) return '';
  return Array.isArray(cmd) ? cmd.join(' ') : cmd;
}

function dependsOn(service: Service): Record<string, string | undefined> {
  const d = service.depends_on ?? {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(d).map(([name, v]) => [name, v?.condition]));
}

function svc(name: string): Service {
  const s = services[name];
  if (!s) throw new Error(`service ${name} is missing from docker-compose.yml`);
  return s;
}

describe('docker-compose.yml (production deployment)', () => {
  it('given the compose file, when parsed as YAML, then it has a services map', () => {
    expect(compose).toBeInstanceOf(Object);
    expect(services).toBeInstanceOf(Object);
    expect(Object.keys(services).length).toBeGreaterThan(0);
  });

  it('given a production deployment, when listing services, then every required service is present', () => {
    const required = [
      'postgresql',
      'temporal',
      'temporal-ui',
      'temporal-admin-tools',
      'mongo1',
      'mongo2',
      'mongo3',
      'mongo-init',
      'worker',
      'api',
      'prometheus',
      'grafana',
    ];
    expect(Object.keys(services)).toEqual(expect.arrayContaining(required));
  });

  it('given the Temporal server, when reading its env, then it persists to postgres (postgres12), not sqlite', () => {
    const temporal = svc('temporal');
    expect(temporal.image).toMatch(/^temporalio\/auto-setup:\d+\.\d+\.\d+$/);
    const env = resolvedEnv(temporal);
    expect(env.DB).toBe('postgres12');
    expect(env.POSTGRES_SEEDS).toBe('postgresql');
    expect(env.DB_PORT).toBe('5432');
    expect(env.POSTGRES_USER).toBeTruthy();
    expect(env.POSTGRES_PWD).toBeTruthy();
    expect(JSON.stringify(temporal).toLowerCase()).not.toContain('sqlite');
    expect(dependsOn(temporal).postgresql).toBe('service_healthy');

    const pg = svc('postgresql');
    expect(pg.image).toBe('postgres:16');
    expect(pg.healthcheck?.test).toBeDefined();
    expect((pg.volumes ?? []).map(String).some((v) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
    // Temporal's DB user/password must match what postgres was initialised with.
    expect(env.POSTGRES_USER).toBe(resolvedEnv(pg).POSTGRES_USER);
    expect(env.POSTGRES_PWD).toBe(resolvedEnv(pg).POSTGRES_PASSWORD);
  });

  it('given the Temporal UI, when reading its env, then it points at temporal:7233 and is published on 8233', () => {
    const ui = svc('temporal-ui');
    expect(ui.image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    expect(resolvedEnv(ui).TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect((ui.ports ?? []).map(String)).toContain('8233:8080');
  });

  it('given the MongoDB services, when reading their commands, then they form replica set rs0 and the URI uses all three', () => {
    for (const name of ['mongo1', 'mongo2', 'mongo3']) {
      const m = svc(name);
      expect(m.image).toMatch(/^mongo:7/);
      expect(commandText(m.command)).toMatch(/--replSet rs0(\s|$)/);
      expect(commandText(m.command)).toContain('--bind_ip_all');
      expect((m.volumes ?? []).map(String).some((v) => v.endsWith(':/data/db'))).toBe(true);
    }

    const init = svc('mongo-init');
    const initScript = commandText(init.entrypoint) + ' ' + commandText(init.command);
    expect(initScript).toContain('mongosh');
    expect(initScript).toContain('rs.initiate(');
    expect(initScript).toContain("_id: 'rs0'");
    for (const host of ['mongo1:27017', 'mongo2:27017', 'mongo3:27017']) expect(initScript).toContain(host);
    expect(initScript).toContain('PRIMARY');
    expect(dependsOn(init)).toEqual({
      mongo1: 'service_healthy',
      mongo2: 'service_healthy',
      mongo3: 'service_healthy',
    });

    for (const name of ['api', 'worker']) {
      const uri = resolvedEnv(svc(name)).QL_MONGO_URI!;
      expect(uri).toContain('replicaSet=rs0');
      for (const host of ['mongo1:27017', 'mongo2:27017', 'mongo3:27017']) expect(uri).toContain(host);
    }
  });

  it('given the whole compose file, when collecting QL_* names, then each one is a known ENV_VARS value', () => {
    const used = new Set(composeText.match(/\bQL_[A-Z0-9_]+/g) ?? []);
    expect(used.size).toBeGreaterThan(0);
    const unknown = [...used].filter((name) => !KNOWN_QL_VARS.has(name));
    expect(unknown).toEqual([]);
  });

  it.each(['api', 'worker'])(
    'given the %s service, when its env is resolved like compose does, then it defines every ENV_VARS variable and loadConfig accepts it',
    (name) => {
      const env = resolvedEnv(svc(name));
      const missing = Object.values(ENV_VARS).filter((v) => !(v in env));
      expect(missing).toEqual([]);
      // Only QL_* variables configure the app.
      expect(Object.keys(env).filter((k) => !k.startsWith('QL_'))).toEqual([]);

      const config = loadConfig(env);
      expect(config.temporal.address).toBe('temporal:7233');
      expect(config.temporal.namespace).toBe('default');
      expect(config.temporal.taskQueue).toBe('qualityloop');
      expect(config.temporal.uiUrl).toBe('http://localhost:8233');
      expect(config.mongo.uri).toBe('mongodb://mongo1:27017,mongo2:27017,mongo3:27017/qualityloop?replicaSet=rs0');
      expect(config.api.port).toBe(8080);
      expect(config.api.host).toBe('0.0.0.0');
      expect(config.logLevel).toBe('info');
      expect(config.secrets.apiKeyPepper).toBe(SHELL_ENV.QL_API_KEY_PEPPER);
      expect(config.secrets.webhookSecret).toBe(SHELL_ENV.QL_WEBHOOK_SECRET);
      expect(config.notifications.webhookUrls).toEqual([]);
    },
  );

  it('given api and worker, when comparing their env, then both share the same x-qualityloop-env anchor', () => {
    expect(composeText).toMatch(/^x-qualityloop-env: &[\w-]+/m);
    expect(rawEnv(svc('api'))).toEqual(rawEnv(svc('worker')));
    expect(rawEnv(svc('api'))).toEqual(rawEnv({ environment: (compose as Record<string, unknown>)['x-qualityloop-env'] as Record<string, unknown> }));
  });

  it('given the secrets, when reading the compose file, then they come only from the environment and are required', () => {
    const env = rawEnv(svc('api'));
    expect(env.QL_API_KEY_PEPPER).toMatch(/^\$\{QL_API_KEY_PEPPER:\?[^}]+\}$/);
    expect(env.QL_WEBHOOK_SECRET).toMatch(/^\$\{QL_WEBHOOK_SECRET:\?[^}]+\}$/);
    expect(env.QL_METRICS_TOKEN).toBe('${QL_METRICS_TOKEN:-}');
    expect(() => resolvedEnv(svc('api'), {})).toThrow(/QL_API_KEY_PEPPER/);
    expect(() => resolvedEnv(svc('worker'), { QL_API_KEY_PEPPER: SHELL_ENV.QL_API_KEY_PEPPER })).toThrow(
      /QL_WEBHOOK_SECRET/,
    );
  });

  it('given webhook URLs exported in the shell, when the worker env is resolved, then loadConfig parses them', () => {
    const env = resolvedEnv(svc('worker'), {
      ...SHELL_ENV,
      QL_WEBHOOK_URLS: 'https://hooks.example.com/a, https://hooks.example.com/b',
    });
    expect(loadConfig(env).notifications.webhookUrls).toEqual([
      'https://hooks.example.com/a',
      'https://hooks.example.com/b',
    ]);
  });

  it('given the admin-tools one-shot, when reading its script, then it registers exactly our custom search attributes', () => {
    const admin = svc('temporal-admin-tools');
    expect(admin.image).toMatch(/^temporalio\/admin-tools:/);
    expect(dependsOn(admin).temporal).toBe('service_healthy');
    const script = commandText(admin.entrypoint) + '\n' + commandText(admin.command);
    expect(script).toContain('temporal operator search-attribute create');
    expect(script).toContain('temporal:7233');
    expect(script).toMatch(/already exists/);

    const registered = Object.fromEntries(
      [...script.matchAll(/--name\s+(\w+)\s+--type\s+(\w+)/g)].map((m) => [m[1], m[2]]),
    );
    expect(registered).toEqual(
      Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, k.type === SearchAttributeType.BOOL ? 'Bool' : 'Keyword'])),
    );
    expect(Object.keys(registered)).toEqual(expect.arrayContaining(['ComplaintStatus', 'SlaBreached', 'CyclePhase', 'CycleOwner']));
  });

  it('given the worker, when reading its deploy section, then it runs at least 2 replicas of the built worker (dist/worker/main.js)', () => {
    const worker = svc('worker');
    expect(worker.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(worker.command).toEqual(['node', 'dist/worker/main.js']);
    expect(worker.build).toBeDefined();
    expect(worker.ports ?? []).toEqual([]);
    const deps = dependsOn(worker);
    expect(deps['mongo-init']).toBe('service_completed_successfully');
    expect(deps['temporal-admin-tools']).toBe('service_completed_successfully');
    expect(deps.temporal).toBe('service_healthy');
  });

  it('given the api, when reading command, ports and healthcheck, then the built API runs, only 8080 is published and /healthz is probed', () => {
    const api = svc('api');
    expect(api.command).toEqual(['node', 'dist/src/api/main.js']);
    // The metrics listener stays inside the network: Prometheus scrapes it there.
    expect((api.ports ?? []).map(String)).toEqual(['8080:8080']);
    expect(commandText(api.healthcheck?.test)).toContain('/healthz');
    expect(api.image).toBe(svc('worker').image);
    const deps = dependsOn(api);
    expect(deps.temporal).toBe('service_healthy');
    expect(deps['mongo-init']).toBe('service_completed_successfully');
  });

  it('given api and worker, when comparing their commands with the image and npm scripts, then the api runs the image CMD and the worker npm run start:worker', () => {
    // The Dockerfile itself is checked in test/unit/dockerfile.test.ts.
    const cmd = readFileSync(DOCKERFILE_PATH, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('CMD '));
    expect(cmd).toHaveLength(1);
    expect(svc('api').command).toEqual(JSON.parse(cmd[0]!.slice('CMD '.length)));
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(commandText(svc('api').command)).toBe(scripts.start);
    expect(commandText(svc('worker').command)).toBe(scripts['start:worker']);
  });

  it('given the compose file, when looking at the header comment, then it explains how to run and points to the dev setup', () => {
    const header = composeText.split('\n').filter((l) => l.startsWith('#')).join('\n');
    expect(header).toContain(
      'QL_API_KEY_PEPPER=... QL_WEBHOOK_SECRET=... QL_AUDIT_SIGNING_KEY=... GF_ADMIN_PASSWORD=... docker compose up -d',
    );
    expect(header).toContain('npm run dev');
    expect(header).toContain('FerretDB');
    expect(header).toMatch(/8080/);
    expect(header).toMatch(/8233/);
  });

  it('given the header comment, when comparing it with the file, then every service is listed and every published port documented as bound', () => {
    const header = composeText.split('\n').filter((l) => l.startsWith('#')).join('\n');
    const serviceList = /^# Services:[\s\S]*?(?=^#\s*$)/m.exec(composeText)?.[0] ?? '';
    // mongo1..mongo3 is written as a range.
    for (const name of Object.keys(services)) expect({ name, listed: new RegExp(`\\b${name.replace(/\d$/, '')}`).test(serviceList) }).toEqual({ name, listed: true });
    for (const [name, service] of Object.entries(services)) {
      for (const port of (service.ports ?? []).map(String)) {
        const parts = port.split(':');
        const published = parts.at(-2)!;
        // The port list names each published port; a loopback binding is documented as such.
        expect({ name, documented: new RegExp(`^#\\s+${published}\\s`, 'm').test(header) }).toEqual({ name, documented: true });
        if (parts.length === 3) {
          expect(parts[0]).toBe('127.0.0.1');
          expect(header).toMatch(new RegExp(`^#\\s+${published}\\s.*127\\.0\\.0\\.1 only`, 'm'));
        }
      }
    }
  });

  it('given every service, when reading its image, then third-party images are pinned to a version and only our own build is tagged latest', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) {
        expect({ name, image: service.image }).toEqual({ name, image: 'qualityloop:latest' });
        continue;
      }
      expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/^[\w./-]+:v?\d+(\.\d+)*[\w.-]*$/) });
    }
  });

  it('given every service, when reading its volumes, then named volumes are declared and bind-mounted paths exist in the repository', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const [name, service] of Object.entries(services)) {
      for (const volume of (service.volumes ?? []).map(String)) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect({ name, source, exists: existsSync(join(ROOT, source)) }).toEqual({ name, source, exists: true });
        else expect({ name, source, declared: declared.includes(source) }).toEqual({ name, source, declared: true });
      }
    }
  });
});

describe('monitoring: Prometheus and Grafana', () => {
  type ScrapeConfig = {
    job_name: string;
    metrics_path?: string;
    dns_sd_configs?: Array<{ names: string[]; type?: string; port?: number }>;
    static_configs?: Array<{ targets: string[] }>;
  };
  type Mount = { source: string; target: string; readOnly: boolean };

  /** Short-syntax volume entries (`source:target[:ro]`) of a service. */
  const mounts = (service: Service): Mount[] =>
    (service.volumes ?? []).map(String).map((v) => {
      const [source, target, mode] = v.split(':');
      return { source: source!, target: target!, readOnly: mode === 'ro' };
    });
  /** The repository file behind a path inside a container, through the service's bind mounts. */
  function hostPath(service: Service, containerPath: string): string {
    const mount = mounts(service).find((m) => m.source.startsWith('./') && (containerPath === m.target || containerPath.startsWith(m.target + '/')));
    if (!mount) throw new Error(`${containerPath} is not bind-mounted from the repository`);
    return join(ROOT, mount.source, posix.relative(mount.target, containerPath));
  }
  const flag = (service: Service, name: string) =>
    (Array.isArray(service.command) ? service.command : []).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

  const prometheus = svc('prometheus');
  const grafana = svc('grafana');
  const prometheusConfigPath = hostPath(prometheus, flag(prometheus, 'config.file') ?? '/etc/prometheus/prometheus.yml');
  const prometheusConfig = parse(readFileSync(prometheusConfigPath, 'utf8')) as { scrape_configs: ScrapeConfig[] };
  const grafanaShell = { ...SHELL_ENV, GF_ADMIN_PASSWORD: 'grafana-admin-password' };
  const provisioning = hostPath(grafana, '/etc/grafana/provisioning');
  const datasources = parse(readFileSync(join(provisioning, 'datasources', 'prometheus.yml'), 'utf8')) as {
    apiVersion: number;
    datasources: Array<{ name: string; uid: string; type: string; url: string; access: string; isDefault?: boolean }>;
  };
  const providers = parse(readFileSync(join(provisioning, 'dashboards', 'qualityloop.yml'), 'utf8')) as {
    apiVersion: number;
    providers: Array<{ name: string; type: string; options: { path: string } }>;
  };
  const dashboardPath = join(hostPath(grafana, providers.providers[0]!.options.path), 'qualityloop.json');

  type Panel = {
    type: string;
    title: string;
    datasource?: { type: string; uid: string };
    targets?: Array<{ expr: string; datasource?: { type: string; uid: string } }>;
  };
  const dashboard = JSON.parse(readFileSync(dashboardPath, 'utf8')) as { uid: string; title: string; panels: Panel[] };
  const queryPanels = dashboard.panels.filter((p) => p.type !== 'row');
  const expressions = queryPanels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

  /** Grafana replaces its own variables before a query reaches Prometheus. */
  const GRAFANA_VARIABLES: Record<string, string> = { $__rate_interval: '1m', $__interval: '15s', $__range: '6h' };
  const promql = (expr: string) => expr.replace(/\$__\w+/g, (v) => GRAFANA_VARIABLES[v] ?? v);
  /** Syntax errors in the tree Prometheus' own grammar builds (its web UI uses the same parser). */
  function promqlErrors(expr: string): string[] {
    const errors: string[] = [];
    promqlParser.parse(expr).iterate({
      enter: (node) => {
        if (node.type.isError) errors.push(`at ${node.from}: ${JSON.stringify(expr.slice(node.from, node.from + 20))}`);
      },
    });
    return errors;
  }
  /** Metric names selected by a PromQL expression (`name{...}`, `name[5m]`). */
  function metricNames(expr: string): string[] {
    const names: string[] = [];
    promqlParser.parse(expr).iterate({
      enter: (node) => {
        if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.push(expr.slice(node.from, node.to));
      },
    });
    return names;
  }

  it('given the prometheus service, when reading it, then its pinned image runs the mounted config with a storage volume, loopback-only, with a health check', () => {
    expect(prometheus.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    const config = mounts(prometheus).find((m) => m.target === flag(prometheus, 'config.file'));
    expect(config).toEqual({ source: './infra/prometheus/prometheus.yml', target: '/etc/prometheus/prometheus.yml', readOnly: true });
    const storage = mounts(prometheus).find((m) => m.target === flag(prometheus, 'storage.tsdb.path'));
    expect(Object.keys(compose.volumes ?? {})).toContain(storage?.source);
    expect(interpolate(flag(prometheus, 'storage.tsdb.retention.time')!, {})).toMatch(/^\d+[dhwy]$/);
    // No authentication in Prometheus: reachable from this host only.
    expect((prometheus.ports ?? []).map(String)).toEqual(['127.0.0.1:9090:9090']);
    expect(commandText(prometheus.healthcheck?.test)).toContain('http://127.0.0.1:9090/-/healthy');
  });

  it('given api and worker, when their env is resolved, then they serve metrics on all interfaces of the port Prometheus scrapes, published nowhere', () => {
    for (const name of ['api', 'worker']) {
      const metrics = loadConfig(resolvedEnv(svc(name))).observability.metrics;
      expect({ name, host: metrics.host, port: metrics.port }).toEqual({ name, host: '0.0.0.0', port: 9464 });
      expect((svc(name).ports ?? []).map(String).some((p) => p.includes(String(metrics.port)))).toBe(false);
      // Bearer-token scraping of the main port and tracing stay off unless the operator sets them.
      expect(loadConfig(resolvedEnv(svc(name))).observability.metrics.token).toBeUndefined();
      expect(loadConfig(resolvedEnv(svc(name))).observability.otlpEndpoint).toBeUndefined();
    }
  });

  it.each(['api', 'worker'])(
    'given prometheus.yml, when reading the scrape configs, then every %s replica is found by DNS on the port the compose env gives QL_METRICS_PORT',
    (name) => {
      const port = loadConfig(resolvedEnv(svc(name))).observability.metrics.port;
      const jobs = prometheusConfig.scrape_configs.filter((job) => (job.dns_sd_configs ?? []).some((sd) => sd.names.includes(name)));
      expect(jobs).toHaveLength(1);
      const job = jobs[0]!;
      // Both processes serve GET /metrics (prom-client's listener; the Temporal SDK's exporter).
      expect(job.metrics_path ?? '/metrics').toBe('/metrics');
      // One A record per replica, so `--scale` is followed without a config change.
      expect(job.dns_sd_configs).toEqual([expect.objectContaining({ names: [name], type: 'A', port })]);
    },
  );

  it('given prometheus.yml, when listing every scrape target, then each names a compose service or Prometheus itself', () => {
    const hosts = prometheusConfig.scrape_configs.flatMap((job) => [
      ...(job.dns_sd_configs ?? []).flatMap((sd) => sd.names),
      ...(job.static_configs ?? []).flatMap((sc) => sc.targets.map((t) => t.split(':')[0]!)),
    ]);
    expect(hosts.filter((h) => h !== 'localhost' && !(h in services))).toEqual([]);
    expect(new Set(prometheusConfig.scrape_configs.map((j) => j.job_name)).size).toBe(prometheusConfig.scrape_configs.length);
  });

  it('given the grafana service, when reading it, then its pinned image waits for a healthy Prometheus, the admin password is required and anonymous access is off', () => {
    expect(grafana.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(dependsOn(grafana)).toEqual({ prometheus: 'service_healthy' });
    const env = rawEnv(grafana);
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GF_ADMIN_PASSWORD:\?[^}]+\}$/);
    expect(() => resolvedEnv(grafana, SHELL_ENV)).toThrow(/GF_ADMIN_PASSWORD/);
    const resolved = resolvedEnv(grafana, grafanaShell);
    expect(resolved.GF_SECURITY_ADMIN_PASSWORD).toBe(grafanaShell.GF_ADMIN_PASSWORD);
    expect(resolved.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
    expect(resolved.GF_USERS_ALLOW_SIGN_UP).toBe('false');
    expect((grafana.ports ?? []).map(String)).toEqual(['3000:3000']);
    expect(commandText(grafana.healthcheck?.test)).toContain('http://127.0.0.1:3000/api/health');
    // Provisioning and the dashboard come read-only from the repository; Grafana's own state goes to a volume.
    expect(mounts(grafana).filter((m) => m.source.startsWith('./')).every((m) => m.readOnly)).toBe(true);
    expect(mounts(grafana).find((m) => m.target === '/var/lib/grafana')?.source).toBe('grafana-data');
    expect(existsSync(hostPath(grafana, resolved.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!))).toBe(true);
  });

  it('given the provisioned datasource, when reading it, then it is the default and reaches the prometheus service on the port it listens on', () => {
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources).toHaveLength(1);
    const ds = datasources.datasources[0]!;
    expect(ds).toMatchObject({ type: 'prometheus', access: 'proxy', isDefault: true });
    const url = new URL(ds.url);
    expect(url.hostname).toBe('prometheus');
    expect(url.hostname in services).toBe(true);
    expect(`127.0.0.1:${url.port}:${url.port}`).toBe(String(prometheus.ports![0]));
  });

  it('given the dashboard provider, when reading it, then it loads the folder compose mounts the dashboard into', () => {
    expect(providers.apiVersion).toBe(1);
    expect(providers.providers).toEqual([expect.objectContaining({ type: 'file', options: { path: '/etc/grafana/dashboards' } })]);
    expect(existsSync(dashboardPath)).toBe(true);
  });

  it('given the dashboard, when reading its panels, then every panel and query uses the provisioned datasource uid', () => {
    expect(dashboard.uid).toBe('qualityloop');
    expect(queryPanels.length).toBeGreaterThan(10);
    const uid = datasources.datasources[0]!.uid;
    for (const panel of queryPanels) {
      expect({ panel: panel.title, datasource: panel.datasource }).toEqual({ panel: panel.title, datasource: { type: 'prometheus', uid } });
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const target of panel.targets!) expect({ panel: panel.title, datasource: target.datasource }).toEqual({ panel: panel.title, datasource: { type: 'prometheus', uid } });
    }
  });

  it('given the dashboard, when parsing every query with the PromQL grammar, then none has a syntax error', () => {
    expect(expressions.length).toBeGreaterThan(10);
    for (const { panel, expr } of expressions) expect({ panel, expr, errors: promqlErrors(promql(expr)) }).toEqual({ panel, expr, errors: [] });
  });

  it('given the PromQL check, when a query is broken, then it reports the error (the check is not vacuous)', () => {
    expect(promqlErrors('sum by (queue) (rate(qualityloop_outbox_failed[5m])')).not.toEqual([]);
    expect(promqlErrors(promql('rate(qualityloop_activity_failures[$__rate_interval])'))).toEqual([]);
    expect(promqlErrors('rate(qualityloop_activity_failures[$__unknown])')).not.toEqual([]);
    expect(metricNames('sum by (job) (up{job="x"}) / max(foo_bucket[5m])')).toEqual(['up', 'foo_bucket']);
  });

  /**
   * Worker metrics the dashboard reads, with their labels. The Temporal SDK's runtime metrics are
   * listed in its metrics reference (https://docs.temporal.io/references/sdk-metrics) and named
   * in sdk-core's telemetry/metrics.rs (checked below); the exporter's defaults apply: prefix
   * `temporal_`, counters without `_total`, durations as histograms in milliseconds without a
   * unit suffix. The qualityloop_* counters are the worker's own (worker/run.ts), from the same
   * exporter, labelled by the activity's meter.
   */
  const WORKER_METRICS: Record<string, { type: 'counter' | 'gauge' | 'histogram'; labels: string[] }> = {
    temporal_workflow_task_execution_latency: { type: 'histogram', labels: ['namespace', 'task_queue', 'workflow_type'] },
    temporal_workflow_task_schedule_to_start_latency: { type: 'histogram', labels: ['namespace', 'task_queue'] },
    temporal_activity_execution_latency: { type: 'histogram', labels: ['namespace', 'task_queue', 'activity_type', 'workflow_type'] },
    temporal_workflow_task_execution_failed: { type: 'counter', labels: ['namespace', 'task_queue', 'workflow_type', 'failure_reason'] },
    temporal_worker_task_slots_used: { type: 'gauge', labels: ['namespace', 'task_queue', 'worker_type'] },
    [ACTIVITY_METRICS.failures]: { type: 'counter', labels: ['namespace', 'task_queue', 'activity_type', 'workflow_type', 'non_retryable'] },
    [ACTIVITY_METRICS.retries]: { type: 'counter', labels: ['namespace', 'task_queue', 'activity_type', 'workflow_type'] },
  };
  /** Series Prometheus adds itself, per scrape target. */
  const PROMETHEUS_METRICS: Record<string, { type: 'gauge'; labels: string[] }> = { up: { type: 'gauge', labels: [] } };
  const TARGET_LABELS = ['job', 'instance'];

  /** The API's metrics as its registry declares them (no scrape: the gauges' sources are never read). */
  function apiMetrics(): Record<string, { type: string; labels: string[] }> {
    const { registry } = createApiMetrics({
      models: {} as Models,
      client: {} as Client,
      config: loadConfig(resolvedEnv(svc('api'))),
    });
    return Object.fromEntries(
      registry.getMetricsAsArray().map((m) => {
        const { name, type, labelNames } = m as typeof m & { labelNames?: readonly string[] };
        return [name, { type: String(type), labels: [...(labelNames ?? [])] }];
      }),
    );
  }
  /** The metric a sample name belongs to: histograms expose `_bucket`, `_sum` and `_count` series. */
  function exported(all: Record<string, { type: string; labels: string[] }>, sample: string) {
    if (all[sample]) return all[sample];
    const base = sample.replace(/_(bucket|sum|count)$/, '');
    const metric = all[base];
    if (metric?.type !== 'histogram') return undefined;
    return { ...metric, labels: sample.endsWith('_bucket') ? [...metric.labels, 'le'] : metric.labels };
  }
  /** Label names an expression groups by or matches on. */
  function labelNames(expr: string): string[] {
    const names: string[] = [];
    promqlParser.parse(expr).iterate({
      enter: (node) => {
        if (node.name === 'LabelName') names.push(expr.slice(node.from, node.to));
      },
    });
    return names;
  }

  /**
   * The metrics an expression selects that nothing exports, and the labels it groups by or
   * matches on that none of its metrics carries (a label is valid when some metric of the
   * expression has it: joins and `by` clauses).
   */
  function unexported(known: Record<string, { type: string; labels: string[] }>, expr: string) {
    const metrics = metricNames(expr).map((sample) => ({ sample, metric: exported(known, sample) }));
    const carried = new Set([...TARGET_LABELS, ...metrics.flatMap((m) => m.metric?.labels ?? [])]);
    return {
      selects: metrics.length > 0,
      metrics: metrics.filter((m) => !m.metric).map((m) => m.sample),
      labels: labelNames(expr).filter((l) => !carried.has(l)),
    };
  }

  it('given the dashboard, when listing the metrics and labels its queries use, then the api, the workers or Prometheus export each of them', () => {
    const known = { ...apiMetrics(), ...WORKER_METRICS, ...PROMETHEUS_METRICS };
    expect(Object.keys(known)).toEqual(expect.arrayContaining(['qualityloop_complaints_breached', 'qualityloop_http_request_duration_seconds']));
    for (const { panel, expr } of expressions) {
      expect({ panel, ...unexported(known, promql(expr)) }).toEqual({ panel, selects: true, metrics: [], labels: [] });
    }
  });

  it('given the alerts docs/operations.md suggests, when parsing each PromQL example, then it is valid and uses only exported metrics and labels', () => {
    const docs = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
    const section = /^## Deployment: Prometheus and Grafana\n[\s\S]*?(?=^## |(?![\s\S]))/m.exec(docs)?.[0] ?? '';
    const examples = [...section.matchAll(/```promql\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(5);
    const known = { ...apiMetrics(), ...WORKER_METRICS, ...PROMETHEUS_METRICS };
    for (const expr of examples) {
      expect({ expr, errors: promqlErrors(expr) }).toEqual({ expr, errors: [] });
      expect({ expr, ...unexported(known, expr) }).toEqual({ expr, selects: true, metrics: [], labels: [] });
    }
  });

  it('given the issue\'s list, when reading the dashboard, then every API figure and the worker metrics it names have a panel', () => {
    const used = new Set(expressions.flatMap(({ expr }) => metricNames(promql(expr)).map((s) => s.replace(/_(bucket|sum|count)$/, ''))));
    const figures = Object.keys(apiMetrics()).filter((n) => n.startsWith('qualityloop_') && !n.startsWith('qualityloop_api_') && n !== 'qualityloop_metrics_collect_errors_total');
    // The figures issue 13 asks for (docs/operations.md, "Metrics").
    expect(figures).toEqual(
      expect.arrayContaining([
        'qualityloop_http_request_duration_seconds',
        'qualityloop_complaints_open',
        'qualityloop_complaints_at_risk',
        'qualityloop_complaints_breached',
        'qualityloop_cycles',
        'qualityloop_cycles_overdue',
        'qualityloop_outbox_pending',
        'qualityloop_outbox_failed',
        'qualityloop_audit_digest_age_seconds',
        'qualityloop_schedule_last_run_timestamp_seconds',
        'qualityloop_schedule_last_run_success',
      ]),
    );
    expect(figures.filter((n) => !used.has(n))).toEqual([]);
    expect(Object.keys(WORKER_METRICS).filter((n) => !used.has(n))).toEqual([]);
  });

  it('given the temporal_* names the dashboard uses, when reading the installed SDK core\'s metric definitions, then each one is defined there', () => {
    const core = join(dirname(require.resolve('@temporalio/core-bridge/package.json')), 'sdk-core', 'crates');
    const definitions = [join(core, 'common', 'src', 'telemetry', 'metrics.rs'), join(core, 'sdk-core', 'src', 'telemetry', 'metrics.rs')]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const temporal = Object.keys(WORKER_METRICS).filter((n) => n.startsWith('temporal_'));
    expect(temporal.length).toBeGreaterThan(0);
    for (const name of temporal) expect({ name, defined: definitions.includes(`"${name.slice('temporal_'.length)}"`) }).toEqual({ name, defined: true });
    for (const label of new Set(temporal.flatMap((n) => WORKER_METRICS[n]!.labels))) expect({ label, defined: definitions.includes(`"${label}"`) }).toEqual({ label, defined: true });
  });
});
