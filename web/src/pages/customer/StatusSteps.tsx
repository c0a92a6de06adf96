/**
 * Where the complaint is, in the customer's words: received → being handled
 * → waiting for you → resolved → closed. The complaint's own statuses map
 * onto these five steps (acknowledged, in progress and reopened are all
 * "being handled"); a cancelled complaint has no step to show. Steps before
 * the current one are done, except "waiting for you", which only some
 * complaints go through and which is then shown as optional.
 */
import { useTranslation } from 'react-i18next';
import type { Status } from '../../../../src/domain/complaint';

export const STEPS = ['received', 'handling', 'waiting', 'resolved', 'closed'] as const;
export type Step = (typeof STEPS)[number];

export function stepOf(status: Status): Step | null {
  switch (status) {
    case 'open':
      return 'received';
    case 'acknowledged':
    case 'in_progress':
    case 'reopened':
      return 'handling';
    case 'awaiting_customer':
      return 'waiting';
    case 'resolved':
      return 'resolved';
    case 'closed':
      return 'closed';
    default:
      return null;
  }
}

export function StatusSteps({ status }: { status: Status }) {
  const { t } = useTranslation('customer');
  const current = stepOf(status);
  if (!current) return null;
  const at = STEPS.indexOf(current);
  return (
    <ol className="customer-steps" aria-label={t('steps.label')} data-testid="customer-steps" data-step={current}>
      {STEPS.map((step, i) => {
        // "Waiting for you" happens only when we ask for something: once past it, it is not claimed as a step the complaint went through.
        const state = i === at ? 'current' : i > at ? 'todo' : step === 'waiting' ? 'optional' : 'done';
        return (
          <li key={step} className={`customer-step customer-step-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
            <span className="customer-step-mark" aria-hidden="true">
              {state === 'done' ? '✓' : i + 1}
            </span>
            <span className="customer-step-name">{t(`steps.${step}`)}</span>
            {state !== 'current' && <span className="visually-hidden"> ({t(`steps.state.${state}`)})</span>}
          </li>
        );
      })}
    </ol>
  );
}
