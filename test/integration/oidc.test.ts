/**
 * Sign-in through an OpenID Connect provider, end to end with real parts: a
 * real provider (`oidc-provider` v9) in its own process, the API entry point
 * as its own process (`openid-client` v6 inside), the stack's worker,
 * Temporal and FerretDB. The person's side is an HTTP client that follows
 * redirects and submits the provider's login and consent forms.
 */
import { sessionId } from '../../src/services/sessions';
import { type ApiStack, startApiStack } from '../helpers/api';
import { type ApiProcess, HttpBrowser, type OidcProviderProcess, freePort, signInThroughProvider, startApiProcess, startOidcProvider } from '../helpers/oidc';
import { validatedFetch } from '../helpers/openapi-validation';
import { uniqueId } from '../helpers/stack';

let stack: ApiStack;
let provider: OidcProviderProcess;
let api: ApiProcess;

const kim = uniqueId('kim');
const lee = uniqueId('lee');
const pat = uniqueId('pat');
const ACCOUNTS = {
  // The role claim names one of our roles.
  [kim]: { name: 'Kim Agent', qualityloop_role: 'agent' },
  // The role claim is a group list; the role map turns a group into a role.
  [lee]: { name: 'Lee Lead', qualityloop_role: ['staff', 'ql-leads'] },
  // No role we know.
  [pat]: { name: 'Pat Nobody', qualityloop_role: 'visitor' },
  // Collides with a local demo account.
  ada: { name: 'Impostor Ada', qualityloop_role: 'admin' },
};

beforeAll(async () => {
  stack = await startApiStack();
  const port = await freePort();
  provider = await startOidcProvider(ACCOUNTS, [`http://127.0.0.1:${port}/auth/oidc/callback`]);
  api = await startApiProcess(stack.config, port, { issuer: provider.issuer, roleMap: 'ql-leads=supervisor' });
});
afterAll(async () => {
  await api?.stop();
  await provider?.stop();
  await stack?.stop();
});

const complaintBody = () => ({ customer: { id: uniqueId('cust') }, channel: 'phone', category: 'delivery', severity: 'P3', description: 'OIDC test: the parcel never arrived.' });

