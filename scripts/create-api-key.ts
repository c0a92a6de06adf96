/**
 * `npm run create-api-key -- <userId> <role> "<name>" [expiresInDays]`: creates
 * the user if needed and issues a new API key, printed once (only its hash is
 * stored). Uses the same QL_* configuration as the API.
 */
import { issueApiKey } from '../src/api/auth';
import { loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/models';
import { ROLES, type Role } from '../src/domain/actors';
import { runMain } from '../src/main';

async function main(): Promise<void> {
  const [userId, role, name, days] = process.argv.slice(2);
  if (!userId || !role || !name || !(ROLES as readonly string[]).includes(role)) {
    console.error(`usage: npm run create-api-key -- <userId> <${ROLES.join('|')}> "<name>" [expiresInDays]`);
    process.exit(2);
  }
  const config = loadConfig();
  const models = await connectDatabase(config.mongo.uri);
  await models.User.updateOne({ _id: userId }, { $setOnInsert: { name, role: role as Role, createdAt: new Date() } }, { upsert: true });
  const expiresAt = days ? new Date(Date.now() + Number(days) * 86_400_000) : null;
  const { key, keyId } = await issueApiKey(models, config.secrets.apiKeyPepper, userId, { expiresAt, label: 'create-api-key' });
  console.error(`key ${keyId} for ${userId} (shown once; revoke with POST /admin/keys/${keyId}/revoke):`);
  console.log(key);
  await models.connection.close();
}

runMain(main);
