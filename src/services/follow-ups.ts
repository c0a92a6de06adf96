/**
 * Follow-up tasks (issue 12, helper "customer-actions" implements): a low CSAT
 * with reason codes opens a supervisor callback on the complaint.
 */
import type { Models } from '../db/models';
import type { ComplaintState, Transition } from '../domain/complaint';

/** Inserts the follow-ups the transitions open (deterministic ids; idempotent). */
export async function recordFollowUps(_models: Models, _state: ComplaintState, _transitions: Transition[]): Promise<void> {}
