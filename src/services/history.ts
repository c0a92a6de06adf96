/**
 * History of a complaint or a cycle for auditors: the domain audit trail
 * (`audit_events`, what the business did) merged with the Temporal event
 * history of every run of the entity's workflow (what the engine did), and the
 * SLA timeline of a complaint (src/domain/sla-timeline.ts) over its audit trail.
 *
 * Runs are found by following the continue-as-new chain backwards from the
 * latest run (`describe`, then each run's WorkflowExecutionStarted
 * `continuedExecutionRunId`): unlike a visibility query it is strongly
 * consistent (a run that just continued as new is never missed) and needs no
 * visibility store. Earlier runs whose history Temporal no longer retains end
 * the chain; the answer says so instead of failing.
 *
 * The merged timeline is ordered by (time, source: audit before engine at the
 * same millisecond, seq | run start + event id) and paginated by keyset on
 * that order: `limit` items per page (audit and engine together), `cursor` =
 * the key of the last item sent. Each page reads the retained runs' histories
 * again (Temporal cannot be asked for "events after t"); only the events of
 * the page are decoded. The response size is bounded by `limit`, the work per
 * request by the history size (bounded itself by continue-as-new) and MAX_RUNS.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { LoadedDataConverter, Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { FilterQuery } from 'mongoose';
import { complaintWorkflowId } from '../contracts/complaint';
import { cycleWorkflowId } from '../contracts/cycle';
import type { ComplaintState, StateSummary } from '../domain/complaint';
import type { Severity, SlaPolicySnapshot } from '../domain/sla-policy';
import { type SlaAuditEvent, type SlaTimeline, buildSlaTimeline } from '../domain/sla-timeline';
import type { AuditEventDoc, Models } from '../db/models';
import { TEMPORAL_DEADLINE_MS } from './complaints';
import { malformedCursor } from './cursor';

export type EntityType = 'complaint' | 'cycle';

/** Page size of the merged timeline. */
export const HISTORY_LIMIT = { default: 200, max: 1000 } as const;
/** The newest runs read per request; a longer chain is cut (and the answer says so). */
export const MAX_RUNS = 100;

export interface AuditItem {
  source: 'audit';
  at: string;
  seq: number;
  action: string;
  actor: { id: string; role: string };
  details: Record<string, unknown>;
  before: unknown;
  after: unknown;
  prevHash: string | null;
  hash: string | null;
}

export interface EngineItem {
  source: 'engine';
  at: string;
  runId: string;
  eventId: number;
  /** e.g. `WorkflowExecutionStarted`, `WorkflowExecutionUpdateAccepted`, `ActivityTaskScheduled`. */
  eventType: string;
  /** The event's attributes; JSON payloads decoded, other encodings as `{ encoding, undecoded: true }`. */
  data: Record<string, unknown>;
}

export type TimelineItem = AuditItem | EngineItem;

export interface RunInfo {
  runId: string;
  status: string;
  startTime: string;
  closeTime: string | null;
  eventCount: number;
}

export interface EntityHistory {
  entity: { type: EntityType; id: string };
  workflowId: string;
  runs: RunInfo[];
  /** available: false when Temporal no longer has the workflow (retention); reason also explains a partial chain. */
  engine: { available: boolean; reason: string | null };
  timeline: TimelineItem[];
  page: { limit: number; nextCursor: string | null };
}

export interface HistoryServiceDeps {
  client: Client;
  models: Models;
}

// --------------------------------------------------------------- cursor

/** Sort key of a timeline item: [epoch ms, 0 audit | 1 engine, seq | run start ms, 0 | event id]. */
type SortKey = [number, number, number, number];

const compareKeys = (a: SortKey, b: SortKey): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3];

export function encodeHistoryCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeHistoryCursor(s: string): SortKey {
  try {
    const k = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(k) && k.length === 4 && k.every((n) => Number.isSafeInteger(n) && n >= 0)) return k as SortKey;
  } catch {
    // fall through
  }
  throw malformedCursor();
}

// ------------------------------------------------------- engine history

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

interface LoadedRun {
  runId: string;
  startMs: number;
  events: HistoryEvent[];
}

interface EngineLoad {
  available: boolean;
  reason: string | null;
  runs: LoadedRun[];
}

const EventType = temporal.api.enums.v1.EventType;

