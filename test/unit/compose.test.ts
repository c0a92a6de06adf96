/**
 * Static checks of the production deployment (docker-compose.yml + Dockerfile).
 * There is no Docker engine in CI, so the compose file is parsed and checked
 * against the application's own configuration schema instead of being run.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SearchAttributeType } from '@temporalio/common';
import { generateKeyPairSync } from 'node:crypto';
import { ENV_VARS, loadConfig } from '../../src/config';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';

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

  it('given the worker, when reading its deploy section, then it runs at least 2 replicas of worker/main.ts', () => {
    const worker = svc('worker');
    expect(worker.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(worker.command).toEqual(['npx', 'tsx', 'worker/main.ts']);
    expect(worker.build).toBeDefined();
    expect(worker.ports ?? []).toEqual([]);
    const deps = dependsOn(worker);
    expect(deps['mongo-init']).toBe('service_completed_successfully');
    expect(deps['temporal-admin-tools']).toBe('service_completed_successfully');
    expect(deps.temporal).toBe('service_healthy');
  });

  it('given the api, when reading ports and healthcheck, then 8080 is published and /healthz is probed', () => {
    const api = svc('api');
    expect((api.ports ?? []).map(String)).toContain('8080:8080');
    expect(commandText(api.healthcheck?.test)).toContain('/healthz');
    expect(api.image).toBe(svc('worker').image);
    const deps = dependsOn(api);
    expect(deps.temporal).toBe('service_healthy');
    expect(deps['mongo-init']).toBe('service_completed_successfully');
  });

  it('given the compose file, when looking at the header comment, then it explains how to run and points to the dev setup', () => {
    const header = composeText.split('\n').filter((l) => l.startsWith('#')).join('\n');
    expect(header).toContain('QL_API_KEY_PEPPER=... QL_WEBHOOK_SECRET=... QL_AUDIT_SIGNING_KEY=... docker compose up -d');
    expect(header).toContain('npm run dev');
    expect(header).toContain('FerretDB');
    expect(header).toMatch(/8080/);
    expect(header).toMatch(/8233/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = existsSync(DOCKERFILE_PATH) ? readFileSync(DOCKERFILE_PATH, 'utf8') : '';
  const instructions = dockerfile
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const find = (kw: string) => instructions.filter((l) => l.toUpperCase().startsWith(kw + ' '));

  it('given the repo root, when looking for the Dockerfile, then it exists and every stage builds on node:20-bookworm-slim, the runtime one with production dependencies only', () => {
    expect(existsSync(DOCKERFILE_PATH)).toBe(true);
    const froms = find('FROM');
    for (const from of froms) expect(from).toMatch(/^FROM node:20-bookworm-slim( AS \w+)?$/);
    expect(froms.at(-1)).toBe('FROM node:20-bookworm-slim');
    const runtime = instructions.slice(instructions.lastIndexOf(froms.at(-1)!));
    expect(runtime.filter((l) => l.startsWith('RUN ')).join('\n')).toContain('npm install --omit=dev');
  });

  it('given the web app, when the image is built, then a build stage runs npm run build:web and the runtime image copies only web/dist from it', () => {
    const froms = find('FROM');
    const build = /^FROM \S+ AS (\w+)$/.exec(froms.find((f) => / AS /.test(f)) ?? '');
    expect(build).not.toBeNull();
    const stage = build![1]!;
    const buildStage = instructions.slice(instructions.indexOf(build![0]), instructions.lastIndexOf(froms.at(-1)!));
    expect(buildStage.filter((l) => l.startsWith('RUN ')).join('\n')).toContain('npm run build:web');
    expect(buildStage.join('\n')).toContain('web/');
    const runtime = instructions.slice(instructions.lastIndexOf(froms.at(-1)!));
    const copied = runtime.filter((l) => l.startsWith('COPY --from='));
    expect(copied).toEqual([expect.stringMatching(new RegExp(`^COPY --from=${stage} \\S*web/dist/? \\./web/dist/?$`))]);
    // The web app's sources and the build tools stay out of the runtime image.
    expect(runtime.some((l) => /^COPY web\//.test(l))).toBe(false);
  });

  it('given the image, when it starts, then it does not run as root', () => {
    const users = find('USER');
    expect(users.at(-1)).toBe('USER node');
    const lastUser = instructions.lastIndexOf(users.at(-1)!);
    const cmd = instructions.findIndex((l) => l.startsWith('CMD '));
    expect(lastUser).toBeLessThan(cmd);
  });

  it('given the default CMD and the worker command, then they run src/api/main.ts and worker/main.ts from copied sources', () => {
    const cmd = find('CMD');
    expect(cmd).toHaveLength(1);
    expect(JSON.parse(cmd[0]!.slice('CMD '.length))).toEqual(['npx', 'tsx', 'src/api/main.ts']);
    expect(commandText(svc('worker').command)).toContain('worker/main.ts');

    const copied = find('COPY').join('\n');
    for (const dir of ['src/', 'workflows/', 'activities/', 'worker/']) expect(copied).toContain(dir);
    expect(copied).toContain('package-lock.json');
  });

  it('given the build context, when reading .dockerignore, then local-only directories are excluded', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'data', '.git', 'coverage', 'dist']));
  });
});
