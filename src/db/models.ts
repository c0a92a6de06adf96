import mongoose, { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * MongoDB collections. Every write the engine makes is keyed by a
 * deterministic id (insert-if-absent, or an update by `_id`), so activity retries and HTTP retries never
 * duplicate a record and no multi-document transaction is needed (FerretDB,
 * our embedded dev database, has none).
 */

const opts = { versionKey: false as const, minimize: false, strict: 'throw' as const };

/** Read model of complaints: one document per complaint, written after every transition. */
const complaintSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The workflow's state version; a write with a lower version is ignored. */
    version: { type: Number, required: true },
    status: { type: String, required: true },
    severity: { type: String, required: true },
    category: { type: String, required: true },
    channel: { type: String, required: true },
    customerId: { type: String, required: true },
    ownerId: { type: String, default: null },
    firstResponderId: { type: String, default: null },
    queue: { type: String, default: null },
    /** The service area frozen at intake (`state.serviceArea.areaId`), null when none matched. */
    areaId: { type: String, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    resolvedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    sla: {
      policyId: { type: String, default: null },
      policyVersion: { type: Number, default: null },
      breached: { type: Boolean, default: false },
      paused: { type: Boolean, default: false },
      escalationLevel: { type: Number, default: 0 },
      nextDueAt: { type: Date, default: null },
      atRiskFrom: { type: Date, default: null },
    },
    /** nextDueAt in ms, or MAX_SAFE_INTEGER when no clock runs: sorts "no deadline" last. */
    dueSortKey: { type: Number, required: true },
    /**
     * The workflow state as JSON text, so the record outlives Temporal's history
     * retention. Text, not a sub-document: no query looks inside it, and the
     * embedded store decodes a nested document field by field on every read
     * (a 3 kB state cost ~2.5 ms per read as a document, a fraction as text).
     * Its `sla.policies` (frozen at intake) live in `complaint_policies`.
     */
    stateJson: { type: String, required: true },
  },
  { ...opts, collection: 'complaints' },
);

/**
 * What complaint lists filter and sort on: one small row per complaint (no
 * state), written with the full document above and version-guarded like it.
 * Lists read rows, then the page's full documents by `_id`. Keeping the rows
 * small and every list filter a top-level equality is what keeps a queue page
 * cheap on the embedded store, which sorts in memory whatever the filter
 * matches (docs/decisions.md, "Embedded store").
 */
const complaintRowSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    status: { type: String, required: true },
    /** Not closed or cancelled: the work in hand. */
    active: { type: Boolean, required: true },
    severity: { type: String, required: true },
    category: { type: String, required: true },
    channel: { type: String, required: true },
    ownerId: { type: String, default: null },
    firstResponderId: { type: String, default: null },
    /** Owner and first responder: the people it is assigned to (one equality instead of an $or). */
    assignees: { type: [String], default: [] },
    /** The complaint's queue, `general` when none was set (src/domain/access.ts). */
    queue: { type: String, required: true },
    /** The queue whose agents may take it: its queue while nobody owns it, else null. */
    openToQueue: { type: String, default: null },
    /** The service area frozen at intake, null when none matched (backlog by area). */
    areaId: { type: String, default: null },
    breached: { type: Boolean, required: true },
    atRiskFrom: { type: Date, default: null },
    nextDueAt: { type: Date, default: null },
    dueSortKey: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { ...opts, collection: 'complaint_rows' },
);
// Leading fields are the equality filters of GET /complaints; each index ends in the page order.
complaintRowSchema.index({ dueSortKey: 1, _id: 1 });
// Severity, category and breached are left to the other indexes: they only narrow a queue further, and
// every index costs each row write (on the embedded store two: FerretDB's btree and its GIN companion).
for (const field of ['status', 'active', 'ownerId', 'assignees', 'queue', 'openToQueue', 'areaId']) {
  complaintRowSchema.index({ [field]: 1, dueSortKey: 1, _id: 1 });
}

/**
 * The SLA policy snapshots a complaint froze at intake, one per severity, written
 * once. Kept apart from `complaints` because they never change and only the SLA
 * timeline reads them, while every read of a complaint would carry them (they
 * are two thirds of its state). `_id` = complaint id.
 */
const complaintPoliciesSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** JSON text of the snapshots by severity (text for the reason given at `complaints.stateJson`). */
    policiesJson: { type: String, required: true },
  },
  { ...opts, collection: 'complaint_policies' },
);

