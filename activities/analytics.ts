/**
 * Activities of the quality loop (and other analytics jobs): only I/O.
 *
 * `evaluateTriggers` evaluates the improvement triggers at the workflow's
 * `now` and records what it decided (src/services/triggers.ts): the trigger
 * events, the cycle each (trigger, subject) keeps open, the last-run status.
 * Idempotent under retries: a retry carries the same `now`, recognises the
 * events it wrote and answers the same decisions.
 */
import type { Models } from '../src/db/models';
import type { EvaluateTriggersInput, TriggerRun } from '../src/contracts/quality-loop';
import { createTriggerService } from '../src/services/triggers';

// ------------------------------------------------------------ improvement triggers

export function createTriggerActivities({ models }: { models: Models }) {
  const triggers = createTriggerService({ models });

  async function evaluateTriggers(input: EvaluateTriggersInput): Promise<TriggerRun[]> {
    return triggers.evaluateTriggers({ now: input.now, dryRun: false, ...(input.triggerId !== undefined ? { triggerId: input.triggerId } : {}) });
  }

  return { evaluateTriggers };
}

export type TriggerActivities = ReturnType<typeof createTriggerActivities>;
