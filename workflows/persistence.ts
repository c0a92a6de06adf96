/**
 * Serialised persistence for an entity workflow: one persistence activity at
 * a time per entity, carrying every transition queued meanwhile. So the read
 * model is written in version order (the activity only has to skip a write
 * older than what is stored) and a burst of changes costs one activity, not
 * many. Notification delivery runs alongside; `settled()` waits for it.
 */
import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Persistence must eventually succeed (the DB may be briefly down); every write is idempotent.
 * Requests wait for it, so an attempt held by a worker that died (or that Temporal handed out
 * just before it restarted) must be retried soon: the worker heartbeats while the activity
 * runs (worker/run.ts), and a missing heartbeat ends the attempt after 2 s instead of 30 s.
 */
export const PERSISTENCE_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '2 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

/** Webhook receivers can be down for a while; the outbox keeps the message if we give up. */
export const DELIVERY_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 12 },
};

export interface Persister<S extends { version: number }, T> {
  /** Queues transitions that lead to `state` and returns once it (and everything before it) is persisted. */
  persist(state: S, transitions: T[]): Promise<void>;
  /** Resolves when every delivery started so far has finished (delivered or given up). */
  settled(): Promise<void>;
}

export function createPersister<S extends { version: number }, T>(opts: {
  persistedVersion: number;
  record: (snapshot: S, transitions: T[]) => Promise<{ outboxIds: string[] }>;
  deliver: (outboxIds: string[]) => Promise<unknown>;
}): Persister<S, T> {
  let latest: S | undefined;
  let queued: T[] = [];
  let persistedVersion = opts.persistedVersion;
  let flushing: Promise<void> | null = null;
  const deliveries: Promise<void>[] = [];

  async function flush(upTo: number): Promise<void> {
    while (persistedVersion < upTo) {
      if (!flushing) {
        const snapshot = latest!;
        const transitions = queued;
        queued = [];
        flushing = (async () => {
          const { outboxIds } = await opts.record(snapshot, transitions);
          persistedVersion = snapshot.version;
          if (outboxIds.length > 0) {
            deliveries.push(
              opts.deliver(outboxIds).then(
                () => undefined,
                () => undefined, // undelivered messages stay pending in the outbox
              ),
            );
          }
        })().finally(() => {
          flushing = null;
        });
      }
      await flushing;
    }
  }

  return {
    async persist(state, transitions) {
      latest = state;
      if (transitions.length === 0) return;
      queued.push(...transitions);
      await flush(state.version);
    },
    async settled() {
      await Promise.all(deliveries);
    },
  };
}