/** Attributed, append-only record of every transition. `_id` = `${stream}:${seq}`. */
const auditEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    stream: { type: String, required: true },
    seq: { type: Number, required: true },
    entityType: { type: String, required: true },
    entityId: { type: String, required: true },
    action: { type: String, required: true },
    actor: { id: { type: String, required: true }, role: { type: String, required: true } },
    at: { type: Date, required: true },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
    details: { type: Schema.Types.Mixed, default: {} },
    /** Hash of the stream's previous event (null for seq 1) and this event's own hash: see src/domain/audit-chain.ts. */
    prevHash: { type: String, default: null },
    hash: { type: String, required: true },
    /** When the store received it (not hashed: a retried write may differ); digests use it to find new events. */
    recordedAt: { type: Date, required: true },
  },
  { ...opts, collection: 'audit_events' },
);
auditEventSchema.index({ stream: 1, seq: 1 }, { unique: true });
auditEventSchema.index({ entityId: 1, at: 1 });
auditEventSchema.index({ 'actor.id': 1, at: 1 });
auditEventSchema.index({ at: 1, _id: 1 });
auditEventSchema.index({ recordedAt: 1 });

/**
 * Signed audit digests, chained (`prevHash`); `_id` = seq. See
 * src/domain/audit-chain.ts for what is signed.
 */
const auditDigestSchema = new Schema(
  {
    _id: { type: Number, required: true },
    seq: { type: Number, required: true },
    cutoff: { type: String, required: true },
    createdAt: { type: String, required: true },
    prevHash: { type: String, default: null },
    root: { type: String, required: true },
    streamCount: { type: Number, required: true },
    changedHeads: { type: [{ _id: false, stream: String, seq: Number, hash: String }], default: [] },
    keyId: { type: String, required: true },
    hash: { type: String, required: true },
    signature: { type: String, required: true },
  },
  { ...opts, collection: 'audit_digests' },
);

/** Working table of the digest job: every stream's head as of the latest digest. `_id` = stream. */
const auditHeadSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    hash: { type: String, required: true },
  },
  { ...opts, collection: 'audit_heads' },
);

/** Notifications waiting for (or done with) webhook delivery. `_id` = `${entityId}:${version}:${n}`. */
const outboxSchema = new Schema(
  {
    _id: { type: String, required: true },
    type: { type: String, required: true },
    /**
     * `webhook` (default): POSTed to every configured webhook. `email`: one customer message,
     * sent over SMTP to the customer's current contact (data: kind, language, link claims).
     */
    channel: { type: String, enum: ['webhook', 'email'], default: 'webhook' },
    /** Exactly one of complaintId / cycleId / reviewId / campaignId is set. */
    complaintId: { type: String, default: null },
    cycleId: { type: String, default: null },
    reviewId: { type: String, default: null },
    campaignId: { type: String, default: null },
    recipients: { userIds: [String], roles: [String] },
    data: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
    /** `cancelled`: an email that will never be sent (contact erased or missing, invitation link revoked; lastError says which). */
    status: { type: String, enum: ['pending', 'delivered', 'cancelled'], required: true },
    deliveredTo: { type: [String], default: [] },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    deliveredAt: { type: Date, default: null },
    /** email: the Message-ID sent (stable per message) and the relay's final reply (its queue id). */
    messageId: { type: String, default: null },
    smtpResponse: { type: String, default: null },
    /** email: set when the relay refused the message for good (5xx to RCPT TO/DATA); it stays pending with the reply in lastError and is not retried. */
    gaveUpAt: { type: Date, default: null },
  },
  { ...opts, collection: 'outbox' },
);
outboxSchema.index({ status: 1, createdAt: 1 });
outboxSchema.index({ campaignId: 1 });
outboxSchema.index({ complaintId: 1 });
outboxSchema.index({ cycleId: 1 });

/**
 * Read model of improvement cycles: one document per cycle, written after
 * every transition (version-guarded like complaints). The state is stored
 * without its measurements, which live in `cycle_measurements`.
 */
const cycleSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    type: { type: String, required: true },
    title: { type: String, required: true },
    area: { type: String, required: true },
    phase: { type: String, required: true },
    status: { type: String, required: true },
    iteration: { type: Number, required: true },
    ownerId: { type: String, required: true },
    sponsorId: { type: String, required: true },
    /** The goal's deadline; "overdue" = past it while still active. */
    deadline: { type: Date, required: true },
    gateStatus: { type: String, required: true },
    measurementCount: { type: Number, required: true },
    parentCycleId: { type: String, default: null },
    /**
     * A metric bound to live data: its area and filter (dimension and value, null for the whole
     * area), and whether the cycle is still open, top-level so a complaint finds the open cycles
     * working on its area by equality (`{ boundAreaId, active: true }`).
     */
    boundAreaId: { type: String, default: null },
    boundDimension: { type: String, default: null },
    boundValue: { type: String, default: null },
    active: { type: Boolean, default: true },
    /** Everyone with a part in the cycle (src/domain/access.ts), for object-level filtering of lists. */
    participants: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    closedAt: { type: Date, default: null },
    /** The state without its measurements, as JSON text (see `complaints.stateJson`). */
    stateJson: { type: String, required: true },
  },
  { ...opts, collection: 'cycles' },
);
cycleSchema.index({ participants: 1, createdAt: -1, _id: -1 });
cycleSchema.index({ createdAt: -1, _id: -1 });
cycleSchema.index({ ownerId: 1, createdAt: -1, _id: -1 });
cycleSchema.index({ sponsorId: 1, createdAt: -1, _id: -1 });
cycleSchema.index({ status: 1, deadline: 1 });
cycleSchema.index({ boundAreaId: 1, active: 1 });
// The open cycles by phase for the metrics gauges (src/services/metrics-figures.ts): one equality, leading.
cycleSchema.index({ active: 1 });

