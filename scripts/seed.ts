/**
 * `npm run seed [-- --allow-remote]`: writes the demo data of `npm run dev`
 * (src/db/seed.ts: business calendars, SLA policies, one user per role with a
 * fixed demo API key) into the database of QL_MONGO_URI, read with the same
 * QL_* configuration as the API: the keys are stored as HMACs with
 * QL_API_KEY_PEPPER, so they work with an API that runs with that pepper.
 *
 * Idempotent: a calendar, policy, user or key already there is kept as it is
 * (an edited policy is not reset, a revoked key stays revoked) and nothing is
 * duplicated. Prints what it added and what it found already there.
 *
 * The demo keys are public (they are in the README), so a database that is
 * not on this machine (a host other than loopback or a local socket) is
 * refused unless `--allow-remote` is given. Production users and keys are
 * issued with `npm run create-api-key` or the admin API.
 */
import { hashApiKey } from '../src/api/auth';
import { loadConfig } from '../src/config';
import { latestCalendars, latestPolicies } from '../src/db/catalog';
import { connectDatabase, type Models } from '../src/db/models';
import { DEMO_CALENDARS, DEMO_POLICIES, DEMO_USERS, seedDemoData } from '../src/db/seed';
import { runMain } from '../src/main';

const USAGE = 'usage: npm run seed [-- --allow-remote]   (QL_MONGO_URI, QL_API_KEY_PEPPER, QL_WEBHOOK_SECRET as for the API)';

/** The hosts of a mongodb:// URI (`[]` for mongodb+srv://, whose hosts come from DNS). */
function mongoHosts(uri: string): string[] {
  const m = /^mongodb:\/\/([^/?]*)/.exec(uri);
  if (!m) return [];
  const authority = m[1]!;
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  return hosts.split(',').map((h) => (h.startsWith('[') ? h.slice(1, h.indexOf(']')) : h.replace(/:\d*$/, '')).toLowerCase());
}

/** Loopback address, `localhost`, or a Unix socket path (percent-encoded in the URI). */
const isLocalHost = (host: string) => host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host) || host.startsWith('%2f') || host.startsWith('/');

/** The URI with any credentials replaced, for printing. */
const redact = (uri: string) => uri.replace(/^(mongodb(?:\+srv)?:\/\/)[^@/]*@/, '$1***@');

interface Snapshot {
  calendars: Map<string, number>;
  policies: Map<string, number>;
  users: Map<string, { role: string; disabled: boolean }>;
  keys: Map<string, { revoked: boolean }>;
}

async function snapshot(models: Models, pepper: string): Promise<Snapshot> {
  const calendars = new Map([...(await latestCalendars(models))].map(([id, c]) => [id, c.version]));
  const policies = new Map((await latestPolicies(models)).map((p) => [p.policyId, p.version]));
  const userDocs = await models.User.find({ _id: { $in: DEMO_USERS.map((u) => u.id) } }).lean();
  const keyDocs = await models.ApiKey.find({ _id: { $in: DEMO_USERS.map((u) => hashApiKey(pepper, u.key)) } }).lean();
  return {
    calendars,
    policies,
    users: new Map(userDocs.map((u) => [u._id, { role: u.role, disabled: u.disabledAt != null }])),
    keys: new Map(keyDocs.map((k) => [k._id, { revoked: k.revokedAt != null }])),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--allow-remote');
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown.join(' ')}\n${USAGE}`);
    process.exit(2);
  }
  const config = loadConfig();
  const uri = config.mongo.uri;
  const hosts = mongoHosts(uri);
  const local = hosts.length > 0 && hosts.every(isLocalHost);
  if (!local && !args.includes('--allow-remote')) {
    console.error(
      `refusing to seed ${redact(uri)}: not a database on this machine, and the demo API keys (admin included) are public.\n` +
        'Run it with `npm run seed -- --allow-remote` if this database is really for demos; issue real keys with `npm run create-api-key`.',
    );
    process.exit(2);
  }

  const pepper = config.secrets.apiKeyPepper;
  const models = await connectDatabase(uri);
  try {
    const before = await snapshot(models, pepper);
    await seedDemoData(models, pepper);
    const after = await snapshot(models, pepper);

    let added = 0;
    const status = (was: boolean, detail = '') => {
      if (!was) added++;
      return `${was ? 'already there' : 'added'}${detail}`;
    };
    const lines: string[] = [`seeded database "${models.connection.name}" at ${redact(uri)}${local ? '' : ' (--allow-remote)'}`, '', 'calendars:'];
    for (const id of Object.keys(DEMO_CALENDARS)) lines.push(`  ${id.padEnd(24)} ${status(before.calendars.has(id), `, version ${after.calendars.get(id)}`)}`);
    lines.push('SLA policies:');
    for (const id of Object.keys(DEMO_POLICIES)) lines.push(`  ${id.padEnd(24)} ${status(before.policies.has(id), `, version ${after.policies.get(id)}`)}`);
    lines.push('users and API keys (Authorization: Bearer <key>):');
    const warnings: string[] = [];
    for (const u of DEMO_USERS) {
      const stored = after.users.get(u.id);
      const key = after.keys.get(hashApiKey(pepper, u.key));
      const userStatus = status(before.users.has(u.id));
      const keyStatus = status(before.keys.has(hashApiKey(pepper, u.key)), key?.revoked ? ', revoked' : '');
      lines.push(`  ${(stored?.role ?? u.role).padEnd(13)} ${u.id.padEnd(8)} ${u.key.padEnd(26)} user ${userStatus}${stored?.disabled ? ' (disabled)' : ''}; key ${keyStatus}`);
      if (stored && stored.role !== u.role) warnings.push(`user ${u.id} already existed with role ${stored.role} (demo role ${u.role}): the key ${u.key} acts as ${stored.role}`);
    }
    lines.push('', added === 0 ? 'nothing added: every demo record was already there' : `${added} record(s) added`);
    console.log(lines.join('\n'));
    for (const w of warnings) console.error(`warning: ${w}`);
  } finally {
    await models.connection.close();
  }
}

runMain(main);
