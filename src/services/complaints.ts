/**
 * Complaint use cases behind the HTTP layer: start the workflow, send it
 * updates, read state (live from the workflow, or from the read model once the
 * complaint is finished) and list the read model.
 */
import { randomBytes } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import type { FilterQuery } from 'mongoose';
import type { Config } from '../config';
import { COMPLAINT_WORKFLOW, type ComplaintWorkflowInput, complaintSearchAttributes as SA, complaintUpdates, complaintWorkflowId, getComplaintQuery } from '../contracts/complaint';
import type { Actor, Role } from '../domain/actors';
import { DEFAULT_QUEUE, type Principal } from '../domain/access';
import type { ServiceAreaRef } from '../domain/service-area';
import { type CommandType, type ComplaintCommand, type ComplaintIntake, type ComplaintState, TERMINAL, openComplaint } from '../domain/complaint';
import { type ComplaintRowDoc, type Models, storedState } from '../db/models';
import { hashOf, sha256Hex } from '../domain/hashing';
import { DomainError, ErrorCode } from '../domain/errors';
import { scopeOf } from '../domain/permissions';
import { decodeCursor, encodeCursor } from './cursor';
import { areaAtIntake } from './service-areas';
import { filterCovers } from '../domain/cycle-binding';
import { type Dimension, complaintFact } from '../domain/kpi';
import { DEFAULT_LANGUAGE, type Language } from '../domain/customer';
import { getContact, upsertContactUndoable } from './customers';

/** Every call to Temporal gets a deadline: an unavailable cluster answers 503, never hangs. */
export const TEMPORAL_DEADLINE_MS = 10_000;

/**
 * Temporal rejects an update as `UnprocessedUpdate` when the workflow task that carried it was
 * completed without it, e.g. a task handed out just before the Temporal server restarted. Nothing
 * was applied (an accepted update is in the history; this one is not), so it can be sent again.
 */
function notProcessed(err: unknown): boolean {
  return err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === 'UnprocessedUpdate';
}

