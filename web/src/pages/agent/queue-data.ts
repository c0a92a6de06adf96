/**
 * The queue's data: every page of `GET /complaints` for the filters in the
 * URL (cursor paging, 100 a page), up to 1,000 rows, in the API's order (next
 * SLA due time first). Pages are shown as they arrive (the table grows while
 * the next page loads), and each keeps the time it arrived: the instant its
 * rows' countdowns run from. Re-read every 3 s (react-query refetches every
 * loaded page in turn, following the new cursors).
 */
import { type InfiniteData, useInfiniteQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, query } from '../../api';
import type { ComplaintList, QueueFilters } from './types';

export const MAX_QUEUE_ROWS = 1000;
const PAGE_SIZE = 100;
/** Polling period: the queue shows a change by anyone within this many ms (plus the time to read it). */
export const QUEUE_REFRESH_MS = 3000;

export interface QueuePage extends ComplaintList {
  /** When the page arrived (epoch ms). */
  asOf: number;
}

export const FILTER_KEYS = ['status', 'active', 'severity', 'queue', 'category', 'owner', 'breached', 'atRisk'] as const satisfies readonly (keyof QueueFilters)[];

/** The filters as the URL has them; `active` defaults to `true` (the work in hand), `active=all` drops it. */
export function filtersFrom(params: URLSearchParams): QueueFilters {
  const f: QueueFilters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) f[k] = v;
  }
  if (f.active === undefined) f.active = 'true';
  else if (f.active === 'all') delete f.active;
  return f;
}

const rowCount = (data: InfiniteData<QueuePage> | undefined) => data?.pages.reduce((n, p) => n + p.items.length, 0) ?? 0;

/**
 * The queue for `filters`, loading page after page until the API has no more
 * or 1,000 rows are in. `complete` turns true once that is so.
 */
export function useQueue(filters: QueueFilters) {
  const q = useInfiniteQuery({
    queryKey: ['complaints', 'queue', filters],
    queryFn: async ({ pageParam, signal }): Promise<QueuePage> => {
      const page = await api.get<ComplaintList>(`/complaints${query({ ...filters, limit: PAGE_SIZE, cursor: pageParam })}`, { signal });
      return { ...page, asOf: Date.now() };
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last, pages) => (last.nextCursor && pages.length * PAGE_SIZE < MAX_QUEUE_ROWS ? last.nextCursor : undefined),
    refetchInterval: QUEUE_REFRESH_MS,
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isError, data } = q;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !isError) void fetchNextPage({ cancelRefetch: false });
  }, [hasNextPage, isFetchingNextPage, isError, fetchNextPage, data]);
  const rows = rowCount(data);
  return { q, rows, complete: q.isSuccess && !hasNextPage, truncated: !!data?.pages.at(-1)?.nextCursor && rows >= MAX_QUEUE_ROWS };
}