/** Every measurement of every cycle. `_id` = `${cycleId}:${seq}`. */
const cycleMeasurementSchema = new Schema(
  {
    _id: { type: String, required: true },
    cycleId: { type: String, required: true },
    seq: { type: Number, required: true },
    value: { type: Number, required: true },
    sampleSize: { type: Number, default: null },
    at: { type: Date, required: true },
    note: { type: String, default: null },
    by: { type: String, required: true },
    stage: { type: String, required: true },
    iteration: { type: Number, required: true },
    /** The KPI period of a bound metric's measurement; null for one entered by hand. */
    period: { type: String, default: null },
  },
  { ...opts, collection: 'cycle_measurements' },
);
cycleMeasurementSchema.index({ cycleId: 1, seq: 1 }, { unique: true });

const versioned = {
  _id: { type: String, required: true },
  version: { type: Number, required: true },
  createdAt: { type: Date, required: true },
  createdBy: { type: String, required: true },
};

/** SLA policy versions; `_id` = `${policyId}@${version}`. A new version never rewrites an old one. */
const slaPolicySchema = new Schema(
  {
    ...versioned,
    policyId: { type: String, required: true },
    name: { type: String, required: true },
    match: { type: Schema.Types.Mixed, required: true },
    targets: { type: Schema.Types.Mixed, required: true },
    calendarId: { type: String, required: true },
    pauseOnAwaitingCustomer: { type: Boolean, required: true },
    warningThresholds: { type: [Number], required: true },
    escalation: { type: Schema.Types.Mixed, required: true },
    reopenWindowMinutes: { type: Number, required: true },
    confirmationWindowMinutes: { type: Number, required: true },
    /** Absent on versions saved before the setting: read as false (`toPolicy`). */
    askNps: { type: Boolean, default: false },
  },
  { ...opts, collection: 'sla_policies' },
);
slaPolicySchema.index({ policyId: 1, version: -1 }, { unique: true });

/** Business calendar versions; `_id` = `${calendarId}@${version}`. */
const calendarSchema = new Schema(
  {
    ...versioned,
    calendarId: { type: String, required: true },
    name: { type: String, required: true },
    timeZone: { type: String, required: true },
    weeklyHours: { type: Schema.Types.Mixed, required: true },
    holidays: { type: [String], required: true },
  },
  { ...opts, collection: 'calendars' },
);
calendarSchema.index({ calendarId: 1, version: -1 }, { unique: true });

const userSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true },
    /** Complaint queues an agent works (see src/domain/access.ts). */
    queues: { type: [String], default: ['general'] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, default: null },
    /** A disabled user's keys stop working; the user stays for the audit trail. */
    disabledAt: { type: Date, default: null },
    /** `oidc` for a user provisioned by an OpenID Connect sign-in (kept in step with the provider's claims); null for a local user. */
    source: { type: String, default: null },
  },
  { ...opts, collection: 'users' },
);

/** API keys, stored only as a peppered HMAC-SHA256 (`_id`); the key itself is shown once. */
const apiKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Public identifier (to list and revoke a key without ever handling it). */
    keyId: { type: String, required: true },
    userId: { type: String, required: true },
    label: { type: String, default: null },
    /** Hash of (admin, user, Idempotency-Key) of the request that issued it: a retry is recognised, not re-issued. */
    issueRequestId: { type: String, default: null },
    prefix: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { ...opts, collection: 'api_keys' },
);
apiKeySchema.index({ userId: 1 });
apiKeySchema.index({ keyId: 1 }, { unique: true });

/**
 * Password credentials of people (sign-in to the web app), kept apart from `users` so no user
 * view can ever carry a hash. `_id` = user id; argon2id hash (src/services/passwords.ts), and the
 * lockout counter of failed sign-ins.
 */
const credentialSchema = new Schema(
  {
    _id: { type: String, required: true },
    passwordHash: { type: String, required: true },
    updatedAt: { type: Date, required: true },
    /** Failed sign-ins since the last success (or reset); at the configured limit the account locks. */
    failedAttempts: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
  },
  { ...opts, collection: 'credentials' },
);

