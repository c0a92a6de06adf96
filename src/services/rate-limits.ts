/**
 * Rate limits shared by every API process: rate-limiter-flexible's fixed windows,
 * counted in MongoDB (`rate_limits`, src/db/models.ts) so N replicas give a key the
 * rate once, not N times. Used by the API limiter (src/api/hardening.ts), the
 * customer link limits (src/api/customer-link-auth.ts) and the sign-in slow-down
 * per address (src/api/routes/auth.ts). docs/security.md, "Rate limits", says
 * what the windows allow exactly.
 *
 * Configured around FerretDB v1:
 * - it has no TTL indexes: the indexes come from the model, and expired windows
 *   are deleted here every few minutes (one `deleteMany` on the `expire` index);
 * - it applies an update as read-then-write, so two `$inc` of one document at
 *   the same moment can count once: calls for one key are queued in each process,
 *   so only requests for one key arriving at two replicas at the same instant can
 *   still slip through (MongoDB itself counts them all).
 * A key refused for a window is remembered in the process until the window ends
 * (`inMemoryBlockOnConsumed`), so a flood past the limit costs no round trip.
 */
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';
import type { Models } from '../db/models';
import type { Logger } from '../logger';

export interface RateLimit {
  /** Sustained requests per minute per key. */
  perMinute: number;
  /** Requests a key may send at once, after a quiet spell. */
  burst: number;
}

/** `points` requests per key in a window that opens at the key's first request and lasts `seconds`. */
export interface Window {
  points: number;
  seconds: number;
}

/**
 * The fixed windows that stand in for a token bucket of `burst` tokens refilled at
 * `perMinute`. The base window holds min(burst, perMinute) requests and lasts as
 * long as the bucket takes to earn them back, so the average rate is `perMinute`.
 * A burst above a minute's rate adds an extra window of the difference, used only
 * while the base window is spent, lasting as long as the bucket takes to earn it.
 */
export function windowsOf({ perMinute, burst }: RateLimit): { base: Window; extra?: Window } {
  const base = Math.min(burst, perMinute);
  const windows: { base: Window; extra?: Window } = { base: { points: base, seconds: (60 * base) / perMinute } };
  if (burst > perMinute) windows.extra = { points: burst - perMinute, seconds: (60 * (burst - perMinute)) / perMinute };
  return windows;
}

/** Where windows are counted. */
export interface WindowStore {
  /** A fixed-window limiter whose counters are named by `prefix`. */
  limiter(prefix: string, window: Window): RateLimiterAbstract;
  /** Called on each use: may delete expired windows now and then. */
  tidy(): void;
}

const SWEEP_EVERY_MS = 5 * 60_000;
const lastSweep = new WeakMap<Models, number>();

/** Windows in the API's database, shared by every process on it. */
export function mongoWindows(models: Models, log: Logger): WindowStore {
  return {
    limiter: (keyPrefix, { points, seconds }) =>
      new RateLimiterMongo({
        storeClient: models.connection.db,
        tableName: models.RateLimit.collection.collectionName,
        // The model creates the indexes: the store's own TTL index fails on FerretDB v1.
        disableIndexesCreation: true,
        keyPrefix,
        points,
        duration: seconds,
        inMemoryBlockOnConsumed: points + 1,
      }),
    tidy() {
      const now = Date.now();
      if (now - (lastSweep.get(models) ?? 0) < SWEEP_EVERY_MS) return;
      lastSweep.set(models, now);
      models.RateLimit.deleteMany({ expire: { $lte: new Date(now) } }).catch((err: unknown) => log.warn({ err }, 'could not delete expired rate-limit windows'));
    },
  };
}

/** Windows in this process's memory (the fallback while the database fails, and unit tests). */
export const memoryWindows: WindowStore = {
  limiter: (keyPrefix, { points, seconds }) => new RateLimiterMemory({ keyPrefix, points, duration: seconds }),
  tidy: () => undefined,
};

export interface LimiterDeps {
  store: WindowStore;
  log: Logger;
}

/** How long a store call may take before the process falls back to counting alone. */
export const STORE_TIMEOUT_MS = 2000;
const WARN_EVERY_MS = 60_000;

interface Outcome {
  allowed: boolean;
  res: RateLimiterRes;
}

