/**
 * Agent — queue: the caller's complaints and queues (the API scopes an agent
 * to what they own, first responded or may pick up in their queues), in the
 * API's order (next SLA due time first), with the filters of GET /complaints
 * kept in the URL. Each row counts down its running clock in business time.
 * Refreshed by polling every 3 s (react-query refetchInterval): every page
 * is read again, so a change by anyone shows within one period and a request.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { STATUSES } from '../../../../src/domain/complaint';
import { SEVERITIES } from '../../../../src/domain/sla-policy';
import { Empty, Loading, ProblemView } from '../../components/States';
import { formatDateTime } from '../../format';
import { useUser } from '../../session';
import { FILTER_KEYS, MAX_QUEUE_ROWS, QUEUE_REFRESH_MS, filtersFrom, useQueue } from './queue-data';
import { QueueRow } from './QueueRow';
import type { QueueFilters } from './types';

const TEXT_FILTERS = ['queue', 'category', 'owner'] as const;
type TextFilter = (typeof TEXT_FILTERS)[number];

export default function Queue() {
  const { t } = useTranslation('agent');
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);

  const { q, rows: count, complete, truncated } = useQueue(filters);
  const seen = new Set<string>();

  /** Sets one filter in the URL (empty removes it); `active` keeps `all` explicit since its default is `true`. */
  const setFilter = (key: keyof QueueFilters, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  // Text filters apply on submit (Enter or the button), so typing does not fire a request per key.
  const [text, setText] = useState<Record<TextFilter, string>>({ queue: filters.queue ?? '', category: filters.category ?? '', owner: filters.owner ?? '' });
  useEffect(() => {
    setText({ queue: params.get('queue') ?? '', category: params.get('category') ?? '', owner: params.get('owner') ?? '' });
  }, [params]);
  const applyText = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams(params);
    for (const k of TEXT_FILTERS) {
      const v = text[k].trim();
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  const clear = () => {
    const next = new URLSearchParams(params);
    for (const k of FILTER_KEYS) next.delete(k);
    setParams(next, { replace: true });
  };

  const select = (key: keyof QueueFilters, label: string, options: { value: string; label: string }[], current: string) => (
    <label>
      {label}
      <select value={current} onChange={(e) => setFilter(key, e.target.value)} data-testid={`queue-filter-${key}`}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
  const any = { value: '', label: t('filter.any') };
  const yesNo = [any, { value: 'true', label: t('filter.yes') }, { value: 'false', label: t('filter.no') }];

  return (
    <section className="queue">
      <h1>{t('queue.title')}</h1>
      <p className="queue-muted">
        {t('queue.scope', { queues: user.queues.join(', ') || '—' })} {t('queue.refresh', { seconds: QUEUE_REFRESH_MS / 1000 })}
      </p>
      <form className="queue-filters form-row" onSubmit={applyText} aria-label={t('filter.label')}>
        {select('active', t('filter.active'), [{ value: '', label: t('filter.activeTrue') }, { value: 'false', label: t('filter.activeFalse') }, { value: 'all', label: t('filter.activeAll') }], params.get('active') === 'true' ? '' : (params.get('active') ?? ''))}
        {select('status', t('filter.status'), [any, ...STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))], filters.status ?? '')}
        {select('severity', t('filter.severity'), [any, ...SEVERITIES.map((s) => ({ value: s, label: s }))], filters.severity ?? '')}
        {select('breached', t('filter.breached'), yesNo, filters.breached ?? '')}
        {select('atRisk', t('filter.atRisk'), yesNo, filters.atRisk ?? '')}
        {TEXT_FILTERS.map((k) => (
          <label key={k}>
            {t(`filter.${k}`)}
            <input value={text[k]} onChange={(e) => setText({ ...text, [k]: e.target.value })} list={k === 'queue' ? 'queue-my-queues' : undefined} data-testid={`queue-filter-${k}`} size={12} />
          </label>
        ))}
        <datalist id="queue-my-queues">
          {user.queues.map((qn) => (
            <option key={qn} value={qn} />
          ))}
        </datalist>
        <button type="submit">{t('filter.apply')}</button>
        <button type="button" className="secondary" onClick={clear}>
          {t('filter.clear')}
        </button>
      </form>

      {q.isPending ? (
        <Loading />
      ) : q.error && !q.data ? (
        <ProblemView error={q.error} />
      ) : (
        <>
          {q.error && <ProblemView error={q.error} title={t('queue.refreshFailed')} />}
          <p className="queue-count" aria-live="polite">
            {t('queue.count', { count })}
            {!complete && ` ${t('queue.loadingMore')}`}
            {truncated && ` ${t('queue.truncated', { max: MAX_QUEUE_ROWS })}`}
            {q.dataUpdatedAt > 0 && <span className="queue-muted"> · {t('queue.updated', { at: formatDateTime(q.dataUpdatedAt) })}</span>}
          </p>
          {count === 0 ? (
            <Empty>{t('queue.empty')}</Empty>
          ) : (
            <table className="queue-table" data-testid="queue-table" data-loaded={complete ? 'true' : undefined}>
              <caption className="visually-hidden">{t('queue.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('col.id')}</th>
                  <th scope="col">{t('col.subject')}</th>
                  <th scope="col">{t('col.customer')}</th>
                  <th scope="col">{t('col.status')}</th>
                  <th scope="col">{t('col.severity')}</th>
                  <th scope="col">{t('col.owner')}</th>
                  <th scope="col">{t('col.clock')}</th>
                  <th scope="col">{t('col.due')}</th>
                </tr>
              </thead>
              <tbody>
                {q.data?.pages.map((page) =>
                  page.items.map((c) =>
                    // A complaint whose due time moved between two page reads can come twice: shown once.
                    seen.has(c.id) ? null : (seen.add(c.id), <QueueRow key={c.id} c={c} asOf={c.sla?.clocks.some((k) => k.counting) ? page.asOf : 0} t={t} />),
                  ),
                )}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
