/**
 * Audit search (GET /audit/events): every filter the endpoint takes, kept in
 * the address so a search can be shared or reloaded; keyset pages (the
 * cursor is in the address too); export of every matching event as CSV or
 * NDJSON (GET /audit/export, a plain link: the browser sends the session
 * cookie and saves the attachment); each row links to its entity's history.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ROLES } from '../../../../src/domain/actors';
import { api, query } from '../../api';
import { FieldErrors, Loading, ProblemView } from '../../components/States';
import { formatDateTime } from '../../format';
import { JsonDetails, ShortHash, historyPath, isoToLocalInput, localInputToIso } from './shared';
import { type AuditEventPage, type AuditEventView, ENTITY_TYPES } from './types';

const FILTERS = ['stream', 'entityType', 'entityId', 'actor', 'role', 'action', 'from', 'to'] as const;
type FilterName = (typeof FILTERS)[number];
type Filters = Record<FilterName, string>;
const TEXT_FILTERS = ['stream', 'entityId', 'actor', 'action'] as const satisfies readonly FilterName[];
const ACTOR_ROLES = [...ROLES, 'system'] as const;
const PAGE_SIZES = ['25', '50', '100', '200', '500'] as const;
const DEFAULT_LIMIT = '50';

function filtersOf(params: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Filters;
}

/** The form's values: from/to as datetime-local strings (browser time zone), the rest as typed. */
function draftOf(filters: Filters): Filters {
  return { ...filters, from: isoToLocalInput(filters.from), to: isoToLocalInput(filters.to) };
}

function EventRow({ e }: { e: AuditEventView }) {
  const { t } = useTranslation('audit');
  const history = historyPath(e.entityType, e.entityId);
  return (
    <tr data-testid="audit-row" data-stream={e.stream} data-seq={e.seq}>
      <td>
        <time dateTime={e.at}>{formatDateTime(e.at)}</time>
      </td>
      <td>
        {history ? (
          <Link to={history} aria-label={t('search.openHistory', { type: t(`entity.${e.entityType}`, { defaultValue: e.entityType }), id: e.entityId })}>
            {t(`entity.${e.entityType}`, { defaultValue: e.entityType })} {e.entityId}
          </Link>
        ) : (
          <>
            {t(`entity.${e.entityType}`, { defaultValue: e.entityType })} {e.entityId}
          </>
        )}
      </td>
      <td>
        <code>
          {e.stream} · {e.seq}
        </code>
      </td>
      <td>{e.action}</td>
      <td>
        {e.actor.id} <span className="audit-muted">({e.actor.role})</span>
      </td>
      <td>
        <JsonDetails value={e.details} summary={t('search.showDetails')} />
      </td>
      <td>
        <ShortHash hash={e.hash} />
      </td>
    </tr>
  );
}

