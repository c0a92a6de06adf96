/**
 * The queue's data: every page of `GET /complaints` for the filters in the
 * URL (cursor paging, 100 a page), up to 1,000 rows, in the API's order (next
 * SLA due time first). Each row keeps the time its page arrived, the instant
 * its countdown runs from.
 */
import { api, query } from '../../api';
import type { ComplaintList, ComplaintView, QueueFilters } from './types';

export const MAX_QUEUE_ROWS = 1000;
const PAGE_SIZE = 100;
/** Polling period: the queue shows a change by anyone within this many ms (plus one request). */
export const QUEUE_REFRESH_MS = 3000;

export interface QueueRowData {
  c: ComplaintView;
  asOf: number;
}

export interface QueueData {
  rows: QueueRowData[];
  /** More complaints match than the queue shows. */
  truncated: boolean;
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

export async function loadQueue(filters: QueueFilters, signal?: AbortSignal): Promise<QueueData> {
  const rows: QueueRowData[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get<ComplaintList>(`/complaints${query({ ...filters, limit: PAGE_SIZE, cursor })}`, { signal });
    const asOf = Date.now();
    for (const c of page.items) rows.push({ c, asOf });
    cursor = page.nextCursor ?? undefined;
  } while (cursor && rows.length < MAX_QUEUE_ROWS);
  return { rows: rows.slice(0, MAX_QUEUE_ROWS), truncated: !!cursor || rows.length > MAX_QUEUE_ROWS };
}
