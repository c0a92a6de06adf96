/**
 * Improvement-cycle use cases behind the HTTP layer: start a cycle workflow,
 * send it updates, read its state (live from the workflow, or from the read
 * model once closed) and list the read model.
 */
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { FilterQuery } from 'mongoose';
import type { Config } from '../config';
import { CYCLE_WORKFLOW, type CycleWorkflowInput, cycleUpdates, cycleWorkflowId, getCycleQuery } from '../contracts/cycle';
import { initialCycleSearchAttributes } from '../contracts/search-attributes';
import type { Actor, Role } from '../domain/actors';
import { type BoundMetric, type CycleCommand, type CycleCommandType, type CycleDefinition, type CycleIntake, type CycleSettings, type CycleState, CLOSED_CYCLE_STATUSES, DEFAULT_CYCLE_SETTINGS, intakeProblems, openCycle } from '../domain/cycle';
import { type Dimension, type KpiId, type KpiPeriod, addDays, dayInZone } from '../domain/kpi';
import { areaVersions, calendarVersions } from '../db/catalog';
import { MAX_RANGE_DAYS, createAnalyticsService } from './analytics';
import { hashOf } from '../domain/hashing';
import { type CycleDoc, type Models, storedState } from '../db/models';
import { DomainError, ErrorCode } from '../domain/errors';
import { scopeOf } from '../domain/permissions';
import { TEMPORAL_DEADLINE_MS, entityIdFor, updateWithinDeadline } from './complaints';
import { decodeCursor, encodeCursor } from './cursor';

export interface CycleServiceDeps {
  client: Client;
  models: Models;
  config: Config;
}

/**
 * What starting a cycle takes (the API's createCycleBody parses to this). The
 * owner defaults to the caller and the approvers to the sponsor.
 */
export interface NewCycle extends Pick<CycleDefinition, 'type' | 'title' | 'problemStatement' | 'area' | 'sponsorId' | 'team' | 'goal' | 'evidence'> {
  ownerId?: string;
  settings: Omit<CycleSettings, 'approvers'> & { approvers?: string[] };
  /** Bind the metric to a KPI of the live data (see `resolveBinding`). */
  binding?: NewBinding;
}

/** A binding as requested: the KPI, the service area, an optional dimension filter, the period. */
export interface NewBinding {
  kpi: KpiId;
  area: string;
  dimension?: Dimension;
  value?: string;
  period: KpiPeriod;
}

const invalid = (errors: { path: string; message: string }[]) => new DomainError(ErrorCode.VALIDATION_FAILED, 'the request is invalid', { errors });

/** A user id a request refers to: its field path, and whether that user will have to act on the cycle. */
type UserRef = [path: string, userId: string, mustAct: boolean];

/** User ids a command refers to: each must be a known user; assignees and process owners must be able to act. */
function userRefs(cmd: CycleCommand): UserRef[] {
  switch (cmd.type) {
    case 'add_action':
      return [['body.assigneeId', cmd.assigneeId, true]];
    case 'standardize':
      return cmd.trainees.map((t, i) => [`body.trainees.${i}`, t, false]);
    case 'set_control_plan':
      return [['body.processOwnerId', cmd.processOwnerId, true]];
    default:
      return [];
  }
}

/** The complaints a cycle works on (GET /cycles/:id/complaints). */
export interface CycleComplaints {
  cycleId: string;
  /** The complaint ids it was opened with, then each evidence item's sample, without repeats, at most `limit`. */
  evidence: string[];
  /**
   * A bound metric's scope (its area and filter) from the day the cycle opened
   * to today (or the day it closed), in the area's time zone: how many
   * complaints came in (cancelled ones not counted) and the newest of them.
   */
  live: { areaId: string; filter: BoundMetric['filter']; from: string; to: string; count: number; sample: string[] } | null;
}