/** Sends an update under one deadline, sending it again (same update id) while Temporal answers that no worker processed it. */
export async function updateWithinDeadline<T>(client: Client, send: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + TEMPORAL_DEADLINE_MS;
  for (;;) {
    try {
      return await client.connection.withDeadline(deadline, send);
    } catch (err) {
      if (!notProcessed(err) || Date.now() + 500 > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface ComplaintServiceDeps {
  client: Client;
  models: Models;
  config: Config;
}

/** An intake request: the customer's contact (name, email, language) rides along, to be stored apart from the complaint. */
export type NewComplaint = Omit<ComplaintIntake, 'complaintId' | 'createdBy' | 'customer'> & { customer: { id: string; name?: string; email?: string; language?: Language } };

/** An open improvement cycle working on a complaint's area (and cause, category...): "we are fixing this". */
export interface ImprovementCycleRef {
  cycleId: string;
  title: string;
  phase: string;
  status: string;
}

/** Same caller + same Idempotency-Key = same complaint id, hence the same workflow id. */
export function complaintIdFor(callerId: string, idempotencyKey: string | undefined): string {
  return entityIdFor('c', callerId, idempotencyKey);
}

/** `<prefix>_` + 24 hex chars: derived from (caller, Idempotency-Key) when there is one, random otherwise. */
export function entityIdFor(prefix: string, callerId: string, idempotencyKey: string | undefined): string {
  return idempotencyKey ? `${prefix}_${sha256Hex(`${callerId}\n${idempotencyKey}`).slice(0, 24)}` : `${prefix}_${randomBytes(12).toString('hex')}`;
}

/**
 * How intake starts a complaint workflow (also used by the benchmark's bare-start baseline).
 * `serviceArea` is the area matched at intake (see `areaAtIntake`); it is not part of the
 * request hash, so a retry still matches after the catalog changed.
 */
export function intakeStart(config: Config, actor: Actor, body: NewComplaint, idempotencyKey?: string, serviceArea: ServiceAreaRef | null = null) {
  const complaintId = complaintIdFor(actor.id, idempotencyKey);
  // The workflow (its state, history and audit trail) knows the customer by id only: the contact is kept apart so it can be erased.
  const intake: ComplaintIntake = { ...body, customer: { id: body.customer.id }, complaintId, createdBy: actor, receivedAt: Date.now(), serviceArea };
  // Over the whole request, contact included: a retry with the same body matches, a different contact under the same key does not.
  const requestHash = hashOf(body);
  const input: ComplaintWorkflowInput = { intake };
  const options = {
    args: [input] as [ComplaintWorkflowInput],
    taskQueue: config.temporal.taskQueue,
    workflowId: complaintWorkflowId(complaintId),
    // How soon a task held by a worker that died goes to another worker (src/config).
    workflowTaskTimeout: config.temporal.workflowTaskTimeoutMs,
    // A complaint id is never reused, even after the workflow closed.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    memo: { requestHash },
    typedSearchAttributes: [
      { key: SA.status, value: 'open' },
      { key: SA.severity, value: body.severity },
      { key: SA.category, value: body.category },
    ],
  };
  return { complaintId, intake, requestHash, options };
}

export function createComplaintService({ client, models, config }: ComplaintServiceDeps) {
  const withDeadline = <T>(fn: () => Promise<T>) => client.connection.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, fn);

  async function create(actor: Actor, body: NewComplaint, idempotencyKey?: string): Promise<{ created: boolean; state: ComplaintState }> {
    const area = await areaAtIntake(models, { category: body.category, channel: body.channel, queue: DEFAULT_QUEUE });
    const { complaintId, intake, requestHash, options } = intakeStart(config, actor, body, idempotencyKey, area);
    const { id: customerId, ...contact } = body.customer;
    let undoContact: (() => Promise<void>) | undefined;
    if (Object.keys(contact).length > 0) {
      // A key used before with another body is refused below: it must not change the contact first.
      if (idempotencyKey && (await startedWithOtherBody(complaintId, requestHash))) {
        throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'this Idempotency-Key was already used with a different request body');
      }
      // Stored before the workflow starts, so the message it sends at registration finds the address;
      // put back as it was if the start fails (a rejected request writes nothing).
      undoContact = await upsertContactUndoable(models, customerId, contact);
    }
    try {
      await withDeadline(() => client.workflow.start(COMPLAINT_WORKFLOW, options));
      return { created: true, state: { ...openComplaint(intake, {}, intake.receivedAt!).state, version: 0 } };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || !idempotencyKey) {
        await undoContact?.().catch(() => undefined);
        throw err;
      }
      // A retry (or a concurrent duplicate) of the same request: answer with the existing complaint.
      const description = await withDeadline(() => client.workflow.getHandle(complaintWorkflowId(complaintId)).describe());
      if (description.memo?.requestHash !== requestHash) {
        throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'this Idempotency-Key was already used with a different request body');
      }
      return { created: false, state: await get(complaintId) };
    }
  }

  /** Whether the complaint's workflow exists and was started from another request body (false: not started yet). */
  async function startedWithOtherBody(complaintId: string, requestHash: string): Promise<boolean> {
    try {
      const description = await withDeadline(() => client.workflow.getHandle(complaintWorkflowId(complaintId)).describe());
      return description.memo?.requestHash !== requestHash;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  async function get(complaintId: string): Promise<ComplaintState> {
    const doc = await models.Complaint.findById(complaintId, { stateJson: 1, state: 1, status: 1 }).lean();
    if (doc && TERMINAL.includes(doc.status as ComplaintState['status'])) return storedState<ComplaintState>(doc);
    try {
      return await withDeadline(() => client.workflow.getHandle(complaintWorkflowId(complaintId)).query(getComplaintQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        if (doc) return storedState<ComplaintState>(doc);
        throw new DomainError(ErrorCode.NOT_FOUND, `complaint ${complaintId} does not exist`);
      }
      throw err;
    }
  }

  async function act<T extends CommandType>(complaintId: string, actor: Actor, command: Extract<ComplaintCommand, { type: T }>, updateId?: string): Promise<ComplaintState> {
    if (command.type === 'transfer') await requireAssignee((command as Extract<ComplaintCommand, { type: 'transfer' }>).toAgentId);
    const handle = client.workflow.getHandle(complaintWorkflowId(complaintId));
    const update = complaintUpdates[command.type] as typeof complaintUpdates.acknowledge;
    try {
      // The Idempotency-Key becomes the update id: Temporal applies an update id once per workflow run.
      // The workflow also remembers it across runs (continue-as-new), so a retry never applies twice.
      return await updateWithinDeadline(client, () => handle.executeUpdate(update, { args: [{ actor, command, ...(updateId ? { requestId: updateId } : {}) } as never], updateId }));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        const doc = await models.Complaint.findById(complaintId, { status: 1 }).lean();
        if (doc) throw new DomainError(ErrorCode.INVALID_TRANSITION, `complaint ${complaintId} is ${doc.status}; no further actions are possible`);
        throw new DomainError(ErrorCode.NOT_FOUND, `complaint ${complaintId} does not exist`);
      }
      throw err;
    }
  }

  /** A transfer target must exist and be able to work complaints, or the complaint would be stuck with them. */
  async function requireAssignee(userId: string): Promise<void> {
    const user = await models.User.findById(userId, { role: 1, disabledAt: 1 }).lean();
    const path = 'body.toAgentId';
    if (!user) throw new DomainError(ErrorCode.UNKNOWN_USER, 'the request refers to a user that does not exist', { errors: [{ path, message: `unknown user ${userId}` }] });
    if (!scopeOf(user.role as Role, 'complaint.act') || user.disabledAt) {
      throw new DomainError(ErrorCode.USER_CANNOT_ACT, 'the new owner cannot work complaints', {
        errors: [{ path, message: `user ${userId} (role ${user.role}${user.disabledAt ? ', disabled' : ''}) may not act on complaints` }],
      });
    }
  }

  interface ListFilters {
    status?: string;
    active?: boolean;
    owner?: string;
    queue?: string;
    severity?: string;
    category?: string;
    breached?: boolean;
    atRisk?: boolean;
    limit: number;
    cursor?: string;
  }

  /**
   * Queue listing, ordered by the next SLA due time (no deadline last), keyset-paginated.
   * Filters and sorts the small rows of `complaint_rows`, then reads the page's full
   * documents by `_id`. An agent's scope (owner, first responder, or unowned in one of
   * their queues) runs as one query per branch, merged: each branch is a conjunction of
   * equalities, which every store (the embedded one included) answers from its indexes,
   * so the work is what the agent can see, not every open complaint.
   */
  async function list(f: ListFilters, now = Date.now(), assignedTo?: Principal): Promise<{ items: ComplaintState[]; nextCursor: string | null }> {
    const common: FilterQuery<ComplaintRowDoc> = {};
    if (f.status) common.status = f.status;
    if (f.active !== undefined) common.active = f.active;
    if (f.owner) common.ownerId = f.owner;
    if (f.queue) common.queue = f.queue;
    if (f.severity) common.severity = f.severity;
    if (f.category) common.category = f.category;
    if (f.breached !== undefined) common.breached = f.breached;
    const and: FilterQuery<ComplaintRowDoc>[] = [];
    if (f.atRisk !== undefined) {
      const atRisk = { atRiskFrom: { $lte: new Date(now) }, nextDueAt: { $gt: new Date(now) }, breached: false };
      and.push(f.atRisk ? atRisk : { $nor: [atRisk] });
    }
    if (f.cursor) {
      const c = decodeCursor(f.cursor);
      and.push({ $or: [{ dueSortKey: { $gt: c.k } }, { dueSortKey: c.k, _id: { $gt: c.id } }] });
    }
    const branches = assignedTo ? assignedBranches(assignedTo) : [{}];
    const pages = await Promise.all(
      branches.map((branch) =>
        models.ComplaintRow.find({ ...common, ...branch, ...(and.length ? { $and: and } : {}) }, { dueSortKey: 1 })
          .sort({ dueSortKey: 1, _id: 1 })
          .limit(f.limit + 1)
          .lean(),
      ),
    );
    const rows = mergeByDue(pages).slice(0, f.limit + 1);
    const page = rows.slice(0, f.limit);
    // The driver's collection directly: 50 keyed reads per page, mongoose's query building adds nothing here.
    const docs = await Promise.all(page.map((r) => models.Complaint.collection.findOne<{ stateJson?: string; state?: unknown }>({ _id: r._id as never }, { projection: { stateJson: 1, state: 1 } })));
    const last = page[page.length - 1];
    return {
      // A row is written just before its document: a row whose document is not there yet is left out.
      items: docs.flatMap((d) => (d ? [storedState<ComplaintState>(d)] : [])),
      nextCursor: rows.length > f.limit && last ? encodeCursor({ k: last.dueSortKey, id: last._id }) : null,
    };
  }

  /**
   * The open cycles whose metric is bound to the complaint's service area,
   * with no filter or a filter the complaint matches (its category, cause,
   * channel, severity, queue, agent or policy), oldest first. Read by equality
   * on the cycles' read model (`boundAreaId`, `active`).
   */
  async function improvementCycles(s: ComplaintState): Promise<ImprovementCycleRef[]> {
    const areaId = s.serviceArea?.areaId;
    if (!areaId) return [];
    const docs = await models.Cycle.find({ boundAreaId: areaId, active: true }, { title: 1, phase: 1, status: 1, boundDimension: 1, boundValue: 1, createdAt: 1 }).lean();
    const fact = complaintFact(s);
    return docs
      .filter((d) => filterCovers(d.boundDimension && d.boundValue !== null && d.boundValue !== undefined ? { dimension: d.boundDimension as Dimension, value: d.boundValue } : null, fact))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a._id < b._id ? -1 : 1))
      .map((d) => ({ cycleId: d._id, title: d.title, phase: d.phase, status: d.status }));
  }

  /**
   * The contact of the complaint's customer for staff (GET /complaints/:id): the
   * `customers` record (one read by id), or for complaints registered before
   * contacts moved there, the name and email the state still carries.
   */
  async function customerContact(s: ComplaintState): Promise<{ name: string | null; email: string | null; language: Language; erased: boolean } | null> {
    const contact = await getContact(models, s.customer.id);
    if (contact) return { name: contact.name, email: contact.email, language: contact.language, erased: contact.erasedAt !== null };
    if (s.customer.name === undefined && s.customer.email === undefined) return null;
    return { name: s.customer.name ?? null, email: s.customer.email ?? null, language: DEFAULT_LANGUAGE, erased: false };
  }

  return { create, get, act, list, improvementCycles, customerContact };
}

/** The branches of `isAssigned` (src/domain/access.ts) as row filters, each a conjunction of equalities. */
export function assignedBranches(user: Pick<Principal, 'id' | 'queues'>): FilterQuery<ComplaintRowDoc>[] {
  return [{ assignees: user.id }, ...user.queues.map((queue) => ({ openToQueue: queue }))];
}

type Row = { _id: string; dueSortKey: number };

/** Merges pages sorted by (dueSortKey, _id) into one sorted list without duplicates (a row can match two branches). */
export function mergeByDue<R extends Row>(pages: R[][]): R[] {
  if (pages.length === 1) return pages[0]!;
  const seen = new Set<string>();
  return pages
    .flat()
    .sort((a, b) => a.dueSortKey - b.dueSortKey || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))
    .filter((r) => !seen.has(r._id) && seen.add(r._id));
}

export type ComplaintService = ReturnType<typeof createComplaintService>;
