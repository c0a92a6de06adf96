/**
 * Improvement triggers: the versioned catalog, and their evaluation. The
 * scheduled quality loop (workflows/quality-loop.ts) calls `evaluateTriggers`
 * from an activity and acts on the decisions; the API's dry run calls it with
 * `dryRun`, which writes nothing (the KPI rollups may be refreshed: they are a
 * cache of the complaint facts, and the answer reads them).
 *
 * Decisions, per trigger and subject (src/domain/trigger.ts):
 * - a signal whose period was already acted on: nothing (re-evaluating the
 *   same period opens nothing and adds nothing twice);
 * - a signal while the subject's cycle is open: add evidence to that cycle;
 * - otherwise: open a cycle, id derived from (trigger, subject, count), so a
 *   retried run starts the very same one.
 *
 * What a run writes, in this order so a retry of the same run (same `now`)
 * answers the same decisions: the trigger event (`_id` = trigger|subject|period,
 * `at` = the run's `now`), then the subject's cycle in `trigger_status`, then
 * the last-run status.
 */
import { CLOSED_CYCLE_STATUSES, type CycleStatus, intakeProblems } from '../domain/cycle';
import { DomainError, ErrorCode } from '../domain/errors';
import type { Role } from '../domain/actors';
import { periodBounds } from '../domain/kpi';
import { scopeOf } from '../domain/permissions';
import {
  type TriggerDefinition,
  type TriggerEvaluation,
  type TriggerSignal,
  type TriggerVersion,
  completedPeriods,
  cycleIntakeFromSignal,
  evaluateTrigger,
  evidenceItemFromSignal,
  paretoSubject,
  triggerCycleId,
  triggerProblems,
} from '../domain/trigger';
import type { ServiceAreaVersion } from '../domain/service-area';
import type { TriggerDecision, TriggerRun } from '../contracts/quality-loop';
import { latestAreas, latestCalendars, latestTriggers, saveTriggerVersion, triggerVersions } from '../db/catalog';
import { type Models, insertIfAbsent } from '../db/models';
import { type AnalyticsService, createAnalyticsService } from './analytics';

/** Complaints sampled as evidence of a signal. */
export const SAMPLE_SIZE = 20;
/**
 * How long a cycle the loop started may be missing from the read model and
 * still count as open: its workflow writes it within seconds of the start. A
 * reservation older than this whose cycle never appeared was never started
 * (the run that reserved it was terminated), and a new cycle is opened.
 */
export const START_GRACE_MS = 60 * 60_000;

type FieldError = { path: string; message: string };

/** The last scheduled evaluation of a trigger, as stored in `trigger_status.lastRun`. */
export interface TriggerLastRun {
  at: string;
  version: number;
  outcome: TriggerRun['outcome'];
  reason: string | null;
  subject: string | null;
  period: string | null;
  summary: string | null;
  action: TriggerDecision['kind'];
  cycleId: string | null;
}

export interface TriggerStatusView {
  lastRun: TriggerLastRun | null;
  openCycles: { subject: string; cycleId: string; openedAt: string; opened: number }[];
}

type OpenCycleEntry = { subject: string; cycleId: string; openedAt: Date; opened: number };

/** A stored status document as read (`lean`): the last run and the subjects' cycles. */
type StoredStatus = { lastRun?: unknown; openCycles?: unknown } | null;

function statusView(doc: StoredStatus): TriggerStatusView {
  return {
    lastRun: (doc?.lastRun as TriggerLastRun | null | undefined) ?? null,
    openCycles: ((doc?.openCycles ?? []) as OpenCycleEntry[]).map((o) => ({ subject: o.subject, cycleId: o.cycleId, openedAt: new Date(o.openedAt).toISOString(), opened: o.opened })),
  };
}

