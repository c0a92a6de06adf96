/**
 * A complaint's SLA clocks as GET /complaints/:id/sla-timeline explains them:
 * per clock, its running and paused periods on a bar (wall time), the breach
 * point, the server's one-line "why", and every entry with the audit event
 * that recorded it. The periods are read off the entries in order (a pause
 * entry starts a paused period, a resume ends it); business minutes, due
 * times and outcomes are the server's figures, shown as given.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { Loading, ProblemView } from '../../components/States';
import { formatDateTime, formatDuration, formatMinutes } from '../../format';
import { formatDateTimeSeconds } from './shared';
import type { ClockView, SlaTimelineView } from './types';

interface Segment {
  state: 'running' | 'paused';
  from: number;
  to: number;
  /** Still open at `asOf`. */
  open: boolean;
}

/** Running/paused periods of one clock, from its entries. */
function segmentsOf(clock: ClockView, asOf: number): Segment[] {
  const end = clock.summary.stoppedAt ? Date.parse(clock.summary.stoppedAt) : asOf;
  const segments: Segment[] = [];
  let state = 'running' as Segment['state'];
  let since = Date.parse(clock.summary.startedAt);
  for (const e of clock.entries) {
    const at = Date.parse(e.at);
    if (at > end) break;
    const next: Segment['state'] | null = e.kind === 'paused' && state === 'running' ? 'paused' : e.kind === 'resumed' && state === 'paused' ? 'running' : null;
    if (!next) continue;
    if (at > since) segments.push({ state, from: since, to: at, open: false });
    state = next;
    since = Math.max(at, since);
  }
  segments.push({ state, from: since, to: Math.max(end, since), open: !clock.summary.stoppedAt });
  return segments;
}

function ClockBar({ clock, segments }: { clock: ClockView; segments: Segment[] }) {
  const first = segments[0]!.from;
  const last = segments[segments.length - 1]!.to;
  const span = Math.max(last - first, 1);
  const pct = (t: number) => `${(((t - first) / span) * 100).toFixed(3)}%`;
  const breach = clock.summary.breachedAt ? Date.parse(clock.summary.breachedAt) : null;
  return (
    <div className="audit-bar" aria-hidden="true">
      {segments.map((s, i) => (
        <span key={i} className={`audit-seg audit-seg-${s.state}`} style={{ left: pct(s.from), width: `${(((s.to - s.from) / span) * 100).toFixed(3)}%` }} />
      ))}
      {breach !== null && breach >= first && breach <= last && <span className="audit-breach-mark" style={{ left: pct(breach) }} />}
    </div>
  );
}

