/**
 * A real OpenID Connect provider (panva's `oidc-provider` v9, ESM-only, hence
 * its own process: jest runs the tests as CommonJS) for the OIDC sign-in
 * tests. Configured by environment variables:
 *
 * - OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS (comma-separated)
 * - OIDC_ACCOUNTS: JSON `{ "<login>": { "name": "...", "qualityloop_role": ... } }`:
 *   the accounts people can sign in as (the development login form accepts any
 *   password) and their claims.
 *
 * Listens on a free port of 127.0.0.1 and prints `OIDC_ISSUER=<url>` once ready.
 */
import http from 'node:http';
import process from 'node:process';
import Provider from 'oidc-provider';

const accounts = JSON.parse(process.env.OIDC_ACCOUNTS ?? '{}');
const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: (process.env.OIDC_REDIRECT_URIS ?? '').split(',').filter(Boolean),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'qualityloop_role', 'groups'] },
  // The development login and consent pages are part of the library; they take any password.
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['oidc-provider-test-cookie-key'] },
  async findAccount(_ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, preferred_username: id, ...claims }) };
  },
  async renderError(ctx, out) {
    ctx.type = 'json';
    ctx.body = out;
  },
});
server.on('request', provider.callback());
process.stdout.write(`OIDC_ISSUER=${issuer}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
