/**
 * Small pieces shared by the board and the cycle page: the phase stepper,
 * goal progress and due badges. They show what the API's view says; the
 * only arithmetic is presentation (a share of the way from baseline to target).
 */
import { useTranslation } from 'react-i18next';
import { formatDate, formatNumber } from '../../format';
import { DMAIC, PDCA } from './action-specs';
import type { CycleListItem } from './types';

export const phasesOf = (type: 'pdca' | 'dmaic'): readonly string[] => (type === 'pdca' ? PDCA : DMAIC);

/** How far "now" has come from the baseline towards the target, 0..1 (null without a current value). */
export function progressShare(baseline: number, target: number, now: number | null | undefined): number | null {
  if (now === null || now === undefined || baseline === target) return null;
  return Math.max(0, Math.min(1, (baseline - now) / (baseline - target)));
}

export function GoalProgress({ baseline, target, now, unit, label }: { baseline: number; target: number; now: number | null | undefined; unit: string; label: string }) {
  const { t } = useTranslation('cycles');
  const share = progressShare(baseline, target, now);
  return (
    <div className="cycle-progress">
      <span>
        {t('goal.baseline')} {formatNumber(baseline, 3)} → {t('goal.now')} {now === null || now === undefined ? '—' : formatNumber(now, 3)} · {t('goal.target')} {formatNumber(target, 3)} {unit}
      </span>
      {share !== null && (
        <div className="cycle-bar" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(share * 100)}>
          <div style={{ width: `${Math.round(share * 100)}%` }} />
        </div>
      )}
    </div>
  );
}

const DAY = 86_400_000;
/** A goal whose deadline is this close is "due soon" on the board (a display choice, not a rule of the API). */
export const GOAL_DUE_SOON_MS = 7 * DAY;

/** Overdue and due-soon badges from the view's dates: the goal (`overdue` from the API) and open action items. */
export function DueBadges({ cycle, now }: { cycle: Pick<CycleListItem, 'overdue' | 'status' | 'goal' | 'actions' | 'settings'>; now: number }) {
  const { t } = useTranslation('cycles');
  const open = cycle.actions.filter((a) => a.status === 'open');
  const soonMs = cycle.settings.actionReminders.hoursBeforeDue * 3_600_000;
  const lateItems = open.filter((a) => Date.parse(a.dueAt) < now).length;
  const soonItems = open.filter((a) => Date.parse(a.dueAt) >= now && Date.parse(a.dueAt) - now <= soonMs).length;
  const deadline = Date.parse(cycle.goal.deadline);
  const goalSoon = cycle.status === 'active' && !cycle.overdue && deadline - now <= GOAL_DUE_SOON_MS;
  return (
    <span className="cycle-badges">
      {cycle.overdue && <span className="badge bad" data-testid="badge-overdue">{t('badge.overdue')}</span>}
      {goalSoon && <span className="badge warn" data-testid="badge-due-soon">{t('badge.dueSoon', { date: formatDate(cycle.goal.deadline) })}</span>}
      {lateItems > 0 && <span className="badge bad">{t('badge.itemsOverdue', { count: lateItems })}</span>}
      {soonItems > 0 && <span className="badge warn">{t('badge.itemsDueSoon', { count: soonItems })}</span>}
    </span>
  );
}

export function PhaseStepper({ type, phase, status }: { type: 'pdca' | 'dmaic'; phase: string; status: string }) {
  const { t } = useTranslation('cycles');
  const phases = phasesOf(type);
  const at = phases.indexOf(phase);
  const past = status !== 'active';
  return (
    <ol className="cycle-stepper" aria-label={t('gate.stepper')}>
      {phases.map((p, i) => {
        const state = i < at || (past && i === at) ? 'done' : i === at ? 'current' : 'todo';
        return (
          <li key={p} className={`cycle-step cycle-step-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
            <span>{t(`phase.${p}`)}</span>
            <span className="visually-hidden"> ({t(`stepState.${state}`)})</span>
          </li>
        );
      })}
      {past && (
        <li className="cycle-step cycle-step-current" aria-current="step">
          <span>{t(`status.${status}`)}</span>
        </li>
      )}
    </ol>
  );
}