function Clock({ clock, asOf }: { clock: ClockView; asOf: number }) {
  const { t } = useTranslation('audit');
  const s = clock.summary;
  const segments = segmentsOf(clock, asOf);
  const outcomeClass = s.outcome === 'breached' || s.outcome === 'overdue' ? 'bad' : s.outcome === 'met' ? 'ok' : s.outcome === 'pending' ? 'warn' : 'muted';
  return (
    <article className="panel audit-clock" data-testid="sla-clock" data-clock={clock.clock} data-outcome={s.outcome}>
      <h3>
        {t('sla.clockTitle', { clock: t(`sla.clock.${clock.clock}`), cycle: clock.cycle })}{' '}
        <span className={`badge ${outcomeClass}`}>{t(`sla.outcome.${s.outcome}`)}</span> <span className="audit-muted">({t(`sla.state.${s.state}`)})</span>
      </h3>
      {s.why && (
        <div className="audit-why" data-testid="sla-why">
          <strong>{t('sla.why')}</strong> {s.why}
        </div>
      )}
      <dl className="audit-facts">
        <dt>{t('sla.target')}</dt>
        <dd>{formatMinutes(s.targetMinutes)}</dd>
        <dt>{t('sla.used')}</dt>
        <dd>{formatMinutes(s.businessMinutesUsed)}</dd>
        <dt>{t('sla.remaining')}</dt>
        <dd>{formatMinutes(s.remainingBusinessMinutes)}</dd>
        <dt>{t('sla.started')}</dt>
        <dd>{formatDateTime(s.startedAt)}</dd>
        {s.dueAt && (
          <>
            <dt>{t('sla.due')}</dt>
            <dd>{formatDateTime(s.dueAt)}</dd>
          </>
        )}
        {s.breachedAt && (
          <>
            <dt>{t('sla.breachedAt')}</dt>
            <dd>{formatDateTime(s.breachedAt)}</dd>
          </>
        )}
        {s.stoppedAt && (
          <>
            <dt>{t('sla.stopped')}</dt>
            <dd>{formatDateTime(s.stoppedAt)}</dd>
          </>
        )}
        <dt>{t('sla.pauses')}</dt>
        <dd>{t('sla.pausesValue', { count: s.pauses.count, wall: formatMinutes(s.pauses.wallMinutes), business: formatMinutes(s.pauses.businessMinutes) })}</dd>
        <dt>{t('sla.escalations')}</dt>
        <dd>{s.escalationsDone}</dd>
        <dt>{t('sla.policy')}</dt>
        <dd>{t('sla.policyValue', { name: s.policy.name, version: s.policy.version })}</dd>
        <dt>{t('sla.calendar')}</dt>
        <dd>{t('sla.calendarValue', { id: s.calendar.id, version: s.calendar.version })}</dd>
      </dl>
      <h4>{t('sla.segments')}</h4>
      <ClockBar clock={clock} segments={segments} />
      <ul className="audit-segments">
        {segments.map((seg, i) => (
          <li key={i} className={`audit-seg-label-${seg.state}`}>
            {t('sla.segmentRange', { state: t(`sla.segment.${seg.state}`), from: formatDateTimeSeconds(seg.from), to: seg.open ? t('sla.now') : formatDateTimeSeconds(seg.to) })} ({formatDuration(seg.to - seg.from)})
          </li>
        ))}
        {s.breachedAt && (
          <li className="audit-broken" data-testid="sla-breach-point">
            {t('sla.breachPoint', { at: formatDateTimeSeconds(s.breachedAt) })}
          </li>
        )}
      </ul>
      <details>
        <summary>
          {t('sla.entries')} ({clock.entries.length})
        </summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('sla.entryCol.at')}</th>
              <th scope="col">{t('sla.entryCol.kind')}</th>
              <th scope="col">{t('sla.entryCol.reason')}</th>
              <th scope="col">{t('sla.entryCol.elapsed')}</th>
              <th scope="col">{t('sla.entryCol.target')}</th>
              <th scope="col">{t('sla.entryCol.seq')}</th>
            </tr>
          </thead>
          <tbody>
            {clock.entries.map((e, i) => (
              <tr key={i}>
                <td>{formatDateTime(e.at)}</td>
                <td>{t(`sla.kind.${e.kind}`)}</td>
                <td>{e.reason}</td>
                <td>{formatMinutes(e.elapsedBusinessMinutes)}</td>
                <td>{formatMinutes(e.targetMinutes)}</td>
                <td>
                  #{e.seq} {e.action}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </article>
  );
}

export function SlaTimeline({ complaintId }: { complaintId: string }) {
  const { t } = useTranslation('audit');
  const timeline = useQuery({
    queryKey: ['audit', 'sla-timeline', complaintId],
    queryFn: ({ signal }) => api.get<SlaTimelineView>(`/complaints/${encodeURIComponent(complaintId)}/sla-timeline`, { signal }),
  });
  return (
    <section aria-labelledby="sla-timeline-title" data-testid="sla-timeline">
      <h2 id="sla-timeline-title">{t('sla.title')}</h2>
      <p>{t('sla.intro')}</p>
      {timeline.isPending ? (
        <Loading />
      ) : timeline.error ? (
        <ProblemView error={timeline.error} />
      ) : !timeline.data.sla || timeline.data.clocks.length === 0 ? (
        <p className="state state-empty">{t('sla.noSla')}</p>
      ) : (
        <>
          <p className="audit-muted">
            {t('sla.asOf', { at: formatDateTime(timeline.data.asOf) })}
            {timeline.data.verified === true && <> · {t('sla.verifiedYes')}</>}
            {timeline.data.verified === false && <> · {t('sla.verifiedNo')}</>}
          </p>
          {timeline.data.notes.length > 0 && (
            <ul>
              {timeline.data.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          <div className="grid">
            {timeline.data.clocks.map((c) => (
              <Clock key={`${c.clock}-${c.cycle}`} clock={c} asOf={Date.parse(timeline.data.asOf)} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}
