/**
 * The quality loop's scheduled job: a Temporal Schedule starts one short
 * workflow per interval, which evaluates the improvement triggers (an
 * activity) and opens or feeds the cycles they ask for.
 */
import type { CycleIntake, EvidenceItem } from '../domain/cycle';

export const QUALITY_LOOP_WORKFLOW = 'qualityLoopWorkflow';
export const QUALITY_LOOP_SCHEDULE_ID = 'qualityloop-triggers';

/** What the loop does about one trigger's signal. */
export type TriggerDecision =
  /** Start the cycle workflow (the id is derived from trigger, subject and count, so a retry starts the same one). */
  | { kind: 'open'; cycleId: string; intake: CycleIntake }
  /** Signal the open cycle of the same (trigger, subject): the item is added once per key. */
  | { kind: 'add_evidence'; cycleId: string; item: EvidenceItem }
  | { kind: 'none'; reason: string };

/** One trigger's evaluation and what follows from it. */
export interface TriggerRun {
  triggerId: string;
  version: number;
  areaId: string;
  name: string;
  enabled: boolean;
  outcome: 'signal' | 'quiet' | 'cannot_evaluate';
  /** Why quiet, why it cannot evaluate, or why a signal leads to nothing. */
  reason: string | null;
  subject: string | null;
  /** The latest period in the signal. */
  period: string | null;
  summary: string | null;
  decision: TriggerDecision;
}

export interface EvaluateTriggersInput {
  /** The evaluation instant (the workflow's time: the same on every retry of the activity). */
  now: number;
  /** Only this trigger (else every enabled one). */
  triggerId?: string;
}

/** Input of one run; the Schedule passes none. */
export interface QualityLoopInput {
  /** Only this trigger (else every enabled one). */
  triggerId?: string;
  /**
   * Evaluate as of this instant (epoch ms) instead of the run's start: to re-run
   * the evaluation of a missed day. Only the periods completed before it count.
   */
  asOf?: number;
}

/** What one run of the loop did. */
export interface QualityLoopResult {
  evaluated: number;
  opened: string[];
  evidenceAdded: string[];
  /** Cycles the evidence could not be sent to (closed meanwhile), with the reason. */
  failed: { cycleId: string; reason: string }[];
}
