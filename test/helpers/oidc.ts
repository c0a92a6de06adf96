/**
 * OpenID Connect test fixtures: a real provider (test/helpers/oidc-provider.mjs,
 * `oidc-provider` v9) in a child process, and a real API process configured to
 * sign people in through it (`openid-client` is an ES module that jest's
 * CommonJS runtime cannot load, so the API runs as in production: its own
 * process, on the test stack's database and Temporal).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { type Config, ENV_VARS, configToEnv } from '../../src/config';
import { validatedFetch } from './openapi-validation';

const ROOT = path.resolve(__dirname, '../..');

export const OIDC_CLIENT = { id: 'qualityloop-test', secret: 'oidc-test-client-secret' } as const;

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

interface Child {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Spawns `args` with `env`, resolving once stdout matches `ready` (with the match). */
function spawnUntil(args: string[], env: Record<string, string>, ready: RegExp, what: string): Promise<Child & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.once('exit', () => child.kill('SIGKILL'));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, output: () => out, stop, match: m });
      }
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before starting:\n${out}`));
    });
  });
}

export interface OidcProviderProcess extends Child {
  issuer: string;
}

/** The provider, with accounts (login -> claims) and the redirect URIs of its one client. */
export async function startOidcProvider(accounts: Record<string, Record<string, unknown>>, redirectUris: string[]): Promise<OidcProviderProcess> {
  const p = await spawnUntil(
    [path.join(ROOT, 'test/helpers/oidc-provider.mjs')],
    { OIDC_CLIENT_ID: OIDC_CLIENT.id, OIDC_CLIENT_SECRET: OIDC_CLIENT.secret, OIDC_REDIRECT_URIS: redirectUris.join(','), OIDC_ACCOUNTS: JSON.stringify(accounts) },
    /OIDC_ISSUER=(\S+)\n/,
    'the OIDC provider',
  );
  return { ...p, issuer: p.match[1]! };
}

export interface ApiProcess extends Child {
  baseUrl: string;
}

/** The API entry point (src/api/main.ts) as a process on `port`, with `config` and the OIDC settings. */
export async function startApiProcess(config: Config, port: number, oidc: { issuer: string; roleMap?: string }): Promise<ApiProcess> {
  const env = {
    ...configToEnv(config),
    [ENV_VARS.apiPort]: String(port),
    [ENV_VARS.apiHost]: '127.0.0.1',
    [ENV_VARS.logLevel]: 'info',
    [ENV_VARS.oidcIssuer]: oidc.issuer,
    [ENV_VARS.oidcClientId]: OIDC_CLIENT.id,
    [ENV_VARS.oidcClientSecret]: OIDC_CLIENT.secret,
    [ENV_VARS.oidcName]: 'Test ID',
    [ENV_VARS.oidcRoleMap]: oidc.roleMap ?? '',
  };
  const p = await spawnUntil(['--import', 'tsx', path.join(ROOT, 'src/api/main.ts')], env, /api listening/, 'the API process');
  return { ...p, baseUrl: `http://127.0.0.1:${port}` };
}

/** A minimal browser for redirects and forms: a cookie jar per origin, no JavaScript. */
export class HttpBrowser {
  private jar = new Map<string, Map<string, string>>();

  /** `apiBaseUrl`: the API's answers are checked against its OpenAPI document (the provider's are not). */
  constructor(private readonly apiBaseUrl?: string) {}

  cookies(origin: string): Map<string, string> {
    let m = this.jar.get(origin);
    if (!m) this.jar.set(origin, (m = new Map()));
    return m;
  }

  /** One request, cookies sent and stored (no redirect followed). */
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ status: number; location: string | null; text: string; url: string; setCookie: string[] }> {
    const u = new URL(url);
    const jar = this.cookies(u.origin);
    const headers: Record<string, string> = {};
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const send = this.apiBaseUrl !== undefined && u.origin === new URL(this.apiBaseUrl).origin ? validatedFetch : fetch;
    const res = await send(u.toString(), { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (value === '' || /expires=thu, 01 jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
    const location = res.headers.get('location');
    return { status: res.status, location: location ? new URL(location, u).toString() : null, text: await res.text(), url: u.toString(), setCookie };
  }

  /** Follows redirects from `url` until an answer that is not a redirect, or one to `stopAt`'s origin+path. */
  async follow(url: string, init: { method?: string; form?: Record<string, string> } = {}, stopAt?: (u: URL) => boolean) {
    let res = await this.request(url, init);
    for (let hops = 0; res.status >= 300 && res.status < 400 && res.location && hops < 20; hops++) {
      if (stopAt?.(new URL(res.location))) return res;
      res = await this.request(res.location);
    }
    return res;
  }
}

/** The action of the first form in an HTML page, absolute. */
export function formAction(html: string, base: string): string {
  const m = /<form[^>]*action="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no form in:\n${html.slice(0, 1000)}`);
  return new URL(m[1]!.replace(/&amp;/g, '&'), base).toString();
}

/** The hidden inputs of the first form (name -> value). */
export function hiddenInputs(html: string): Record<string, string> {
  const form = /<form[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(m[0])?.[1];
    const value = /value="([^"]*)"/.exec(m[0])?.[1];
    if (name) out[name] = value ?? '';
  }
  return out;
}

/**
 * Signs `login` in at the provider from the API's login URL, as a person would:
 * the provider's login form, then its consent form, back to the API's callback.
 * Returns the callback's answer (not followed).
 */
export async function signInThroughProvider(browser: HttpBrowser, apiBase: string, login: string, loginPath = '/auth/oidc/login') {
  const atProvider = await browser.follow(apiBase + loginPath, {}, (u) => u.origin === new URL(apiBase).origin);
  if (atProvider.status !== 200) throw new Error(`expected the provider's login page, got ${atProvider.status}: ${atProvider.text.slice(0, 500)}`);
  const isCallback = (u: URL) => u.origin === new URL(apiBase).origin;
  let page = await browser.follow(formAction(atProvider.text, atProvider.url), { form: { ...hiddenInputs(atProvider.text), login, password: 'any-password' } }, isCallback);
  // The consent page (first sign-in of this account to this client).
  if (page.status === 200) page = await browser.follow(formAction(page.text, page.url), { form: hiddenInputs(page.text) }, isCallback);
  if (!page.location || !isCallback(new URL(page.location))) throw new Error(`expected a redirect back to the API, got ${page.status}: ${page.text.slice(0, 500)}`);
  return browser.request(page.location);
}
