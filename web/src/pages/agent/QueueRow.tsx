/**
 * One complaint of the queue. Kept light (a thousand of them render at once)
 * and memoised: a refresh that leaves a complaint unchanged does not
 * re-render its row (react-query keeps unchanged objects identical).
 */
import type { TFunction } from 'i18next';
import { memo } from 'react';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../../format';
import { primaryClock } from './sla';
import { SlaCountdown } from './SlaCountdown';
import type { ComplaintView } from './types';

const excerpt = (s: string) => (s.length > 90 ? `${s.slice(0, 89)}…` : s);

export interface QueueRowProps {
  c: ComplaintView;
  /** When the row was read; 0 when no clock counts (the row then does not change between reads). */
  asOf: number;
  t: TFunction<'agent'>;
}

export const QueueRow = memo(function QueueRow({ c, asOf, t }: QueueRowProps) {
  const clock = primaryClock(c.sla);
  const firstIsOwner = c.firstResponderId !== null && c.firstResponderId === c.ownerId;
  return (
    <tr data-testid="queue-row" data-complaint-id={c.id} data-status={c.status}>
      <td>
        <Link to={`/complaints/${encodeURIComponent(c.id)}`}>{c.id}</Link>
      </td>
      <td>
        <span className="queue-category">{c.category}</span> <span className="queue-subject">{excerpt(c.description)}</span>
      </td>
      <td>{c.customer.name ?? c.customer.id}</td>
      <td data-testid="queue-status">{t(`status.${c.status}`)}</td>
      <td>{c.severity}</td>
      <td>
        {c.ownerId ?? <span className="queue-muted">{t('queue.unowned', { queue: c.queue ?? 'general' })}</span>}
        {c.firstResponderId && (
          <span className="queue-first" title={t('firstResponder')}>
            {firstIsOwner ? ' ★' : ` · ★ ${c.firstResponderId}`}
            <span className="visually-hidden"> ({t('firstResponder')})</span>
          </span>
        )}
      </td>
      <td>{clock ? <SlaCountdown clock={clock} thresholds={c.sla?.warningThresholds ?? []} asOf={asOf} t={t} /> : <span className="queue-muted">{c.sla ? t('clock.allStopped') : t('clock.noSla')}</span>}</td>
      <td>{formatDateTime(clock?.dueAt)}</td>
    </tr>
  );
});