export function createTriggerService(deps: { models: Models; analytics?: AnalyticsService }) {
  const { models } = deps;
  const analytics = deps.analytics ?? createAnalyticsService({ models });

  // ---------------------------------------------------------------- catalog

  async function statusOf(triggerId: string): Promise<TriggerStatusView> {
    return statusView(await models.TriggerStatus.findById(triggerId).lean());
  }

  /** The latest version of every trigger (of one area, if asked), each with its last-run status. */
  async function list(areaId?: string) {
    const triggers = (await latestTriggers(models)).filter((t) => areaId === undefined || t.areaId === areaId);
    // Keyed reads: `_id: { $in }` would scan on the embedded store; there are few triggers.
    const statuses = await Promise.all(triggers.map((t) => statusOf(t.triggerId)));
    return triggers.map((t, i) => ({ ...t, status: statuses[i]! }));
  }

  async function get(triggerId: string, version?: number) {
    const all = await triggerVersions(models, triggerId);
    const found = version === undefined ? all[0] : all.find((v) => v.version === version);
    if (!found) throw new DomainError(ErrorCode.NOT_FOUND, `trigger ${triggerId}${version === undefined ? '' : ` version ${version}`} does not exist`);
    return { ...found, status: await statusOf(triggerId) };
  }

  /**
   * What a definition refers to must exist and be able to play its part: the
   * area; the sponsor and approvers must be users who can act on cycles, and
   * not the area's process owner (who owns the cycles opened).
   */
  async function checkReferences(def: TriggerDefinition): Promise<void> {
    const problems = triggerProblems(def).map((p) => ({ path: `body.${p.path}`, message: p.message }));
    if (problems.length > 0) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'the trigger is invalid', { errors: problems });
    const area = (await latestAreas(models)).find((a) => a.areaId === def.areaId);
    if (!area) throw new DomainError(ErrorCode.INVALID_DEFINITION, `service area ${def.areaId} does not exist`, { errors: [{ path: 'body.areaId', message: 'unknown service area' }] });

    const refs: [path: string, userId: string][] = [['body.action.sponsorId', def.action.sponsorId], ...(def.action.approvers ?? []).map((u, i): [string, string] => [`body.action.approvers.${i}`, u])];
    const ids = [...new Set(refs.map(([, id]) => id))];
    // Keyed reads, like the cycle service's user checks: a handful of ids.
    const users = new Map((await Promise.all(ids.map((id) => models.User.findById(id, { role: 1, disabledAt: 1 }).lean()))).filter((u) => u !== null).map((u) => [u._id, u]));
    const unknown: FieldError[] = refs.filter(([, id]) => !users.has(id)).map(([path, id]) => ({ path, message: `unknown user ${id}` }));
    if (unknown.length > 0) throw new DomainError(ErrorCode.UNKNOWN_USER, 'the request refers to users that do not exist', { errors: unknown });
    const cannot: FieldError[] = [];
    for (const [path, id] of refs) {
      const u = users.get(id)!;
      if (u.disabledAt || !scopeOf(u.role as Role, 'cycle.act')) cannot.push({ path, message: `user ${id} (role ${u.role}${u.disabledAt ? ', disabled' : ''}) may not act on cycles` });
      else if (id === area.processOwnerId) cannot.push({ path, message: `user ${id} is the process owner of ${area.areaId}, who owns the cycles opened: the sponsor and approvers must be someone else` });
    }
    if (cannot.length > 0) throw new DomainError(ErrorCode.USER_CANNOT_ACT, 'the request names users who cannot play that part', { errors: cannot });
  }

  /** Saves version `expectedVersion + 1` (0 creates the trigger); VersionConflictError when someone saved first. */
  async function save(triggerId: string, expectedVersion: number, def: TriggerDefinition, by: string) {
    await checkReferences(def);
    const saved = await saveTriggerVersion(models, triggerId, expectedVersion, def, by);
    return { ...saved, status: await statusOf(triggerId) };
  }

  // ------------------------------------------------------------- evaluation

  interface AreaContext {
    area: ServiceAreaVersion;
    timeZone: string;
  }

  /** Reads what the trigger's condition needs over its window and evaluates it. */
  async function evaluateOne(t: TriggerVersion, ctx: AreaContext, now: number): Promise<TriggerEvaluation> {
    const { from, to, periods } = completedPeriods(t.period, ctx.timeZone, now, t.lookbackPeriods);
    const c = t.condition;
    const seriesOf = async (filter: TriggerDefinition['filter']) => (await analytics.kpiSeries({ kpi: t.kpi, areaId: t.areaId, filter, period: t.period, from, to })).points;
    if (c.type !== 'pareto') return evaluateTrigger(t, { objectives: ctx.area.objectives, timeZone: ctx.timeZone, series: await seriesOf(t.filter) }, now);
    const pareto = await analytics.paretoSeries({ areaId: t.areaId, filter: null, by: c.by, period: t.period, from, to, weight: 'count' });
    const found = paretoSubject(t, pareto, periods);
    // The dominating key's own series is what the cycle will be bound to: read it only when there is one.
    const series = 'key' in found ? await seriesOf({ dimension: c.by, value: found.key }) : null;
    return evaluateTrigger(t, { objectives: ctx.area.objectives, timeZone: ctx.timeZone, series, pareto }, now);
  }

  /** Whether the cycle a subject points at is still open (or was started so recently that its workflow has not stored it yet). */
  async function stillOpen(entry: OpenCycleEntry, now: number): Promise<boolean> {
    const doc = await models.Cycle.findById(entry.cycleId, { status: 1 }).lean();
    if (doc) return !CLOSED_CYCLE_STATUSES.includes(doc.status as CycleStatus);
    return new Date(entry.openedAt).getTime() > now - START_GRACE_MS;
  }

  /** What to do about a signal (see the module comment), and the subject's cycle entry to record if it opens one. */
  async function decide(t: TriggerVersion, ctx: AreaContext, signal: TriggerSignal, openCycles: OpenCycleEntry[], now: number): Promise<{ decision: TriggerDecision; entry: OpenCycleEntry | null }> {
    const sampleRange = { from: periodBounds(signal.periods[0]!, t.period).first, to: periodBounds(signal.period, t.period).last };
    const sample = () => analytics.complaintSample({ areaId: t.areaId, filter: signal.filter, ...sampleRange, limit: SAMPLE_SIZE });
    const entry = openCycles.find((o) => o.subject === signal.subject) ?? null;
    const open = async (cycleId: string): Promise<{ decision: TriggerDecision; entry: OpenCycleEntry | null }> => {
      const area = { areaId: ctx.area.areaId, name: ctx.area.name, processOwnerId: ctx.area.processOwnerId, timeZone: ctx.timeZone };
      const intake = cycleIntakeFromSignal({ cycleId, trigger: t, area, signal, sample: await sample(), now });
      // The area's owner may have changed since the trigger was saved: never start a cycle the reducer would refuse.
      const problems = intakeProblems(intake);
      if (problems.length > 0) return { decision: { kind: 'none', reason: `cannot open a cycle: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}` }, entry: null };
      const opened = entry?.cycleId === cycleId ? entry.opened : (entry?.opened ?? 0) + 1;
      return { decision: { kind: 'open', cycleId, intake }, entry: { subject: signal.subject, cycleId, openedAt: new Date(now), opened } };
    };
    const addEvidence = async (cycleId: string) => ({ decision: { kind: 'add_evidence' as const, cycleId, item: evidenceItemFromSignal(t, signal, await sample(), now) }, entry: null });

    const event = await models.TriggerEvent.findById(eventId(t.triggerId, signal.subject, signal.period)).lean();
    if (event) {
      // The same run retried (the workflow passes the same `now`): answer what it answered the first time.
      if (event.at.getTime() === now) return event.outcome === 'opened' ? open(event.cycleId) : addEvidence(event.cycleId);
      return { decision: { kind: 'none', reason: `the signal of ${signal.period} was already acted on (${event.outcome.replace('_', ' ')}, cycle ${event.cycleId})` }, entry: null };
    }
    if (entry && (await stillOpen(entry, now))) return addEvidence(entry.cycleId);
    return open(triggerCycleId(t.triggerId, signal.subject, (entry?.opened ?? 0) + 1));
  }

  /** Records what a (non-dry) run decided: the event first, then the subject's cycle, then the last run. */
  async function record(t: TriggerVersion, run: TriggerRun, entry: OpenCycleEntry | null, openCycles: OpenCycleEntry[], now: number): Promise<void> {
    const d = run.decision;
    if (d.kind !== 'none') {
      await insertIfAbsent(models.TriggerEvent, [
        {
          _id: eventId(t.triggerId, run.subject!, run.period!),
          triggerId: t.triggerId,
          triggerVersion: t.version,
          areaId: t.areaId,
          subject: run.subject,
          period: run.period,
          outcome: d.kind === 'open' ? 'opened' : 'evidence_added',
          cycleId: d.cycleId,
          summary: run.summary,
          at: new Date(now),
        },
      ]);
    }
    const cycles = entry ? [...openCycles.filter((o) => o.subject !== entry.subject), entry] : openCycles;
    const lastRun: TriggerLastRun = {
      at: new Date(now).toISOString(),
      version: t.version,
      outcome: run.outcome,
      reason: run.reason,
      subject: run.subject,
      period: run.period,
      summary: run.summary,
      action: d.kind,
      cycleId: d.kind === 'none' ? null : d.cycleId,
    };
    await models.TriggerStatus.updateOne({ _id: t.triggerId }, { $set: { lastRun, openCycles: cycles, updatedAt: new Date(now) } }, { upsert: true });
  }

  async function runOne(t: TriggerVersion, areas: Map<string, AreaContext>, now: number, dryRun: boolean): Promise<TriggerRun> {
    const base = { triggerId: t.triggerId, version: t.version, areaId: t.areaId, name: t.name, enabled: t.enabled };
    const statusDoc = await models.TriggerStatus.findById(t.triggerId).lean();
    const openCycles = ((statusDoc?.openCycles ?? []) as OpenCycleEntry[]).map((o) => ({ subject: o.subject, cycleId: o.cycleId, openedAt: new Date(o.openedAt), opened: o.opened }));
    const ctx = areas.get(t.areaId);
    let run: TriggerRun;
    let entry: OpenCycleEntry | null = null;
    if (!ctx) {
      const reason = `service area ${t.areaId} does not exist`;
      run = { ...base, outcome: 'cannot_evaluate', reason, subject: null, period: null, summary: null, decision: { kind: 'none', reason } };
    } else {
      let evaluation: TriggerEvaluation;
      try {
        evaluation = await evaluateOne(t, ctx, now);
      } catch (err) {
        // A query the analytics refuse (a range too long for a stored trigger): this trigger cannot evaluate; the others still run.
        if (!(err instanceof DomainError)) throw err;
        evaluation = { outcome: 'cannot_evaluate', reason: err.message };
      }
      if (evaluation.outcome !== 'signal') {
        run = { ...base, outcome: evaluation.outcome, reason: evaluation.reason, subject: null, period: null, summary: null, decision: { kind: 'none', reason: evaluation.reason } };
      } else {
        const decided = await decide(t, ctx, evaluation, openCycles, now);
        entry = decided.entry;
        const reason = decided.decision.kind === 'none' ? decided.decision.reason : null;
        run = { ...base, outcome: 'signal', reason, subject: evaluation.subject, period: evaluation.period, summary: evaluation.summary, decision: decided.decision };
      }
    }
    if (!dryRun) await record(t, run, entry, openCycles, now);
    return run;
  }

  async function areaContexts(): Promise<Map<string, AreaContext>> {
    const [areas, calendars] = await Promise.all([latestAreas(models), latestCalendars(models)]);
    return new Map(areas.map((area) => [area.areaId, { area, timeZone: calendars.get(area.calendarId)?.timeZone ?? 'UTC' }]));
  }

  /**
   * Evaluates the latest version of every enabled trigger (or the one asked;
   * a dry run also evaluates it disabled) at `now` and decides what each
   * signal leads to. Not dry:
   * records the decisions and each trigger's last run; the caller (the quality
   * loop workflow) then starts the cycles and sends the evidence.
   */
  async function evaluateTriggers(input: { now: number; dryRun: boolean; triggerId?: string }): Promise<TriggerRun[]> {
    let triggers: TriggerVersion[];
    if (input.triggerId !== undefined) {
      const latest = (await triggerVersions(models, input.triggerId))[0];
      if (!latest) throw new DomainError(ErrorCode.NOT_FOUND, `trigger ${input.triggerId} does not exist`);
      // A dry run shows what a disabled trigger would do; a real run never acts on one.
      triggers = input.dryRun || latest.enabled ? [latest] : [];
    } else {
      triggers = (await latestTriggers(models)).filter((t) => t.enabled);
    }
    if (triggers.length === 0) return [];
    await analytics.refreshRollups();
    const areas = await areaContexts();
    const runs: TriggerRun[] = [];
    for (const t of triggers) runs.push(await runOne(t, areas, input.now, input.dryRun));
    return runs;
  }

  /** The dry run of one trigger now: what the loop would do, writing nothing. */
  async function dryRun(triggerId: string, now = Date.now()): Promise<TriggerRun & { evaluatedAt: string; dryRun: true }> {
    const [run] = await evaluateTriggers({ now, dryRun: true, triggerId });
    return { ...run!, evaluatedAt: new Date(now).toISOString(), dryRun: true };
  }

  return {
    list,
    get,
    create: (triggerId: string, def: TriggerDefinition, by: string) => save(triggerId, 0, def, by),
    update: save,
    evaluateTriggers,
    dryRun,
  };
}

function eventId(triggerId: string, subject: string, period: string): string {
  return `${triggerId}|${subject}|${period}`;
}

export type TriggerService = ReturnType<typeof createTriggerService>;
