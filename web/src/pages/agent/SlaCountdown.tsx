/**
 * A clock's business time left, ticking each second while the clock counts,
 * coloured by the share of its target used, with a pause mark while paused
 * and a negative value once breached.
 */
import type { TFunction } from 'i18next';
import { clockLevel, formatCountdown, remainingMs, usedShare } from './sla';
import type { ClockView } from './types';
import { useNow } from './useNow';

export interface SlaCountdownProps {
  clock: ClockView;
  /** The policy's warning thresholds (percent). */
  thresholds: readonly number[];
  /** When the view was read (epoch ms): the countdown runs from there. */
  asOf: number;
  t: TFunction<'agent'>;
  /** Say "outside business hours" when a running clock does not count (off where the row already says it). */
  showOutsideHours?: boolean;
}

export function SlaCountdown({ clock, thresholds, asOf, t, showOutsideHours = true }: SlaCountdownProps) {
  const now = useNow(clock.counting);
  const remaining = remainingMs(clock, asOf, now);
  const share = usedShare(clock, remaining);
  const level = clockLevel(clock, share, thresholds);
  const title = t('countdown.title', { clock: t(`clock.${clock.kind}`), share: Math.round(share * 100) });
  return (
    <span className={`queue-clock queue-clock-${level}`} title={title} data-testid="sla-countdown" data-level={level} data-state={clock.state} data-counting={clock.counting ? 'true' : 'false'}>
      {clock.state === 'paused' && <span className="queue-pause" role="img" aria-label={t('clock.pausedMark')} title={t('clock.pausedMark')} data-testid="pause-mark" />}
      <span className="queue-clock-time">{formatCountdown(remaining)}</span>
      {level === 'breached' && <span className="visually-hidden"> {t('clock.breachedMark')}</span>}
      {level !== 'breached' && level !== 'ok' && <span className="visually-hidden"> {t(`level.${level}`)}</span>}
      {showOutsideHours && !clock.counting && clock.state === 'running' && <span className="queue-clock-closed"> {t('clock.outsideHours')}</span>}
    </span>
  );
}
