/**
 * A complaint's or cycle's history for an auditor (/audit/history/:kind/:id):
 * the chain status of its audit stream (verified at once), the SLA timeline
 * of a complaint, and the business events (audit trail) beside the Temporal
 * events of every run, as GET /complaints|cycles/:id/history joins them.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, query } from '../../api';
import { Loading, ProblemView } from '../../components/States';
import { formatDateTime, formatNumber } from '../../format';
import { ChainStatus, JsonDetails, formatTime, isEmptyJson, isHistoryKind } from './shared';
import { SlaTimeline } from './SlaTimeline';
import type { HistoryItem, HistoryKind, HistoryView } from './types';

const PAGE_SIZE = 200;

const shortRun = (runId: string) => runId.slice(0, 8);

type AuditItem = Extract<HistoryItem, { source: 'audit' }>;
type EngineItem = Extract<HistoryItem, { source: 'engine' }>;

function BusinessCell({ item }: { item: AuditItem }) {
  const { t } = useTranslation('audit');
  return (
    <div data-testid="history-business-event" data-seq={item.seq}>
      <strong>
        #{item.seq} {item.action}
      </strong>{' '}
      <span className="audit-muted">{t('history.by', { actor: item.actor.id, role: item.actor.role })}</span>
      {!isEmptyJson(item.details) && <JsonDetails value={item.details} summary={t('search.showDetails')} />}
    </div>
  );
}

/** One Temporal event, one line (its attributes folded away). */
function EngineEvent({ item }: { item: EngineItem }) {
  const { t } = useTranslation('audit');
  return (
    <li data-testid="history-engine-event">
      <time dateTime={item.at} className="audit-muted">
        {formatTime(item.at)}
      </time>{' '}
      <span className="audit-engine-type">{item.eventType}</span>{' '}
      <span className="audit-muted">
        {t('history.run', { run: shortRun(item.runId) })} · {t('history.event', { id: item.eventId })}
      </span>
      <JsonDetails value={item.data} summary={t('history.data')} />
    </li>
  );
}

/**
 * A row per business event, beside the Temporal events that followed it up to
 * the next one (the engine work that carried it: the update, the persistence
 * activity, timers); engine events before the first business event get a row
 * of their own. The API gives one time-ordered list; this only cuts it.
 */
interface Row {
  business: AuditItem | null;
  engine: EngineItem[];
}

function rowsOf(items: HistoryItem[]): Row[] {
  const rows: Row[] = [];
  for (const item of items) {
    if (item.source === 'audit') rows.push({ business: item, engine: [] });
    else if (rows.length === 0) rows.push({ business: null, engine: [item] });
    else rows[rows.length - 1]!.engine.push(item);
  }
  return rows;
}

function Timeline({ kind, id }: { kind: HistoryKind; id: string }) {
  const { t } = useTranslation('audit');
  const [showEngine, setShowEngine] = useState(true);
  const history = useInfiniteQuery({
    queryKey: ['audit', 'history', kind, id],
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) => api.get<HistoryView>(`/${kind}s/${encodeURIComponent(id)}/history${query({ limit: PAGE_SIZE, cursor: pageParam })}`, { signal }),
    getNextPageParam: (last) => last.page.nextCursor ?? undefined,
  });

  if (history.isPending) return <Loading />;
  // A failed later page keeps the pages already shown (the error is shown below them).
  if (!history.data) return <ProblemView error={history.error} />;
  const first = history.data.pages[0]!;
  const items = history.data.pages.flatMap((p) => p.timeline);
  const business = items.filter((i) => i.source === 'audit').length;
  const rows = rowsOf(items).filter((r) => showEngine || r.business);

  return (
    <>
      <section aria-labelledby="history-runs-title">
        <h2 id="history-runs-title">{t('history.runs')}</h2>
        <p>
          {t('history.workflowId')}: <code>{first.workflowId}</code>
        </p>
        {!first.engine.available && (
          <p className="panel" role="note" data-testid="history-engine-gone">
            {t('history.engineGone', { reason: first.engine.reason ?? '' })}
          </p>
        )}
        {first.runs.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('history.runCol.run')}</th>
                <th scope="col">{t('history.runCol.status')}</th>
                <th scope="col">{t('history.runCol.start')}</th>
                <th scope="col">{t('history.runCol.close')}</th>
                <th scope="col">{t('history.runCol.events')}</th>
              </tr>
            </thead>
            <tbody>
              {first.runs.map((r) => (
                <tr key={r.runId}>
                  <th scope="row">
                    <code title={r.runId}>{shortRun(r.runId)}</code>
                  </th>
                  <td>{r.status}</td>
                  <td>{formatDateTime(r.startTime)}</td>
                  <td>{formatDateTime(r.closeTime)}</td>
                  <td>{formatNumber(r.eventCount, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="history-timeline-title">
        <h2 id="history-timeline-title">{t('history.timeline')}</h2>
        <p>{t('history.timelineIntro')}</p>
        <label className="audit-inline-check">
          <input type="checkbox" checked={showEngine} onChange={(e) => setShowEngine(e.target.checked)} data-testid="history-show-engine" />
          {t('history.showEngine')}
        </label>
        <p className="audit-muted" aria-live="polite">
          {t('history.counts', { business, engine: items.length - business })}
        </p>
        {rows.length === 0 ? (
          <p className="state state-empty">{t('history.none')}</p>
        ) : (
          <div className="audit-table-wrap">
            <table className="audit-timeline" data-testid="history-timeline">
              <thead>
                <tr>
                  <th scope="col">{t('history.col.at')}</th>
                  <th scope="col">{t('history.col.business')}</th>
                  {showEngine && <th scope="col">{t('history.col.engine')}</th>}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => {
                  const at = row.business?.at ?? row.engine[0]!.at;
                  return (
                    <tr key={row.business ? `a${row.business.seq}` : 'before'}>
                      <td>
                        <time dateTime={at}>{formatDateTime(at)}</time>
                      </td>
                      <td>{row.business ? <BusinessCell item={row.business} /> : <span className="audit-muted">—</span>}</td>
                      {showEngine && (
                        <td>
                          {row.engine.length > 0 && (
                            <ul className="audit-engine-list">
                              {row.engine.map((e) => (
                                <EngineEvent key={`${e.runId}:${e.eventId}`} item={e} />
                              ))}
                            </ul>
                          )}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {history.hasNextPage && (
          <p>
            <button type="button" onClick={() => void history.fetchNextPage()} disabled={history.isFetchingNextPage}>
              {t('history.loadMore')}
            </button>
          </p>
        )}
        {history.error && <ProblemView error={history.error} />}
      </section>
    </>
  );
}

export default function History() {
  const { t } = useTranslation('audit');
  const { kind, id } = useParams();
  if (!isHistoryKind(kind) || !id) {
    return (
      <section>
        <h1>{t('history.title', { type: kind ?? '', id: id ?? '' })}</h1>
        <p className="problem" role="alert">
          {t('history.badKind')}
        </p>
      </section>
    );
  }
  const type = t(`entity.${kind}`);
  return (
    <section className="audit-history">
      <h1>{t('history.title', { type, id })}</h1>
      <p>
        <Link to={kind === 'complaint' ? `/complaints/${encodeURIComponent(id)}` : `/cycles/${encodeURIComponent(id)}`}>{t('history.openRecord', { type: type.toLowerCase() })}</Link>
      </p>
      <ChainStatus stream={`${kind}:${id}`} />
      {kind === 'complaint' && <SlaTimeline complaintId={id} />}
      <Timeline kind={kind} id={id} />
    </section>
  );
}
