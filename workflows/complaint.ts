/**
 * One workflow per complaint. It only decides and waits: every rule lives in
 * the pure reducer (src/domain/complaint.ts); every write goes through an
 * activity. The loop sleeps until the next SLA instant (warning, breach,
 * escalation step, auto-close) and re-plans whenever an update changes state.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { ComplaintActivities } from '../activities';
import {
  type ActionRequest,
  type ComplaintWorkflowInput,
  complaintSearchAttributes as SA,
  complaintUpdates,
  getComplaintQuery,
} from '../src/contracts/complaint';
import {
  type Applied,
  type CommandType,
  type ComplaintState,
  type Transition,
  applyCommand,
  fireDueTimers,
  intakeInstant,
  isFinished,
  nextTimerAt,
  openComplaint,
} from '../src/domain/complaint';
import { toFailure } from './failures';
import { DELIVERY_ACTIVITY, PERSISTENCE_ACTIVITY, createPersister } from './persistence';
import { createRequestLog } from './request-log';

const { resolveSlaPolicies, recordTransitions } = proxyActivities<ComplaintActivities>(PERSISTENCE_ACTIVITY);
const { deliverNotifications } = proxyActivities<ComplaintActivities>(DELIVERY_ACTIVITY);

export async function complaintWorkflow(input: ComplaintWorkflowInput): Promise<ComplaintState> {
  let state: ComplaintState | undefined = input.resume;
  const provisional: ComplaintState = { ...openComplaint(input.intake, {}, intakeInstant(input.intake, Date.now())).state, version: 0 };

  setHandler(getComplaintQuery, () => state ?? provisional);

  // Retried requests are recognised across continue-as-new (see createRequestLog).
  const requests = createRequestLog(input.appliedRequestIds);

  // One persistence activity at a time per complaint, in version order (see createPersister).
  const persister = createPersister<ComplaintState, Transition>({
    persistedVersion: state?.version ?? 0,
    record: (snapshot, transitions) => recordTransitions({ state: snapshot, transitions }),
    deliver: (outboxIds) => deliverNotifications({ outboxIds }),
  });

  /** Adopts the new state and returns once it (and everything before it) is persisted. */
  async function persist(applied: Applied): Promise<void> {
    state = applied.state;
    if (applied.transitions.length === 0) return;
    upsertSearchAttributes([
      { key: SA.status, value: state.status },
      { key: SA.severity, value: state.severity },
      { key: SA.owner, value: state.ownerId ?? '' },
      { key: SA.breached, value: (state.sla?.breaches.length ?? 0) > 0 },
    ]);
    await persister.persist(state, applied.transitions);
  }

  for (const type of Object.keys(complaintUpdates) as CommandType[]) {
    setHandler(
      complaintUpdates[type] as UpdateDefinition<ComplaintState, [ActionRequest]>,
      async ({ actor, command, requestId }: ActionRequest) => {
        await condition(() => state !== undefined);
        if (requests.has(requestId)) return state!;
        try {
          // Complaints rated before the feedback rules (reason codes on a low rating, NPS per policy)
          // replay under the old rule: their accepted ratings must be accepted again.
          const applied = applyCommand(state!, command, actor, Date.now(), { legacyFeedback: !patched('customer-feedback-rules') });
          requests.add(requestId);
          await persist(applied);
          return applied.state;
        } catch (err) {
          throw toFailure(err);
        }
      },
      {
        // Reject illegal actions before they reach history. Before the first state
        // exists (a few ms after start) the handler re-checks.
        validator: ({ actor, command, requestId }: ActionRequest) => {
          if (command?.type !== type) throw ApplicationFailure.create({ message: `command.type must be ${type}`, type: 'INVALID_ACTION', nonRetryable: true });
          if (!state || requests.has(requestId)) return;
          try {
            applyCommand(state, command, actor, Date.now());
          } catch (err) {
            throw toFailure(err);
          }
        },
      },
    );
  }

  if (!state) {
    const policies = await resolveSlaPolicies({ category: input.intake.category, channel: input.intake.channel });
    // Clocks start when the complaint was received, even if no worker ran it until later.
    await persist(openComplaint(input.intake, policies, intakeInstant(input.intake, Date.now())));
  }

  while (!isFinished(state!)) {
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await persister.settled();
      await continueAsNew<typeof complaintWorkflow>({ intake: input.intake, resume: state, appliedRequestIds: requests.ids() });
    }
    const seen = state!.version;
    const wakeAt = nextTimerAt(state!);
    if (wakeAt === null) {
      await condition(() => state!.version !== seen);
    } else if (wakeAt > Date.now()) {
      await condition(() => state!.version !== seen, wakeAt - Date.now());
    }
    await persist(fireDueTimers(state!, Date.now()));
  }

  await condition(allHandlersFinished);
  await persister.settled();
  return state!;
}
