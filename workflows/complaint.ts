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
import { DomainError } from '../src/domain/errors';

const { resolveSlaPolicies, recordTransitions } = proxyActivities<ComplaintActivities>({
  startToCloseTimeout: '30 seconds',
  // Persistence must eventually succeed (the DB may be briefly down); every write is idempotent.
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const { deliverNotifications } = proxyActivities<ComplaintActivities>({
  startToCloseTimeout: '30 seconds',
  // Webhook receivers can be down for a while; the outbox keeps the message if we give up.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 12 },
});

function toFailure(err: unknown): unknown {
  if (err instanceof DomainError) return ApplicationFailure.create({ message: err.message, type: err.code, nonRetryable: true });
  return err;
}

export async function complaintWorkflow(input: ComplaintWorkflowInput): Promise<ComplaintState> {
  let state: ComplaintState | undefined = input.resume;
  const provisional: ComplaintState = { ...openComplaint(input.intake, {}, intakeInstant(input.intake, Date.now())).state, version: 0 };
  const deliveries: Promise<void>[] = [];

  setHandler(getComplaintQuery, () => state ?? provisional);

  // Persistence is serialised per complaint: one recordTransitions activity at a time, carrying every
  // transition queued meanwhile. So the read model is written in version order (the activity only has
  // to skip a write older than what is stored), and a burst of changes costs one activity, not many.
  let queued: Transition[] = [];
  let persistedVersion = state?.version ?? 0;
  let flushing: Promise<void> | null = null;

  async function flush(upTo: number): Promise<void> {
    while (persistedVersion < upTo) {
      if (!flushing) {
        const snapshot = state!;
        const transitions = queued;
        queued = [];
        flushing = (async () => {
          const { outboxIds } = await recordTransitions({ state: snapshot, transitions });
          persistedVersion = snapshot.version;
          if (outboxIds.length > 0) {
            // Delivery runs alongside; the workflow waits for it before completing.
            deliveries.push(
              deliverNotifications({ outboxIds }).then(
                () => undefined,
                () => undefined, // undelivered messages stay pending in the outbox
              ),
            );
          }
        })().finally(() => {
          flushing = null;
        });
      }
      await flushing;
    }
  }

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
    queued.push(...applied.transitions);
    await flush(state.version);
  }

  for (const type of Object.keys(complaintUpdates) as CommandType[]) {
    setHandler(
      complaintUpdates[type] as UpdateDefinition<ComplaintState, [ActionRequest]>,
      async ({ actor, command }: ActionRequest) => {
        await condition(() => state !== undefined);
        try {
          const applied = applyCommand(state!, command, actor, Date.now());
          await persist(applied);
          return applied.state;
        } catch (err) {
          throw toFailure(err);
        }
      },
      {
        // Reject illegal actions before they reach history. Before the first state
        // exists (a few ms after start) the handler re-checks.
        validator: ({ actor, command }: ActionRequest) => {
          if (command?.type !== type) throw ApplicationFailure.create({ message: `command.type must be ${type}`, type: 'INVALID_ACTION', nonRetryable: true });
          if (!state) return;
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
      await Promise.all(deliveries);
      await continueAsNew<typeof complaintWorkflow>({ intake: input.intake, resume: state });
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
  await Promise.all(deliveries);
  return state!;
}