export default function AuditSearch() {
  const { t } = useTranslation('audit');
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const limit = (PAGE_SIZES as readonly string[]).includes(params.get('limit') ?? '') ? params.get('limit')! : DEFAULT_LIMIT;
  const cursor = params.get('cursor') ?? '';
  const filterKey = FILTERS.map((f) => filters[f]).join('\u0000');

  const [draft, setDraft] = useState<Filters>(() => draftOf(filters));
  const [draftLimit, setDraftLimit] = useState(limit);
  // Cursors of the pages before this one (Previous); reset when the search changes.
  const [previous, setPrevious] = useState<string[]>([]);
  useEffect(() => {
    // Re-read the address whenever its filters change (back/forward, a shared link).
    setDraft(draftOf(filters));
    setDraftLimit(limit);
  }, [filterKey, limit]);

  const apiFilters = Object.fromEntries(FILTERS.map((f) => [f, filters[f]]));
  const events = useQuery({
    queryKey: ['audit', 'events', apiFilters, limit, cursor],
    queryFn: ({ signal }) => api.get<AuditEventPage>(`/audit/events${query({ ...apiFilters, limit, cursor })}`, { signal }),
    placeholderData: keepPreviousData,
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const f of FILTERS) {
      const value = f === 'from' || f === 'to' ? localInputToIso(draft[f]) : draft[f].trim();
      if (value) next.set(f, value);
    }
    if (draftLimit !== DEFAULT_LIMIT) next.set('limit', draftLimit);
    setPrevious([]);
    setParams(next);
  }

  function clear() {
    setPrevious([]);
    setParams(new URLSearchParams());
  }

  function goTo(nextCursor: string, stack: string[]) {
    const next = new URLSearchParams(params);
    if (nextCursor) next.set('cursor', nextCursor);
    else next.delete('cursor');
    setPrevious(stack);
    setParams(next);
  }

  const exportHref = (format: 'csv' | 'ndjson') => `/audit/export${query({ format, ...apiFilters })}`;
  const set = (f: FilterName) => (value: string) => setDraft((d) => ({ ...d, [f]: value }));
  const err = events.error;
  const describedBy = (f: FilterName) => (err ? `audit-filter-${f}-error` : undefined);

  return (
    <section className="audit-search">
      <h1>{t('search.title')}</h1>
      <p>{t('search.intro')}</p>

      <form onSubmit={submit} aria-labelledby="audit-filters-title" className="panel">
        <h2 id="audit-filters-title">{t('search.filters')}</h2>
        <div className="form-row">
          {TEXT_FILTERS.map((f) => (
            <label key={f}>
              {t(`search.${f}`)}
              <input
                name={f}
                value={draft[f]}
                onChange={(e) => set(f)(e.target.value)}
                placeholder={f === 'stream' ? t('search.streamHint') : undefined}
                aria-describedby={describedBy(f)}
                data-testid={`audit-filter-${f}`}
              />
              <FieldErrors error={err} field={f} id={`audit-filter-${f}-error`} />
            </label>
          ))}
          <label>
            {t('search.entityType')}
            <select name="entityType" value={draft.entityType} onChange={(e) => set('entityType')(e.target.value)} data-testid="audit-filter-entityType">
              <option value="">{t('search.any')}</option>
              {ENTITY_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`entity.${type}`)}
                </option>
              ))}
            </select>
            <FieldErrors error={err} field="entityType" />
          </label>
          <label>
            {t('search.role')}
            <select name="role" value={draft.role} onChange={(e) => set('role')(e.target.value)} data-testid="audit-filter-role">
              <option value="">{t('search.any')}</option>
              {ACTOR_ROLES.map((role) => (
                <option key={role} value={role}>
                  {role}
                </option>
              ))}
            </select>
            <FieldErrors error={err} field="role" />
          </label>
          <label>
            {t('search.from')}
            <input type="datetime-local" name="from" value={draft.from} onChange={(e) => set('from')(e.target.value)} aria-describedby={describedBy('from')} data-testid="audit-filter-from" />
            <FieldErrors error={err} field="from" id="audit-filter-from-error" />
          </label>
          <label>
            {t('search.to')}
            <input type="datetime-local" name="to" value={draft.to} onChange={(e) => set('to')(e.target.value)} aria-describedby={describedBy('to')} data-testid="audit-filter-to" />
            <FieldErrors error={err} field="to" id="audit-filter-to-error" />
          </label>
          <label>
            {t('search.limit')}
            <select name="limit" value={draftLimit} onChange={(e) => setDraftLimit(e.target.value)}>
              {PAGE_SIZES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="form-row">
          <button type="submit" data-testid="audit-search-submit">
            {t('search.apply')}
          </button>
          <button type="button" className="secondary" onClick={clear}>
            {t('search.clear')}
          </button>
        </div>
      </form>

      <section aria-labelledby="audit-export-title" className="audit-export">
        <h2 id="audit-export-title">{t('search.export')}</h2>
        <p>{t('search.exportHint')}</p>
        <p className="form-row">
          <a className="audit-button-link" href={exportHref('csv')} download data-testid="audit-export-csv">
            {t('search.exportCsv')}
          </a>
          <a className="audit-button-link" href={exportHref('ndjson')} download data-testid="audit-export-ndjson">
            {t('search.exportNdjson')}
          </a>
        </p>
      </section>

      <section aria-labelledby="audit-results-title">
        <h2 id="audit-results-title">{t('search.results')}</h2>
        {events.isPending ? (
          <Loading />
        ) : events.error ? (
          <ProblemView error={events.error} />
        ) : events.data.items.length === 0 ? (
          <p className="state state-empty">{t('search.none')}</p>
        ) : (
          <>
            <p aria-live="polite" className="audit-muted">
              {t('search.count', { count: events.data.items.length })}
            </p>
            <div className="audit-table-wrap">
              <table data-testid="audit-results">
                <thead>
                  <tr>
                    <th scope="col">{t('search.col.at')}</th>
                    <th scope="col">{t('search.col.entity')}</th>
                    <th scope="col">{t('search.col.stream')}</th>
                    <th scope="col">{t('search.col.action')}</th>
                    <th scope="col">{t('search.col.actor')}</th>
                    <th scope="col">{t('search.col.details')}</th>
                    <th scope="col">{t('search.col.hash')}</th>
                  </tr>
                </thead>
                <tbody>
                  {events.data.items.map((e) => (
                    <EventRow key={e.id} e={e} />
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
        {(cursor || events.data?.nextCursor) && (
          <nav aria-label={t('search.paging')} className="form-row audit-paging">
            {cursor && previous.length === 0 && (
              <button type="button" className="secondary" onClick={() => goTo('', [])}>
                {t('search.first')}
              </button>
            )}
            {previous.length > 0 && (
              <button type="button" className="secondary" onClick={() => goTo(previous[previous.length - 1]!, previous.slice(0, -1))} disabled={events.isFetching}>
                {t('search.previous')}
              </button>
            )}
            <button type="button" onClick={() => goTo(events.data!.nextCursor!, [...previous, cursor])} disabled={!events.data?.nextCursor || events.isFetching} data-testid="audit-next-page">
              {t('search.next')}
            </button>
          </nav>
        )}
      </section>
    </section>
  );
}
