/**
 * Quality reviews. `reviewWorkflow`: one per review, like the cycle workflow
 * but simpler (no timers): it applies reviewers' commands through the pure
 * reducer in src/domain/review.ts, persists each transition, starts the cycle
 * an action asks for, and ends once the review is signed.
 * `qualityReviewScheduleWorkflow`: run daily by a Temporal Schedule; an
 * activity finds the reviews that are due (with their snapshots) and this
 * starts one review workflow each, id `review-<areaId>-<periodKey>`, so an
 * area-period never gets two.
 */
import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { type UpdateDefinition, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { CycleActivities, ReviewActivities } from '../activities';
import {
  REVIEW_WORKFLOW,
  type ReviewActionRequest,
  type ReviewScheduleResult,
  type ReviewUpdateResult,
  type ReviewWorkflowInput,
  getReviewQuery,
  reviewUpdates,
  reviewWorkflowId,
} from '../src/contracts/review';
import { DomainError, ErrorCode } from '../src/domain/errors';
import {
  type ReviewApplied,
  type ReviewCommandType,
  type ReviewState,
  type ReviewTransition,
  actionCycleIntake,
  applyReviewCommand,
  applyReviewEvent,
  nextCycleToStart,
  openReview,
} from '../src/domain/review';
import { toFailure } from './failures';
import { DELIVERY_ACTIVITY, PERSISTENCE_ACTIVITY, createPersister } from './persistence';
import { createRequestLog } from './request-log';
import { startCycleWorkflow } from './start-cycle';

const { recordReviewTransitions } = proxyActivities<ReviewActivities>(PERSISTENCE_ACTIVITY);
const { deliverNotifications } = proxyActivities<CycleActivities>(DELIVERY_ACTIVITY);
const { dueReviews } = proxyActivities<ReviewActivities>({
  // Reads the catalog and a period of KPIs per area: give it time, and keep retrying.
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

/** A review sees a few dozen commands; the bound only guards against a runaway. */
export const DEFAULT_MAX_HISTORY_EVENTS = 10_000;

export async function reviewWorkflow(input: ReviewWorkflowInput): Promise<ReviewState> {
  // The review is as of its snapshot (the API answers a creation with that instant; the next review's signals start there).
  const opened = input.resume ? null : openReview(input.intake, Math.min(input.intake.snapshot.takenAt, Date.now()));
  let state: ReviewState = input.resume ?? opened!.state;
  const maxHistoryEvents = input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;

  setHandler(getReviewQuery, () => state);

  const persister = createPersister<ReviewState, ReviewTransition>({
    persistedVersion: input.resume ? state.version : 0,
    record: (snapshot, transitions) => recordReviewTransitions({ snapshot, transitions }),
    deliver: (outboxIds) => deliverNotifications({ outboxIds }),
  });

  async function persist(applied: ReviewApplied): Promise<void> {
    state = applied.state;
    if (applied.transitions.length > 0) await persister.persist(state, applied.transitions);
  }

  // Queued before any update handler can run, so the creation is always persisted first.
  const created = opened ? persist(opened) : Promise.resolve();
  const requests = createRequestLog(input.appliedRequestIds);
  const result = (): ReviewUpdateResult => ({ reviewId: state.reviewId, version: state.version, status: state.status });

  for (const type of Object.keys(reviewUpdates) as ReviewCommandType[]) {
    setHandler(
      reviewUpdates[type] as UpdateDefinition<ReviewUpdateResult, [ReviewActionRequest]>,
      async ({ actor, command, requestId }: ReviewActionRequest) => {
        if (requests.has(requestId)) return result();
        try {
          const applied = applyReviewCommand(state, command, actor, Date.now());
          requests.add(requestId);
          await persist(applied);
          return result();
        } catch (err) {
          throw toFailure(err);
        }
      },
      {
        // Refused commands are rejected before they reach history.
        validator: ({ actor, command, requestId }: ReviewActionRequest) => {
          if (command?.type !== type) throw toFailure(new DomainError(ErrorCode.INVALID_ACTION, `command.type must be ${type}`));
          if (requests.has(requestId)) return;
          try {
            applyReviewCommand(state, command, actor, Date.now());
          } catch (err) {
            throw toFailure(err);
          }
        },
      },
    );
  }

  await created;

  while (state.status !== 'signed') {
    await startActionCycles();
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength >= maxHistoryEvents) {
      await condition(allHandlersFinished);
      await persister.settled();
      await continueAsNew<typeof reviewWorkflow>({ ...input, resume: state, appliedRequestIds: requests.ids() });
    }
    const seen = state.version;
    await condition(() => state.version !== seen);
  }

  await startActionCycles();
  await condition(allHandlersFinished);
  await persister.settled();
  return state;

  /** Starts every cycle an action asked for; a start that already happened (before a crash or continue-as-new) counts. */
  async function startActionCycles(): Promise<void> {
    // Re-read after each start: an action added meanwhile is started in the same pass.
    for (let action = nextCycleToStart(state); action; action = nextCycleToStart(state)) {
      const intake = actionCycleIntake(state, action);
      await startCycleWorkflow({ intake });
      await persist(applyReviewEvent(state, { type: 'action_cycle_started', actionId: action.id }, Date.now()));
    }
  }
}

/**
 * One run of the review schedule: the activity decides which reviews are due
 * (and takes their snapshots); each is started as its own workflow, which
 * outlives this run. A review that exists already is left alone.
 */
export async function qualityReviewScheduleWorkflow(): Promise<ReviewScheduleResult> {
  // A scheduled run's start time is its slot; Date.now() is that, replay-safe.
  const due = await dueReviews({ now: Date.now() });
  const started: string[] = [];
  const existing = [...due.existing];
  for (const intake of due.intakes) {
    try {
      await startChild(REVIEW_WORKFLOW, {
        workflowId: reviewWorkflowId(intake.reviewId),
        args: [{ intake } satisfies ReviewWorkflowInput],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        // A signed (closed) review keeps its id: the same area-period never gets a second one.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      started.push(intake.reviewId);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      existing.push(intake.reviewId);
    }
  }
  return { started, existing, skipped: due.skipped };
}