describe('OpenID Connect sign-in', () => {
  it('given the provider is configured, when asking how to sign in, then the button is offered with its name and login URL', async () => {
    const res = await validatedFetch(`${api.baseUrl}/auth/providers`);
    expect(await res.json()).toEqual({ password: true, oidc: { name: 'Test ID', loginUrl: '/auth/oidc/login' } });
  });

  it('given an account whose role claim is "agent", when signing in at the provider, then the user is created as an agent (audited), gets a session cookie that works on GET /complaints and, with its CSRF token, on a write', async () => {
    const browser = new HttpBrowser(api.baseUrl);
    const callback = await signInThroughProvider(browser, api.baseUrl, kim, '/auth/oidc/login?returnTo=%2Fapp%2Fqueue');
    expect({ status: callback.status, location: callback.location }).toEqual({ status: 302, location: `${api.baseUrl}/app/queue` });
    const cookie = callback.setCookie.find((c) => c.startsWith('ql_session='))!;
    expect(cookie.toLowerCase()).toEqual(expect.stringContaining('httponly'));
    expect(cookie.toLowerCase()).toEqual(expect.stringContaining('samesite=lax'));

    expect(await stack.models.User.findById(kim).lean()).toMatchObject({ name: 'Kim Agent', role: 'agent', queues: ['general'], source: 'oidc', disabledAt: null });
    const token = browser.cookies(api.baseUrl).get('ql_session')!;
    expect(await stack.models.Session.findById(sessionId(token)).lean()).toMatchObject({ userId: kim, method: 'oidc' });
    const audit = await stack.models.AuditEvent.find({ stream: `user:${kim}` }).lean();
    expect(audit.map((e) => ({ action: e.action, actor: e.actor, after: e.after }))).toEqual([
      { action: 'user.provisioned', actor: { id: 'oidc', role: 'system' }, after: { name: 'Kim Agent', role: 'agent', queues: ['general'], source: 'oidc' } },
    ]);

    const headers = { cookie: `ql_session=${token}` };
    const session = await validatedFetch(`${api.baseUrl}/auth/session`, { headers });
    const view = (await session.json()) as { user: unknown; csrfToken: string };
    expect(view.user).toEqual({ id: kim, name: 'Kim Agent', role: 'agent', queues: ['general'] });
    expect((await validatedFetch(`${api.baseUrl}/complaints`, { headers })).status).toBe(200);
    // The permission matrix holds: an agent may not start improvement cycles.
    expect((await validatedFetch(`${api.baseUrl}/cycles`, { method: 'POST', headers: { ...headers, 'x-csrf-token': view.csrfToken, 'content-type': 'application/json' }, body: '{}' })).status).toBe(403);
    const created = await validatedFetch(`${api.baseUrl}/complaints`, { method: 'POST', headers: { ...headers, 'x-csrf-token': view.csrfToken, 'content-type': 'application/json' }, body: JSON.stringify(complaintBody()) });
    expect(created.status).toBe(201);

    // A second sign-in of the same person neither duplicates the user nor audits a change.
    const again = await signInThroughProvider(new HttpBrowser(api.baseUrl), api.baseUrl, kim);
    expect({ status: again.status, location: again.location }).toEqual({ status: 302, location: `${api.baseUrl}/app/` });
    expect(await stack.models.AuditEvent.countDocuments({ stream: `user:${kim}` })).toBe(1);
  });

  it('given an account whose role claim lists groups, when one maps to a role through the role map, then the user gets that role', async () => {
    const callback = await signInThroughProvider(new HttpBrowser(api.baseUrl), api.baseUrl, lee);
    expect(callback.status).toBe(302);
    expect(await stack.models.User.findById(lee).lean()).toMatchObject({ name: 'Lee Lead', role: 'supervisor', source: 'oidc' });
  });

  it('given an account whose role claim maps to no role, when signing in, then 403 NOT_PERMITTED, no session and no user', async () => {
    const browser = new HttpBrowser(api.baseUrl);
    const sessionsBefore = await stack.models.Session.countDocuments();
    const callback = await signInThroughProvider(browser, api.baseUrl, pat);
    expect(callback.status).toBe(403);
    expect(JSON.parse(callback.text)).toMatchObject({ status: 403, code: 'NOT_PERMITTED', detail: expect.stringContaining('no qualityloop role') });
    expect(callback.setCookie.filter((c) => c.startsWith('ql_session='))).toEqual([]);
    expect(await stack.models.User.findById(pat).lean()).toBeNull();
    expect(await stack.models.Session.countDocuments()).toBe(sessionsBefore);
  });

  it('given a provider account whose id is a local account (ada), when signing in, then 403: a provider cannot take over a local account', async () => {
    const callback = await signInThroughProvider(new HttpBrowser(api.baseUrl), api.baseUrl, 'ada');
    expect(callback.status).toBe(403);
    expect(await stack.models.User.findById('ada').lean()).toMatchObject({ name: 'Ada Admin', role: 'admin' });
    expect(await stack.models.User.findById('ada').lean()).not.toHaveProperty('source', 'oidc');
  });

  it('given a provisioned user an admin disabled, when signing in at the provider again, then 403 and no session', async () => {
    await stack.models.User.updateOne({ _id: kim }, { $set: { disabledAt: new Date() } });
    const callback = await signInThroughProvider(new HttpBrowser(api.baseUrl), api.baseUrl, kim);
    expect(callback.status).toBe(403);
    expect(JSON.parse(callback.text).detail).toContain('disabled');
    await stack.models.User.updateOne({ _id: kim }, { $set: { disabledAt: null } });
  });

  it('given a callback with a state that was never issued, or replayed, when called, then 400 and no session', async () => {
    const res = await validatedFetch(`${api.baseUrl}/auth/oidc/callback?code=abc&state=${uniqueId('state')}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.getSetCookie().filter((c) => c.startsWith('ql_session='))).toEqual([]);
    // A real callback URL used twice: the second time the state is gone.
    const browser = new HttpBrowser(api.baseUrl);
    const first = await signInThroughProvider(browser, api.baseUrl, lee);
    expect(first.status).toBe(302);
    const replay = await validatedFetch(first.url, { redirect: 'manual' });
    expect(replay.status).toBe(400);
  });

  it('given returnTo pointing outside the app, when signing in, then the browser is sent to /app/ (no open redirect)', async () => {
    const callback = await signInThroughProvider(new HttpBrowser(api.baseUrl), api.baseUrl, lee, `/auth/oidc/login?returnTo=${encodeURIComponent('//evil.example.com/')}`);
    expect(callback.location).toBe(`${api.baseUrl}/app/`);
  });
});
