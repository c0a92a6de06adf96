/**
 * How the API reaches Temporal when Temporal has just restarted. Every call
 * has a deadline (TEMPORAL_DEADLINE_MS); within it, the client should be back
 * as soon as the server is. Two defaults stand in the way:
 * - grpc-js reconnects 1 s after a lost connection, then 1.6 times later each
 *   time (up to 2 minutes), so after a few seconds of outage the API keeps
 *   failing for seconds after the server is back;
 * - the SDK's retry interceptor waits up to 5 s between attempts.
 * Both are capped here at about a second; the deadline still bounds the total.
 */
import { type ConnectionOptions, isRetryableError, makeGrpcRetryInterceptor } from '@temporalio/client';

const RESOURCE_EXHAUSTED = 8;

/** Attempt n (1-based) waits 50 ms x 1.7^n, at most 500 ms (1 s to 5 s when the server says it is overloaded), +-20%. */
function retryDelayMs(attempt: number, status: { code: number }): number {
  const base = status.code === RESOURCE_EXHAUSTED ? Math.min(5_000, 1_000 * 1.7 ** (attempt - 1)) : Math.min(500, 50 * 1.7 ** attempt);
  return base * (0.8 + Math.random() * 0.4);
}

/** Connection options for the API's Temporal client. */
export function temporalConnectionOptions(address: string): ConnectionOptions {
  return {
    address,
    channelArgs: {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1_000,
    },
    interceptors: [
      makeGrpcRetryInterceptor({
        // The call's deadline ends the retries; the count only guards a call without one.
        retryableDecider: (attempt, status) => attempt < 100 && isRetryableError(status),
        delayFunction: retryDelayMs,
      }),
    ],
  };
}
