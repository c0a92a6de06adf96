import type { z } from 'zod';
import { type AvailableAction, actionSlug } from '../contracts/actions';
import type { Principal } from '../domain/access';
import { isBusinessTime } from '../domain/calendar';
import { type CommandType, type ComplaintState, availableComplaintCommands, slaStatus } from '../domain/complaint';
import { type CycleState, availableCycleCommands } from '../domain/cycle';
import { cycleStatistics, gateStatus } from '../domain/cycle-report';
import { type Permission, type Resource, inScope, scopeOf } from './permissions';
import type { complaintDetail, complaintView } from './schemas';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const minutes = (ms: number) => Math.round((ms / 60_000) * 100) / 100;

/**
 * The API's view of a complaint: ISO dates, business durations in minutes, live SLA status at `now`.
 * `improvementCycles` (GET /complaints/:id only): the open cycles working on it.
 */
export function complaintToView(s: ComplaintState, now: number, extra?: Pick<z.infer<typeof complaintView>, 'improvementCycles'>): z.infer<typeof complaintView> {
  const sla = slaStatus(s, now);
  const active = s.sla?.active;
  // Whether business time accrues right now (inside the calendar's hours): a running clock counts only then.
  const businessOpen = !!active && !!sla?.clocks.some((c) => c.state === 'running') && isBusinessTime(active.calendar, now);
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
    csat: s.csat
      ? { rating: s.csat.rating, comment: s.csat.comment, reasons: s.csat.reasons ?? [], nps: s.csat.nps ?? null, recordedBy: s.csat.recordedBy, at: iso(s.csat.at) }
      : null,
    sla: sla && {
      policy: sla.policy,
      // The policy's thresholds (percent of a target): clients colour a countdown by them.
      warningThresholds: [...(active?.warningThresholds ?? [])].sort((a, b) => a - b),
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
        // A client ticks a countdown only while this is true.
        counting: c.state === 'running' && businessOpen,
        escalationsDone: c.escalationsDone,
      })),
    },
    ...extra,
  };
}

/** The permission each complaint action route needs (its `defineRoute` reads it from here). */
export function complaintActionPermission(type: CommandType): Permission {
  return type === 'cancel' ? 'complaint.cancel' : 'complaint.act';
}

/** Every cycle action route needs `cycle.act`; the cycle decides which command whom. */
export const CYCLE_ACTION_PERMISSION: Permission = 'cycle.act';

/**
 * The matrix half of "what may the caller do now": the route's permission for
 * the caller's role and its scope over this object, judged by `inScope` on the
 * object as the route loads it (exactly what `access.check` does).
 */
function permitted(caller: Principal, permission: Permission, resource: Resource): boolean {
  const scope = scopeOf(caller.role, permission);
  return scope !== null && inScope(caller, scope, resource);
}

/**
 * The actions `caller` may take on a complaint now (see src/contracts/actions.ts):
 * granted by the matrix on this complaint, and accepted by the reducer's
 * preconditions (`availableComplaintCommands`, after the timers due at `now`).
 */
export function complaintActions(s: ComplaintState, caller: Principal, now: number): AvailableAction[] {
  const resource: Resource = { kind: 'complaint', view: s };
  const allowed = availableComplaintCommands(s, { id: caller.id, role: caller.role }, now);
  return allowed.flatMap((type) => {
    const permission = complaintActionPermission(type);
    if (!permitted(caller, permission, resource)) return [];
    return [{ name: type, method: 'POST' as const, path: `/complaints/${encodeURIComponent(s.complaintId)}/${actionSlug(type)}`, permission }];
  });
}

/** The actions `caller` may take on a cycle now: `cycle.act` on it, and accepted by the reducer (`availableCycleCommands`). */
export function cycleActions(s: CycleState, caller: Principal, now: number): AvailableAction[] {
  if (!permitted(caller, CYCLE_ACTION_PERMISSION, { kind: 'cycle', view: s })) return [];
  return availableCycleCommands(s, { id: caller.id, role: caller.role }, now).map((type) => ({
    name: type,
    method: 'POST' as const,
    path: `/cycles/${encodeURIComponent(s.cycleId)}/${actionSlug(type)}`,
    permission: CYCLE_ACTION_PERMISSION,
  }));
}

/**
 * One complaint for one caller (`GET /complaints/:id`, action replies): the view plus the caller's actions.
 * `customerContact` (GET /complaints/:id only): the customer's contact, read apart from the state.
 */
export function complaintDetailView(
  s: ComplaintState,
  now: number,
  caller: Principal,
  extra?: Pick<z.infer<typeof complaintDetail>, 'improvementCycles' | 'customerContact'>,
): z.infer<typeof complaintDetail> {
  const { customerContact, ...cycles } = extra ?? {};
  return { ...complaintToView(s, now, cycles), ...(customerContact !== undefined ? { customerContact } : {}), availableActions: complaintActions(s, caller, now) };
}

/**
 * One cycle for one caller (`GET /cycles/:id`, action replies): the view plus
 * the caller's actions, under `availableActions` because `actions` already
 * holds the cycle's action items.
 */
export function cycleDetailView(s: CycleState, now: number, caller: Principal): Record<string, unknown> {
  return { ...cycleToView(s, now), availableActions: cycleActions(s, caller, now) };
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
