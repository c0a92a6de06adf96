/**
 * Quality-review use cases. Two parts:
 *
 * - the planner (`createReviewPlanner`): which reviews are due and what
 *   their snapshots say, read from the catalog, the KPI rollups (through the
 *   analytics service), `trigger_events` and the `cycles` read model. The
 *   schedule's activity calls it; so does `create` for a review made by hand.
 * - the service (`createReviewService`): start a review workflow, send it
 *   reviewers' commands, read it (live from the workflow, or from the read
 *   model once signed), list the read model.
 *
 * It speaks no HTTP: refusals are DomainError codes with field paths.
 */
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { FilterQuery } from 'mongoose';
import type { Config } from '../config';
import { REVIEW_WORKFLOW, type ReviewWorkflowInput, getReviewQuery, reviewUpdates, reviewWorkflowId } from '../contracts/review';
import { latestAreas, latestCalendars, toArea } from '../db/catalog';
import { type Models, type QualityReviewDoc, storedState } from '../db/models';
import { type Actor, type Role, SYSTEM_ACTOR } from '../domain/actors';
import { startOfLocalDay } from '../domain/calendar';
import { CLOSED_CYCLE_STATUSES, type CycleStatus } from '../domain/cycle';
import { DomainError, ErrorCode } from '../domain/errors';
import { dayInZone } from '../domain/kpi';
import { scopeOf } from '../domain/permissions';
import {
  type CycleRef,
  type ReviewCommand,
  type ReviewCommandType,
  type ReviewIntake,
  type ReviewPeriod,
  type ReviewSnapshot,
  type ReviewState,
  type ReviewStatus,
  PERIOD_KEY_FORMAT,
  SERIES_PERIOD,
  SNAPSHOT_LIST_LIMIT,
  TOP_CAUSES,
  actionCycleProblems,
  kpiRows,
  lastEndedPeriod,
  newest,
  openReview,
  periodEnded,
  reviewIdOf,
  reviewKpis,
  reviewPeriod,
  signersBesidesOwner,
} from '../domain/review';
import type { ServiceAreaVersion } from '../domain/service-area';
import { createAnalyticsService } from './analytics';
import { TEMPORAL_DEADLINE_MS, updateWithinDeadline } from './complaints';
import { encodeCursor, malformedCursor } from './cursor';

type FieldError = { path: string; message: string };
type Area = ServiceAreaVersion;

const invalid = (errors: FieldError[]) => new DomainError(ErrorCode.VALIDATION_FAILED, 'the request is invalid', { errors });

// ----------------------------------------------------------------- planner

export interface DueReviews {
  intakes: ReviewIntake[];
  /** Reviews of the due periods that exist already. */
  existing: string[];
  skipped: { areaId: string; periodKey: string; reason: string }[];
}

