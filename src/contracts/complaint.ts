/**
 * The complaint workflow's public contract: its name, input, queries, updates
 * and search attributes. The API imports this module without pulling in the
 * workflow body or any activity code.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/actors';
import type { CommandType, ComplaintCommand, ComplaintIntake, ComplaintState } from '../domain/complaint';

export const COMPLAINT_WORKFLOW = 'complaintWorkflow';

export interface ComplaintWorkflowInput {
  intake: ComplaintIntake;
  /** Set when the workflow continues as new: the state to carry on from. */
  resume?: ComplaintState;
  /** Request ids already applied, carried across runs (Temporal de-duplicates update ids within one run only). */
  appliedRequestIds?: string[];
}

/** Workflow ids derive from complaint ids, so the id alone finds the workflow. */
export function complaintWorkflowId(complaintId: string): string {
  return `complaint-${complaintId}`;
}

/** Returns the complaint's state; version 0 means it is still being registered. */
export const getComplaintQuery = defineQuery<ComplaintState>('getComplaint');

export interface ActionRequest<T extends CommandType = CommandType> {
  actor: Actor;
  command: Extract<ComplaintCommand, { type: T }>;
  /** The caller's idempotency id; one already applied (in this run or an earlier one) is answered with the current state. */
  requestId?: string;
}

/** One Temporal Update per agent action; each answers with the state after it. */
export const complaintUpdates = {
  acknowledge: defineUpdate<ComplaintState, [ActionRequest<'acknowledge'>]>('acknowledge'),
  add_note: defineUpdate<ComplaintState, [ActionRequest<'add_note'>]>('add_note'),
  request_info: defineUpdate<ComplaintState, [ActionRequest<'request_info'>]>('request_info'),
  customer_replied: defineUpdate<ComplaintState, [ActionRequest<'customer_replied'>]>('customer_replied'),
  transfer: defineUpdate<ComplaintState, [ActionRequest<'transfer'>]>('transfer'),
  change_severity: defineUpdate<ComplaintState, [ActionRequest<'change_severity'>]>('change_severity'),
  resolve: defineUpdate<ComplaintState, [ActionRequest<'resolve'>]>('resolve'),
  reopen: defineUpdate<ComplaintState, [ActionRequest<'reopen'>]>('reopen'),
  close: defineUpdate<ComplaintState, [ActionRequest<'close'>]>('close'),
  cancel: defineUpdate<ComplaintState, [ActionRequest<'cancel'>]>('cancel'),
  record_csat: defineUpdate<ComplaintState, [ActionRequest<'record_csat'>]>('record_csat'),
} as const satisfies { [K in CommandType]: unknown };

export { complaintSearchAttributes } from './search-attributes';