/**
 * Signed-in browser sessions (src/services/sessions.ts). `_id` = SHA-256 of the random
 * token that only the cookie holds, so a copy of this collection cannot be replayed.
 */
const sessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    /** Synchronizer token: cookie-authenticated writes must send it in `x-csrf-token`. */
    csrfToken: { type: String, required: true },
    /** How the user signed in: `password` or `oidc`. */
    method: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    /** Absolute end, whatever the activity. */
    expiresAt: { type: Date, required: true },
    /** Sliding end, moved forward by use (at most once a minute). */
    idleExpiresAt: { type: Date, required: true },
  },
  { ...opts, collection: 'sessions' },
);
sessionSchema.index({ userId: 1 });
sessionSchema.index({ expiresAt: 1 });

/**
 * OIDC sign-ins in flight (between the redirect to the provider and its callback): state,
 * nonce and PKCE verifier kept server-side. `_id` = state; short-lived (src/services/oidc.ts).
 */
const oidcLoginSchema = new Schema(
  {
    _id: { type: String, required: true },
    nonce: { type: String, required: true },
    codeVerifier: { type: String, required: true },
    returnTo: { type: String, default: null },
    expiresAt: { type: Date, required: true },
  },
  { ...opts, collection: 'oidc_logins' },
);
oidcLoginSchema.index({ expiresAt: 1 });

/**
 * Rate-limit windows shared by every API process (src/services/rate-limits.ts): the
 * documents of rate-limiter-flexible's Mongo store, one per limiter and key. FerretDB v1
 * has no TTL indexes, so the API deletes expired windows itself (the `expire` index).
 */
const rateLimitSchema = new Schema(
  {
    key: { type: String, required: true },
    points: { type: Number, required: true },
    expire: { type: Date, default: null },
  },
  { ...opts, collection: 'rate_limits' },
);
rateLimitSchema.index({ key: 1 }, { unique: true });
rateLimitSchema.index({ expire: 1 });

// ------------------------------------------------ the quality loop (service areas, KPIs, triggers, reviews)

/** Service area versions; `_id` = `${areaId}@${version}` (src/domain/service-area.ts). */
const serviceAreaSchema = new Schema(
  {
    ...versioned,
    areaId: { type: String, required: true },
    name: { type: String, required: true },
    match: { type: Schema.Types.Mixed, required: true },
    processOwnerId: { type: String, required: true },
    calendarId: { type: String, required: true },
    volumeUnit: { type: String, required: true },
    causes: { type: Schema.Types.Mixed, required: true },
    objectives: { type: Schema.Types.Mixed, required: true },
    review: { type: Schema.Types.Mixed, required: true },
  },
  { ...opts, collection: 'service_areas' },
);
serviceAreaSchema.index({ areaId: 1, version: -1 }, { unique: true });

/** Service volume (the denominator of complaint rates), one per area and day: `_id` = `${areaId}|${day}`; a new value replaces the old. */
const serviceVolumeSchema = new Schema(
  {
    _id: { type: String, required: true },
    areaId: { type: String, required: true },
    /** YYYY-MM-DD in the area's time zone. */
    day: { type: String, required: true },
    volume: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { ...opts, collection: 'service_volumes' },
);
serviceVolumeSchema.index({ areaId: 1 });

/**
 * One KPI fact per complaint (src/domain/kpi.ts `complaintFact`), written by
 * the persistence activity with the read model, version-guarded. `_id` =
 * complaint id; `areaDay` = `${areaId}|${day}` of its intake, the key the
 * rollups are recomputed by.
 */
const complaintFactSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    areaId: { type: String, required: true },
    day: { type: String, required: true },
    areaDay: { type: String, required: true },
    /** The fact as JSON text (see `complaints.stateJson`). */
    factJson: { type: String, required: true },
  },
  { ...opts, collection: 'complaint_facts' },
);
complaintFactSchema.index({ areaDay: 1 });

/**
 * KPI rollups: the sums of one (area, dimension value, day), recomputed from
 * the facts of that area-day and replaced whole (never incremented), so a
 * retried or repeated recomputation never double counts. `_id` =
 * `${series}|${day}`; `series` = `${areaId}|${dimension}|${value}`.
 */
const kpiRollupSchema = new Schema(
  {
    _id: { type: String, required: true },
    series: { type: String, required: true },
    areaId: { type: String, required: true },
    areaDay: { type: String, required: true },
    day: { type: String, required: true },
    /** The KpiCell as JSON text. */
    cellJson: { type: String, required: true },
    /**
     * Counts by severity of each category, cause and channel in the cell, as JSON text
     * (src/db/kpi-rollups.ts `Breakdown`): what a Pareto of the series reads.
     */
    breakdownJson: { type: String, required: true },
  },
  { ...opts, collection: 'kpi_rollups' },
);
kpiRollupSchema.index({ series: 1 });
kpiRollupSchema.index({ areaDay: 1 });

