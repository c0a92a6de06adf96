/**
 * Supervisor dashboard: SLA attainment per clock, response and resolution
 * times, backlog now, breaches and escalations by category and by queue, and
 * the team queue. Every figure comes from the analytics endpoints
 * (docs/analytics.md) and is shown as text in a table (what tests and screen
 * readers read) beside its chart; every figure links to the complaints behind
 * it (DrillDown.tsx). Filters live in the URL.
 */
import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { scopeOf } from '../../../../src/domain/permissions';
import { api, query } from '../../api';
import { Chart, type ChartOption } from '../../components/Chart';
import { Empty, Loading, ProblemView } from '../../components/States';
import { formatMinutes, formatNumber, formatPercent } from '../../format';
import { useUser } from '../../session';
import { GRANULARITIES, RANGES, backlogHref, cohortHref, dayRange, periodDays, readFilters } from './dashboard-query';
import { TeamQueue } from './TeamQueue';
import type { BacklogView, KpiSeries, KpiSeriesList, ParetoView } from './types';

const CLOCKS = [
  { kpi: 'first_response_attainment', key: 'firstResponse' },
  { kpi: 'next_response_attainment', key: 'nextResponse' },
  { kpi: 'resolution_attainment', key: 'resolution' },
] as const;
const TIMES = [
  { kpi: 'first_response_median_minutes', key: 'firstResponseMedian' },
  { kpi: 'first_response_p90_minutes', key: 'firstResponseP90' },
  { kpi: 'resolution_median_minutes', key: 'resolutionMedian' },
  { kpi: 'resolution_p90_minutes', key: 'resolutionP90' },
] as const;
const OVERVIEW_KPIS = [...CLOCKS.map((c) => c.kpi), ...TIMES.map((t) => t.kpi), 'complaint_volume', 'breach_count', 'escalation_count', 'breach_rate'];
const BREAKDOWN_KPIS = ['complaint_volume', 'breach_count', 'escalation_count'] as const;

interface AreaList {
  items: { areaId: string; name: string }[];
}

const byKpi = (list: KpiSeriesList | undefined, kpi: string): KpiSeries | undefined => list?.items.find((s) => s.kpi === kpi);

/** A figure as text, with its raw value for tests (`data-value`), linked to the complaints behind it. */
function Figure({ value, text, to, context, testId }: { value: number | null | undefined; text: string; to: string; context: string; testId: string }) {
  return (
    <Link to={to} data-testid={testId} data-value={value ?? ''}>
      {text}
      <span className="visually-hidden"> — {context}</span>
    </Link>
  );
}

