/**
 * Activities of the complaint workflow: only I/O, each idempotent. Every write
 * is keyed by a deterministic id (complaint id + state version + index) and
 * done as an upsert, so Temporal's retries never duplicate a record, and the
 * read model is guarded by the state version so a late retry never overwrites
 * newer state.
 */
import { type Models, insertIfAbsent } from '../src/db/models';
import { type NotificationDeps, createNotificationDelivery } from './notifications';
import { recordAuditAndOutbox, writeReadModel } from './records';
import { recordCustomerMessages } from './customer-mail';
import { recordFollowUps } from '../src/services/follow-ups';
import type { BusinessCalendar } from '../src/domain/calendar';
import { type ComplaintState, type Transition, slaStatus } from '../src/domain/complaint';
import { type Channel, SEVERITIES, type Severity, type SlaPolicySnapshot, type SlaPolicyVersion, selectPolicy } from '../src/domain/sla-policy';
import { latestCalendars, latestPolicies } from '../src/db/catalog';
import { complaintRowOf } from '../src/db/complaint-rows';
import { factDocument, markAreaDaysDirty } from '../src/db/kpi-rollups';
import { type ComplaintFact, complaintFact } from '../src/domain/kpi';

export interface ComplaintActivityDeps extends NotificationDeps {
  models: Models;
}

export { type CustomerMailConfig } from './customer-mail';

export const complaintStream = (complaintId: string) => `complaint:${complaintId}`;

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

    const { outboxIds } = await recordAuditAndOutbox(models, { entityType: 'complaint', entityId: state.complaintId, stream }, transitions);
    // Customer email (when the worker has mail configured) and follow-up tasks: keyed like the outbox, so retries add nothing.
    const emailIds = deps.customerMail ? await recordCustomerMessages(models, deps.customerMail, state, transitions) : [];
    await recordFollowUps(models, state, transitions);
    // Frozen at intake and never changed: stored once, with the first transition.
    if (state.sla && transitions.some((t) => t.version === 1)) {
      await insertIfAbsent(models.ComplaintPolicies, [{ _id: state.complaintId, policiesJson: JSON.stringify(state.sla.policies) }]);
    }
    await writeComplaintReadModel(state);
    return { outboxIds: [...outboxIds, ...emailIds] };
  }

  async function writeComplaintReadModel(state: ComplaintState): Promise<void> {
    const doc = complaintDocument(state);
    // The row first: once the document shows a version, lists filter on that version or a newer one
    // (a list may briefly show a row's item at the previous version, never miss the item).
    await writeReadModel(models.ComplaintRow, state.complaintId, state.version, complaintRowOf(doc));
    await writeComplaintFact(models, complaintFact(state));
    await writeReadModel(models.Complaint, state.complaintId, state.version, doc);
  }

  return { resolveSlaPolicies, recordTransitions, deliverNotifications: createNotificationDelivery(deps) };
}

export type ComplaintActivities = ReturnType<typeof createComplaintActivities>;

/**
 * Stores a complaint's KPI fact (version-guarded like the read model), then
 * marks its area-day dirty so the rollups are recomputed. The mark comes after
 * the fact and is made on every call, also when the fact was already stored:
 * a retry after a crash between the two still marks the day.
 */
export async function writeComplaintFact(models: Models, fact: ComplaintFact): Promise<void> {
  await writeReadModel(models.ComplaintFact, fact.complaintId, fact.version, factDocument(fact));
  await markAreaDaysDirty(models, [{ areaId: fact.areaId, day: fact.day }]);
}

/** The `complaints` read-model document of a state (also what the benchmark stores, so its documents are real ones). */
export function complaintDocument(state: ComplaintState) {
  const sla = slaStatus(state, state.updatedAt);
  return {
    version: state.version,
    status: state.status,
    severity: state.severity,
    category: state.category,
    channel: state.channel,
    customerId: state.customer.id,
    ownerId: state.ownerId,
    firstResponderId: state.firstResponderId,
    queue: state.queue,
    areaId: state.serviceArea?.areaId ?? null,
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
    // The state outlives Temporal's history retention. The policies frozen at intake (one snapshot per
    // severity, two thirds of the state) are stored once in `complaint_policies`, not with every write.
    stateJson: JSON.stringify(state.sla ? { ...state, sla: { ...state.sla, policies: {} } } : state),
  };
}
