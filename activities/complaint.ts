/**
 * Activities of the complaint workflow: only I/O, each idempotent. Every write
 * is keyed by a deterministic id (complaint id + state version + index) and
 * done as an upsert, so Temporal's retries never duplicate a record, and the
 * read model is guarded by the state version so a late retry never overwrites
 * newer state.
 */
import { createHmac } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { type Models, insertIfAbsent } from '../src/db/models';
import type { BusinessCalendar } from '../src/domain/calendar';
import { type ComplaintState, type Transition, slaStatus } from '../src/domain/complaint';
import { type Channel, SEVERITIES, type Severity, type SlaPolicySnapshot, type SlaPolicyVersion, selectPolicy } from '../src/domain/sla-policy';
import { latestCalendars, latestPolicies } from '../src/db/catalog';

export interface ComplaintActivityDeps {
  models: Models;
  webhookUrls: string[];
  webhookSecret: string;
  /** Per-attempt HTTP timeout for webhook delivery. */
  webhookTimeoutMs?: number;
}

export const complaintStream = (complaintId: string) => `complaint:${complaintId}`;
export const outboxId = (complaintId: string, version: number, index: number) => `${complaintId}:${version}:${index}`;

export function createComplaintActivities(deps: ComplaintActivityDeps) {
  const { models } = deps;

  /** The latest version of every policy matching the category/channel, one per severity, calendars frozen in. */
  async function resolveSlaPolicies(input: { category: string; channel: Channel }): Promise<Partial<Record<Severity, SlaPolicySnapshot>>> {
    const [policies, calendars] = await Promise.all([latestPolicies(models), latestCalendars(models)]);
    const out: Partial<Record<Severity, SlaPolicySnapshot>> = {};
    for (const severity of SEVERITIES) {
      const policy = selectPolicy<SlaPolicyVersion>(policies, { severity, category: input.category, channel: input.channel });
      const calendar: BusinessCalendar | undefined = policy ? calendars.get(policy.calendarId) : undefined;
      if (policy && calendar) out[severity] = { ...policy, calendar };
    }
    return out;
  }

  /** Writes audit events and outbox messages for the transitions, then the read model. Returns outbox ids to deliver. */
  async function recordTransitions(input: { state: ComplaintState; transitions: Transition[] }): Promise<{ outboxIds: string[] }> {
    const { state, transitions } = input;
    const stream = complaintStream(state.complaintId);
    const now = new Date();

    await insertIfAbsent(
      models.AuditEvent,
      transitions.map((t) => ({
        _id: `${stream}:${t.version}`,
        stream,
        seq: t.version,
        entityType: 'complaint',
        entityId: state.complaintId,
        action: t.action,
        actor: t.actor,
        at: new Date(t.at),
        before: t.before,
        after: t.after,
        details: t.details,
        recordedAt: now,
      })),
    );

    const outbox = transitions.flatMap((t) =>
      t.notifications.map((n, i) => ({
        _id: outboxId(state.complaintId, t.version, i),
        type: n.type,
        complaintId: state.complaintId,
        recipients: n.recipients,
        data: { ...n.data, version: t.version, at: new Date(t.at).toISOString() },
        createdAt: new Date(t.at),
      })),
    );
    await insertIfAbsent(
      models.Outbox,
      outbox.map((o) => ({ ...o, status: 'pending', deliveredTo: [], attempts: 0, lastError: null, deliveredAt: null })),
    );

    await writeReadModel(state);
    return { outboxIds: outbox.map((o) => o._id) };
  }

  async function writeReadModel(state: ComplaintState): Promise<void> {
    const sla = slaStatus(state, state.updatedAt);
    const doc = {
      version: state.version,
      status: state.status,
      severity: state.severity,
      category: state.category,
      channel: state.channel,
      customerId: state.customer.id,
      ownerId: state.ownerId,
      firstResponderId: state.firstResponderId,
      queue: state.queue,
      createdAt: new Date(state.createdAt),
      updatedAt: new Date(state.updatedAt),
      resolvedAt: state.resolvedAt === null ? null : new Date(state.resolvedAt),
      closedAt: state.closedAt === null ? null : new Date(state.closedAt),
      sla: {
        policyId: sla?.policy.policyId ?? null,
        policyVersion: sla?.policy.version ?? null,
        breached: sla?.breached ?? false,
        paused: sla?.paused ?? false,
        escalationLevel: sla?.escalationLevel ?? 0,
        nextDueAt: sla?.nextDueAt == null ? null : new Date(sla.nextDueAt),
        atRiskFrom: sla?.atRiskFrom == null ? null : new Date(sla.atRiskFrom),
      },
      dueSortKey: sla?.nextDueAt ?? Number.MAX_SAFE_INTEGER,
      // The frozen policies of other severities are not needed to read a complaint (they are in the
      // versioned catalog): leaving them out keeps documents small.
      state: state.sla ? { ...state, sla: { ...state.sla, policies: {} } } : state,
    };
    // The workflow persists one transition batch at a time, in version order; what remains is an
    // attempt that outlived its timeout and retries of an already-written batch. Both are older
    // than (or equal to) what is stored: skip them. The filter is `_id` only, which every
    // MongoDB-wire store (FerretDB included) answers by key instead of scanning.
    const storedVersion = async () => (await models.Complaint.findById(state.complaintId, { version: 1 }).lean())?.version;
    let stored = await storedVersion();
    if (stored === undefined) {
      // First write: a keyed insert (see insertIfAbsent). If another attempt inserted first, compare versions below.
      if ((await insertIfAbsent(models.Complaint, [{ _id: state.complaintId, ...doc }])).inserted === 1) return;
      stored = await storedVersion();
    }
    if (stored !== undefined && stored >= state.version) return;
    if (Context.current().cancellationSignal.aborted) throw new Error('activity cancelled or timed out; not writing a stale read model');
    await models.Complaint.updateOne({ _id: state.complaintId }, { $set: doc });
  }

  /**
   * POSTs each pending outbox message to every configured webhook that has not
   * yet acknowledged it. Receivers get a stable `X-Qualityloop-Delivery` id to
   * deduplicate, and an HMAC signature. Throws (so Temporal retries) while any
   * receiver fails.
   */
  async function deliverNotifications(input: { outboxIds: string[] }): Promise<{ delivered: number }> {
    const messages = await models.Outbox.find({ _id: { $in: input.outboxIds }, status: 'pending' }).lean();
    const failures: string[] = [];
    let delivered = 0;
    for (const msg of messages) {
      const body = JSON.stringify({ id: msg._id, type: msg.type, complaintId: msg.complaintId, recipients: msg.recipients, data: msg.data, createdAt: msg.createdAt });
      const signature = createHmac('sha256', deps.webhookSecret).update(body).digest('hex');
      const pendingUrls = deps.webhookUrls.filter((u) => !msg.deliveredTo.includes(u));
      for (const url of pendingUrls) {
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-qualityloop-event': msg.type,
              'x-qualityloop-delivery': msg._id,
              'x-qualityloop-signature': `sha256=${signature}`,
            },
            body,
            signal: AbortSignal.timeout(deps.webhookTimeoutMs ?? 10_000),
          });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          await models.Outbox.updateOne({ _id: msg._id }, { $addToSet: { deliveredTo: url } });
        } catch (err) {
          failures.push(`${msg._id} -> ${url}: ${(err as Error).message}`);
        }
      }
      const done = (await models.Outbox.findById(msg._id).lean())!;
      const allDone = deps.webhookUrls.every((u) => done.deliveredTo.includes(u));
      await models.Outbox.updateOne(
        { _id: msg._id },
        {
          $inc: { attempts: 1 },
          $set: allDone
            ? { status: 'delivered', deliveredAt: new Date(), lastError: null }
            : { lastError: failures.filter((f) => f.startsWith(`${msg._id} `)).join('; ') },
        },
      );
      if (allDone) delivered++;
    }
    if (failures.length > 0) {
      Context.current().log.warn('webhook delivery failed; Temporal will retry', { failures });
      throw new Error(`webhook delivery failed: ${failures.join('; ')}`);
    }
    return { delivered };
  }

  return { resolveSlaPolicies, recordTransitions, deliverNotifications };
}

export type ComplaintActivities = ReturnType<typeof createComplaintActivities>;
