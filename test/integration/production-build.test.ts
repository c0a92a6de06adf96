/**
 * The production build on the real stack. `npm run build` compiles into a
 * temporary folder laid out like the production image (/app): package.json,
 * a node_modules holding only the production dependencies, dist/ and
 * web/dist. The compiled API and worker then run there with plain `node`
 * (no tsx, no --import, no TypeScript next to them) against the shared
 * Temporal dev server and a fresh FerretDB database, the compiled seed and
 * create-api-key scripts write the users and keys, and one complaint goes
 * through its lifecycle over HTTP.
 *
 * Building inside the test means a stale dist/ can never make it pass.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../infra/launch';
import { type Config, ENV_VARS, configToEnv } from '../../src/config';
import { DEMO_USERS } from '../../src/db/seed';
import { eventually, openTestDb, testConfig } from '../helpers/stack';
import { deleteSchedulesOn } from '../helpers/processes';

const ROOT = path.resolve(__dirname, '../..');
const key = (id: string) => DEMO_USERS.find((u) => u.id === id)!.key;
const WEB_APP_MARKER = '<!doctype html><title>production build test</title>';

interface NodeProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves once `readyLine` has been logged; rejects if the process exits first. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** `node <script>` from the app folder, as the image runs it: nothing but the script on the command line. */
function startNode(appDir: string, script: string, env: Record<string, string>, readyLine: string): NodeProcess {
  const child = spawn(process.execPath, [path.join(appDir, script)], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes(readyLine)) resolve();
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before "${readyLine}":\n${out}`)));
  });
  ready.catch(() => undefined);
  process.once('exit', () => child.kill('SIGKILL'));
  return {
    child,
    output: () => out,
    ready,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Runs a command to completion; rejects with its output when it fails. */
function run(file: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...opts, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/**
 * An image-like folder: the project's package.json, a node_modules with only the production
 * dependencies (links into the repository's), and a stand-in web/dist, so the compiled code can
 * reach nothing a `npm install --omit=dev` image would not have.
 */
function imageLikeFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ql-prod-build-'));
  writeFileSync(path.join(dir, 'package.json'), readFileSync(path.join(ROOT, 'package.json')));
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of Object.keys(pkg.dependencies)) {
    const link = path.join(dir, 'node_modules', name);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules', name), link, 'dir');
  }
  mkdirSync(path.join(dir, 'web/dist'), { recursive: true });
  writeFileSync(path.join(dir, 'web/dist/index.html'), WEB_APP_MARKER);
  return dir;
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

/** The pino lines of a process's output. */
function logLines(output: string): { msg?: string; [k: string]: unknown }[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string });
}

/**
 * The compiled worker ensures the Temporal Schedules (fixed ids) on its task queue at start. The
 * dev server is shared by the whole run, so the ones still pointing at this file's queue go with it.
 */

describe('production build: compiled API and worker on the real stack', () => {
  let appDir: string | undefined;
  let config: Config;
  let env: Record<string, string>;
  let baseUrl: string;
  let worker: NodeProcess | undefined;
  let api: NodeProcess | undefined;
  let seedOutput: string;
  let createdKey: string;

  const call = async (method: string, url: string, opts: { key?: string; body?: unknown } = {}) => {
    const res = await fetch(baseUrl + url, {
      method,
      headers: { ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text };
  };

  beforeAll(async () => {
    appDir = imageLikeFolder();
    await run('npm', ['run', '--silent', 'build', '--', '--out-dir', path.join(appDir, 'dist')], { cwd: ROOT });

    config = testConfig();
    config.api.port = await freePort();
    // info: the readiness lines ('worker started', 'api listening') and the bundle line are logged at info.
    env = { PATH: process.env.PATH!, HOME: process.env.HOME!, ...configToEnv(config), [ENV_VARS.logLevel]: 'info' };
    seedOutput = (await run(process.execPath, [path.join(appDir, 'dist/scripts/seed.js')], { cwd: appDir, env })).stdout;
    createdKey = (await run(process.execPath, [path.join(appDir, 'dist/scripts/create-api-key.js'), 'carol', 'agent', 'Carol From The Build'], { cwd: appDir, env })).stdout.trim();

    worker = startNode(appDir, 'dist/worker/main.js', env, 'worker started');
    api = startNode(appDir, 'dist/src/api/main.js', env, 'api listening');
    await Promise.all([worker.ready, api.ready]);
    baseUrl = `http://127.0.0.1:${config.api.port}`;
    await eventually(async () => (await call('GET', '/readyz')).status === 200, 20_000, 'the compiled API ready');
  }, 420_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    if (config) {
      const connection = await Connection.connect({ address: config.temporal.address });
      await deleteSchedulesOn(new Client({ connection, namespace: config.temporal.namespace }), config.temporal.taskQueue);
      await connection.close();
      await (await openTestDb(config)).drop();
    }
    if (appDir) rmSync(appDir, { recursive: true, force: true });
  }, 60_000);

  it('given npm run build, when it has run, then the output keeps the source tree (API, worker, production scripts), holds the prebuilt workflow bundle, and has no TypeScript and nothing from test/ or bench/', () => {
    const files = filesUnder(path.join(appDir!, 'dist'));
    expect(files).toEqual(expect.arrayContaining(['src/api/main.js', 'worker/main.js', 'scripts/seed.js', 'scripts/create-api-key.js', 'workflows/index.js', 'activities/index.js', 'workflow-bundle.js']));
    expect(new Set(files.map((f) => f.split(path.sep)[0]))).toEqual(new Set(['src', 'worker', 'workflows', 'activities', 'scripts', 'workflow-bundle.js']));
    expect(files.filter((f) => !f.endsWith('.js'))).toEqual([]);
    // The dev-only scripts (dev server, history recorder, mail catcher) are not part of the build.
    expect(files.filter((f) => f.startsWith('scripts')).sort()).toEqual(['scripts/create-api-key.js', 'scripts/seed.js']);
  });

  it('given the compiled tree, when it looks for tsx, then neither it nor any devDependency is reachable, no compiled file requires one, and the processes were started with node alone', () => {
    const apiDir = path.join(appDir!, 'dist/src/api');
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(Object.keys(pkg.devDependencies)).toContain('tsx');
    // Node's own resolver, as the compiled API sees it (jest's require has its own).
    const requireFromApi = createRequire(path.join(apiDir, 'main.js'));
    for (const name of Object.keys(pkg.devDependencies)) expect(() => requireFromApi.resolve(name)).toThrow(/Cannot find module/);
    // The production dependencies are there (the check above is not vacuous).
    expect(requireFromApi.resolve('express')).toContain(path.join('node_modules', 'express'));
    const compiled = filesUnder(path.join(appDir!, 'dist')).filter((f) => f !== 'workflow-bundle.js');
    const requiringTsx = compiled.filter((f) => /require\("tsx(\/[^"]*)?"\)|from "tsx"/.test(readFileSync(path.join(appDir!, 'dist', f), 'utf8')));
    expect(requiringTsx).toEqual([]);
    for (const p of [worker!, api!]) {
      expect(p.child.spawnargs.slice(1)).toHaveLength(1);
      expect(p.child.spawnargs[1]).toMatch(/\.js$/);
    }
    expect(env.NODE_OPTIONS).toBeUndefined();
  });

  it('given the compiled worker started without QL_WORKFLOW_BUNDLE, when it starts, then it loads the prebuilt dist/workflow-bundle.js and bundles nothing', () => {
    const lines = logLines(worker!.output());
    expect(lines.filter((l) => /^workflow bundle/.test(l.msg ?? ''))).toEqual([
      expect.objectContaining({ msg: 'workflow bundle: loading the prebuilt file', workflowBundle: path.join(appDir!, 'dist/workflow-bundle.js'), from: 'prebuilt by npm run build' }),
    ]);
    // The SDK reports a bundle it builds itself ("Workflow bundle created"): none here.
    expect(worker!.output()).not.toMatch(/bundle created|webpack/i);
  });

  it('given the compiled seed and create-api-key scripts, when run with node, then the demo users and a new key are stored, and that key authenticates on the compiled API', async () => {
    expect(seedOutput).toContain('seeded database');
    expect(seedOutput).toMatch(/\d+ record\(s\) added/);
    expect(createdKey.length).toBeGreaterThan(20);
    const res = await call('GET', '/complaints', { key: createdKey });
    expect(res.status).toBe(200);
    expect((await call('GET', '/complaints', { key: 'not-a-key' })).status).toBe(401);
  });

  it('given the compiled API and worker, when a complaint goes through intake, acknowledge, public note, resolve and close over HTTP, then each answer moves it on and the read model and audit trail record every step', async () => {
    const created = await call('POST', '/complaints', {
      key: key('webform'),
      body: { customer: { id: 'cust-build', name: 'Jane Customer', email: 'jane@example.com' }, channel: 'web', category: 'delivery', severity: 'P2', description: 'The parcel never arrived.' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ status: 'open' });

    const steps: [string, string, Record<string, unknown>, Record<string, unknown>][] = [
      ['acknowledge', 'alice', {}, { status: 'acknowledged', version: 2, ownerId: 'alice' }],
      ['add-note', 'alice', { text: 'We are looking into it.', visibility: 'public' }, { status: 'in_progress', version: 3 }],
      ['resolve', 'alice', { summary: 'Parcel found and re-delivered.' }, { status: 'resolved', version: 4 }],
      ['close', 'alice', { rating: 5, comment: 'Thanks!' }, { status: 'closed', version: 5, csat: { rating: 5, comment: 'Thanks!' } }],
    ];
    for (const [action, user, body, expected] of steps) {
      const res = await call('POST', `/complaints/${id}/${action}`, { key: key(user), body });
      expect({ action, status: res.status }).toEqual({ action, status: 200 });
      expect(res.body).toMatchObject(expected);
    }

    const models = await openTestDb(config);
    try {
      const doc = await eventually(async () => {
        const d = await models.Complaint.findById(id).lean();
        return d && d.version >= 5 ? d : null;
      }, 20_000, `read model of ${id} at version 5`);
      expect(doc).toMatchObject({ _id: id, status: 'closed', version: 5, ownerId: 'alice', firstResponderId: 'alice', severity: 'P2', category: 'delivery' });
      const events = await models.AuditEvent.find({ entityId: id }).sort({ seq: 1 }).lean();
      expect(events.map((e) => [e.seq, e.action, e.actor?.id])).toEqual([
        [1, 'intake', 'webform'],
        [2, 'acknowledge', 'alice'],
        [3, 'add_note', 'alice'],
        [4, 'resolve', 'alice'],
        [5, 'close', 'alice'],
      ]);
    } finally {
      await models.connection.close();
    }
    const read = await call('GET', `/complaints/${id}`, { key: key('audrey') });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, status: 'closed', version: 5 });
  });

  it('given the compiled API, when the web app and the API docs are requested, then it serves web/dist of its own folder and the swagger-ui assets from its dependencies', async () => {
    const app = await call('GET', '/app/');
    expect(app.status).toBe(200);
    expect(app.text).toBe(WEB_APP_MARKER);
    const css = await call('GET', '/docs/assets/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });
});