/**
 * Area-days whose facts changed since their rollups were computed. `_id` =
 * areaDay. Every change sets a new random `seq`; a refresher deletes the marker
 * only if `seq` is still the one it read (src/db/kpi-rollups.ts).
 */
const kpiDirtySchema = new Schema(
  {
    _id: { type: String, required: true },
    areaId: { type: String, required: true },
    day: { type: String, required: true },
    seq: { type: Number, required: true },
  },
  { ...opts, collection: 'kpi_dirty' },
);

/** Improvement trigger versions; `_id` = `${triggerId}@${version}`. */
const improvementTriggerSchema = new Schema(
  {
    ...versioned,
    triggerId: { type: String, required: true },
    areaId: { type: String, required: true },
    /** The rest of the definition (src/domain/trigger.ts) as stored. */
    definition: { type: Schema.Types.Mixed, required: true },
  },
  { ...opts, collection: 'improvement_triggers' },
);
improvementTriggerSchema.index({ triggerId: 1, version: -1 }, { unique: true });
improvementTriggerSchema.index({ areaId: 1 });

/** Last evaluation of each trigger and the cycle it keeps open per subject. `_id` = triggerId. */
const triggerStatusSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The last scheduled evaluation (src/services/triggers.ts `TriggerLastRun`); dry runs never write it. */
    lastRun: { type: Schema.Types.Mixed, default: null },
    /**
     * Per subject, the latest cycle the trigger opened for it and how many it has opened (the next
     * cycle id derives from that count). A list, not a map: subjects hold dimension values, and a
     * `.` or `$` in a field name is not safe in every store.
     */
    openCycles: { type: [{ _id: false, subject: String, cycleId: String, openedAt: Date, opened: Number }], default: [] },
    updatedAt: { type: Date, required: true },
  },
  { ...opts, collection: 'trigger_status' },
);

/**
 * Every signal a trigger acted on (a cycle opened, or evidence added to the open one), for the quality
 * reviews' "signals since the last review". `_id` = `${triggerId}|${subject}|${period}`: one per signal.
 */
const triggerEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    triggerId: { type: String, required: true },
    triggerVersion: { type: Number, required: true },
    areaId: { type: String, required: true },
    subject: { type: String, required: true },
    period: { type: String, required: true },
    outcome: { type: String, enum: ['opened', 'evidence_added'], required: true },
    cycleId: { type: String, required: true },
    summary: { type: String, required: true },
    /** The evaluation run that acted (its `now`): a retry of that run recognises its own event. */
    at: { type: Date, required: true },
  },
  { ...opts, collection: 'trigger_events' },
);
triggerEventSchema.index({ areaId: 1 });

/** Read model of quality reviews (one workflow each), version-guarded. `_id` = review id. */
const qualityReviewSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    areaId: { type: String, required: true },
    period: { type: String, required: true },
    status: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    stateJson: { type: String, required: true },
  },
  { ...opts, collection: 'quality_reviews' },
);
qualityReviewSchema.index({ areaId: 1, createdAt: -1, _id: -1 });
qualityReviewSchema.index({ createdAt: -1, _id: -1 });


// ------------------------------------------------------------ voice of the customer

/** A customer's contact (src/domain/customer.ts): personal data lives here only, so it can be erased. */
const customerSchema = new Schema(
  {
    _id: { type: String, required: true },
    email: { type: String, default: null },
    name: { type: String, default: null },
    language: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    erasedAt: { type: Date, default: null },
    erasedBy: { type: String, default: null },
  },
  { ...opts, collection: 'customers' },
);

/** A customer link record (src/domain/customer-link.ts): what a token's signature cannot say, revocation. */
const customerLinkSchema = new Schema(
  {
    _id: { type: String, required: true },
    subject: { type: String, enum: ['complaint', 'invitation'], required: true },
    subjectId: { type: String, required: true },
    customerId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    revokedAt: { type: Date, default: null },
    revokedBy: { type: String, default: null },
  },
  { ...opts, collection: 'customer_links' },
);
customerLinkSchema.index({ subjectId: 1 });

/** A follow-up task: a supervisor callback opened by a low CSAT with reason codes. `_id` = `fu_<complaintId>_<version>`. */
const followUpSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ['callback'], required: true },
    complaintId: { type: String, required: true },
    customerId: { type: String, required: true },
    areaId: { type: String, default: null },
    rating: { type: Number, required: true },
    reasons: { type: [String], default: [] },
    status: { type: String, enum: ['open', 'done'], required: true },
    createdAt: { type: Date, required: true },
    completedAt: { type: Date, default: null },
    completedBy: { type: String, default: null },
    outcome: { type: String, default: null },
  },
  { ...opts, collection: 'follow_ups' },
);
followUpSchema.index({ status: 1 });
followUpSchema.index({ complaintId: 1 });

