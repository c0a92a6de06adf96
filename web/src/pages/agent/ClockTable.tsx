/** Every SLA clock of a complaint: target, elapsed, remaining (live), due time, paused and breached state. */
import type { TFunction } from 'i18next';
import { formatDateTime, formatMinutes } from '../../format';
import { SlaCountdown } from './SlaCountdown';
import type { SlaView } from './types';

export function ClockTable({ sla, asOf, t }: { sla: SlaView; asOf: number; t: TFunction<'agent'> }) {
  return (
    <table className="complaint-clocks" data-testid="complaint-clocks">
      <caption className="visually-hidden">{t('clocks.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('clocks.clock')}</th>
          <th scope="col">{t('clocks.state')}</th>
          <th scope="col">{t('clocks.target')}</th>
          <th scope="col">{t('clocks.elapsed')}</th>
          <th scope="col">{t('clocks.remaining')}</th>
          <th scope="col">{t('clocks.due')}</th>
          <th scope="col">{t('clocks.breachedAt')}</th>
        </tr>
      </thead>
      <tbody>
        {sla.clocks.map((c) => (
          <tr key={`${c.kind}-${c.cycle}`} data-testid="clock-row" data-kind={c.kind}>
            <th scope="row">
              {t(`clock.${c.kind}`)}
              {c.kind === 'next_response' && ` #${c.cycle}`}
            </th>
            <td>
              {t(`clockState.${c.state}`)}
              {c.state === 'running' && !c.counting && <span className="queue-muted"> ({t('clock.outsideHours')})</span>}
              {c.breached && <span className="badge bad"> {t('clock.breachedMark')}</span>}
            </td>
            <td>{formatMinutes(c.targetBusinessMinutes)}</td>
            <td>{formatMinutes(c.elapsedBusinessMinutes)}</td>
            <td>{c.state === 'stopped' ? <span>{c.breached ? t('clock.stoppedBreached') : t('clock.met')}</span> : <SlaCountdown clock={c} thresholds={sla.warningThresholds} asOf={asOf} t={t} showOutsideHours={false} />}</td>
            <td>{formatDateTime(c.dueAt)}</td>
            <td>{formatDateTime(c.breachedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