export function createCycleService({ client, models, config }: CycleServiceDeps) {
  const withDeadline = <T>(fn: () => Promise<T>) => client.connection.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, fn);
  const analytics = createAnalyticsService({ models });

  /**
   * 422 naming every referenced user id that does not exist (UNKNOWN_USER), or
   * whose role may not act on cycles although the cycle would need them to
   * (USER_CANNOT_ACT: e.g. an auditor as sponsor could never sign a gate).
   */
  async function requireUsers(refs: UserRef[]): Promise<void> {
    if (refs.length === 0) return;
    const ids = [...new Set(refs.map(([, id]) => id))];
    const roles = new Map((await models.User.find({ _id: { $in: ids } }, { role: 1 }).lean()).map((u) => [u._id, u.role as Role]));
    const unknown = refs.filter(([, id]) => !roles.has(id)).map(([path, id]) => ({ path, message: `unknown user ${id}` }));
    if (unknown.length > 0) throw new DomainError(ErrorCode.UNKNOWN_USER, 'the request refers to users that do not exist', { errors: unknown });
    const cannotAct = refs
      .filter(([, id, mustAct]) => mustAct && !scopeOf(roles.get(id)!, 'cycle.act'))
      .map(([path, id]) => ({ path, message: `user ${id} (role ${roles.get(id)}) may not act on cycles` }));
    if (cannotAct.length > 0) throw new DomainError(ErrorCode.USER_CANNOT_ACT, 'the request names users whose role may not act on cycles', { errors: cannotAct });
  }

  /**
   * A requested binding with its area's time zone (its calendar's, now: a
   * bound cycle keeps the zone it started with, like a complaint its area).
   * An unknown area is named in `errors`.
   */
  async function resolveBinding(b: NewBinding, errors: { path: string; message: string }[]): Promise<BoundMetric> {
    const area = (await areaVersions(models, b.area))[0];
    if (!area) errors.push({ path: 'body.binding.area', message: `unknown service area ${b.area}` });
    // The area routes refuse an unknown calendar, and calendars are never deleted.
    const calendar = area ? (await calendarVersions(models, area.calendarId))[0] : undefined;
    const filter = b.dimension !== undefined && b.value !== undefined ? { dimension: b.dimension, value: b.value } : null;
    return { kpi: b.kpi, areaId: b.area, filter, period: b.period, timeZone: calendar?.timeZone ?? 'UTC' };
  }

  async function create(actor: Actor, body: NewCycle, idempotencyKey?: string): Promise<{ created: boolean; state: CycleState }> {
    const cycleId = entityIdFor('y', actor.id, idempotencyKey);
    const receivedAt = Date.now();
    const ownerId = body.ownerId ?? actor.id;
    const bindingErrors: { path: string; message: string }[] = [];
    const binding = body.binding ? await resolveBinding(body.binding, bindingErrors) : null;
    const intake: CycleIntake = {
      cycleId,
      type: body.type,
      title: body.title,
      problemStatement: body.problemStatement,
      area: body.area,
      ownerId,
      sponsorId: body.sponsorId,
      team: body.team,
      goal: body.goal,
      evidence: body.evidence,
      settings: { ...DEFAULT_CYCLE_SETTINGS, ...body.settings, approvers: body.settings.approvers ?? [body.sponsorId] },
      createdBy: actor,
      receivedAt,
      ...(binding ? { binding } : {}),
    };
    const approversGiven = body.settings.approvers !== undefined;
    const errors = intakeProblems(intake)
      // Approvers defaulted from the sponsor: name the sponsor, not a field the client never sent.
      .filter((p) => approversGiven || !p.path.startsWith('settings.approvers'))
      // The time zone is the area calendar's, not a field of the request.
      .map((p) => ({ path: p.path === 'binding.timeZone' ? 'body.binding.area' : `body.${p.path}`, message: p.message }));
    errors.push(...bindingErrors);
    if (body.goal.deadline <= receivedAt) errors.push({ path: 'body.goal.deadline', message: 'the deadline must be in the future' });
    if (errors.length > 0) throw invalid(errors);
    // The owner defaults to the caller: an admin starting a cycle must name an owner who can run it.
    await requireUsers([
      ['body.ownerId', ownerId, true],
      ['body.sponsorId', body.sponsorId, true],
      ...(approversGiven ? intake.settings.approvers.map((u, i): UserRef => [`body.settings.approvers.${i}`, u, true]) : []),
      ...body.team.map((u, i): UserRef => [`body.team.${i}`, u, true]),
    ]);

    const requestHash = hashOf(body);
    const input: CycleWorkflowInput = { intake };
    try {
      await withDeadline(() =>
        client.workflow.start(CYCLE_WORKFLOW, {
          args: [input],
          taskQueue: config.temporal.taskQueue,
          workflowId: cycleWorkflowId(cycleId),
          // How soon a task held by a worker that died goes to another worker (src/config).
          workflowTaskTimeout: config.temporal.workflowTaskTimeoutMs,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          memo: { requestHash },
          typedSearchAttributes: initialCycleSearchAttributes(intake),
        }),
      );
      return { created: true, state: { ...openCycle(intake, receivedAt).state, version: 0 } };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || !idempotencyKey) throw err;
      const description = await withDeadline(() => client.workflow.getHandle(cycleWorkflowId(cycleId)).describe());
      if (description.memo?.requestHash !== requestHash) {
        throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'this Idempotency-Key was already used with a different request body');
      }
      return { created: false, state: await get(cycleId) };
    }
  }

  /** A closed cycle's state from the read model, measurements re-attached from their collection. */
  async function fromReadModel(doc: { stateJson?: string | null; state?: unknown }): Promise<CycleState> {
    const state = storedState<CycleState>(doc);
    const measurements = await models.CycleMeasurement.find({ cycleId: state.cycleId }, { _id: 0, cycleId: 0 }).sort({ seq: 1 }).lean();
    return { ...state, measurements: measurements.map((m) => ({ ...m, at: new Date(m.at).getTime() })) as CycleState['measurements'] };
  }

  async function get(cycleId: string): Promise<CycleState> {
    const doc = await models.Cycle.findById(cycleId, { stateJson: 1, state: 1, status: 1 }).lean();
    if (doc && CLOSED_CYCLE_STATUSES.includes(doc.status as CycleState['status'])) return fromReadModel(doc);
    try {
      return await withDeadline(() => client.workflow.getHandle(cycleWorkflowId(cycleId)).query(getCycleQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        if (doc) return fromReadModel(doc);
        throw new DomainError(ErrorCode.NOT_FOUND, `cycle ${cycleId} does not exist`);
      }
      throw err;
    }
  }

  async function act<T extends CycleCommandType>(cycleId: string, actor: Actor, command: Extract<CycleCommand, { type: T }>, updateId?: string): Promise<CycleState> {
    await requireUsers(userRefs(command));
    const handle = client.workflow.getHandle(cycleWorkflowId(cycleId));
    const update = cycleUpdates[command.type] as typeof cycleUpdates.abandon;
    try {
      // The Idempotency-Key becomes the update id: Temporal applies an update id once per workflow run.
      // The workflow also remembers it across runs (an iteration is a new run), so a retry never applies twice.
      await updateWithinDeadline(client, () => handle.executeUpdate(update, { args: [{ actor, command, ...(updateId ? { requestId: updateId } : {}) } as never], updateId }));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        const doc = await models.Cycle.findById(cycleId, { status: 1 }).lean();
        if (doc) throw new DomainError(ErrorCode.INVALID_TRANSITION, `cycle ${cycleId} is ${doc.status}; no further actions are possible`);
        throw new DomainError(ErrorCode.NOT_FOUND, `cycle ${cycleId} does not exist`);
      }
      throw err;
    }
    return get(cycleId);
  }

  interface ListFilters {
    type?: string;
    phase?: string;
    status?: string;
    owner?: string;
    sponsor?: string;
    overdue?: boolean;
    limit: number;
    cursor?: string;
  }

  /** Cycles, newest first, filtered; keyset-paginated. */
  /** `participant`: only cycles this user has a part in (see cycleParticipants). */
  async function list(f: ListFilters, now = Date.now(), participant?: string): Promise<{ items: { state: CycleState; measurementCount: number }[]; nextCursor: string | null }> {
    // Equalities at the top level (the embedded store answers those from its indexes); the rest under $and.
    const filter: FilterQuery<CycleDoc> = {};
    if (participant) filter.participants = participant;
    if (f.type) filter.type = f.type;
    if (f.phase) filter.phase = f.phase;
    if (f.status) filter.status = f.status;
    if (f.owner) filter.ownerId = f.owner;
    if (f.sponsor) filter.sponsorId = f.sponsor;
    const and: FilterQuery<CycleDoc>[] = [];
    if (f.overdue !== undefined) {
      const overdue = { status: 'active', deadline: { $lt: new Date(now) } };
      and.push(f.overdue ? overdue : { $nor: [overdue] });
    }
    if (f.cursor) {
      const c = decodeCursor(f.cursor);
      and.push({ $or: [{ createdAt: { $lt: new Date(c.k) } }, { createdAt: new Date(c.k), _id: { $lt: c.id } }] });
    }
    if (and.length) filter.$and = and;
    const docs = await models.Cycle.find(filter, { stateJson: 1, state: 1, createdAt: 1, measurementCount: 1 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(f.limit + 1)
      .lean();
    const page = docs.slice(0, f.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((d) => ({ state: storedState<CycleState>(d), measurementCount: d.measurementCount })),
      nextCursor: docs.length > f.limit && last ? encodeCursor({ k: new Date(last.createdAt).getTime(), id: last._id }) : null,
    };
  }

  /**
   * The complaints a cycle works on: its evidence sample, and for a bound
   * metric the live count and newest complaints in its scope over the cycle's
   * life so far (the KPI store: the same figures as GET /analytics/kpis).
   */
  async function complaints(s: CycleState, limit: number, now = Date.now()): Promise<CycleComplaints> {
    const evidence = [...new Set([...s.evidence.complaintIds, ...(s.evidence.items ?? []).flatMap((i) => i.complaintIds)])].slice(0, limit);
    const b = s.binding;
    if (!b) return { cycleId: s.cycleId, evidence, live: null };
    const to = dayInZone(s.closedAt ?? now, b.timeZone);
    // A query covers at most MAX_RANGE_DAYS: an older cycle counts its most recent ones.
    const opened = dayInZone(s.createdAt, b.timeZone);
    const earliest = addDays(to, -(MAX_RANGE_DAYS - 1));
    const from = opened > earliest ? opened : earliest;
    const scope = { areaId: b.areaId, filter: b.filter, from, to };
    const [volume, sample] = await Promise.all([
      analytics.kpiSeries({ kpi: 'complaint_volume', period: 'month', ...scope }),
      analytics.complaintSample({ ...scope, limit }),
    ]);
    return { cycleId: s.cycleId, evidence, live: { ...scope, count: volume.total.value ?? 0, sample } };
  }

  return { create, get, act, list, complaints };
}

export type CycleService = ReturnType<typeof createCycleService>;