export default function Dashboard() {
  const { t } = useTranslation('dashboard');
  const user = useUser();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  // The range is computed once per filter change, not per render (a render after midnight keeps the shown range).
  const range = useMemo(() => dayRange(filters.range), [filters.range]);
  const base = { area: filters.area || undefined, from: range.from, to: range.to };
  const canReadComplaints = scopeOf(user.role, 'complaint.read') === 'all';

  const setFilter = (key: 'range' | 'period' | 'area', value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  const areas = useQuery({ queryKey: ['service-areas'], queryFn: () => api.get<AreaList>('/service-areas'), retry: false });
  const kpis = useQuery({
    queryKey: ['analytics', 'kpis', 'overview', filters.period, base],
    queryFn: () => api.get<KpiSeriesList>(`/analytics/kpis${query({ kpi: OVERVIEW_KPIS, period: filters.period, ...base })}`),
  });
  const backlog = useQuery({ queryKey: ['analytics', 'backlog', filters.area], queryFn: () => api.get<BacklogView>(`/analytics/backlog${query({ area: filters.area || undefined })}`) });
  const pareto = useQuery({ queryKey: ['analytics', 'pareto', 'category', base], queryFn: () => api.get<ParetoView>(`/analytics/pareto${query({ by: 'category', ...base })}`) });
  // Queues: the user's own, the default one, and those of the open complaints the team queue shows.
  const teamQueue = useQuery({
    queryKey: ['complaints', 'team-queue-queues'],
    queryFn: () => api.get<{ items: { queue: string | null }[] }>(`/complaints${query({ active: true, limit: 100 })}`),
    enabled: canReadComplaints,
  });
  const queues = useMemo(() => {
    const set = new Set<string>(['general', ...user.queues]);
    for (const c of teamQueue.data?.items ?? []) if (c.queue) set.add(c.queue);
    return [...set].sort();
  }, [user.queues, teamQueue.data]);
  const categories = pareto.data?.rows.map((r) => r.key) ?? [];

  const breakdown = (dimension: 'category' | 'queue', values: string[]) =>
    values.map((value) => ({
      queryKey: ['analytics', 'kpis', dimension, value, filters.period, base],
      queryFn: () => api.get<KpiSeriesList>(`/analytics/kpis${query({ kpi: [...BREAKDOWN_KPIS], period: filters.period, dimension, value, ...base })}`),
    }));
  const byCategory = useQueries({ queries: breakdown('category', categories) });
  const byQueue = useQueries({ queries: breakdown('queue', queues) });

  const periods = byKpi(kpis.data, CLOCKS[0].kpi)?.points.map((p) => p.period) ?? [];
  const attainmentChart: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 32 },
      xAxis: { type: 'category', data: periods },
      yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => formatPercent(v, 0) } },
      series: CLOCKS.map((c) => ({ name: t(`clock.${c.key}`), type: 'line', connectNulls: false, data: byKpi(kpis.data, c.kpi)?.points.map((p) => p.value) ?? [] })),
    }),
    [kpis.data, t],
  );

  const areaName = (id: string) => (id === '-' ? t('filters.noArea') : (areas.data?.items.find((a) => a.areaId === id)?.name ?? id));

  return (
    <div className="dash">
      <h1>{t('title')}</h1>
      {scopeOf(user.role, 'followup.read') !== null && <OpenFollowUps />}
      <form className="form-row panel" aria-label={t('filters.label')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('filters.range')}
          <select value={filters.range} onChange={(e) => setFilter('range', e.target.value)} data-testid="dash-range">
            {RANGES.map((r) => (
              <option key={r} value={r}>
                {t('filters.lastDays', { count: r })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filters.period')}
          <select value={filters.period} onChange={(e) => setFilter('period', e.target.value)} data-testid="dash-period">
            {GRANULARITIES.map((g) => (
              <option key={g} value={g}>
                {t(`filters.granularity.${g}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filters.area')}
          <select value={filters.area} onChange={(e) => setFilter('area', e.target.value)} data-testid="dash-area">
            <option value="">{t('filters.allAreas')}</option>
            {areas.data?.items.map((a) => (
              <option key={a.areaId} value={a.areaId}>
                {a.name}
              </option>
            ))}
            <option value="-">{t('filters.noArea')}</option>
          </select>
        </label>
        <p className="dash-range" data-testid="dash-days">
          {t('filters.days', { from: range.from, to: range.to })}
        </p>
      </form>

      <section aria-labelledby="dash-sla">
        <h2 id="dash-sla">{t('sla.title')}</h2>
        {kpis.isPending ? (
          <Loading />
        ) : kpis.error ? (
          <ProblemView error={kpis.error} />
        ) : (
          <div className="grid">
            <table data-testid="dash-sla-table">
              <caption className="visually-hidden">{t('sla.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('sla.clock')}</th>
                  <th scope="col">{t('sla.attainment')}</th>
                  <th scope="col">{t('sla.metOfDecided')}</th>
                </tr>
              </thead>
              <tbody>
                {CLOCKS.map((c) => {
                  const total = byKpi(kpis.data, c.kpi)?.total;
                  return (
                    <tr key={c.kpi}>
                      <th scope="row">{t(`clock.${c.key}`)}</th>
                      <td>
                        <Figure
                          value={total?.value}
                          text={formatPercent(total?.value)}
                          to={cohortHref({ area: filters.area, ...range, figure: t(`clock.${c.key}`) })}
                          context={t(`clock.${c.key}`)}
                          testId={`dash-kpi-${c.kpi}`}
                        />
                      </td>
                      <td>{total?.n ? t('sla.met', { x: formatNumber(total.x, 0), n: formatNumber(total.n, 0) }) : t('sla.noneDecided')}</td>
                    </tr>
                  );
                })}
                {(['complaint_volume', 'breach_count', 'escalation_count', 'breach_rate'] as const).map((kpi) => {
                  const total = byKpi(kpis.data, kpi)?.total;
                  return (
                    <tr key={kpi}>
                      <th scope="row">{t(`kpi.${kpi}`)}</th>
                      <td>
                        <Figure
                          value={total?.value}
                          text={kpi === 'breach_rate' ? formatPercent(total?.value) : formatNumber(total?.value ?? 0, 0)}
                          to={cohortHref({ area: filters.area, ...range, figure: t(`kpi.${kpi}`) })}
                          context={t(`kpi.${kpi}`)}
                          testId={`dash-kpi-${kpi}`}
                        />
                      </td>
                      <td />
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <div>
              <Chart
                option={attainmentChart}
                label={t('sla.chartLabel')}
                testId="dash-attainment-chart"
                onClick={(p) => navigate(cohortHref({ area: filters.area, ...periodDays(p.name, filters.period, range), figure: `${p.seriesName ?? ''} ${p.name}` }))}
              />
              <p className="dash-note">{t('sla.chartNote')}</p>
            </div>
          </div>
        )}
      </section>

      <section aria-labelledby="dash-times">
        <h2 id="dash-times">{t('times.title')}</h2>
        {kpis.isPending ? (
          <Loading />
        ) : kpis.error ? (
          <ProblemView error={kpis.error} />
        ) : (
          <table data-testid="dash-times-table">
            <caption className="visually-hidden">{t('times.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('times.figure')}</th>
                <th scope="col">{t('times.value')}</th>
              </tr>
            </thead>
            <tbody>
              {TIMES.map((m) => {
                const total = byKpi(kpis.data, m.kpi)?.total;
                return (
                  <tr key={m.kpi}>
                    <th scope="row">{t(`times.${m.key}`)}</th>
                    <td>
                      <Figure value={total?.value} text={formatMinutes(total?.value)} to={cohortHref({ area: filters.area, ...range, figure: t(`times.${m.key}`) })} context={t(`times.${m.key}`)} testId={`dash-kpi-${m.kpi}`} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <p className="dash-note">{t('times.note')}</p>
      </section>

      <BacklogSection backlog={backlog} area={filters.area} />

      <BreakdownSection
        id="dash-by-category"
        title={t('breakdown.byCategory')}
        dimension="category"
        values={categories}
        results={byCategory}
        pending={pareto.isPending}
        error={pareto.error}
        area={filters.area}
        range={range}
      />
      <BreakdownSection id="dash-by-queue" title={t('breakdown.byQueue')} dimension="queue" values={queues} results={byQueue} pending={false} error={null} area={filters.area} range={range} />
      <p className="dash-note">{t('breakdown.note', { area: filters.area ? areaName(filters.area) : t('filters.allAreas') })}</p>

      {canReadComplaints && <TeamQueue />}
    </div>
  );
}

/** How many low-rating callbacks wait (GET /follow-ups?status=open answers at most 500), linked to their list. */
function OpenFollowUps() {
  const { t } = useTranslation('dashboard');
  const open = useQuery({ queryKey: ['follow-ups', 'open'], queryFn: () => api.get<{ items: unknown[] }>('/follow-ups?status=open'), refetchInterval: 30_000 });
  if (open.isPending) return null;
  if (open.error) return <ProblemView error={open.error} title={t('followUps.title')} />;
  const count = open.data.items.length;
  return (
    <p className="panel" data-testid="dash-follow-ups" data-value={count}>
      {t(count >= 500 ? 'followUps.many' : 'followUps.open', { count })} · <Link to="/follow-ups">{t('followUps.link')}</Link>
    </p>
  );
}

function BacklogSection({ backlog, area }: { backlog: { data?: BacklogView; isPending: boolean; error: unknown }; area: string }) {
  const { t } = useTranslation('dashboard');
  const b = backlog.data;
  const ageChart: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: b?.byAge.map((a) => a.bucket) ?? [] },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ name: t('backlog.open'), type: 'bar', data: b?.byAge.map((a) => a.count) ?? [] }],
    }),
    [b, t],
  );
  const navigate = useNavigate();
  return (
    <section aria-labelledby="dash-backlog">
      <h2 id="dash-backlog">{t('backlog.title')}</h2>
      {backlog.isPending ? (
        <Loading />
      ) : backlog.error ? (
        <ProblemView error={backlog.error} />
      ) : b ? (
        <>
          <table data-testid="dash-backlog-now">
            <caption className="visually-hidden">{t('backlog.nowCaption')}</caption>
            <thead>
              <tr>
                {(['open', 'atRisk', 'breached', 'resolved'] as const).map((k) => (
                  <th scope="col" key={k}>
                    {t(`backlog.${k}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>
                  <Figure value={b.open} text={formatNumber(b.open, 0)} to={backlogHref({ area, figure: t('backlog.open') })} context={t('backlog.open')} testId="dash-backlog-open" />
                </td>
                <td>
                  <Figure value={b.atRisk} text={formatNumber(b.atRisk, 0)} to={backlogHref({ area, atRisk: true, figure: t('backlog.atRisk') })} context={t('backlog.atRisk')} testId="dash-backlog-atRisk" />
                </td>
                <td>
                  <Figure value={b.breached} text={formatNumber(b.breached, 0)} to={backlogHref({ area, breached: true, figure: t('backlog.breached') })} context={t('backlog.breached')} testId="dash-backlog-breached" />
                </td>
                <td>
                  <Figure value={b.resolved} text={formatNumber(b.resolved, 0)} to={backlogHref({ area, status: 'resolved', figure: t('backlog.resolved') })} context={t('backlog.resolved')} testId="dash-backlog-resolved" />
                </td>
              </tr>
            </tbody>
          </table>
          <div className="grid">
            <table data-testid="dash-backlog-age">
              <caption>{t('backlog.byAge')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('backlog.age')}</th>
                  <th scope="col">{t('backlog.count')}</th>
                </tr>
              </thead>
              <tbody>
                {b.byAge.map((a) => (
                  <tr key={a.bucket}>
                    <th scope="row">{a.bucket}</th>
                    <td>
                      <Figure value={a.count} text={formatNumber(a.count, 0)} to={backlogHref({ area, age: a.bucket, figure: `${t('backlog.age')} ${a.bucket}` })} context={`${t('backlog.age')} ${a.bucket}`} testId={`dash-age-${a.bucket}`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Chart option={ageChart} label={t('backlog.byAge')} height={220} onClick={(p) => navigate(backlogHref({ area, age: p.name, figure: `${t('backlog.age')} ${p.name}` }))} />
            <table data-testid="dash-backlog-status">
              <caption>{t('backlog.byStatus')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('backlog.status')}</th>
                  <th scope="col">{t('backlog.count')}</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(b.byStatus).map(([status, count]) => (
                  <tr key={status}>
                    <th scope="row">{t(`status.${status}`, { defaultValue: status })}</th>
                    <td>
                      <Figure value={count} text={formatNumber(count, 0)} to={backlogHref({ area, status, figure: t(`status.${status}`, { defaultValue: status }) })} context={status} testId={`dash-status-${status}`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}

interface BreakdownProps {
  id: string;
  title: string;
  dimension: 'category' | 'queue';
  values: string[];
  results: { data?: KpiSeriesList; isPending: boolean; error: unknown }[];
  pending: boolean;
  error: unknown;
  area: string;
  range: { from: string; to: string };
}

/** Complaints, breaches and escalations per category or queue (one KPI query per value), as a table and a bar chart. */
function BreakdownSection({ id, title, dimension, values, results, pending, error, area, range }: BreakdownProps) {
  const { t } = useTranslation('dashboard');
  const navigate = useNavigate();
  const rows = values.map((value, i) => ({ value, result: results[i] }));
  const firstError = error ?? results.find((r) => r.error)?.error;
  const loading = pending || results.some((r) => r.isPending);
  const total = (r: (typeof rows)[number], kpi: string) => byKpi(r.result?.data, kpi)?.total.value ?? null;
  const chart: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 32, bottom: 48 },
      xAxis: { type: 'category', data: rows.map((r) => r.value), axisLabel: { rotate: rows.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: (['breach_count', 'escalation_count'] as const).map((kpi) => ({ name: t(`kpi.${kpi}`), type: 'bar', data: rows.map((r) => total(r, kpi)) })),
    }),
    [results, values, t],
  );
  const drill = (value: string, figure: string) => cohortHref({ area, ...range, dimension, value, figure });
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {firstError ? (
        <ProblemView error={firstError} />
      ) : loading ? (
        <Loading />
      ) : rows.length === 0 ? (
        <Empty>{t('breakdown.empty')}</Empty>
      ) : (
        <div className="grid">
          <table data-testid={`${id}-table`}>
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t(`breakdown.${dimension}`)}</th>
                {BREAKDOWN_KPIS.map((kpi) => (
                  <th scope="col" key={kpi}>
                    {t(`kpi.${kpi}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.value} data-testid={`${id}-row-${r.value}`}>
                  <th scope="row">{r.value}</th>
                  {BREAKDOWN_KPIS.map((kpi) => {
                    const v = total(r, kpi);
                    return (
                      <td key={kpi}>
                        <Figure value={v} text={formatNumber(v ?? 0, 0)} to={drill(r.value, `${t(`kpi.${kpi}`)}: ${r.value}`)} context={`${t(`kpi.${kpi}`)}, ${r.value}`} testId={`${id}-${kpi}-${r.value}`} />
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <Chart option={chart} label={title} height={260} onClick={(p) => navigate(drill(p.name, `${p.seriesName ?? ''}: ${p.name}`))} />
        </div>
      )}
    </section>
  );
}
