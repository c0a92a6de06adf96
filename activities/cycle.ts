/**
 * Activities of the improvement-cycle workflow: only I/O, each idempotent.
 * Audit events and outbox messages are keyed by (cycle, version, index);
 * measurements by (cycle, seq); the read model only moves forward in version.
 * `measureBoundKpi` only reads (the KPI store, through the analytics service).
 */
import { type CycleState, type CycleTransition, type Measurement, isCycleClosed } from '../src/domain/cycle';
import { insertIfAbsent } from '../src/db/models';
import type { MeasureBoundKpiInput, MeasureBoundKpiResult } from '../src/contracts/cycle';
import { cycleParticipants } from '../src/domain/access';
import { periodEndsAt } from '../src/domain/cycle-binding';
import { KPIS, periodBounds } from '../src/domain/kpi';
import { createAnalyticsService } from '../src/services/analytics';
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
      boundAreaId: s.binding?.areaId ?? null,
      boundDimension: s.binding?.filter?.dimension ?? null,
      boundValue: s.binding?.filter?.value ?? null,
      active: !isCycleClosed(s),
      participants: cycleParticipants(s),
      createdAt: new Date(s.createdAt),
      updatedAt: new Date(s.updatedAt),
      closedAt: s.closedAt === null ? null : new Date(s.closedAt),
      stateJson: JSON.stringify(s),
    });
    return { outboxIds };
  }

  const analytics = createAnalyticsService({ models });

  /**
   * A bound metric's value for each KPI period asked, from the KPI series
   * (the same figures as GET /analytics/kpis). Periods without data (the KPI
   * undefined: no complaint, no decided clock) are left out. A share brings
   * its n as `sampleSize` (p chart: x of n). `at` is the period's end.
   */
  async function measureBoundKpi({ binding, periods }: MeasureBoundKpiInput): Promise<MeasureBoundKpiResult> {
    if (periods.length === 0) return [];
    const sorted = [...new Set(periods)].sort();
    const series = await analytics.kpiSeries({
      kpi: binding.kpi,
      areaId: binding.areaId,
      filter: binding.filter,
      period: binding.period,
      from: periodBounds(sorted[0]!, binding.period).first,
      to: periodBounds(sorted[sorted.length - 1]!, binding.period).last,
    });
    const wanted = new Set(sorted);
    const shares = KPIS[binding.kpi].chart === 'p';
    return series.points.flatMap((p) =>
      wanted.has(p.period) && p.value !== null
        ? [{ period: p.period, value: p.value, at: periodEndsAt(p.period, binding.period, binding.timeZone), ...(shares && p.n !== null ? { sampleSize: p.n } : {}) }]
        : [],
    );
  }

  return { recordCycleTransitions, measureBoundKpi, deliverNotifications: createNotificationDelivery(deps) };
}

export type CycleActivities = ReturnType<typeof createCycleActivities>;
