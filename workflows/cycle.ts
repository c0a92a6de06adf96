/**
 * One workflow per improvement cycle (PDCA or DMAIC). It only decides and
 * waits: the rules are the pure reducer in src/domain/cycle.ts, every write is
 * an activity. The loop sleeps until the next timer (action reminders and
 * escalations, the cycle deadline, the end of the effectiveness window, the
 * end of a Control monitoring period, the end of a bound metric's KPI period),
 * measures bound metrics from the data, opens linked cycles a regression asks
 * for, and continues as new for each iteration and whenever the history grows
 * long, carrying the whole state (measurements included).
 *
 * An unbound cycle issues exactly the commands it did before bound metrics
 * existed (no measuring activity, no extra timer): recorded histories replay.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { CycleActivities } from '../activities';
import { type CycleActionRequest, type CycleUpdateResult, type CycleWorkflowInput, cycleSignals, cycleUpdates, getCycleQuery } from '../src/contracts/cycle';
import { cycleSearchAttributes as SA } from '../src/contracts/search-attributes';
import {
  type CycleApplied,
  type CycleCommandType,
  type CycleState,
  type CycleTransition,
  applyCycleCommand,
  applyCycleEvent,
  duePeriods,
  fireDueCycleTimers,
  isCycleClosed,
  linkedCycleIntake,
  nextCycleTimerAt,
  nextMeasurementAt,
  openCycle,
} from '../src/domain/cycle';
import { DomainError, ErrorCode } from '../src/domain/errors';
import { toFailure } from './failures';
import { DELIVERY_ACTIVITY, PERSISTENCE_ACTIVITY, createPersister } from './persistence';
import { createRequestLog } from './request-log';
import { startCycleWorkflow } from './start-cycle';

const { recordCycleTransitions } = proxyActivities<CycleActivities>(PERSISTENCE_ACTIVITY);
const { deliverNotifications } = proxyActivities<CycleActivities>(DELIVERY_ACTIVITY);
/** A read of the KPI store: retried until the store answers (the cycle waits; its handlers keep working). */
const { measureBoundKpi } = proxyActivities<CycleActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Default history bound; Temporal's own continue-as-new suggestion applies too. */
export const DEFAULT_MAX_HISTORY_EVENTS = 10_000;


const withoutMeasurements = (s: CycleState): CycleState => ({ ...s, measurements: [] });

export async function cycleWorkflow(input: CycleWorkflowInput): Promise<CycleState> {
  const receivedAt = Math.min(input.intake.receivedAt ?? Date.now(), Date.now());
  const opened = input.resume ? null : openCycle(input.intake, receivedAt);
  let state: CycleState = input.resume ?? opened!.state;
  const runIteration = state.iteration;
  const maxHistoryEvents = input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;

  setHandler(getCycleQuery, () => state);

  const persister = createPersister<CycleState, CycleTransition>({
    persistedVersion: input.resume ? state.version : 0,
    // Measurements travel in the transitions that recorded them, not in every snapshot.
    record: (snapshot, transitions) =>
      recordCycleTransitions({ snapshot: withoutMeasurements(snapshot), measurementCount: snapshot.measurements.length, transitions }),
    deliver: (outboxIds) => deliverNotifications({ outboxIds }),
  });

  async function persist(applied: CycleApplied): Promise<void> {
    state = applied.state;
    if (applied.transitions.length === 0) return;
    upsertSearchAttributes([
      { key: SA.status, value: state.status },
      { key: SA.phase, value: state.phase },
      { key: SA.owner, value: state.ownerId },
    ]);
    await persister.persist(state, applied.transitions);
  }

  // Queued before any update handler can run, so the creation is always persisted first.
  const created = opened ? persist(opened) : Promise.resolve();

  // Evidence a trigger found again while the cycle is open (once per item key).
  setHandler(cycleSignals.addEvidence, async ({ item }) => {
    await persist(applyCycleEvent(state, { type: 'evidence_added', item }, Date.now()));
  });

  // An iteration starts a new run: retried requests are recognised across runs (see createRequestLog).
  const requests = createRequestLog(input.appliedRequestIds);

  const result = (): CycleUpdateResult => ({ cycleId: state.cycleId, version: state.version, iteration: state.iteration, status: state.status, phase: state.phase });
  const context = () => ({ now: Date.now(), runId: workflowInfo().runId });

  for (const type of Object.keys(cycleUpdates) as CycleCommandType[]) {
    setHandler(
      cycleUpdates[type] as UpdateDefinition<CycleUpdateResult, [CycleActionRequest]>,
      async ({ actor, command, requestId }: CycleActionRequest) => {
        if (requests.has(requestId)) return result();
        try {
          const applied = applyCycleCommand(state, command, actor, context());
          requests.add(requestId);
          await persist(applied);
          return result();
        } catch (err) {
          throw toFailure(err);
        }
      },
      {
        // Illegal actions are rejected before they reach history.
        validator: ({ actor, command, requestId }: CycleActionRequest) => {
          if (command?.type !== type) throw toFailure(new DomainError(ErrorCode.INVALID_ACTION, `command.type must be ${type}`));
          if (requests.has(requestId)) return; // a retry: answered with the current state
          try {
            applyCycleCommand(state, command, actor, context());
          } catch (err) {
            throw toFailure(err);
          }
        },
      },
    );
  }

  await created;

  while (!isCycleClosed(state)) {
    await openLinkedCycles();
    const info = workflowInfo();
    if (state.iteration !== runIteration || info.continueAsNewSuggested || info.historyLength >= maxHistoryEvents) {
      // A new iteration always starts a new run (its lineage names this run); a long history is cut the same way.
      await condition(allHandlersFinished);
      await persister.settled();
      await continueAsNew<typeof cycleWorkflow>({ ...input, resume: state, appliedRequestIds: requests.ids() });
    }
    const seen = state.version;
    const wakeAt = nextCycleTimerAt(state);
    if (wakeAt === null) {
      await condition(() => state.version !== seen);
    } else if (wakeAt > Date.now()) {
      await condition(() => state.version !== seen, wakeAt - Date.now());
    }
    // Not even an await for an unbound cycle: its commands stay exactly as recorded.
    if (state.binding) await measureDuePeriods();
    await persist(fireDueCycleTimers(state, Date.now()));
  }

  await openLinkedCycles();
  await condition(allHandlersFinished);
  await persister.settled();
  return state;

  /**
   * Measures the bound metric's KPI periods that are due (none for an unbound
   * cycle: then nothing is scheduled). Timers that fell due before the first
   * of them fire first, so after an outage a Control period closes with the
   * measurements that belonged to it.
   */
  async function measureDuePeriods(): Promise<void> {
    const binding = state.binding;
    const periods = duePeriods(state, Date.now());
    if (!binding || periods.length === 0) return;
    await persist(fireDueCycleTimers(state, nextMeasurementAt(state)!));
    if (isCycleClosed(state)) return;
    const measurements = await measureBoundKpi({ binding, periods });
    await persist(applyCycleEvent(state, { type: 'bound_measurements_collected', measurements, periods }, Date.now()));
  }

  /** Starts every linked cycle a regression asked for; a start that already happened (before a crash or continue-as-new) counts. */
  async function openLinkedCycles(): Promise<void> {
    for (const link of state.linkedCycles.filter((l) => !l.started)) {
      const intake = linkedCycleIntake(state, link, Date.now());
      await startCycleWorkflow({ intake, maxHistoryEvents });
      await persist(applyCycleEvent(state, { type: 'linked_cycle_started', cycleId: link.cycleId }, Date.now()));
    }
  }
}