/** One version of a survey definition (src/domain/survey.ts). `_id` = `${surveyId}:${version}`. */
const surveyDefinitionSchema = new Schema(
  {
    _id: { type: String, required: true },
    surveyId: { type: String, required: true },
    version: { type: Number, required: true },
    kind: { type: String, required: true },
    title: { type: String, required: true },
    definitionJson: { type: String, required: true },
    /** Version 1 only: hash of the creating request, so a retry with the same Idempotency-Key is recognised. */
    requestHash: { type: String, default: null },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
  },
  { ...opts, collection: 'survey_definitions' },
);
surveyDefinitionSchema.index({ surveyId: 1 });

/** A survey campaign; its lifecycle runs in `surveyCampaignWorkflow` (send, remind once, close, compute). */
const surveyCampaignSchema = new Schema(
  {
    _id: { type: String, required: true },
    surveyId: { type: String, required: true },
    surveyVersion: { type: Number, required: true },
    kind: { type: String, required: true },
    title: { type: String, required: true },
    areaId: { type: String, default: null },
    audienceJson: { type: String, required: true },
    startsAt: { type: Date, required: true },
    remindAt: { type: Date, default: null },
    endsAt: { type: Date, required: true },
    status: { type: String, enum: ['scheduled', 'open', 'closed'], required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    requestHash: { type: String, default: null },
    openedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    invited: { type: Number, default: 0 },
    reminded: { type: Number, default: 0 },
  },
  { ...opts, collection: 'survey_campaigns' },
);
surveyCampaignSchema.index({ status: 1 });

/** One customer invited to one campaign. `_id` = `inv_` + hash(campaignId, customerId): a customer is invited once. */
const surveyInvitationSchema = new Schema(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    customerId: { type: String, required: true },
    complaintId: { type: String, default: null },
    linkId: { type: String, required: true },
    language: { type: String, required: true },
    createdAt: { type: Date, required: true },
    sentAt: { type: Date, default: null },
    remindedAt: { type: Date, default: null },
  },
  { ...opts, collection: 'survey_invitations' },
);
surveyInvitationSchema.index({ campaignId: 1 });

/** The one response of an invitation (`_id` = invitation id): partial answers are saved, `complete` freezes it. */
const surveyResponseSchema = new Schema(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    customerId: { type: String, required: true },
    answersJson: { type: String, required: true },
    complete: { type: Boolean, required: true },
    updatedAt: { type: Date, required: true },
    completedAt: { type: Date, default: null },
    /** The last Idempotency-Keys applied through the invitation link: a late retry never overwrites newer answers. */
    requestKeys: { type: [String], default: [] },
  },
  { ...opts, collection: 'survey_responses' },
);
surveyResponseSchema.index({ campaignId: 1 });

/** What one completed survey response contributes to the KPIs (src/domain/survey-facts.ts). `_id` = response id. */
const surveyFactSchema = new Schema(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    areaId: { type: String, required: true },
    /** Completion day, YYYY-MM-DD in the area's zone. */
    day: { type: String, required: true },
    /** `${areaId}|${day}`: the key the KPI rollups of that area-day read the facts by (as `complaint_facts.areaDay`). */
    areaDay: { type: String, required: true },
    kind: { type: String, required: true },
    csat: { type: Number, default: null },
    nps: { type: Number, default: null },
    /** Per SERVQUAL dimension, this respondent's mean gap (P − E); null for other kinds. */
    servqualGaps: { type: Schema.Types.Mixed, default: null },
    recordedAt: { type: Date, required: true },
  },
  { ...opts, collection: 'survey_facts' },
);
surveyFactSchema.index({ areaId: 1, day: 1 });
// One top-level equality, which the embedded store serves from an index (docs/decisions.md, Embedded store).
surveyFactSchema.index({ areaDay: 1 });

/** A campaign's results as computed when it closed (`_id` = campaign id). */
const surveyResultSchema = new Schema(
  {
    _id: { type: String, required: true },
    resultsJson: { type: String, required: true },
    computedAt: { type: Date, required: true },
  },
  { ...opts, collection: 'survey_results' },
);

export type ComplaintDoc = InferSchemaType<typeof complaintSchema>;

/**
 * The workflow state stored in a read-model document (`complaints`, `cycles`): JSON text in
 * `stateJson`; documents written by older versions hold it as a sub-document, `state`.
 */
