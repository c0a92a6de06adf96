/**
 * The only way the web app reaches data: the API's own endpoints, with the
 * session cookie (HttpOnly, never visible here) and, on writes, the CSRF token
 * the session endpoints hand out (kept in memory only, never in storage).
 * Every non-2xx answer becomes an ApiError carrying the problem+json fields.
 */

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  requestId?: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  readonly retryAfterSeconds: number | null;
  constructor(status: number, problem: Problem, retryAfterSeconds: number | null = null) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }
  get code(): string | undefined {
    return this.problem.code;
  }
  get errors(): FieldError[] {
    return this.problem.errors ?? [];
  }
  /** Field errors whose path ends with `field` (e.g. `body.note` for `note`). */
  fieldErrors(field: string): string[] {
    return this.errors.filter((e) => e.path === field || e.path.endsWith(`.${field}`) || e.path.includes(`.${field}.`)).map((e) => e.message);
  }
}

let csrfToken: string | null = null;
/** Set by the session provider after sign-in or session restore. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const unauthorizedListeners = new Set<() => void>();
/** The session provider listens: a 401 anywhere means the session is gone (expired, logged out elsewhere). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  /** Sent as Idempotency-Key: a retried write (double click, network retry) is applied once. */
  idempotencyKey?: string;
  /** Don't treat a 401 as a lost session (the sign-in call itself). */
  quiet401?: boolean;
  signal?: AbortSignal;
  /** Expect a text answer (CSV, Markdown) instead of JSON. */
  text?: boolean;
  /** Extra request headers (the customer page's X-Customer-Link). */
  headers?: Record<string, string>;
  /** Outside the staff session (the customer page): no cookie, no CSRF header, and a 401 ends no session. */
  anonymous?: boolean;
}

async function request<T>(method: string, path: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: opts.text ? '*/*' : 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken && !opts.anonymous) headers['x-csrf-token'] = csrfToken;
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  Object.assign(headers, opts.headers);
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: opts.anonymous ? 'omit' : 'same-origin', body: body === undefined ? undefined : JSON.stringify(body), signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, { title: 'Network error', detail: (err as Error).message, code: 'NETWORK' });
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok) {
    const problem: Problem = type.includes('json') ? await res.json().catch(() => ({})) : { title: res.statusText, detail: await res.text().catch(() => '') };
    const retry = Number(res.headers.get('retry-after'));
    if (res.status === 401 && !opts.quiet401 && !opts.anonymous) for (const l of unauthorizedListeners) l();
    throw new ApiError(res.status, { status: res.status, ...problem }, Number.isFinite(retry) && retry > 0 ? retry : null);
  }
  if (opts.text || !type.includes('json')) return (await res.text()) as T;
  return (await res.json()) as T;
}

/** Query string from an object, skipping empty values. */
export function query(params: Record<string, string | number | boolean | null | undefined | string[]>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) q.set(k, v.join(','));
    } else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** A fresh key per user intention (one form submission), reused by its retries. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/**
 * GETs started before the code that needs them asks: the app's first page
 * asks for its data alongside the session check (routes.tsx), and the queue
 * asks for its next page while it draws the one that came (queue-data.ts).
 * The first `api.get` of the same path within a few seconds takes the answer
 * instead of asking again; an early request that failed is sent again by
 * that call, with its own options (so a 401 then ends the session as usual).
 */
const EARLY_TTL_MS = 5000;
const early = new Map<string, { at: number; answer: Promise<unknown> }>();

export function getEarly(path: string): void {
  const now = Date.now();
  for (const [p, hit] of early) if (now - hit.at >= EARLY_TTL_MS) early.delete(p);
  if (early.has(path)) return; // already on its way
  const answer = request('GET', path, undefined, { quiet401: true });
  answer.catch(() => undefined); // handled by the call that takes it, or dropped
  early.set(path, { at: now, answer });
}

function takeEarly<T>(path: string, opts?: RequestOptions): Promise<T> | null {
  const hit = early.get(path);
  early.delete(path);
  if (!hit || Date.now() - hit.at >= EARLY_TTL_MS) return null;
  return (hit.answer as Promise<T>).catch(() => request<T>('GET', path, undefined, opts));
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => takeEarly<T>(path, opts) ?? request<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body ?? {}, opts),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, body ?? {}, opts),
};
