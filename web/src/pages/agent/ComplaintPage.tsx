/**
 * Agent — complaint: details, customer, notes (internal and public), every
 * SLA clock, the first responder marked, the timeline (audit trail and SLA
 * timeline merged) and the actions the API lists for the caller right now.
 * Re-read every 5 s (and after each action) so clocks and changes by others
 * show without a reload.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../api';
import { Loading, ProblemView } from '../../components/States';
import { formatDateTime } from '../../format';
import { ActionPanel } from './ActionForms';
import { ClockTable } from './ClockTable';
import { CustomerPanel } from './CustomerPanel';
import { Timeline } from './Timeline';
import type { ComplaintDetail } from './types';

const DETAIL_REFRESH_MS = 5000;

export default function ComplaintPage() {
  const { t } = useTranslation('agent');
  const { id = '' } = useParams();
  const q = useQuery({
    queryKey: ['complaint', id],
    queryFn: ({ signal }) => api.get<ComplaintDetail>(`/complaints/${encodeURIComponent(id)}`, { signal }),
    refetchInterval: DETAIL_REFRESH_MS,
  });
  if (q.isPending) return <Loading />;
  if (!q.data) return <ProblemView error={q.error} />;
  const c = q.data;
  const person = (userId: string | null) => userId ?? '—';
  const firstMark = (userId: string | null) =>
    userId !== null && userId === c.firstResponderId ? (
      <span className="badge ok complaint-first" data-testid="first-responder">
        ★ {t('firstResponder')}
      </span>
    ) : null;

  return (
    <article className="complaint" data-testid="complaint-page" data-status={c.status}>
      <p className="complaint-back">
        <Link to="/queue">← {t('complaint.back')}</Link>
      </p>
      <h1>
        {t('complaint.title', { id: c.id })} <span className="complaint-category">{c.category}</span>
      </h1>
      <p className="complaint-badges">
        <span className="badge muted" data-testid="complaint-status">
          {t(`status.${c.status}`)}
        </span>{' '}
        <span className="badge warn">{c.severity}</span> {c.sla?.paused && <span className="badge muted">{t('clock.pausedMark')}</span>}{' '}
        {c.sla?.breached && <span className="badge bad">{t('clock.breachedMark')}</span>} {c.sla?.atRisk && <span className="badge warn">{t('level.atRisk')}</span>}
      </p>
      {q.error && <ProblemView error={q.error} title={t('complaint.refreshFailed')} />}

      <div className="grid">
        <section className="panel" aria-labelledby="complaint-details-h">
          <h2 id="complaint-details-h">{t('complaint.details')}</h2>
          <dl className="complaint-dl">
            <dt>{t('field.category')}</dt>
            <dd>{c.category}</dd>
            <dt>{t('field.area')}</dt>
            <dd>{c.serviceArea ? `${c.serviceArea.name} (v${c.serviceArea.version})` : '—'}</dd>
            <dt>{t('field.channel')}</dt>
            <dd>{c.channel}</dd>
            <dt>{t('field.queue')}</dt>
            <dd>{c.queue ?? 'general'}</dd>
            <dt>{t('field.owner')}</dt>
            <dd data-testid="complaint-owner">
              {person(c.ownerId)} {firstMark(c.ownerId)}
            </dd>
            <dt>{t('firstResponder')}</dt>
            <dd data-testid="complaint-first-responder">
              {person(c.firstResponderId)} {c.firstResponderId !== c.ownerId && firstMark(c.firstResponderId)}
            </dd>
            <dt>{t('field.createdAt')}</dt>
            <dd>
              {formatDateTime(c.createdAt)} · {c.createdBy.id} ({c.createdBy.role})
            </dd>
            <dt>{t('field.acknowledgedAt')}</dt>
            <dd>{formatDateTime(c.acknowledgedAt)}</dd>
            <dt>{t('field.resolvedAt')}</dt>
            <dd>{formatDateTime(c.resolvedAt)}</dd>
            <dt>{t('field.closedAt')}</dt>
            <dd>{formatDateTime(c.closedAt)}</dd>
            <dt>{t('field.counts')}</dt>
            <dd>{t('complaint.counts', { reopened: c.reopenCount, transferred: c.transferCount })}</dd>
            {c.resolution && (
              <>
                <dt>{t('field.resolution')}</dt>
                <dd data-testid="complaint-resolution">
                  {c.resolution.summary} · {c.resolution.by}
                  {c.resolution.cause && ` · ${t('field.cause')}: ${c.resolution.cause}`}
                  {c.resolution.tags.length > 0 && ` · ${c.resolution.tags.join(', ')}`}
                </dd>
              </>
            )}
            {c.csat && (
              <>
                <dt>{t('field.csat')}</dt>
                <dd>
                  {c.csat.rating}/5{c.csat.comment && ` · ${c.csat.comment}`}
                </dd>
              </>
            )}
          </dl>
        </section>

        <section className="panel" aria-labelledby="complaint-customer-h">
          <h2 id="complaint-customer-h">{t('complaint.customer')}</h2>
          <CustomerPanel complaint={c} />
          <h3>{t('complaint.description')}</h3>
          <p className="complaint-description">{c.description}</p>
        </section>
      </div>

      <section aria-labelledby="complaint-sla-h">
        <h2 id="complaint-sla-h">{t('complaint.sla')}</h2>
        {c.sla ? (
          <>
            <p className="queue-muted">
              {t('complaint.policy', { name: c.sla.policy.name, version: c.sla.policy.version, calendar: c.sla.policy.calendarId })} · {t('complaint.escalation', { level: c.sla.escalationLevel })}
            </p>
            <ClockTable sla={c.sla} asOf={q.dataUpdatedAt} t={t} />
          </>
        ) : (
          <p className="state state-empty">{t('clock.noSla')}</p>
        )}
      </section>

      <section aria-labelledby="complaint-actions-h">
        <h2 id="complaint-actions-h">{t('complaint.actions')}</h2>
        <ActionPanel complaint={c} />
      </section>

      <section aria-labelledby="complaint-notes-h">
        <h2 id="complaint-notes-h">{t('complaint.notes')}</h2>
        {c.notes.length === 0 ? (
          <p className="state state-empty">{t('complaint.noNotes')}</p>
        ) : (
          <ul className="complaint-notes">
            {c.notes.map((n) => (
              <li key={n.seq} data-testid="note" data-visibility={n.visibility}>
                <span className={`badge ${n.visibility === 'public' ? 'ok' : 'muted'}`}>{t(`visibility.${n.visibility}`, { defaultValue: n.visibility })}</span> <strong>{n.authorId}</strong> · <time dateTime={n.at}>{formatDateTime(n.at)}</time>
                <p>{n.text}</p>
              </li>
            ))}
          </ul>
        )}
      </section>

      {c.improvementCycles && c.improvementCycles.length > 0 && (
        <section aria-labelledby="complaint-cycles-h">
          <h2 id="complaint-cycles-h">{t('complaint.cycles')}</h2>
          <ul>
            {c.improvementCycles.map((cy) => (
              <li key={cy.cycleId}>
                <Link to={`/cycles/${encodeURIComponent(cy.cycleId)}`}>{cy.title}</Link> · {cy.phase} · {cy.status}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="complaint-timeline-h">
        <h2 id="complaint-timeline-h">{t('complaint.timeline')}</h2>
        <Timeline complaintId={c.id} version={c.version} />
      </section>
    </article>
  );
}