/**
 * One window in the store, with calls for one key queued in order, and the same
 * window in this process's memory for while the store fails: then each process
 * limits on its own (the rate once per replica) rather than letting every request
 * through or failing it; the failure is logged at most once a minute.
 */
function sharedWindow(name: string, window: Window, { store, log }: LimiterDeps) {
  // Made on first use: routes are also built without a database (the OpenAPI document).
  let shared: RateLimiterAbstract | undefined;
  let local: RateLimiterAbstract | undefined;
  let warnedAt = -Infinity;
  const tails = new Map<string, Promise<unknown>>();

  function inOrder<T>(key: string, call: () => Promise<T>): Promise<T> {
    const run = (tails.get(key) ?? Promise.resolve()).then(call);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => tails.get(key) === tail && tails.delete(key));
    return run;
  }

  async function call<T>(key: string, op: (limiter: RateLimiterAbstract) => Promise<T>): Promise<T> {
    store.tidy();
    try {
      return await inOrder(key, () => withTimeout(op((shared ??= store.limiter(name, window))), STORE_TIMEOUT_MS));
    } catch (err) {
      if (err instanceof RateLimiterRes) throw err;
      if (Date.now() - warnedAt >= WARN_EVERY_MS) {
        warnedAt = Date.now();
        log.warn({ err, limiter: name }, 'rate-limit store unavailable: limiting in this process only');
      }
      local ??= memoryWindows.limiter(name, window);
      return op(local);
    }
  }

  return {
    points: window.points,
    /** Counts one request; refused when the window is spent (refusals count too, the window does not move). */
    consume(key: string): Promise<Outcome> {
      return call(key, (l) => l.consume(key)).then(
        (res) => ({ allowed: true, res }),
        (res: unknown) => {
          if (res instanceof RateLimiterRes) return { allowed: false, res };
          throw res;
        },
      );
    },
    /** Counts one event without refusing (a failed sign-in). */
    penalty: (key: string) => call(key, (l) => l.penalty(key)),
    /** The key's current window, null when none is open. */
    get: (key: string) => call(key, (l) => l.get(key)),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`rate-limit store did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export type Taken = { ok: true; remaining: number } | { ok: false; retryAfter: number };

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * A rate limit per key (`take` counts one request). `name` and the limit name the
 * counters, so limiters configured differently never read each other's windows
 * (a rolling deploy that changes the limit starts fresh windows).
 */
export function createKeyedLimit(name: string, limit: RateLimit, deps: LimiterDeps) {
  const { base, extra } = windowsOf(limit);
  const prefix = `${name}:${limit.perMinute}/${limit.burst}`;
  const baseWindow = sharedWindow(prefix, base, deps);
  const extraWindow = extra ? sharedWindow(`${prefix}+`, extra, deps) : undefined;
  return {
    async take(key: string): Promise<Taken> {
      // The extra window is read alongside, so RateLimit-Remaining counts what it still holds.
      const [first, spare] = await Promise.all([baseWindow.consume(key), extraWindow?.get(key)]);
      if (first.allowed) return { ok: true, remaining: first.res.remainingPoints + (extraWindow ? (spare?.remainingPoints ?? extraWindow.points) : 0) };
      if (!extraWindow) return { ok: false, retryAfter: seconds(first.res.msBeforeNext) };
      const second = await extraWindow.consume(key);
      if (second.allowed) return { ok: true, remaining: second.res.remainingPoints };
      // Whichever window reopens first lets the next request through.
      return { ok: false, retryAfter: seconds(Math.min(first.res.msBeforeNext, second.res.msBeforeNext)) };
    },
  };
}

/**
 * Failures per key in a fixed window (sign-in failures per address): past `limit`
 * failures the key is blocked until the window, opened by its first failure, ends.
 */
export function createFailureWindow(name: string, { limit, windowMs }: { limit: number; windowMs: number }, deps: LimiterDeps) {
  const window = sharedWindow(`${name}:${limit}/${windowMs}ms`, { points: limit, seconds: windowMs / 1000 }, deps);
  return {
    /** Milliseconds until `key` may try again, or 0. */
    async blockedFor(key: string): Promise<number> {
      const current = await window.get(key);
      return current && current.consumedPoints >= limit ? Math.max(1, current.msBeforeNext) : 0;
    },
    async fail(key: string): Promise<void> {
      await window.penalty(key);
    },
  };
}