export function storedState<T>(doc: { stateJson?: string | null; state?: unknown }): T {
  return (typeof doc.stateJson === 'string' ? JSON.parse(doc.stateJson) : doc.state) as T;
}
export type ComplaintRowDoc = InferSchemaType<typeof complaintRowSchema>;
export type ComplaintPoliciesDoc = InferSchemaType<typeof complaintPoliciesSchema>;
export type AuditEventDoc = InferSchemaType<typeof auditEventSchema>;
export type OutboxDoc = InferSchemaType<typeof outboxSchema>;
export type AuditDigestDoc = InferSchemaType<typeof auditDigestSchema>;
export type AuditHeadDoc = InferSchemaType<typeof auditHeadSchema>;
export type CycleDoc = InferSchemaType<typeof cycleSchema>;
export type CycleMeasurementDoc = InferSchemaType<typeof cycleMeasurementSchema>;
export type SlaPolicyDoc = InferSchemaType<typeof slaPolicySchema>;
export type CalendarDoc = InferSchemaType<typeof calendarSchema>;
export type UserDoc = InferSchemaType<typeof userSchema>;
export type ApiKeyDoc = InferSchemaType<typeof apiKeySchema>;
export type CredentialDoc = InferSchemaType<typeof credentialSchema>;
export type SessionDoc = InferSchemaType<typeof sessionSchema>;
export type OidcLoginDoc = InferSchemaType<typeof oidcLoginSchema>;
export type RateLimitDoc = InferSchemaType<typeof rateLimitSchema>;
export type ServiceAreaDoc = InferSchemaType<typeof serviceAreaSchema>;
export type ServiceVolumeDoc = InferSchemaType<typeof serviceVolumeSchema>;
export type ComplaintFactDoc = InferSchemaType<typeof complaintFactSchema>;
export type KpiRollupDoc = InferSchemaType<typeof kpiRollupSchema>;
export type KpiDirtyDoc = InferSchemaType<typeof kpiDirtySchema>;
export type ImprovementTriggerDoc = InferSchemaType<typeof improvementTriggerSchema>;
export type TriggerStatusDoc = InferSchemaType<typeof triggerStatusSchema>;
export type QualityReviewDoc = InferSchemaType<typeof qualityReviewSchema>;
export type TriggerEventDoc = InferSchemaType<typeof triggerEventSchema>;
export type CustomerDoc = InferSchemaType<typeof customerSchema>;
export type CustomerLinkDoc = InferSchemaType<typeof customerLinkSchema>;
export type FollowUpDoc = InferSchemaType<typeof followUpSchema>;
export type SurveyDefinitionDoc = InferSchemaType<typeof surveyDefinitionSchema>;
export type SurveyCampaignDoc = InferSchemaType<typeof surveyCampaignSchema>;
export type SurveyInvitationDoc = InferSchemaType<typeof surveyInvitationSchema>;
export type SurveyResponseDoc = InferSchemaType<typeof surveyResponseSchema>;
export type SurveyResultDoc = InferSchemaType<typeof surveyResultSchema>;
export type SurveyFactDoc = InferSchemaType<typeof surveyFactSchema>;

export interface Models {
  connection: Connection;
  Complaint: Model<ComplaintDoc>;
  ComplaintRow: Model<ComplaintRowDoc>;
  ComplaintPolicies: Model<ComplaintPoliciesDoc>;
  AuditEvent: Model<AuditEventDoc>;
  AuditDigest: Model<AuditDigestDoc>;
  AuditHead: Model<AuditHeadDoc>;
  Outbox: Model<OutboxDoc>;
  Cycle: Model<CycleDoc>;
  CycleMeasurement: Model<CycleMeasurementDoc>;
  SlaPolicy: Model<SlaPolicyDoc>;
  Calendar: Model<CalendarDoc>;
  User: Model<UserDoc>;
  ApiKey: Model<ApiKeyDoc>;
  Credential: Model<CredentialDoc>;
  Session: Model<SessionDoc>;
  OidcLogin: Model<OidcLoginDoc>;
  RateLimit: Model<RateLimitDoc>;
  ServiceArea: Model<ServiceAreaDoc>;
  ServiceVolume: Model<ServiceVolumeDoc>;
  ComplaintFact: Model<ComplaintFactDoc>;
  KpiRollup: Model<KpiRollupDoc>;
  KpiDirty: Model<KpiDirtyDoc>;
  ImprovementTrigger: Model<ImprovementTriggerDoc>;
  TriggerStatus: Model<TriggerStatusDoc>;
  QualityReview: Model<QualityReviewDoc>;
  TriggerEvent: Model<TriggerEventDoc>;
  Customer: Model<CustomerDoc>;
  CustomerLink: Model<CustomerLinkDoc>;
  FollowUp: Model<FollowUpDoc>;
  SurveyDefinition: Model<SurveyDefinitionDoc>;
  SurveyCampaign: Model<SurveyCampaignDoc>;
  SurveyInvitation: Model<SurveyInvitationDoc>;
  SurveyResponse: Model<SurveyResponseDoc>;
  SurveyResult: Model<SurveyResultDoc>;
  SurveyFact: Model<SurveyFactDoc>;
}