/** `EVENT_TYPE_WORKFLOW_EXECUTION_STARTED` -> `WorkflowExecutionStarted`. */
export function eventTypeName(type: number | null | undefined): string {
  const raw = EventType[type ?? 0];
  if (!raw) return `Unknown(${String(type)})`;
  return raw
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

type LongLike = number | { toNumber(): number } | null | undefined;
const toNumber = (v: LongLike): number => (v == null ? 0 : typeof v === 'number' ? v : v.toNumber());
const tsMs = (ts: { seconds?: LongLike; nanos?: number | null } | null | undefined): number => toNumber(ts?.seconds) * 1000 + Math.floor((ts?.nanos ?? 0) / 1e6);

/** The run's status as Temporal names it, read from its last event. */
function runStatus(events: HistoryEvent[]): { status: string; closed: boolean } {
  const last = eventTypeName(events[events.length - 1]?.eventType);
  const closing: Record<string, string> = {
    WorkflowExecutionCompleted: 'COMPLETED',
    WorkflowExecutionFailed: 'FAILED',
    WorkflowExecutionCanceled: 'CANCELLED',
    WorkflowExecutionTerminated: 'TERMINATED',
    WorkflowExecutionContinuedAsNew: 'CONTINUED_AS_NEW',
    WorkflowExecutionTimedOut: 'TIMED_OUT',
  };
  const status = closing[last];
  return status ? { status, closed: true } : { status: 'RUNNING', closed: false };
}

/** Temporal's "no such workflow/run": WorkflowNotFoundError from the handle, gRPC NOT_FOUND from raw history reads. */
function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err as { code?: unknown } | null)?.code === 5;
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

function isPayload(v: object): v is Payload {
  const keys = Object.keys(v);
  const metadata = (v as { metadata?: unknown }).metadata;
  return (
    keys.includes('metadata') &&
    keys.every((k) => k === 'metadata' || k === 'data' || k === 'externalPayloads') &&
    !!metadata &&
    typeof metadata === 'object' &&
    Object.values(metadata).every(isBytes)
  );
}

const isPayloads = (v: object): v is { payloads: Payload[] } => {
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === 'payloads' && Array.isArray((v as { payloads: unknown }).payloads);
};

/** protobuf Timestamp / Duration after toObject: `{ seconds?, nanos? }` with numbers. */
const isSecondsNanos = (v: unknown): v is { seconds?: number; nanos?: number } =>
  !!v &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  !isBytes(v) &&
  Object.keys(v).length > 0 &&
  Object.entries(v).every(([k, x]) => (k === 'seconds' || k === 'nanos') && typeof x === 'number');

export function createPayloadDecoder(converter: LoadedDataConverter) {
  /** "Ours" = JSON payloads (what our default converter writes); anything else is shown by encoding, not decoded. */
  async function payload(p: Payload): Promise<unknown> {
    let decoded = p;
    for (const codec of [...converter.payloadCodecs].reverse()) decoded = (await codec.decode([decoded]))[0] ?? decoded;
    const enc = decoded.metadata?.encoding;
    const encoding = enc ? Buffer.from(enc).toString('utf8') : 'unknown';
    // binary/null is how an undefined value (a void result) travels: nothing to hide.
    if (encoding === 'binary/null') return null;
    if (encoding !== 'json/plain') return { encoding, undecoded: true };
    try {
      return converter.payloadConverter.fromPayload(decoded);
    } catch {
      return { encoding, undecoded: true };
    }
  }

  /** Walks an event's attributes: payloads decoded, timestamps as ISO, durations as `<name>Ms`, stack traces left out. */
  async function value(v: unknown): Promise<unknown> {
    if (isBytes(v)) return Buffer.from(v).toString('base64');
    if (Array.isArray(v)) return Promise.all(v.map(value));
    if (!v || typeof v !== 'object') return v;
    if (isPayload(v)) return payload(v);
    if (isPayloads(v)) return Promise.all(v.payloads.map(payload));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'stackTrace') continue;
      if (isSecondsNanos(x)) {
        const ms = (x.seconds ?? 0) * 1000 + Math.floor((x.nanos ?? 0) / 1e6);
        if (/Time$/.test(k)) out[k] = new Date(ms).toISOString();
        else out[`${k}Ms`] = ms;
        continue;
      }
      out[k] = await value(x);
    }
    return out;
  }

  /** The attributes of one history event, decoded. */
  async function eventData(event: HistoryEvent): Promise<Record<string, unknown>> {
    const o = temporal.api.history.v1.HistoryEvent.toObject(event as temporal.api.history.v1.HistoryEvent, { longs: Number, enums: String }) as Record<string, unknown>;
    // Exactly one `<type>EventAttributes` field is set per event.
    const key = Object.keys(o).find((k) => k.endsWith('EventAttributes') && o[k]);
    return key ? ((await value(o[key])) as Record<string, unknown>) : {};
  }

  return { payload, eventData };
}

