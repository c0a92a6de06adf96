/**
 * Request ids an entity workflow has applied, carried across continue-as-new:
 * Temporal de-duplicates an update id within one run only, and a retried HTTP
 * request (same Idempotency-Key) may arrive after the workflow moved to a new
 * run. Only the most recent ids are kept: a retry follows its original soon.
 */
export const MAX_REMEMBERED_REQUESTS = 500;

export function createRequestLog(carried: readonly string[] = []) {
  const ids = [...carried];
  return {
    has: (requestId: string | undefined): boolean => requestId !== undefined && ids.includes(requestId),
    add(requestId: string | undefined): void {
      if (requestId === undefined) return;
      ids.push(requestId);
      ids.splice(0, ids.length - MAX_REMEMBERED_REQUESTS);
    },
    /** For the next run's input. */
    ids: (): string[] => [...ids],
  };
}
