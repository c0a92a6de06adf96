import type { BusinessCalendar } from './calendar';
import type { Role } from './actors';

export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CHANNELS = ['email', 'phone', 'chat', 'web', 'social', 'letter'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Raising severity goes one step towards P1 (P1 stays P1). */
export function raisedSeverity(severity: Severity): Severity {
  const i = SEVERITIES.indexOf(severity);
  return SEVERITIES[Math.max(0, i - 1)] ?? 'P1';
}

/** SLA targets, in business minutes of the policy's calendar. */
export interface SlaTargets {
  firstResponseMinutes: number;
  nextResponseMinutes: number;
  resolutionMinutes: number;
}

export const ESCALATION_ACTIONS = ['notify_role', 'raise_severity', 'reassign_queue'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];

/**
 * One rung of the escalation ladder. It fires when the breached clock has run
 * `afterBreachMinutes` business minutes past its target (so a paused clock does
 * not escalate, and nothing escalates at night on a 9-to-5 calendar).
 */
export interface EscalationStep {
  afterBreachMinutes: number;
  action: EscalationAction;
  /** notify_role: which role to notify. */
  role?: Role;
  /** reassign_queue: the supervisor queue that takes the complaint over. */
  queue?: string;
}

/** What an SLA policy version says, independent of how it is stored. */
export interface SlaPolicyDefinition {
  name: string;
  match: {
    severities: Severity[];
    /** Empty or absent = any category. */
    categories?: string[];
    /** Empty or absent = any channel. */
    channels?: Channel[];
  };
  targets: SlaTargets;
  calendarId: string;
  /** Whether `awaiting_customer` pauses the resolution clock. */
  pauseOnAwaitingCustomer: boolean;
  /** Percentages of a target at which a warning is sent, e.g. [50, 75, 90]. */
  warningThresholds: number[];
  escalation: EscalationStep[];
  /** Wall-clock minutes after resolution during which the customer may reopen. */
  reopenWindowMinutes: number;
  /** Wall-clock minutes after resolution after which an unconfirmed complaint closes itself. */
  confirmationWindowMinutes: number;
  /**
   * Whether the customer is asked for an NPS score (0-10) with their rating;
   * a score is accepted only on complaints whose active policy asks. Absent =
   * false: policies saved before the setting, and the snapshots frozen into
   * complaints then, do not have it (the API and `toPolicy` always give it).
   */
  askNps?: boolean;
}

export interface SlaPolicyVersion extends SlaPolicyDefinition {
  policyId: string;
  version: number;
}

/** The policy version a complaint runs under, with its calendar frozen in. */
export interface SlaPolicySnapshot extends SlaPolicyVersion {
  calendar: BusinessCalendar;
}

export interface PolicyMatchInput {
  severity: Severity;
  category: string;
  channel: Channel;
}

/**
 * Picks the policy for a complaint among the latest version of each policy:
 * it must list the severity; a policy naming the category and/or channel beats
 * a generic one (category counts more than channel); ties go to the lowest
 * policyId so the choice is stable.
 */
export function selectPolicy<P extends SlaPolicyVersion>(policies: readonly P[], input: PolicyMatchInput): P | null {
  let best: { policy: P; score: number } | null = null;
  for (const policy of policies) {
    const { severities, categories = [], channels = [] } = policy.match;
    if (!severities.includes(input.severity)) continue;
    if (categories.length > 0 && !categories.includes(input.category)) continue;
    if (channels.length > 0 && !channels.includes(input.channel)) continue;
    const score = (categories.length > 0 ? 2 : 0) + (channels.length > 0 ? 1 : 0);
    if (!best || score > best.score || (score === best.score && policy.policyId < best.policy.policyId)) {
      best = { policy, score };
    }
  }
  return best?.policy ?? null;
}

/** Business rules a policy must satisfy beyond its shape; empty array = valid. */
export function policyProblems(policy: SlaPolicyDefinition): string[] {
  const problems: string[] = [];
  const t = policy.targets;
  if (t.firstResponseMinutes > t.resolutionMinutes) {
    problems.push('targets.firstResponseMinutes must not exceed targets.resolutionMinutes');
  }
  const sorted = [...policy.warningThresholds].sort((a, b) => a - b);
  if (new Set(sorted).size !== sorted.length) problems.push('warningThresholds must be distinct');
  policy.escalation.forEach((step, i) => {
    if (step.action === 'notify_role' && !step.role) problems.push(`escalation.${i}.role is required for notify_role`);
    if (step.action === 'reassign_queue' && !step.queue) problems.push(`escalation.${i}.queue is required for reassign_queue`);
    const prev = policy.escalation[i - 1];
    if (prev && prev.afterBreachMinutes > step.afterBreachMinutes) {
      problems.push(`escalation.${i}.afterBreachMinutes must not be earlier than the previous step`);
    }
  });
  return problems;
}