export function createReviewPlanner({ models }: { models: Models }) {
  const analytics = createAnalyticsService({ models });

  async function timeZoneOf(area: Area): Promise<string> {
    return (await latestCalendars(models)).get(area.calendarId)?.timeZone ?? 'UTC';
  }

  /** The most recent review of the area other than `reviewId`, by creation. */
  async function previousReview(areaId: string, reviewId: string): Promise<{ id: string; createdAt: number } | null> {
    const docs = await models.QualityReview.find({ areaId }, { _id: 1, createdAt: 1 }).lean();
    const last = docs.filter((d) => d._id !== reviewId).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
    return last ? { id: last._id, createdAt: last.createdAt.getTime() } : null;
  }

  /** The area's cycles: named after it, or with a metric bound to its data. */
  async function cyclesOf(areaId: string): Promise<CycleRef[]> {
    const fields = { title: 1, type: 1, phase: 1, status: 1, ownerId: 1, closedAt: 1 };
    // Two equality queries (the embedded store answers those from an index; an $or it would scan).
    const [named, bound] = await Promise.all([models.Cycle.find({ area: areaId }, fields).lean(), models.Cycle.find({ boundAreaId: areaId }, fields).lean()]);
    const byId = new Map([...named, ...bound].map((c) => [c._id, c]));
    return [...byId.values()].map((c) => ({
      cycleId: c._id,
      title: c.title,
      type: c.type,
      phase: c.phase,
      status: c.status,
      ownerId: c.ownerId,
      closedAt: c.closedAt ? new Date(c.closedAt).getTime() : null,
    }));
  }

  /**
   * What a review of `period` shows, taken at `now`: each objective's KPI
   * and the standard ones over the period, the signals triggers acted on and
   * the cycles closed since the previous review (or since the period began,
   * for the first), the open cycles, and the period's top causes.
   */
  async function snapshotOf(area: Area, timeZone: string, period: ReviewPeriod, now: number): Promise<ReviewSnapshot> {
    const reviewId = reviewIdOf(area.areaId, period.key);
    const [previous, series, pareto, events, cycles] = await Promise.all([
      previousReview(area.areaId, reviewId),
      analytics.kpiSeriesMany({ areaId: area.areaId, filter: null, period: SERIES_PERIOD[period.frequency], from: period.from, to: period.to, kpis: reviewKpis(area.objectives) }),
      analytics.pareto({ areaId: area.areaId, by: 'cause', from: period.from, to: period.to, weight: 'count' }),
      // Equality on the area; the time window is applied here.
      models.TriggerEvent.find({ areaId: area.areaId }, { _id: 0 }).lean(),
      cyclesOf(area.areaId),
    ]);
    const since = previous?.createdAt ?? startOfLocalDay(period.from, timeZone);
    const measured = new Map(series.map((s) => [s.kpi, { label: s.label, unit: s.unit, better: s.better, value: s.total.value, n: s.total.n }]));
    const labels = new Map(area.causes.map((c) => [c.code, c.label]));
    const closed = (c: CycleRef) => CLOSED_CYCLE_STATUSES.includes(c.status as CycleStatus);
    return {
      area: { areaId: area.areaId, version: area.version, name: area.name, processOwnerId: area.processOwnerId, timeZone },
      period,
      takenAt: now,
      signalsSince: since,
      previousReviewId: previous?.id ?? null,
      kpis: kpiRows(area.objectives, measured),
      signals: newest(
        events
          .map((e) => ({
            triggerId: e.triggerId,
            triggerVersion: e.triggerVersion,
            subject: e.subject,
            period: e.period,
            outcome: e.outcome,
            cycleId: e.cycleId,
            summary: e.summary,
            at: new Date(e.at).getTime(),
          }))
          .filter((e) => e.at > since && e.at <= now),
      ),
      cycles: {
        open: cycles.filter((c) => !closed(c)).sort((a, b) => (a.cycleId < b.cycleId ? -1 : 1)).slice(0, SNAPSHOT_LIST_LIMIT),
        closedSinceLastReview: cycles
          .filter((c) => closed(c) && c.closedAt !== null && c.closedAt > since && c.closedAt <= now)
          .sort((a, b) => b.closedAt! - a.closedAt!)
          .slice(0, SNAPSHOT_LIST_LIMIT),
      },
      topCauses: pareto.rows.slice(0, TOP_CAUSES).map((r) => ({ cause: r.key, label: labels.get(r.key) ?? r.key, count: r.count, share: r.share, cumulativeShare: r.cumulativeShare })),
    };
  }

  /** The intake of the review of `period`: who takes part, what the data says. */
  async function intakeOf(area: Area, timeZone: string, period: ReviewPeriod, createdBy: Actor, now: number): Promise<ReviewIntake> {
    return {
      reviewId: reviewIdOf(area.areaId, period.key),
      areaId: area.areaId,
      periodKey: period.key,
      processOwnerId: area.processOwnerId,
      reviewerIds: signersBesidesOwner(area.processOwnerId, area.review.reviewerIds),
      snapshot: await snapshotOf(area, timeZone, period, now),
      createdBy,
    };
  }

  /**
   * The reviews due at `now`: for each area, the latest period that has ended
   * in its calendar's time zone, if the area existed during it (its first
   * version was saved by the period's last day) and the review does not exist
   * yet. Older periods are not reviewed after the fact: a review is about the
   * period that just ended.
   */
  async function dueReviews(now: number): Promise<DueReviews> {
    const [areas, calendars] = await Promise.all([latestAreas(models), latestCalendars(models)]);
    const out: DueReviews = { intakes: [], existing: [], skipped: [] };
    for (const area of areas) {
      const calendar = calendars.get(area.calendarId);
      const timeZone = calendar?.timeZone ?? 'UTC';
      const period = lastEndedPeriod(dayInZone(now, timeZone), area.review.frequency);
      const first = await models.ServiceArea.findById(`${area.areaId}@1`, { createdAt: 1 }).lean();
      if (first && dayInZone(first.createdAt.getTime(), timeZone) > period.to) continue;
      const reviewId = reviewIdOf(area.areaId, period.key);
      if (await models.QualityReview.exists({ _id: reviewId })) {
        out.existing.push(reviewId);
        continue;
      }
      if (!calendar) {
        out.skipped.push({ areaId: area.areaId, periodKey: period.key, reason: `calendar ${area.calendarId} does not exist` });
        continue;
      }
      out.intakes.push(await intakeOf(area, timeZone, period, SYSTEM_ACTOR, now));
    }
    return out;
  }

  return { dueReviews, intakeOf, timeZoneOf };
}

