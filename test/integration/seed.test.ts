/**
 * `npm run seed` (scripts/seed.ts) as a child process, configured by QL_*
 * variables like the API, against the real FerretDB: what it stores, that a
 * second run duplicates and rewrites nothing, that it keeps what an admin has
 * changed since, and that it refuses a database that is not on this machine
 * or a bad configuration without writing anything.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { hashApiKey } from '../../src/api/auth';
import { type Config, ENV_VARS, configToEnv } from '../../src/config';
import { savePolicyVersion } from '../../src/db/catalog';
import { DEMO_CALENDARS, DEMO_POLICIES, DEMO_USERS } from '../../src/db/seed';
import { collectionCounts } from '../helpers/api';
import { openTestDb, testConfig } from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs scripts/seed.ts as `npm run seed` does (tsx), with only the given QL_* environment. */
function runSeed(env: Record<string, string>, args: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'scripts/seed.ts'), ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

type Db = Awaited<ReturnType<typeof openTestDb>>;

/** Every record the seed writes, in full. */
async function stored(models: Db) {
  const lean = { _id: 1 } as const;
  return {
    calendars: await models.Calendar.find().sort(lean).lean(),
    policies: await models.SlaPolicy.find().sort(lean).lean(),
    users: await models.User.find().sort(lean).lean(),
    keys: await models.ApiKey.find().sort(lean).lean(),
  };
}

const RECORDS = Object.keys(DEMO_CALENDARS).length + Object.keys(DEMO_POLICIES).length + 2 * DEMO_USERS.length;

describe('npm run seed', () => {
  const dbs: Db[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });
  async function freshDb(): Promise<{ config: Config; env: Record<string, string>; models: Db }> {
    const config = testConfig();
    const models = await openTestDb(config);
    dbs.push(models);
    return { config, env: configToEnv(config), models };
  }

  it('given an empty database, when seeded twice, then the first run stores the demo calendars, policies, users and keys and the second run adds and rewrites nothing', async () => {
    const { config, env, models } = await freshDb();
    const pepper = config.secrets.apiKeyPepper;

    const first = await runSeed(env);
    expect(first).toEqual({ code: 0, stdout: expect.stringContaining(`${RECORDS} record(s) added`), stderr: '' });
    expect(first.stdout).toContain(`seeded database "${config.mongo.uri.split('/').pop()}" at ${config.mongo.uri}`);
    for (const u of DEMO_USERS) expect(first.stdout).toMatch(new RegExp(`${u.role} +${u.id} +${u.key} +user added; key added`));

    const counts = await collectionCounts(models);
    expect(counts).toEqual({
      complaints: 0,
      audit_events: 0,
      outbox: 0,
      sla_policies: Object.keys(DEMO_POLICIES).length,
      calendars: Object.keys(DEMO_CALENDARS).length,
      cycles: 0,
      cycle_measurements: 0,
      users: DEMO_USERS.length,
      api_keys: DEMO_USERS.length,
      // The demo service areas and their history are npm run dev's (scripts/demo-history.ts), not the seed's.
      service_areas: 0,
      service_volumes: 0,
      // Customers and surveys come from intake and campaigns only.
      customers: 0,
      customer_links: 0,
      follow_ups: 0,
      survey_definitions: 0,
      survey_campaigns: 0,
      survey_invitations: 0,
      survey_responses: 0,
      survey_results: 0,
      survey_facts: 0,
    });
    const afterFirst = await stored(models);
    for (const [id, def] of Object.entries(DEMO_CALENDARS)) {
      expect(afterFirst.calendars.find((c) => c.calendarId === id)).toMatchObject({ calendarId: id, version: 1, createdBy: 'seed', ...def });
    }
    for (const [id, def] of Object.entries(DEMO_POLICIES)) {
      expect(afterFirst.policies.find((p) => p.policyId === id)).toMatchObject({ policyId: id, version: 1, createdBy: 'seed', ...def });
    }
    expect(afterFirst.users.map((u) => ({ id: u._id, name: u.name, role: u.role, disabledAt: u.disabledAt ?? null }))).toEqual(
      [...DEMO_USERS].sort((a, b) => (a.id < b.id ? -1 : 1)).map((u) => ({ id: u.id, name: u.name, role: u.role, disabledAt: null })),
    );
    // Each demo key is stored only as its HMAC with the configured pepper (what the API looks up), for its user, usable.
    for (const u of DEMO_USERS) {
      const key = afterFirst.keys.find((k) => k._id === hashApiKey(pepper, u.key));
      expect(key).toMatchObject({ userId: u.id, prefix: u.key.slice(0, 8), revokedAt: null, expiresAt: null });
    }
    for (const u of DEMO_USERS) expect(JSON.stringify(afterFirst)).not.toContain(u.key);

    const second = await runSeed(env);
    expect(second).toEqual({ code: 0, stdout: expect.stringContaining('nothing added: every demo record was already there'), stderr: '' });
    for (const u of DEMO_USERS) expect(second.stdout).toMatch(new RegExp(`${u.id} +${u.key} +user already there; key already there`));
    expect(await collectionCounts(models)).toEqual(counts);
    // Not one record rewritten: the same documents, timestamps included.
    expect(await stored(models)).toEqual(afterFirst);
  });

  it('given a seeded database that an admin changed since (new policy version, revoked key), when seeded again, then the changes are kept and nothing is added', async () => {
    const { config, env, models } = await freshDb();
    expect((await runSeed(env)).code).toBe(0);
    const edited = { ...DEMO_POLICIES['critical-24x7']!, targets: { firstResponseMinutes: 5, nextResponseMinutes: 30, resolutionMinutes: 120 } };
    await savePolicyVersion(models, 'critical-24x7', 1, edited, 'ada');
    const agentKey = hashApiKey(config.secrets.apiKeyPepper, DEMO_USERS.find((u) => u.id === 'alice')!.key);
    await models.ApiKey.updateOne({ _id: agentKey }, { $set: { revokedAt: new Date() } });
    const before = await stored(models);

    const again = await runSeed(env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/critical-24x7 +already there, version 2/);
    expect(again.stdout).toMatch(/alice +demo-agent-alice-key +user already there; key already there, revoked/);
    expect(again.stdout).toContain('nothing added');
    expect(await stored(models)).toEqual(before);
  });

  it('given a database on another host, when seeded without --allow-remote, then it refuses before connecting, naming the reason', async () => {
    const config = testConfig();
    const env = { ...configToEnv(config), [ENV_VARS.mongoUri]: 'mongodb://ops:s3cret@db.example.invalid:27017/qualityloop' };
    const res = await runSeed(env);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('refusing to seed mongodb://***@db.example.invalid:27017/qualityloop');
    expect(res.stderr).toContain('--allow-remote');
    expect(res.stderr).not.toContain('s3cret');
  });

  it('given a configuration without the API key pepper, when seeded, then it exits 78 naming the variable and writes nothing', async () => {
    const { env, models } = await freshDb();
    const { [ENV_VARS.apiKeyPepper]: _pepper, ...withoutPepper } = env;
    const res = await runSeed(withoutPepper);
    expect(res.code).toBe(78);
    expect(res.stderr).toContain(`${ENV_VARS.apiKeyPepper}:`);
    expect(Object.values(await collectionCounts(models)).every((n) => n === 0)).toBe(true);
  });

  it('given an unknown argument, when seeded, then it prints the usage and exits 2', async () => {
    const { env } = await freshDb();
    const res = await runSeed(env, ['--force']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('usage: npm run seed');
  });
});
