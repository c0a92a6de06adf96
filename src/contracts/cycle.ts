/**
 * The improvement-cycle workflow's public contract: name, input, query,
 * updates, signals and ids. The API imports this without the workflow body.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/actors';
import type { BoundMetric, BoundMeasurement, CycleCommand, CycleCommandType, CycleIntake, CycleState, CycleStatus, EvidenceItem, Phase } from '../domain/cycle';

export const CYCLE_WORKFLOW = 'cycleWorkflow';

export interface CycleWorkflowInput {
  intake: CycleIntake;
  /** Set when the workflow continues as new (a new iteration, or a long history): the state to carry on from. */
  resume?: CycleState;
  /** Continue as new once the history has this many events (Temporal's own suggestion also counts). */
  maxHistoryEvents?: number;
  /** Request ids already applied, carried across runs (Temporal de-duplicates update ids within one run only). */
  appliedRequestIds?: string[];
}

export function cycleWorkflowId(cycleId: string): string {
  return `cycle-${cycleId}`;
}

/** The full state, measurements included. */
export const getCycleQuery = defineQuery<CycleState>('getCycle');

export interface CycleActionRequest<T extends CycleCommandType = CycleCommandType> {
  actor: Actor;
  command: Extract<CycleCommand, { type: T }>;
  /**
   * The caller's idempotency id (from the HTTP Idempotency-Key). A request id
   * already applied, in this run or an earlier one, is answered with the
   * current state instead of being applied again.
   */
  requestId?: string;
}

/**
 * What an update answers. Deliberately small: an update's result is stored in
 * the workflow history, and a cycle's state grows with its measurements.
 */
export interface CycleUpdateResult {
  cycleId: string;
  version: number;
  iteration: number;
  status: CycleStatus;
  phase: Phase;
}

const update = <T extends CycleCommandType>(name: T) => defineUpdate<CycleUpdateResult, [CycleActionRequest<T>]>(name);

/** One Temporal Update per cycle action. */
export const cycleUpdates = {
  record_measurements: update('record_measurements'),
  add_action: update('add_action'),
  complete_action: update('complete_action'),
  submit_gate: update('submit_gate'),
  sign_gate: update('sign_gate'),
  abandon: update('abandon'),
  add_five_whys: update('add_five_whys'),
  add_fishbone_cause: update('add_fishbone_cause'),
  add_countermeasure: update('add_countermeasure'),
  run_check: update('run_check'),
  review_check: update('review_check'),
  standardize: update('standardize'),
  iterate: update('iterate'),
  update_charter: update('update_charter'),
  set_data_collection_plan: update('set_data_collection_plan'),
  set_baseline: update('set_baseline'),
  set_defect_categories: update('set_defect_categories'),
  add_root_cause: update('add_root_cause'),
  verify_root_cause: update('verify_root_cause'),
  add_solution: update('add_solution'),
  add_fmea_row: update('add_fmea_row'),
  set_pilot_data: update('set_pilot_data'),
  set_control_plan: update('set_control_plan'),
} as const satisfies { [K in CycleCommandType]: unknown };

/**
 * Signals from the engine (never from users). `addEvidence`: an improvement
 * trigger saw its signal again while this cycle is open; the item is added to
 * the cycle's evidence once per `item.key` (a repeat is ignored). A signal,
 * not an update: the trigger schedule must not wait on the cycle.
 */
export const cycleSignals = {
  addEvidence: defineSignal<[{ item: EvidenceItem }]>('addEvidence'),
} as const;

/** Input of the `measureBoundKpi` activity: the bound metric and the KPI periods due. */
export interface MeasureBoundKpiInput {
  binding: BoundMetric;
  periods: string[];
}

/** What it answers: one measurement per period that has data (periods without data are left out). */
export type MeasureBoundKpiResult = BoundMeasurement[];