/**
 * Opens a connection and makes sure every index exists. Times out instead of
 * hanging when the database is unreachable.
 */
export async function connectDatabase(uri: string, options: { serverSelectionTimeoutMS?: number } = {}): Promise<Models> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000,
    autoIndex: false,
    autoCreate: false,
  });
  await connection.asPromise();
  const models: Models = {
    connection,
    Complaint: connection.model('Complaint', complaintSchema),
    ComplaintRow: connection.model('ComplaintRow', complaintRowSchema),
    ComplaintPolicies: connection.model('ComplaintPolicies', complaintPoliciesSchema),
    AuditEvent: connection.model('AuditEvent', auditEventSchema),
    AuditDigest: connection.model('AuditDigest', auditDigestSchema),
    AuditHead: connection.model('AuditHead', auditHeadSchema),
    Outbox: connection.model('Outbox', outboxSchema),
    Cycle: connection.model('Cycle', cycleSchema),
    CycleMeasurement: connection.model('CycleMeasurement', cycleMeasurementSchema),
    SlaPolicy: connection.model('SlaPolicy', slaPolicySchema),
    Calendar: connection.model('Calendar', calendarSchema),
    User: connection.model('User', userSchema),
    ApiKey: connection.model('ApiKey', apiKeySchema),
    Credential: connection.model('Credential', credentialSchema),
    Session: connection.model('Session', sessionSchema),
    OidcLogin: connection.model('OidcLogin', oidcLoginSchema),
    RateLimit: connection.model('RateLimit', rateLimitSchema),
    ServiceArea: connection.model('ServiceArea', serviceAreaSchema),
    ServiceVolume: connection.model('ServiceVolume', serviceVolumeSchema),
    ComplaintFact: connection.model('ComplaintFact', complaintFactSchema),
    KpiRollup: connection.model('KpiRollup', kpiRollupSchema),
    KpiDirty: connection.model('KpiDirty', kpiDirtySchema),
    ImprovementTrigger: connection.model('ImprovementTrigger', improvementTriggerSchema),
    TriggerStatus: connection.model('TriggerStatus', triggerStatusSchema),
    QualityReview: connection.model('QualityReview', qualityReviewSchema),
    TriggerEvent: connection.model('TriggerEvent', triggerEventSchema),
    Customer: connection.model('Customer', customerSchema),
    CustomerLink: connection.model('CustomerLink', customerLinkSchema),
    FollowUp: connection.model('FollowUp', followUpSchema),
    SurveyDefinition: connection.model('SurveyDefinition', surveyDefinitionSchema),
    SurveyCampaign: connection.model('SurveyCampaign', surveyCampaignSchema),
    SurveyInvitation: connection.model('SurveyInvitation', surveyInvitationSchema),
    SurveyResponse: connection.model('SurveyResponse', surveyResponseSchema),
    SurveyResult: connection.model('SurveyResult', surveyResultSchema),
    SurveyFact: connection.model('SurveyFact', surveyFactSchema),
  };
  for (const model of Object.values(models)) {
    if (model === connection) continue;
    await (model as Model<unknown>).createCollection().catch(ignoreExists);
    await (model as Model<unknown>).createIndexes();
  }
  return models;
}

function ignoreExists(err: { code?: number; codeName?: string }): void {
  if (err?.code === 48 || err?.codeName === 'NamespaceExists') return;
  throw err;
}

export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/**
 * Records that a one-off backfill finished. Worker replicas start together and may
 * all run the same (idempotent) backfill: a duplicate key here means another replica
 * has just recorded the same marker, which is success.
 */
export async function markBackfillDone(models: Models, marker: string): Promise<void> {
  await models.connection
    .collection<{ _id: string; at: Date }>('migrations')
    .updateOne({ _id: marker }, { $set: { at: new Date() } }, { upsert: true })
    .catch((err: unknown) => {
      if (!isDuplicateKeyError(err)) throw err;
    });
}

/**
 * Inserts documents whose `_id` is deterministic; documents already stored
 * (an activity retry) are left as they are. Plain inserts rather than
 * upserts: FerretDB v1 answers an upsert that creates a document with a
 * collection scan, while an insert is a keyed write on every store.
 */
export async function insertIfAbsent<T>(model: Model<T>, docs: Record<string, unknown>[]): Promise<{ inserted: number }> {
  if (docs.length === 0) return { inserted: 0 };
  try {
    const res = await model.collection.insertMany(docs, { ordered: false });
    return { inserted: res.insertedCount };
  } catch (err) {
    const writeErrors = (err as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    if (list.length === 0 || list.some((e) => e.code !== 11000)) throw err;
    return { inserted: docs.length - list.length };
  }
}