// --------------------------------------------------------------- service

export function createHistoryService({ client, models }: HistoryServiceDeps) {
  const withDeadline = <T>(fn: () => Promise<T>) => client.connection.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, fn);
  // Built on first use: route tables are also built without a live client (OpenAPI and permission docs).
  let decoderInstance: ReturnType<typeof createPayloadDecoder> | undefined;
  const decoder = () => (decoderInstance ??= createPayloadDecoder(client.options.loadedDataConverter));

  /** Every retained run of the workflow id, oldest first (see the module comment). */
  async function loadRuns(workflowId: string): Promise<EngineLoad> {
    let runId: string | undefined;
    try {
      runId = (await withDeadline(() => client.workflow.getHandle(workflowId).describe())).runId;
    } catch (err) {
      if (isNotFound(err)) return { available: false, reason: 'Temporal no longer retains this workflow (retention period expired) or never ran it', runs: [] };
      throw err;
    }
    const runs: LoadedRun[] = [];
    let reason: string | null = null;
    while (runId) {
      if (runs.length >= MAX_RUNS) {
        reason = `only the latest ${MAX_RUNS} runs are shown; earlier runs start before ${runs[0]!.runId}`;
        break;
      }
      const id: string = runId;
      let events: HistoryEvent[];
      try {
        events = (await withDeadline(() => client.workflow.getHandle(workflowId, id).fetchHistory())).events ?? [];
      } catch (err) {
        if (!isNotFound(err)) throw err;
        if (runs.length === 0) return { available: false, reason: 'Temporal no longer retains this workflow (retention period expired)', runs: [] };
        reason = `earlier runs (from ${id} back) are no longer retained by Temporal`;
        break;
      }
      runs.unshift({ runId: id, startMs: tsMs(events[0]?.eventTime), events });
      runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    }
    return { available: true, reason, runs };
  }

  function runInfo(run: LoadedRun): RunInfo {
    const { status, closed } = runStatus(run.events);
    const last = run.events[run.events.length - 1];
    return {
      runId: run.runId,
      status,
      startTime: new Date(run.startMs).toISOString(),
      closeTime: closed && last ? new Date(tsMs(last.eventTime)).toISOString() : null,
      eventCount: run.events.length,
    };
  }

  async function auditAfter(stream: string, cursor: SortKey | null, limit: number): Promise<{ key: SortKey; item: AuditItem }[]> {
    const filter: FilterQuery<AuditEventDoc> = { stream };
    if (cursor) {
      const at = new Date(cursor[0]);
      // Audit sorts before engine at the same millisecond: after an engine key, only later instants remain.
      filter.$or = [{ at: { $gt: at } }, ...(cursor[1] === 0 ? [{ at, seq: { $gt: cursor[2] } }] : [])];
    }
    const docs = await models.AuditEvent.find(filter).sort({ at: 1, seq: 1 }).limit(limit).lean();
    return docs.map((d) => ({
      key: [d.at.getTime(), 0, d.seq, 0] as SortKey,
      item: {
        source: 'audit' as const,
        at: d.at.toISOString(),
        seq: d.seq,
        action: d.action,
        actor: { id: d.actor?.id ?? '', role: d.actor?.role ?? '' },
        details: (d.details ?? {}) as Record<string, unknown>,
        before: d.before ?? null,
        after: d.after ?? null,
        prevHash: (d as { prevHash?: string | null }).prevHash ?? null,
        hash: (d as { hash?: string | null }).hash ?? null,
      },
    }));
  }

  /** One page of the merged timeline of an entity. */
  async function history(entity: { type: EntityType; id: string }, opts: { limit: number; cursor?: string }): Promise<EntityHistory> {
    const cursor = opts.cursor ? decodeHistoryCursor(opts.cursor) : null;
    const workflowId = entity.type === 'complaint' ? complaintWorkflowId(entity.id) : cycleWorkflowId(entity.id);
    // Stream names as activities/records.ts writes them.
    const stream = `${entity.type}:${entity.id}`;
    const [audit, engine] = await Promise.all([auditAfter(stream, cursor, opts.limit + 1), loadRuns(workflowId)]);

    // Only the events that can make this page are decoded.
    const engineKeys = engine.runs
      .flatMap((run) => run.events.map((event) => ({ key: [tsMs(event.eventTime), 1, run.startMs, toNumber(event.eventId)] as SortKey, run, event })))
      .filter((e) => !cursor || compareKeys(e.key, cursor) > 0)
      .sort((a, b) => compareKeys(a.key, b.key))
      .slice(0, opts.limit + 1);

    const merged = [...audit.map((a) => ({ key: a.key, audit: a.item })), ...engineKeys.map((e) => ({ key: e.key, engine: e }))].sort((a, b) => compareKeys(a.key, b.key));
    const page = merged.slice(0, opts.limit);
    const timeline: TimelineItem[] = await Promise.all(
      page.map(async (m): Promise<TimelineItem> => {
        if ('audit' in m && m.audit) return m.audit;
        const { run, event } = (m as { engine: (typeof engineKeys)[number] }).engine;
        return {
          source: 'engine',
          at: new Date(tsMs(event.eventTime)).toISOString(),
          runId: run.runId,
          eventId: toNumber(event.eventId),
          eventType: eventTypeName(event.eventType),
          data: await decoder().eventData(event),
        };
      }),
    );
    const last = page[page.length - 1];
    return {
      entity,
      workflowId,
      runs: engine.runs.map(runInfo),
      engine: { available: engine.available, reason: engine.reason },
      timeline,
      page: { limit: opts.limit, nextCursor: merged.length > opts.limit && last ? encodeHistoryCursor(last.key) : null },
    };
  }

  /**
   * The policy snapshots frozen at intake, from the workflow history: the
   * continued run's input state, or the first run's `resolveSlaPolicies` result.
   */
  async function frozenPoliciesFromEngine(workflowId: string): Promise<Partial<Record<Severity, SlaPolicySnapshot>> | null> {
    const engine = await loadRuns(workflowId);
    for (const run of engine.runs) {
      const started = run.events[0]?.workflowExecutionStartedEventAttributes;
      const input = started?.input?.payloads?.[0];
      if (input) {
        const resume = ((await decoder().payload(input)) as { resume?: ComplaintState } | null)?.resume;
        if (resume?.sla && Object.keys(resume.sla.policies).length > 0) return resume.sla.policies;
      }
      const scheduled = run.events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'resolveSlaPolicies');
      const completed = scheduled && run.events.find((e) => toNumber(e.activityTaskCompletedEventAttributes?.scheduledEventId) === toNumber(scheduled.eventId));
      const result = completed?.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
      if (result) return (await decoder().payload(result)) as Partial<Record<Severity, SlaPolicySnapshot>>;
    }
    return null;
  }

  /**
   * The SLA timeline of a complaint whose state the caller already loaded (and
   * authorised). Policy snapshots come from the live workflow state; for a
   * finished complaint from `complaint_policies` (stored with its first
   * transition), else from the workflow history; failing that, the read
   * model's current policy.
   */
  async function slaTimeline(state: ComplaintState, now = Date.now()): Promise<SlaTimeline & { policySource: string }> {
    const docs = await models.AuditEvent.find({ stream: `complaint:${state.complaintId}` }).sort({ seq: 1 }).lean();
    const events: SlaAuditEvent[] = docs.map((d) => ({
      seq: d.seq,
      at: d.at.getTime(),
      action: d.action,
      before: (d.before ?? null) as StateSummary | null,
      after: d.after as StateSummary,
      details: (d.details ?? {}) as Record<string, unknown>,
    }));
    let policies: Partial<Record<Severity, SlaPolicySnapshot>> = state.sla?.policies ?? {};
    // The complaint's state (live) carries every policy frozen at intake; once read from the read model, they
    // come from `complaint_policies`, where they were stored with the first transition.
    let policySource = 'complaint state';
    if (state.sla && Object.keys(policies).length === 0) {
      const stored = await models.ComplaintPolicies.findById(state.complaintId).lean();
      if (stored) policies = JSON.parse(stored.policiesJson) as Partial<Record<Severity, SlaPolicySnapshot>>;
    }
    if (state.sla && Object.keys(policies).length === 0) {
      const fromEngine = await frozenPoliciesFromEngine(complaintWorkflowId(state.complaintId));
      if (fromEngine) {
        policies = fromEngine;
        policySource = 'workflow history';
      } else {
        // Only the policy in force now is kept in the read model: enough unless severity changed to another policy.
        const active = state.sla.active;
        const intake = events[0];
        const ref = intake?.details.slaPolicy as { policyId?: string; version?: number } | undefined;
        policies = { [state.severity]: active };
        if (intake && ref?.policyId === active.policyId && ref.version === active.version) policies[intake.after.severity] = active;
        policySource = 'read model (current policy only; the workflow history is no longer retained)';
      }
    }
    return { ...buildSlaTimeline({ events, policies, now, state }), policySource };
  }

  return { history, slaTimeline };
}

export type HistoryService = ReturnType<typeof createHistoryService>;
