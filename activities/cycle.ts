/**
 * Activities of the improvement-cycle workflow: only I/O, each idempotent.
 * Audit events and outbox messages are keyed by (cycle, version, index);
 * measurements by (cycle, seq); the read model only moves forward in version.
 */
import type { CycleState, CycleTransition, Measurement } from '../src/domain/cycle';
import { insertIfAbsent } from '../src/db/models';
import { cycleParticipants } from '../src/domain/access';
import { type NotificationDeps, createNotificationDelivery } from './notifications';
import { recordAuditAndOutbox, writeReadModel } from './records';

export type CycleActivityDeps = NotificationDeps;

export const cycleStream = (cycleId: string) => `cycle:${cycleId}`;

export function createCycleActivities(deps: CycleActivityDeps) {
  const { models } = deps;

  /**
   * Writes the transitions' audit events, outbox messages and new
   * measurements, then the read model. `snapshot` is the state without its
   * measurements (they come in the transitions that recorded them).
   */
  async function recordCycleTransitions(input: { snapshot: CycleState; measurementCount: number; transitions: CycleTransition[] }): Promise<{ outboxIds: string[] }> {
    const { snapshot: s, transitions } = input;
    const measurements = transitions.flatMap((t) => (t.action === 'measurements_recorded' ? (t.details.measurements as Measurement[]) : []));
    await insertIfAbsent(
      models.CycleMeasurement,
      measurements.map((m) => ({ _id: `${s.cycleId}:${m.seq}`, cycleId: s.cycleId, ...m, at: new Date(m.at) })),
    );
    const { outboxIds } = await recordAuditAndOutbox(models, { entityType: 'cycle', entityId: s.cycleId, stream: cycleStream(s.cycleId) }, transitions);
    await writeReadModel(models.Cycle, s.cycleId, s.version, {
      version: s.version,
      type: s.type,
      title: s.title,
      area: s.area,
      phase: s.phase,
      status: s.status,
      iteration: s.iteration,
      ownerId: s.ownerId,
      sponsorId: s.sponsorId,
      deadline: new Date(s.goal.deadline),
      gateStatus: s.gate.status,
      measurementCount: input.measurementCount,
      parentCycleId: s.parentCycleId,
      participants: cycleParticipants(s),
      createdAt: new Date(s.createdAt),
      updatedAt: new Date(s.updatedAt),
      closedAt: s.closedAt === null ? null : new Date(s.closedAt),
      stateJson: JSON.stringify(s),
    });
    return { outboxIds };
  }

  return { recordCycleTransitions, deliverNotifications: createNotificationDelivery(deps) };
}

export type CycleActivities = ReturnType<typeof createCycleActivities>;