export type ReviewPlanner = ReturnType<typeof createReviewPlanner>;

// ----------------------------------------------------------------- service

export interface ReviewServiceDeps {
  client: Client;
  models: Models;
  config: Config;
}

export interface ReviewListFilters {
  area?: string;
  status?: ReviewStatus;
  limit: number;
  cursor?: string;
}

/** Review ids are `<areaId>-<period>` (an area id may be 64 characters): the shared cursor's id is shorter. */
const REVIEW_ID = /^[A-Za-z0-9_-]{1,100}$/;

function decodeReviewCursor(s: string): { k: number; id: string } {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { k?: unknown; id?: unknown };
    if (typeof c.k === 'number' && Number.isSafeInteger(c.k) && typeof c.id === 'string' && REVIEW_ID.test(c.id)) return { k: c.k, id: c.id };
  } catch {
    // fall through
  }
  throw malformedCursor();
}

export function createReviewService({ client, models, config }: ReviewServiceDeps) {
  const planner = createReviewPlanner({ models });
  const withDeadline = <T>(fn: () => Promise<T>) => client.connection.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, fn);

  async function areaOf(areaId: string, path: string): Promise<Area> {
    const latest = await models.ServiceArea.findOne({ areaId }).sort({ version: -1 }).lean();
    if (!latest) throw invalid([{ path, message: `unknown service area ${areaId}` }]);
    return toArea(latest);
  }

  /**
   * Creates the review of an ended period now (the schedule would, on its
   * next run, for the latest one). The caller must be the area's process
   * owner or one of its reviewers. A review that exists is returned as is:
   * there is one per area and period.
   */
  async function create(actor: Actor, body: { areaId: string; period: string }): Promise<{ created: boolean; state: ReviewState }> {
    const area = await areaOf(body.areaId, 'body.areaId');
    if (actor.id !== area.processOwnerId && !area.review.reviewerIds.includes(actor.id)) {
      throw new DomainError(ErrorCode.NOT_PERMITTED, `only the process owner (${area.processOwnerId}) and the reviewers of ${area.areaId} may open its review`);
    }
    const timeZone = await planner.timeZoneOf(area);
    const frequency = area.review.frequency;
    const period = reviewPeriod(body.period, frequency);
    if (!period) throw invalid([{ path: 'body.period', message: `${area.areaId} is reviewed ${frequency}: the period must be ${PERIOD_KEY_FORMAT[frequency]}` }]);
    const now = Date.now();
    const today = dayInZone(now, timeZone);
    if (!periodEnded(period, today)) throw invalid([{ path: 'body.period', message: `${period.key} has not ended yet in ${timeZone} (it ends after ${period.to}); the last ended period is ${lastEndedPeriod(today, frequency).key}` }]);

    const reviewId = reviewIdOf(area.areaId, period.key);
    if (await models.QualityReview.exists({ _id: reviewId })) return { created: false, state: await get(reviewId) };
    const intake = await planner.intakeOf(area, timeZone, period, actor, now);
    try {
      await withDeadline(() =>
        client.workflow.start(REVIEW_WORKFLOW, {
          args: [{ intake } satisfies ReviewWorkflowInput],
          taskQueue: config.temporal.taskQueue,
          workflowId: reviewWorkflowId(reviewId),
          workflowTaskTimeout: config.temporal.workflowTaskTimeoutMs,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        }),
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      return { created: false, state: await get(reviewId) };
    }
    // Not persisted yet (version 0): the workflow writes version 1 in a moment.
    return { created: true, state: { ...openReview(intake, intake.snapshot.takenAt).state, version: 0 } };
  }

  async function get(reviewId: string): Promise<ReviewState> {
    const doc = await models.QualityReview.findById(reviewId, { stateJson: 1, status: 1 }).lean();
    if (doc?.status === 'signed') return storedState<ReviewState>(doc);
    try {
      return await withDeadline(() => client.workflow.getHandle(reviewWorkflowId(reviewId)).query(getReviewQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        if (doc) return storedState<ReviewState>(doc);
        throw new DomainError(ErrorCode.NOT_FOUND, `review ${reviewId} does not exist`);
      }
      throw err;
    }
  }

  /** 422 naming the users a command refers to that do not exist, or (a cycle's sponsor) cannot act on cycles. */
  async function requireUsers(refs: [path: string, userId: string, mustActOnCycles: boolean][]): Promise<void> {
    if (refs.length === 0) return;
    const ids = [...new Set(refs.map(([, id]) => id))];
    const users = new Map((await models.User.find({ _id: { $in: ids } }, { role: 1, disabledAt: 1 }).lean()).map((u) => [u._id, u]));
    const unknown = refs.filter(([, id]) => !users.has(id)).map(([path, id]) => ({ path, message: `unknown user ${id}` }));
    if (unknown.length > 0) throw new DomainError(ErrorCode.UNKNOWN_USER, 'the request refers to users that do not exist', { errors: unknown });
    const cannot = refs
      .filter(([, id, must]) => must && (users.get(id)!.disabledAt || !scopeOf(users.get(id)!.role as Role, 'cycle.act')))
      .map(([path, id]) => ({ path, message: `user ${id} (role ${users.get(id)!.role}) may not act on cycles` }));
    if (cannot.length > 0) throw new DomainError(ErrorCode.USER_CANNOT_ACT, 'the request names users who could not play their part in the cycle', { errors: cannot });
  }

  /** Input checks with field paths before the workflow sees the command (which checks again, without paths). */
  async function precheck(reviewId: string, command: ReviewCommand, now: number): Promise<ReviewCommand> {
    if (command.type === 'add_action') {
      const errors: FieldError[] = [];
      if (command.dueAt <= now) errors.push({ path: 'body.dueAt', message: 'must be in the future' });
      if (command.openCycle) {
        const state = await get(reviewId);
        errors.push(...actionCycleProblems(state, command.openCycle, now).map((p) => ({ path: `body.openCycle.${p.path}`, message: p.message })));
      }
      if (errors.length > 0) throw invalid(errors);
      await requireUsers([['body.assigneeId', command.assigneeId, false], ...(command.openCycle ? [['body.openCycle.sponsorId', command.openCycle.sponsorId, true] as [string, string, boolean]] : [])]);
      return command;
    }
    if (command.type === 'sign' && command.decision === 'approve') {
      // The process owner's approval submits the review: the area's reviewers as they are now sign it.
      const state = await get(reviewId);
      if (state.status === 'open') return { ...command, reviewerIds: (await areaOf(state.areaId, 'params.id')).review.reviewerIds };
    }
    return command;
  }

  async function act<T extends ReviewCommandType>(reviewId: string, actor: Actor, command: Extract<ReviewCommand, { type: T }>, requestId?: string): Promise<ReviewState> {
    const checked = await precheck(reviewId, command, Date.now());
    const handle = client.workflow.getHandle(reviewWorkflowId(reviewId));
    const update = reviewUpdates[command.type] as typeof reviewUpdates.sign;
    try {
      // The Idempotency-Key becomes the update id (applied once per run) and the request id (remembered across runs).
      await updateWithinDeadline(client, () => handle.executeUpdate(update, { args: [{ actor, command: checked, ...(requestId ? { requestId } : {}) } as never], updateId: requestId }));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        const doc = await models.QualityReview.findById(reviewId, { status: 1 }).lean();
        if (doc) throw new DomainError(ErrorCode.INVALID_TRANSITION, `review ${reviewId} is ${doc.status}; no further actions are possible`);
        throw new DomainError(ErrorCode.NOT_FOUND, `review ${reviewId} does not exist`);
      }
      throw err;
    }
    return get(reviewId);
  }

  /** Reviews, newest first, by area and status; keyset-paginated. */
  async function list(f: ReviewListFilters): Promise<{ items: ReviewState[]; nextCursor: string | null }> {
    // Equalities at the top level (the embedded store answers those from its indexes); the cursor under $or.
    const filter: FilterQuery<QualityReviewDoc> = {};
    if (f.area) filter.areaId = f.area;
    if (f.status) filter.status = f.status;
    if (f.cursor) {
      const c = decodeReviewCursor(f.cursor);
      filter.$or = [{ createdAt: { $lt: new Date(c.k) } }, { createdAt: new Date(c.k), _id: { $lt: c.id } }];
    }
    const docs = await models.QualityReview.find(filter, { stateJson: 1, createdAt: 1 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(f.limit + 1)
      .lean();
    const page = docs.slice(0, f.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((d) => storedState<ReviewState>(d)),
      nextCursor: docs.length > f.limit && last ? encodeCursor({ k: new Date(last.createdAt).getTime(), id: last._id }) : null,
    };
  }

  return { create, get, act, list };
}

export type ReviewService = ReturnType<typeof createReviewService>;
