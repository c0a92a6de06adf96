/**
 * The complaints behind a dashboard figure, from the same filters:
 * - `source=cohort` (KPI figures): GET /analytics/complaints with the area,
 *   dimension value and intake days, i.e. the cohort the figure was computed
 *   over (the API lists the whole cohort, not only the breached or met ones);
 *   cursor pages.
 * - `source=backlog` (backlog figures): the open complaints now, GET
 *   /complaints?active=true with the figure's filter (status, breached, at
 *   risk), kept to the backlog's "open" (not awaiting confirmation, unless the
 *   figure is that) and to the area and age bucket asked.
 * Each complaint links to its page.
 */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, query } from '../../api';
import { Empty, Loading, ProblemView } from '../../components/States';
import { formatDateTime } from '../../format';
import { inAgeBucket } from './dashboard-query';
import type { ComplaintList, ComplaintView, DrillDownList } from './types';

interface Row {
  id: string;
  day?: string;
  status?: string;
  severity?: string;
  category?: string;
  queue?: string | null;
  ownerId?: string | null;
  nextDueAt?: string | null;
}

export default function DrillDown() {
  const { t } = useTranslation('dashboard');
  const [params] = useSearchParams();
  const source = params.get('source') === 'backlog' ? 'backlog' : 'cohort';
  const figure = params.get('figure') ?? '';
  const back = `/dashboard`;
  return (
    <div className="dash">
      <p>
        <Link to={back}>{t('drill.back')}</Link>
      </p>
      <h1>{t('drill.title')}</h1>
      {figure && (
        <p data-testid="drill-figure">
          {t('drill.figure')}: <strong>{figure}</strong>
        </p>
      )}
      {source === 'cohort' ? <CohortList params={params} /> : <BacklogList params={params} />}
    </div>
  );
}

function CohortList({ params }: { params: URLSearchParams }) {
  const { t } = useTranslation('dashboard');
  const filters = {
    area: params.get('area') ?? undefined,
    dimension: params.get('dimension') ?? undefined,
    value: params.get('value') ?? undefined,
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
  const pages = useInfiniteQuery({
    queryKey: ['analytics', 'complaints', filters],
    queryFn: ({ pageParam }) => api.get<DrillDownList>(`/analytics/complaints${query({ ...filters, limit: 50, cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const describe = [
    t('drill.days', { from: filters.from, to: filters.to }),
    filters.area ? t('drill.area', { area: filters.area === '-' ? t('filters.noArea') : filters.area }) : t('filters.allAreas'),
    filters.dimension ? `${t(`breakdown.${filters.dimension}`, { defaultValue: filters.dimension })} = ${filters.value}` : null,
  ].filter(Boolean);
  const rows: Row[] =
    pages.data?.pages.flatMap((p) =>
      p.items.map((i) => {
        const r = (i.row ?? {}) as Record<string, unknown>;
        return { id: i.id, day: i.day, status: r.status as string, severity: r.severity as string, category: r.category as string, queue: r.queue as string, ownerId: r.ownerId as string | null, nextDueAt: (r.nextDueAt as string | null) ?? null };
      }),
    ) ?? [];
  return (
    <>
      <p className="dash-note" data-testid="drill-scope">
        {describe.join(' · ')}. {t('drill.cohortNote')}
      </p>
      {pages.isPending ? (
        <Loading />
      ) : pages.error ? (
        <ProblemView error={pages.error} />
      ) : rows.length === 0 ? (
        <Empty>{t('drill.empty')}</Empty>
      ) : (
        <>
          <ComplaintTable rows={rows} showDay />
          {pages.hasNextPage && (
            <button type="button" className="secondary" disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
              {t('drill.more')}
            </button>
          )}
        </>
      )}
    </>
  );
}

/** At most this many pages of 100 open complaints are read for a backlog figure. */
const MAX_BACKLOG_PAGES = 20;

function BacklogList({ params }: { params: URLSearchParams }) {
  const { t } = useTranslation('dashboard');
  const area = params.get('area') ?? '';
  const status = params.get('status') ?? undefined;
  const breached = params.get('breached') === 'true' ? true : undefined;
  const atRisk = params.get('atRisk') === 'true' ? true : undefined;
  const age = params.get('age') ?? undefined;
  const list = useQuery({
    queryKey: ['complaints', 'backlog-drill', { status, breached, atRisk }],
    queryFn: async () => {
      const items: ComplaintView[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < MAX_BACKLOG_PAGES; i++) {
        const page = await api.get<ComplaintList>(`/complaints${query({ active: true, status, breached, atRisk, limit: 100, cursor })}`);
        items.push(...page.items);
        if (!page.nextCursor) return { items, truncated: false };
        cursor = page.nextCursor;
      }
      return { items, truncated: true };
    },
  });
  const now = Date.now();
  const rows: Row[] = (list.data?.items ?? [])
    // The backlog's "open" leaves out complaints awaiting the customer's confirmation (resolved), unless that is the figure.
    .filter((c) => (status === 'resolved' ? c.status === 'resolved' : c.status !== 'resolved'))
    .filter((c) => !area || (c.serviceArea?.areaId ?? '-') === area)
    .filter((c) => !age || inAgeBucket(age, (now - Date.parse(c.createdAt)) / 86_400_000))
    .map((c) => ({ id: c.id, day: c.createdAt, status: c.status, severity: c.severity, category: c.category, queue: c.queue, ownerId: c.ownerId, nextDueAt: c.sla?.nextDueAt ?? null }));
  return (
    <>
      <p className="dash-note" data-testid="drill-scope">
        {t('drill.backlogNote')}
      </p>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ProblemView error={list.error} />
      ) : rows.length === 0 ? (
        <Empty>{t('drill.empty')}</Empty>
      ) : (
        <>
          <ComplaintTable rows={rows} />
          {list.data.truncated && <p className="dash-note">{t('drill.truncated', { count: MAX_BACKLOG_PAGES * 100 })}</p>}
        </>
      )}
    </>
  );
}

function ComplaintTable({ rows, showDay }: { rows: Row[]; showDay?: boolean }) {
  const { t } = useTranslation('dashboard');
  return (
    <table data-testid="drill-table">
      <caption>{t('drill.count', { count: rows.length })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('team.complaint')}</th>
          <th scope="col">{showDay ? t('drill.intakeDay') : t('drill.createdAt')}</th>
          <th scope="col">{t('team.status')}</th>
          <th scope="col">{t('team.severity')}</th>
          <th scope="col">{t('team.category')}</th>
          <th scope="col">{t('team.queue')}</th>
          <th scope="col">{t('team.owner')}</th>
          <th scope="col">{t('team.nextDue')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-testid="drill-row" data-complaint-id={r.id}>
            <td>
              <Link to={`/complaints/${encodeURIComponent(r.id)}`}>{r.id}</Link>
            </td>
            <td>{showDay ? (r.day ?? '—') : formatDateTime(r.day)}</td>
            <td>{r.status ? t(`status.${r.status}`, { defaultValue: r.status }) : '—'}</td>
            <td>{r.severity ?? '—'}</td>
            <td>{r.category ?? '—'}</td>
            <td>{r.queue ?? '—'}</td>
            <td>{r.ownerId === undefined ? '—' : (r.ownerId ?? t('team.unowned'))}</td>
            <td>{formatDateTime(r.nextDueAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
