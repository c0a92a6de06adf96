/**
 * The queue's data: every page of `GET /complaints` for the filters in the
 * URL (cursor paging, 500 a page), up to 1,000 rows, in the API's order (next
 * SLA due time first). Pages are shown as they arrive (the table grows while
 * the next page loads, and the next page is asked for as soon as one arrives), and each keeps the time it arrived: the instant its
 * rows' countdowns run from. Re-read every 3 s (react-query refetches every
 * loaded page in turn, following the new cursors).
 */
import { type InfiniteData, useInfiniteQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, getEarly, query } from '../../api';
import type { ComplaintList, QueueFilters } from './types';

export const MAX_QUEUE_ROWS = 1000;
const PAGE_SIZE = 500;
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

/** Which page: its cursor (none for the first) and its position. */
interface PageParam {
  cursor?: string;
  index: number;
}

function readPage(url: string, signal?: AbortSignal): Promise<QueuePage> {
  return api.get<ComplaintList>(url, { signal }).then((page) => ({ ...page, asOf: Date.now() }));
}

function pageUrl(filters: QueueFilters, cursor: string | undefined): string {
  return `/complaints${query({ ...filters, limit: PAGE_SIZE, cursor })}`;
}

/** The queue's first request for the address's search string (started early by routes.tsx). */
export const firstQueuePageUrl = (search: string): string => pageUrl(filtersFrom(new URLSearchParams(search)), undefined);

const hasRoomAfter = (index: number) => (index + 1) * PAGE_SIZE < MAX_QUEUE_ROWS;

async function loadPage(filters: QueueFilters, param: PageParam, signal: AbortSignal): Promise<QueuePage> {
  const page = await readPage(pageUrl(filters, param.cursor), signal);
  // The next page is asked for now, before React has drawn this one: drawing then overlaps the request.
  if (page.nextCursor && hasRoomAfter(param.index)) getEarly(pageUrl(filters, page.nextCursor));
  return page;
}

/**
 * The queue for `filters`, loading page after page until the API has no more
 * or 1,000 rows are in. `complete` turns true once that is so.
 */
export function useQueue(filters: QueueFilters) {
  const q = useInfiniteQuery({
    queryKey: ['complaints', 'queue', filters],
    queryFn: ({ pageParam, signal }) => loadPage(filters, pageParam, signal),
    initialPageParam: { index: 0 } as PageParam,
    getNextPageParam: (last, _pages, lastParam): PageParam | undefined => (last.nextCursor && hasRoomAfter(lastParam.index) ? { cursor: last.nextCursor, index: lastParam.index + 1 } : undefined),
    refetchInterval: QUEUE_REFRESH_MS,
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isError, data } = q;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !isError) void fetchNextPage({ cancelRefetch: false });
  }, [hasNextPage, isFetchingNextPage, isError, fetchNextPage, data]);
  const rows = rowCount(data);
  return { q, rows, complete: q.isSuccess && !hasNextPage, truncated: !!data?.pages.at(-1)?.nextCursor && rows >= MAX_QUEUE_ROWS };
}
