import type { z } from 'zod';
import { type ComplaintState, slaStatus } from '../domain/complaint';
import type { CycleState } from '../domain/cycle';
import { cycleStatistics, gateStatus } from '../domain/cycle-report';
import type { complaintView } from './schemas';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const minutes = (ms: number) => Math.round((ms / 60_000) * 100) / 100;

/**
 * The API's view of a complaint: ISO dates, business durations in minutes, live SLA status at `now`.
 * `improvementCycles` (GET /complaints/:id only): the open cycles working on it.
 */
export function complaintToView(s: ComplaintState, now: number, extra?: Pick<z.infer<typeof complaintView>, 'improvementCycles'>): z.infer<typeof complaintView> {
  const sla = slaStatus(s, now);
  return {
    id: s.complaintId,
    version: s.version,
    status: s.status,
    severity: s.severity,
    category: s.category,
    channel: s.channel,
    customer: s.customer,
    description: s.description,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    createdBy: s.createdBy,
    firstResponderId: s.firstResponderId,
    ownerId: s.ownerId,
    queue: s.queue,
    acknowledgedAt: isoOrNull(s.acknowledgedAt),
    resolvedAt: isoOrNull(s.resolvedAt),
    closedAt: isoOrNull(s.closedAt),
    reopenCount: s.reopenCount,
    transferCount: s.transferCount ?? 0,
    serviceArea: s.serviceArea ?? null,
    resolution: s.resolution && { summary: s.resolution.summary, by: s.resolution.by, cause: s.resolution.cause ?? null, tags: s.resolution.tags ?? [] },
    notes: s.notes.map((n) => ({ ...n, at: iso(n.at) })),
    csat: s.csat ? { rating: s.csat.rating, comment: s.csat.comment, at: iso(s.csat.at) } : null,
    sla: sla && {
      policy: sla.policy,
      paused: sla.paused,
      breached: sla.breached,
      atRisk: sla.atRisk,
      escalationLevel: sla.escalationLevel,
      nextDueAt: isoOrNull(sla.nextDueAt),
      clocks: sla.clocks.map((c) => ({
        kind: c.kind,
        cycle: c.cycle,
        state: c.state,
        targetBusinessMinutes: minutes(c.targetBusinessMs),
        elapsedBusinessMinutes: minutes(c.elapsedBusinessMs),
        remainingBusinessMinutes: minutes(c.remainingBusinessMs),
        dueAt: isoOrNull(c.dueAt),
        breached: c.breached,
        breachedAt: isoOrNull(c.breachedAt),
        warnedThresholds: c.warnedThresholds,
        escalationsDone: c.escalationsDone,
      })),
    },
    ...extra,
  };
}

const TIME_KEY = /^(at|due|dueAt|deadline)$|At$|Since$/;

/** Epoch-ms instants in a cycle's data become ISO 8601 strings (keys `at`, `due`, `dueAt`, `deadline`, `*At`, `*Since`). */
export function isoInstants(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(isoInstants);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, TIME_KEY.test(k) && typeof v === 'number' ? iso(v) : isoInstants(v)]),
    );
  }
  return value;
}

/**
 * The API's view of a cycle: its state with ISO instants, gate status (what
 * is missing, who still has to sign) and live statistics. List items come
 * from the read model, which has no measurements: they carry the stored
 * count, and neither statistics nor the missing-artefact list (which depends
 * on measurements).
 */
export function cycleToView(s: CycleState, now: number, list?: { measurementCount: number }) {
  const { cycleId, measurements, nextSeq: _nextSeq, ...rest } = s;
  const { missing, ...gate } = gateStatus(s);
  return isoInstants({
    id: cycleId,
    ...rest,
    overdue: s.status === 'active' && now > s.goal.deadline,
    ...(list
      ? { gate, measurementCount: list.measurementCount }
      : { gate: { ...gate, missing }, measurementCount: measurements.length, measurements, statistics: cycleStatistics(s) }),
  }) as Record<string, unknown>;
}
