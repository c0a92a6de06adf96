/**
 * Every route of the API as data for the access matrix
 * (test/integration/access-matrix.test.ts): for each `METHOD /path` that
 * buildRoutes returns, how to build
 *
 * - `accepted(ctx, caller)`: a request the caller, whose role holds the
 *   route's permission, gets accepted (2xx). A scoped caller (an agent on
 *   complaints, anyone but admin/auditor on cycles) gets an object in their
 *   scope. An action that moves an object to another state gets an object on
 *   which it is a valid transition for this caller: a fresh complaint, or a
 *   cycle from the cycle lab (below) in the right phase. Actions that can be
 *   repeated (a note, a measurement, an artefact) reuse a shared object.
 * - `outsideScope(ctx, caller)`: the same request on an object outside a
 *   scoped caller's scope (routes about one complaint or one cycle).
 * - `probe(ctx)`: a well-formed request on existing fixtures, sent by roles
 *   lacking the permission and without a valid key.
 *
 * Building `outsideScope` and `probe` requests writes nothing, so a test can
 * snapshot the database around them. `target` names the object a request
 * reads or changes, for that snapshot (see `footprint`).
 */
import { actionSlug } from '../../src/api/routes/complaints';
import type { CommandType } from '../../src/domain/complaint';
import { type CycleCommandType, type CycleType, DMAIC_PHASES, PDCA_PHASES, type Phase } from '../../src/domain/cycle';
import { createAuditActivities } from '../../activities/audit';
import { type ComplaintAccessView, DEFAULT_QUEUE, type Principal, cycleParticipants, isAssigned } from '../../src/domain/access';
import type { Role } from '../../src/domain/actors';
import { digestSigner } from '../../src/services/audit-keys';
import { ADMIN_ENDPOINTS, type AdminTarget } from './admin-endpoints';
import { customerEntries } from './endpoints-customers';
import { followUpEntries } from './endpoints-follow-ups';
import { surveyEntries } from './endpoints-surveys';
import type { ApiStack, CallResult } from './api';
import { ACTION_DUE, VALID_ACTION_BODIES, validCycle } from './cycle-endpoints';
import { ALWAYS, WEEKDAYS_UTC, policy } from './fixtures';
import { eventually, uniqueId } from './stack';
import { areaDefinition, lastEndedMonth, seedArea } from './review-fixtures';

type View = Record<string, any>;

/** The demo user who stands for each role in the matrix. */
export const DEMO_USER_OF: Record<Role, string> = {
  agent: 'alice',
  supervisor: 'sam',
  process_owner: 'olivia',
  sponsor: 'simon',
  admin: 'ada',
  auditor: 'audrey',
  intake: 'webform',
};

/** Who sends a request: a user with their role, key and queues (demo users work the general queue). */
export interface Caller extends Principal {
  key: string;
}

export function callerFor(stack: ApiStack, role: Role): Caller {
  const id = DEMO_USER_OF[role];
  return { id, role, key: stack.keys[id]!, queues: [DEFAULT_QUEUE] };
}

/** The object a request reads or changes. */
export type Target =
  | { kind: 'complaint'; id: string }
  | { kind: 'cycle'; id: string }
  | { kind: 'user'; id: string }
  | { kind: 'key'; keyId: string }
  | { kind: 'calendar'; id: string }
  | { kind: 'policy'; id: string }
  | { kind: 'area'; id: string }
  | { kind: 'volume'; areaId: string };

export interface EndpointRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
  /** A body sent as is, with `headers` (e.g. a text/csv import), instead of JSON `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** What an accepted request answers (public sign-in routes: also 204, 302, or 404 while OIDC is off). */
  status: 200 | 201 | 204 | 302 | 404;
  target?: Target;
  /** Checks an accepted answer further (lists: only objects in the caller's scope). */
  verify?: (res: CallResult, caller: Caller) => void;
}

export interface EndpointEntry {
  /** `METHOD /express/path`, as buildRoutes declares it. */
  route: string;
  accepted(ctx: MatrixContext, caller: Caller): Promise<EndpointRequest>;
  outsideScope?(ctx: MatrixContext, caller: Caller): Promise<EndpointRequest>;
  probe(ctx: MatrixContext): Promise<EndpointRequest>;
}

// ------------------------------------------------------------- fixtures

export interface MatrixContext {
  stack: ApiStack;
  lab: CycleLab;
  complaints: {
    /** Open, unowned, in the general queue: every agent's. */
    general: string;
    /** Acknowledged by alice on the phone: owner and first responder alice. */
    aliceWorking: string;
    /** Open, assigned to bob by a supervisor. */
    bobOpen: string;
    /** Acknowledged by bob on the phone. */
    bobWorking: string;
    /** Resolved by bob. */
    bobResolved: string;
  };
  cycles: {
    /** PDCA owned by olivia, sponsor simon, team alice and sam: every scoped demo user takes part. */
    shared: string;
    /** PDCA (plan) and DMAIC (define) of a second process owner, sponsored by bob: no scoped demo user takes part. */
    outsiderPdca: string;
    outsiderDmaic: string;
  };
  /** A second process owner, created through the admin API. */
  otto: { id: string; key: string };
  /** A user the admin routes work on, and a key of theirs that is never revoked. */
  admin: { userId: string; probeKeyId: string };
  catalog: { calendarId: string; policyId: string };
}

const fail = (what: string, res: CallResult) => new Error(`fixture: ${what} answered ${res.status}: ${res.text.slice(0, 600)}`);

/** Sends a request that must answer `status`; returns the body. */
async function must(stack: ApiStack, key: string, method: string, path: string, body: unknown, status: number): Promise<View> {
  const res = await stack.call(method, path, { key, body });
  if (res.status !== status) throw fail(`${method} ${path}`, res);
  return res.body as View;
}

const complaintBody = (channel: 'web' | 'phone') => ({
  customer: { id: uniqueId('cust') },
  channel,
  category: 'delivery',
  severity: 'P3',
  description: 'Access matrix fixture: the parcel never arrived.',
});

/**
 * A complaint registered by `by`, once its workflow has stored it: from the
 * web form it is open and unowned; by an agent or supervisor on the phone it
 * is acknowledged on the spot, owned by them.
 */
export async function newComplaint(stack: ApiStack, by: string, channel: 'web' | 'phone'): Promise<string> {
  const { id } = await must(stack, stack.keys[by]!, 'POST', '/complaints', complaintBody(channel), 201);
  await eventually(async () => ((await stack.models.Complaint.findById(id, { version: 1 }).lean())?.version ?? 0) >= 1, 20_000, `complaint ${id} registered`);
  return id as string;
}

const act = (stack: ApiStack, by: string, id: string, slug: string, body: unknown) => must(stack, stack.keys[by]!, 'POST', `/complaints/${id}/${slug}`, body, 200);

/** A complaint alice owns, acknowledged (`resolved`: then resolved by her). */
async function aliceComplaint(stack: ApiStack, resolved = false): Promise<string> {
  const id = await newComplaint(stack, 'alice', 'phone');
  if (resolved) await act(stack, 'alice', id, 'resolve', { summary: 'Parcel re-delivered.' });
  return id;
}

/** Creates the shared fixtures: complaints, cycles, users, catalog entries and one signed audit digest. */
export async function prepareMatrix(stack: ApiStack): Promise<MatrixContext> {
  const ada = stack.keys.ada!;
  const lab = createCycleLab(stack);

  // Users: a second process owner, and a target for the admin routes.
  await must(stack, ada, 'POST', '/admin/users', { id: 'otto', name: 'Otto Other Owner', role: 'process_owner' }, 201);
  const otto = { id: 'otto', key: (await must(stack, ada, 'POST', '/admin/users/otto/keys', { label: 'access matrix' }, 201)).key as string };
  const targetId = uniqueId('matrix-target');
  await must(stack, ada, 'POST', '/admin/users', { id: targetId, name: 'Matrix Target', role: 'agent' }, 201);
  const probeKeyId = (await must(stack, ada, 'POST', `/admin/users/${targetId}/keys`, { label: 'probe' }, 201)).keyId as string;

  // Complaints.
  const general = await newComplaint(stack, 'webform', 'web');
  const aliceWorking = await aliceComplaint(stack);
  const bobOpen = await newComplaint(stack, 'webform', 'web');
  await act(stack, 'sam', bobOpen, 'transfer', { toAgentId: 'bob', reason: 'bob knows this customer' });
  const bobWorking = await newComplaint(stack, 'bob', 'phone');
  const bobResolved = await newComplaint(stack, 'bob', 'phone');
  await act(stack, 'bob', bobResolved, 'resolve', { summary: 'Refunded.' });

  // Cycles.
  const shared = (await must(stack, stack.keys.olivia!, 'POST', '/cycles', validCycle({ title: 'Shared matrix cycle', team: ['alice', 'sam'] }), 201)).id as string;
  const outsider = (type: CycleType) => validCycle({ type, title: `Otto's ${type} cycle`, sponsorId: 'bob', team: ['bob'] });
  const outsiderPdca = (await must(stack, otto.key, 'POST', '/cycles', outsider('pdca'), 201)).id as string;
  const outsiderDmaic = (await must(stack, otto.key, 'POST', '/cycles', outsider('dmaic'), 201)).id as string;

  // Catalog entries the PUT routes version (matching no complaint anyone registers).
  const calendarId = uniqueId('matrix-cal');
  await must(stack, ada, 'POST', '/calendars', { calendarId, ...WEEKDAYS_UTC }, 201);
  const policyId = uniqueId('matrix-policy');
  await must(stack, ada, 'POST', '/sla-policies', { policyId, ...matrixPolicy() }, 201);

  // One signed digest, made by the digest activity itself (the schedule would run it hourly).
  await createAuditActivities({ models: stack.models, signer: digestSigner(stack.config) }).createAuditDigest({ cutoff: new Date().toISOString(), requestedBy: 'access-matrix' });

  await eventually(async () => (await stack.models.Cycle.countDocuments({ _id: { $in: [shared, outsiderPdca, outsiderDmaic] } })) === 3, 20_000, 'fixture cycles registered');
  // Settled: every workflow visible, so a snapshot taken now stays still unless a request changes something.
  const workflows = (await stack.models.Complaint.countDocuments({})) + (await stack.models.Cycle.countDocuments({}));
  await eventually(async () => (await stack.workflowCount()) === workflows, 20_000, `${workflows} workflows visible`);

  return {
    stack,
    lab,
    complaints: { general, aliceWorking, bobOpen, bobWorking, bobResolved },
    cycles: { shared, outsiderPdca, outsiderDmaic },
    otto,
    admin: { userId: targetId, probeKeyId },
    catalog: { calendarId, policyId },
  };
}

/** A policy only complaints of the category `matrix-only` would match: none do. */
const matrixPolicy = () => ({ ...policy({ name: 'matrix policy', match: { severities: ['P4'], categories: ['matrix-only'] } }), calendarId: '24x7' });

/** What a refused request must leave as it was, for the object it names. */
export async function footprint(ctx: MatrixContext, target: Target | undefined): Promise<unknown> {
  const { stack } = ctx;
  const m = stack.models;
  if (!target) return null;
  switch (target.kind) {
    case 'complaint':
    case 'cycle': {
      const complaint = target.kind === 'complaint';
      const [doc, audit, outbox, live] = await Promise.all([
        complaint ? m.Complaint.findById(target.id, { stateJson: 0 }).lean() : m.Cycle.findById(target.id, { stateJson: 0 }).lean(),
        m.AuditEvent.countDocuments({ stream: `${target.kind}:${target.id}` }),
        m.Outbox.countDocuments(complaint ? { complaintId: target.id } : { cycleId: target.id }),
        // The live state (the workflow's), read by an admin, who may read every object.
        stack.call('GET', `/${complaint ? 'complaints' : 'cycles'}/${target.id}`, { key: stack.keys.ada }),
      ]);
      // Views carry clocks computed at read time: compare what only a change of state moves.
      const { version, status, phase, ownerId, firstResponderId, updatedAt, gate } = live.body as View;
      return { doc, audit, outbox, live: { http: live.status, version, status, phase, ownerId, firstResponderId, updatedAt, gate: gate?.status } };
    }
    case 'user': {
      const [user, keys, credential, sessions, audit] = await Promise.all([
        m.User.findById(target.id).lean(),
        m.ApiKey.find({ userId: target.id }).sort({ _id: 1 }).lean(),
        m.Credential.findById(target.id).lean(),
        m.Session.countDocuments({ userId: target.id }),
        m.AuditEvent.countDocuments({ stream: `user:${target.id}` }),
      ]);
      return { user, keys, credential, sessions, audit };
    }
    case 'key':
      return m.ApiKey.findOne({ keyId: target.keyId }).lean();
    case 'calendar':
      return m.Calendar.find({ calendarId: target.id }).sort({ version: 1 }).lean();
    case 'policy':
      return m.SlaPolicy.find({ policyId: target.id }).sort({ version: 1 }).lean();
    case 'area':
      return m.ServiceArea.find({ areaId: target.id }).sort({ version: 1 }).lean();
    case 'volume':
      return m.ServiceVolume.find({ areaId: target.areaId }).sort({ day: 1 }).lean();
  }
}

// ------------------------------------------------------------ cycle lab

/** A line of cycles that share owner, sponsor (their only approver), type and, for PDCA, whether Do meets the goal. */
export interface Lane {
  owner: string;
  sponsor: string;
  type: CycleType;
  variant: 'met' | 'missed';
}

/** Do-phase measurements against the 10 h → 6 h goal (lower is better). */
const AFTER_CHANGE = { met: [5.1, 4.9, 5.0, 5.2, 4.8], missed: [8.9, 9.2, 8.7, 9.0, 9.1] } as const;

export interface CycleLab {
  /** The owner's usual lane: sponsor simon (olivia for simon's own cycles). */
  laneOf(owner: string, type: CycleType, variant?: Lane['variant']): Lane;
  /** An active cycle of the lane in `phase` whose gate is not awaiting signatures, advanced or created as needed. */
  at(lane: Lane, phase: Phase): Promise<View>;
  /** `at`, with every artefact the phase gate needs, so the owner's submit_gate is accepted. */
  readyToSubmit(lane: Lane, phase: Phase): Promise<View>;
  /** A cycle whose gate awaits the signature of `approver`, who does not own it. */
  awaitingSignature(approver: string): Promise<View>;
  /** A cycle of the lane in `phase` with an open action item (added by the owner if none is open). */
  openAction(lane: Lane, phase: Phase): Promise<{ cycle: View; actionId: string }>;
  /** A DMAIC cycle of the lane in `phase` with a root cause (added if there is none). */
  rootCause(lane: Lane, phase: Phase): Promise<{ cycle: View; rootCauseId: string }>;
}

/**
 * Hands out cycles in a given phase, keeping them per lane and advancing the
 * most advanced one that is behind, so consecutive requests reuse cycles
 * instead of walking every one through its phases again. States are always
 * read back from the API, so actions sent by the tests in between are seen.
 */
export function createCycleLab(stack: ApiStack): CycleLab {
  const lanes = new Map<string, { lane: Lane; ids: string[] }>();
  const keyOf = (l: Lane) => `${l.owner}|${l.sponsor}|${l.type}|${l.variant}`;
  const entryOf = (l: Lane) => {
    let e = lanes.get(keyOf(l));
    if (!e) lanes.set(keyOf(l), (e = { lane: l, ids: [] }));
    return e;
  };
  const phasesOf = (type: CycleType): readonly Phase[] => (type === 'pdca' ? PDCA_PHASES : DMAIC_PHASES);

  const read = (id: string) => must(stack, stack.keys.ada!, 'GET', `/cycles/${id}`, undefined, 200);
  const send = (by: string, id: string, type: CycleCommandType, body: Record<string, unknown> = VALID_ACTION_BODIES[type]()) =>
    must(stack, stack.keys[by]!, 'POST', `/cycles/${id}/${actionSlug(type)}`, body, 200);

  async function create(l: Lane): Promise<View> {
    // Only process owners and admins start cycles; olivia starts them for whoever owns the lane.
    const body = validCycle({ type: l.type, title: `Lab ${l.type} of ${l.owner}`, ownerId: l.owner, sponsorId: l.sponsor, team: ['bob'] });
    const created = await must(stack, stack.keys.olivia!, 'POST', '/cycles', body, 201);
    entryOf(l).ids.push(created.id);
    return read(created.id);
  }

  /** Adds what the current phase's gate still lacks (owner's actions, the owner being a contributor too). */
  async function fill(l: Lane, c: View): Promise<View> {
    const o = l.owner;
    const a = () => c.artefacts;
    switch (c.phase as Phase) {
      case 'plan':
        if (a().fiveWhys.length + a().fishbone.length === 0) c = await send(o, c.id, 'add_five_whys');
        if (a().countermeasures.length === 0) c = await send(o, c.id, 'add_countermeasure');
        if (c.actions.length === 0) c = await send(o, c.id, 'add_action', { title: 'Triage script', assigneeId: o, dueAt: ACTION_DUE });
        return c;
      case 'do':
        for (const x of c.actions.filter((i: View) => i.status === 'open')) c = await send(o, c.id, 'complete_action', { actionId: x.id });
        if (!c.measurements.some((m: View) => m.iteration === c.iteration && (m.stage === 'do' || m.stage === 'check'))) {
          c = await send(o, c.id, 'record_measurements', { measurements: AFTER_CHANGE[l.variant].map((value) => ({ value })) });
        }
        return c;
      case 'define':
        if (!a().charter) c = await send(o, c.id, 'update_charter');
        return c;
      case 'measure':
        if (a().dataCollectionPlan.length === 0) c = await send(o, c.id, 'set_data_collection_plan');
        if (!a().baseline) c = await send(o, c.id, 'set_baseline');
        return c;
      case 'analyze': {
        if (!a().defectPareto) c = await send(o, c.id, 'set_defect_categories');
        if (a().fishbone.length === 0) c = await send(o, c.id, 'add_fishbone_cause');
        if (!a().rootCauses.some((r: View) => r.verified)) {
          if (a().rootCauses.length === 0) c = await send(o, c.id, 'add_root_cause');
          c = await send(o, c.id, 'verify_root_cause', { rootCauseId: a().rootCauses[0].id, evidence: 'confirmed on 20 invoices' });
        }
        return c;
      }
      case 'improve':
        if (a().solutions.length === 0) c = await send(o, c.id, 'add_solution', { description: 'fetch addresses from the CRM' });
        if (a().fmea.length === 0) c = await send(o, c.id, 'add_fmea_row');
        if (!a().pilot) c = await send(o, c.id, 'set_pilot_data');
        return c;
      default:
        return c;
    }
  }

  /** Passes the current phase: the owner submits (or reviews the check), the approvers sign. */
  async function advance(l: Lane, c: View): Promise<View> {
    if (c.phase === 'check') return send(l.owner, c.id, 'review_check');
    if (c.gate.status !== 'pending') {
      c = await fill(l, c);
      c = await send(l.owner, c.id, 'submit_gate');
    }
    for (const approver of c.gate.pendingApprovers as string[]) c = await send(approver, c.id, 'sign_gate');
    return c;
  }

  async function at(l: Lane, phase: Phase): Promise<View> {
    const order = phasesOf(l.type);
    const want = order.indexOf(phase);
    if (want < 0) throw new Error(`a ${l.type} cycle has no ${phase} phase`);
    const e = entryOf(l);
    const active = (await Promise.all(e.ids.map(read))).filter((c) => c.status === 'active');
    e.ids = active.map((c) => c.id as string);
    const ready = active.find((c) => c.phase === phase && c.gate.status !== 'pending');
    if (ready) return ready;
    const behind = active.filter((c) => order.indexOf(c.phase) < want).sort((x, y) => order.indexOf(y.phase) - order.indexOf(x.phase));
    let c = behind[0] ?? (await create(l));
    while (order.indexOf(c.phase) < want) c = await advance(l, c);
    return c;
  }

  return {
    laneOf: (owner, type, variant = 'met') => ({ owner, sponsor: owner === 'simon' ? 'olivia' : 'simon', type, variant }),
    at,
    readyToSubmit: async (l, phase) => fill(l, await at(l, phase)),
    async awaitingSignature(approver) {
      for (const { lane, ids } of lanes.values()) {
        if (lane.sponsor !== approver || lane.owner === approver) continue;
        for (const id of ids) {
          const c = await read(id);
          if (c.status === 'active' && c.gate.status === 'pending' && c.gate.pendingApprovers.includes(approver)) return c;
        }
      }
      const l: Lane = { owner: approver === 'olivia' ? 'simon' : 'olivia', sponsor: approver, type: 'dmaic', variant: 'met' };
      const c = await fill(l, await at(l, 'define'));
      return send(l.owner, c.id, 'submit_gate');
    },
    async openAction(l, phase) {
      let c = await at(l, phase);
      let open = c.actions.find((x: View) => x.status === 'open');
      if (!open) {
        c = await send(l.owner, c.id, 'add_action', { title: 'Follow-up', assigneeId: l.owner, dueAt: ACTION_DUE });
        open = c.actions.find((x: View) => x.status === 'open');
      }
      return { cycle: c, actionId: open.id as string };
    },
    async rootCause(l, phase) {
      let c = await at(l, phase);
      if (c.artefacts.rootCauses.length === 0) c = await send(l.owner, c.id, 'add_root_cause');
      return { cycle: c, rootCauseId: c.artefacts.rootCauses[0].id as string };
    },
  };
}

// ---------------------------------------------------------------- table

const get = (path: string, target?: Target): EndpointRequest => ({ method: 'GET', path, status: 200, target });
const post = (path: string, body: unknown, target?: Target, status: 200 | 201 = 200): EndpointRequest => ({ method: 'POST', path, body, status, target });
const complaint = (id: string): Target => ({ kind: 'complaint', id });
const cycle = (id: string): Target => ({ kind: 'cycle', id });

/** Lists answer only what the caller may see: every complaint assigned to an agent, every cycle a scoped caller takes part in. */
const onlyAssigned = (res: CallResult, caller: Caller) => {
  const outside = (res.body.items as (ComplaintAccessView & { id: string })[]).filter((c) => !isAssigned(caller, c)).map((c) => c.id);
  expect({ caller: caller.id, outside }).toEqual({ caller: caller.id, outside: [] });
};
const onlyInvolved = (res: CallResult, caller: Caller) => {
  const outside = (res.body.items as View[]).filter((c) => !cycleParticipants(c as never).includes(caller.id)).map((c) => c.id);
  expect({ caller: caller.id, outside }).toEqual({ caller: caller.id, outside: [] });
};

// ---- complaints

/**
 * Each complaint action: the body, and the complaint it is a valid
 * transition on for a caller in scope (`fresh`), for a probe, and outside an
 * agent's scope.
 */
interface ComplaintAction {
  body: () => Record<string, unknown>;
  /** A complaint on which `caller` may send this action (fresh unless the action can be repeated). */
  fresh(ctx: MatrixContext, caller: Caller): Promise<string>;
  /** Fixture on which a supervisor could send it. */
  probe(ctx: MatrixContext): string;
  /** Fixture outside alice's scope on which its owner could send it. */
  outside(ctx: MatrixContext): string;
}

const working = (ctx: MatrixContext) => ctx.complaints.bobWorking;
const resolvedFixture = (ctx: MatrixContext) => ctx.complaints.bobResolved;

const COMPLAINT_ACTIONS: Record<CommandType, ComplaintAction> = {
  acknowledge: { body: () => ({}), fresh: (ctx) => newComplaint(ctx.stack, 'webform', 'web'), probe: (ctx) => ctx.complaints.general, outside: (ctx) => ctx.complaints.bobOpen },
  add_note: { body: () => ({ text: 'Checked with the carrier.', visibility: 'internal' }), fresh: async (ctx) => ctx.complaints.aliceWorking, probe: working, outside: working },
  request_info: { body: () => ({ message: 'What is your tracking number?' }), fresh: (ctx) => aliceComplaint(ctx.stack), probe: working, outside: working },
  customer_replied: { body: () => ({ message: 'It is 1Z999.' }), fresh: async (ctx) => ctx.complaints.aliceWorking, probe: working, outside: working },
  transfer: { body: () => ({ toAgentId: 'bob', reason: 'carrier specialist' }), fresh: (ctx) => aliceComplaint(ctx.stack), probe: working, outside: working },
  change_severity: { body: () => ({ severity: 'P2', reason: 'customer is a business' }), fresh: (ctx) => aliceComplaint(ctx.stack), probe: working, outside: working },
  resolve: { body: () => ({ summary: 'Parcel found and re-delivered.' }), fresh: (ctx) => aliceComplaint(ctx.stack), probe: working, outside: working },
  reopen: { body: () => ({ reason: 'still not delivered' }), fresh: (ctx) => aliceComplaint(ctx.stack, true), probe: resolvedFixture, outside: resolvedFixture },
  close: { body: () => ({ rating: 4 }), fresh: (ctx) => aliceComplaint(ctx.stack, true), probe: resolvedFixture, outside: resolvedFixture },
  cancel: { body: () => ({ reason: 'withdrawn' }), fresh: (ctx) => newComplaint(ctx.stack, 'webform', 'web'), probe: (ctx) => ctx.complaints.general, outside: (ctx) => ctx.complaints.bobOpen },
  record_csat: { body: () => ({ rating: 5, comment: 'quick' }), fresh: (ctx) => aliceComplaint(ctx.stack, true), probe: resolvedFixture, outside: resolvedFixture },
};

const complaintEntries: EndpointEntry[] = [
  {
    route: 'POST /complaints',
    accepted: async () => post('/complaints', complaintBody('web'), undefined, 201),
    probe: async () => post('/complaints', complaintBody('web'), undefined, 201),
  },
  {
    route: 'GET /complaints',
    accepted: async (_ctx, caller) => ({ ...get('/complaints?limit=100'), verify: caller.role === 'agent' ? onlyAssigned : undefined }),
    probe: async () => get('/complaints?limit=100'),
  },
  ...(['', '/history', '/sla-timeline'] as const).map(
    (suffix): EndpointEntry => ({
      route: `GET /complaints/:id${suffix}`,
      accepted: async (ctx) => get(`/complaints/${ctx.complaints.aliceWorking}${suffix}`, complaint(ctx.complaints.aliceWorking)),
      outsideScope: async (ctx) => get(`/complaints/${ctx.complaints.bobWorking}${suffix}`, complaint(ctx.complaints.bobWorking)),
      probe: async (ctx) => get(`/complaints/${ctx.complaints.aliceWorking}${suffix}`, complaint(ctx.complaints.aliceWorking)),
    }),
  ),
  ...(Object.entries(COMPLAINT_ACTIONS) as [CommandType, ComplaintAction][]).map(
    ([type, a]): EndpointEntry => ({
      route: `POST /complaints/:id/${actionSlug(type)}`,
      accepted: async (ctx, caller) => {
        const id = await a.fresh(ctx, caller);
        return post(`/complaints/${id}/${actionSlug(type)}`, a.body(), complaint(id));
      },
      outsideScope: async (ctx) => post(`/complaints/${a.outside(ctx)}/${actionSlug(type)}`, a.body(), complaint(a.outside(ctx))),
      probe: async (ctx) => post(`/complaints/${a.probe(ctx)}/${actionSlug(type)}`, a.body(), complaint(a.probe(ctx))),
    }),
  ),
];

// ---- cycles

/** The request of a cycle action for a caller in scope: on a lane cycle they own, in the phase where it applies. */
type CycleAction = (lab: CycleLab, caller: Caller) => Promise<{ id: string; body?: Record<string, unknown> }>;

const inPhase =
  (type: CycleType, phase: Phase, variant: Lane['variant'] = 'met'): CycleAction =>
  async (lab, caller) => ({ id: (await lab.at(lab.laneOf(caller.id, type, variant), phase)).id });

const CYCLE_ACTIONS: Record<CycleCommandType, CycleAction> = {
  record_measurements: inPhase('pdca', 'plan'),
  add_action: async (lab, caller) => ({
    id: (await lab.at(lab.laneOf(caller.id, 'pdca'), 'plan')).id,
    body: { title: 'Add a billing triage script', assigneeId: caller.id, dueAt: ACTION_DUE },
  }),
  complete_action: async (lab, caller) => {
    const { cycle: c, actionId } = await lab.openAction(lab.laneOf(caller.id, 'pdca'), 'plan');
    return { id: c.id, body: { actionId, note: 'done' } };
  },
  submit_gate: async (lab, caller) => ({ id: (await lab.readyToSubmit(lab.laneOf(caller.id, 'pdca'), 'plan')).id }),
  sign_gate: async (lab, caller) => ({ id: (await lab.awaitingSignature(caller.id)).id }),
  abandon: inPhase('pdca', 'plan'),
  add_five_whys: inPhase('pdca', 'plan'),
  add_fishbone_cause: inPhase('pdca', 'plan'),
  add_countermeasure: inPhase('pdca', 'plan'),
  run_check: inPhase('pdca', 'check'),
  review_check: inPhase('pdca', 'check'),
  standardize: inPhase('pdca', 'act', 'met'),
  iterate: inPhase('pdca', 'act', 'missed'),
  update_charter: inPhase('dmaic', 'define'),
  set_data_collection_plan: inPhase('dmaic', 'measure'),
  set_baseline: inPhase('dmaic', 'measure'),
  set_defect_categories: inPhase('dmaic', 'analyze'),
  add_root_cause: inPhase('dmaic', 'analyze'),
  verify_root_cause: async (lab, caller) => {
    const { cycle: c, rootCauseId } = await lab.rootCause(lab.laneOf(caller.id, 'dmaic'), 'analyze');
    return { id: c.id, body: { rootCauseId, evidence: '18 of 20 wrong addresses were hand-copied' } };
  },
  add_solution: async (lab, caller) => {
    const c = await lab.at(lab.laneOf(caller.id, 'dmaic'), 'improve');
    return { id: c.id, body: { description: 'fetch addresses from the CRM', rootCauseIds: c.artefacts.rootCauses.map((r: View) => r.id) } };
  },
  add_fmea_row: inPhase('dmaic', 'improve'),
  set_pilot_data: inPhase('dmaic', 'improve'),
  set_control_plan: inPhase('dmaic', 'control'),
};

const DMAIC_ONLY = new Set<CycleCommandType>([
  'update_charter',
  'set_data_collection_plan',
  'set_baseline',
  'set_defect_categories',
  'add_root_cause',
  'verify_root_cause',
  'add_solution',
  'add_fmea_row',
  'set_pilot_data',
  'set_control_plan',
]);

const cycleEntries: EndpointEntry[] = [
  {
    route: 'POST /cycles',
    // An admin starts a cycle on a process owner's behalf (owning it themselves would leave it without anyone able to act as owner).
    accepted: async (_ctx, caller) => post('/cycles', validCycle(caller.role === 'admin' ? { ownerId: 'olivia' } : {}), undefined, 201),
    probe: async () => post('/cycles', validCycle(), undefined, 201),
  },
  {
    route: 'GET /cycles',
    accepted: async (_ctx, caller) => ({ ...get('/cycles?limit=100'), verify: caller.role === 'admin' || caller.role === 'auditor' ? undefined : onlyInvolved }),
    probe: async () => get('/cycles?limit=100'),
  },
  ...(['', '/report', '/history', '/complaints'] as const).map(
    (suffix): EndpointEntry => ({
      route: `GET /cycles/:id${suffix}`,
      accepted: async (ctx) => get(`/cycles/${ctx.cycles.shared}${suffix}`, cycle(ctx.cycles.shared)),
      outsideScope: async (ctx) => get(`/cycles/${ctx.cycles.outsiderPdca}${suffix}`, cycle(ctx.cycles.outsiderPdca)),
      probe: async (ctx) => get(`/cycles/${ctx.cycles.shared}${suffix}`, cycle(ctx.cycles.shared)),
    }),
  ),
  ...(Object.entries(CYCLE_ACTIONS) as [CycleCommandType, CycleAction][]).map(([type, pick]): EndpointEntry => {
    const outsider = (ctx: MatrixContext) => (DMAIC_ONLY.has(type) ? ctx.cycles.outsiderDmaic : ctx.cycles.outsiderPdca);
    return {
      route: `POST /cycles/:id/${actionSlug(type)}`,
      accepted: async (ctx, caller) => {
        const { id, body } = await pick(ctx.lab, caller);
        return post(`/cycles/${id}/${actionSlug(type)}`, body ?? VALID_ACTION_BODIES[type](), cycle(id));
      },
      outsideScope: async (ctx) => post(`/cycles/${outsider(ctx)}/${actionSlug(type)}`, VALID_ACTION_BODIES[type](), cycle(outsider(ctx))),
      probe: async (ctx) => post(`/cycles/${outsider(ctx)}/${actionSlug(type)}`, VALID_ACTION_BODIES[type](), cycle(outsider(ctx))),
    };
  }),
];

// ---- catalog

const calendarBody = (calendarId: string) => ({ calendarId, ...ALWAYS, name: 'matrix calendar' });

async function latestVersion(ctx: MatrixContext, kind: 'calendars' | 'sla-policies', id: string): Promise<number> {
  return (await must(ctx.stack, ctx.stack.keys.ada!, 'GET', `/${kind}/${id}`, undefined, 200)).version as number;
}

const catalogEntries: EndpointEntry[] = [
  { route: 'GET /calendars', accepted: async () => get('/calendars'), probe: async () => get('/calendars') },
  {
    route: 'GET /calendars/:id',
    accepted: async (ctx) => get(`/calendars/${ctx.catalog.calendarId}`),
    probe: async (ctx) => get(`/calendars/${ctx.catalog.calendarId}`),
  },
  {
    route: 'POST /calendars',
    accepted: async () => post('/calendars', calendarBody(uniqueId('cal')), undefined, 201),
    probe: async () => post('/calendars', calendarBody('never-created'), undefined, 201),
  },
  ...(['calendars', 'sla-policies'] as const).map(
    (kind): EndpointEntry => ({
      route: `PUT /${kind}/:id`,
      accepted: async (ctx) => {
        const id = kind === 'calendars' ? ctx.catalog.calendarId : ctx.catalog.policyId;
        const def = kind === 'calendars' ? { ...WEEKDAYS_UTC, name: 'matrix calendar, new version' } : matrixPolicy();
        return { method: 'PUT', path: `/${kind}/${id}`, body: { expectedVersion: await latestVersion(ctx, kind, id), ...def }, status: 200 };
      },
      probe: async (ctx) => {
        const id = kind === 'calendars' ? ctx.catalog.calendarId : ctx.catalog.policyId;
        const def = kind === 'calendars' ? WEEKDAYS_UTC : matrixPolicy();
        const target: Target = kind === 'calendars' ? { kind: 'calendar', id } : { kind: 'policy', id };
        return { method: 'PUT', path: `/${kind}/${id}`, body: { expectedVersion: await latestVersion(ctx, kind, id), ...def }, status: 200, target };
      },
    }),
  ),
  { route: 'GET /sla-policies', accepted: async () => get('/sla-policies'), probe: async () => get('/sla-policies') },
  {
    route: 'GET /sla-policies/:id',
    accepted: async (ctx) => get(`/sla-policies/${ctx.catalog.policyId}`),
    probe: async (ctx) => get(`/sla-policies/${ctx.catalog.policyId}`),
  },
  {
    route: 'POST /sla-policies',
    accepted: async () => post('/sla-policies', { policyId: uniqueId('pol'), ...matrixPolicy() }, undefined, 201),
    probe: async () => post('/sla-policies', { policyId: 'never-created', ...matrixPolicy() }, undefined, 201),
  },
];

// ---- audit

const auditEntries: EndpointEntry[] = [
  {
    route: 'GET /audit/events',
    accepted: async (ctx) => get(`/audit/events?stream=complaint:${ctx.complaints.aliceWorking}`),
    probe: async (ctx) => get(`/audit/events?stream=complaint:${ctx.complaints.aliceWorking}`),
  },
  {
    route: 'GET /audit/export',
    accepted: async (ctx) => get(`/audit/export?format=csv&stream=complaint:${ctx.complaints.aliceWorking}`),
    probe: async (ctx) => get(`/audit/export?stream=complaint:${ctx.complaints.aliceWorking}`),
  },
  { route: 'GET /audit/digests/latest', accepted: async () => get('/audit/digests/latest'), probe: async () => get('/audit/digests/latest') },
  {
    route: 'POST /audit/verify',
    accepted: async (ctx) => post('/audit/verify', { stream: `complaint:${ctx.complaints.aliceWorking}` }),
    probe: async (ctx) => post('/audit/verify', { stream: `complaint:${ctx.complaints.aliceWorking}` }),
  },
];

// ---- admin (the bodies of test/helpers/admin-endpoints.ts)

const adminStatus = (route: string) => (route === 'POST /admin/users' || route === 'POST /admin/users/:id/keys' ? 201 : 200);

const adminEntries: EndpointEntry[] = ADMIN_ENDPOINTS.map((e) => ({
  route: e.route,
  accepted: async (ctx) => {
    const t: AdminTarget = { userId: ctx.admin.userId, keyId: ctx.admin.probeKeyId };
    let body = e.body?.(t);
    if (e.route === 'POST /admin/users') body = { ...body, id: uniqueId('matrix-user') };
    if (e.route === 'POST /admin/keys/:keyId/revoke') {
      // A key of its own to revoke, so the probe key keeps working.
      t.keyId = (await must(ctx.stack, ctx.stack.keys.ada!, 'POST', `/admin/users/${t.userId}/keys`, { label: 'to revoke' }, 201)).keyId as string;
    }
    return { method: e.method, path: e.path(t), body, status: adminStatus(e.route), target: { kind: 'user', id: t.userId } };
  },
  probe: async (ctx) => {
    const t: AdminTarget = { userId: ctx.admin.userId, keyId: ctx.admin.probeKeyId };
    return { method: e.method, path: e.path(t), body: e.body?.(t), status: adminStatus(e.route), target: { kind: 'user', id: t.userId } };
  },
}));

// ---- public

const healthEntries: EndpointEntry[] = ['/healthz', '/readyz'].map((path) => ({ route: `GET ${path}`, accepted: async () => get(path), probe: async () => get(path) }));

/** A fresh password session of a demo user: its cookie header and CSRF token. */
async function sessionOf(stack: ApiStack, userId: string): Promise<{ cookie: string; csrf: string }> {
  const res = await stack.call('POST', '/auth/login', { body: { username: userId, password: `demo-${userId}-password` } });
  if (res.status !== 200) throw fail('POST /auth/login', res);
  return { cookie: /ql_session=[^;]*/.exec(res.headers['set-cookie'] ?? '')![0], csrf: res.body.csrfToken as string };
}

/**
 * Sign-in routes are public (how one gets authenticated): whatever key is sent, the answer is
 * the same. The session routes read the cookie, not the key. OIDC is off on the matrix stack: 404.
 */
const authEntries: EndpointEntry[] = [
  {
    route: 'POST /auth/login',
    accepted: async (_ctx, caller) => post('/auth/login', { username: caller.role === 'intake' ? 'alice' : caller.id, password: `demo-${caller.role === 'intake' ? 'alice' : caller.id}-password` }),
    probe: async () => post('/auth/login', { username: 'sam', password: 'demo-sam-password' }),
  },
  {
    route: 'GET /auth/session',
    accepted: async (ctx) => ({ ...get('/auth/session'), headers: { cookie: (await sessionOf(ctx.stack, 'sam')).cookie } }),
    probe: async (ctx) => ({ ...get('/auth/session'), headers: { cookie: (await sessionOf(ctx.stack, 'sam')).cookie } }),
  },
  {
    route: 'POST /auth/logout',
    accepted: async (ctx) => {
      const s = await sessionOf(ctx.stack, 'sam');
      return { method: 'POST', path: '/auth/logout', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, status: 204 };
    },
    // Without a live session there is nothing to end: 204 for anyone.
    probe: async () => ({ method: 'POST', path: '/auth/logout', status: 204 }),
  },
  { route: 'GET /auth/providers', accepted: async () => get('/auth/providers'), probe: async () => get('/auth/providers') },
  ...['/auth/oidc/login', '/auth/oidc/callback'].map((path): EndpointEntry => ({ route: `GET ${path}`, accepted: async () => ({ ...get(path), status: 404 }), probe: async () => ({ ...get(path), status: 404 }) })),
];

// ---- analytics (agents: their own figures by default, their queues; any other filter is outside their scope)

const ANALYTICS_RANGE = 'from=2026-01-01&to=2026-12-31';
/** An agent who names no filter gets their own figures. */
const ownFigures = (res: CallResult, caller: Caller) => {
  if (caller.role !== 'agent') return;
  expect({ caller: caller.id, filters: (res.body.items as View[]).map((i) => i.filter) }).toEqual({ caller: caller.id, filters: (res.body.items as View[]).map(() => ({ dimension: 'agent', value: caller.id })) });
};
const analyticsEntries: EndpointEntry[] = [
  { route: 'GET /analytics/kpi-definitions', accepted: async () => get('/analytics/kpi-definitions'), probe: async () => get('/analytics/kpi-definitions') },
  ...(
    [
      ['GET /analytics/kpis', `/analytics/kpis?kpi=complaint_volume,first_response_attainment&period=month&${ANALYTICS_RANGE}`],
      ['GET /analytics/pareto', `/analytics/pareto?by=cause&${ANALYTICS_RANGE}`],
      ['GET /analytics/control-chart', `/analytics/control-chart?kpi=first_response_attainment&${ANALYTICS_RANGE}`],
      ['GET /analytics/complaints', `/analytics/complaints?${ANALYTICS_RANGE}`],
    ] as const
  ).map(
    ([route, path]): EndpointEntry => ({
      route,
      accepted: async () => ({ ...get(path), verify: route === 'GET /analytics/kpis' ? ownFigures : undefined }),
      outsideScope: async () => get(`${path}&dimension=category&value=delivery`),
      probe: async () => get(path),
    }),
  ),
  {
    route: 'GET /analytics/backlog',
    accepted: async () => get('/analytics/backlog?queue=general'),
    outsideScope: async () => get('/analytics/backlog?queue=vip'),
    probe: async () => get('/analytics/backlog'),
  },
];

// ---- quality reviews (scope `all`; the review itself decides who acts: its area's process owner and reviewers)

interface ReviewMatrix {
  areaId: string;
  /** An open review of the area (process owner olivia, reviewers simon and sam) that repeatable commands go to. */
  shared: string;
  /** A month long past that no review of the area covers yet (one review per area and period). */
  nextPeriod(): string;
  /** A fresh open review with a decision, for requests that move a review on. */
  fresh(): Promise<string>;
}

const reviewMatrices = new WeakMap<MatrixContext, Promise<ReviewMatrix>>();
const REVIEW_DUE = new Date(Date.now() + 30 * 86_400_000).toISOString();

/**
 * The review fixtures, made on first use (a probe, before any snapshot is taken) and settled: the
 * shared review persisted and its workflow visible, so a snapshot taken afterwards stays still.
 */
function reviewMatrix(ctx: MatrixContext): Promise<ReviewMatrix> {
  let m = reviewMatrices.get(ctx);
  if (!m) {
    m = (async () => {
      const { stack } = ctx;
      const areaId = uniqueId('matrix-area');
      await seedArea(stack.models, areaId, areaDefinition({ name: 'Matrix area', match: { categories: ['matrix-review-only'] } }));
      const workflows = await stack.workflowCount();
      const shared = (await must(stack, stack.keys.olivia!, 'POST', '/reviews', { areaId, period: lastEndedMonth().key }, 201)).id as string;
      await eventually(async () => ((await stack.models.QualityReview.findById(shared, { version: 1 }).lean())?.version ?? 0) >= 1, 20_000, 'matrix review persisted');
      await eventually(async () => (await stack.workflowCount()) === workflows + 1, 20_000, 'matrix review workflow visible');
      let months = 0;
      const nextPeriod = () => {
        months += 1;
        return `${2000 + Math.floor(months / 12)}-${String((months % 12) + 1).padStart(2, '0')}`;
      };
      const fresh = async () => {
        const id = (await must(stack, stack.keys.olivia!, 'POST', '/reviews', { areaId, period: nextPeriod() }, 201)).id as string;
        await must(stack, stack.keys.olivia!, 'POST', `/reviews/${id}/decisions`, { text: 'No action needed.' }, 200);
        return id;
      };
      return { areaId, shared, nextPeriod, fresh };
    })();
    reviewMatrices.set(ctx, m);
  }
  return m;
}

const reviewEntries: EndpointEntry[] = [
  {
    route: 'POST /reviews',
    accepted: async (ctx) => {
      const m = await reviewMatrix(ctx);
      return post('/reviews', { areaId: m.areaId, period: m.nextPeriod() }, undefined, 201);
    },
    probe: async (ctx) => post('/reviews', { areaId: (await reviewMatrix(ctx)).areaId, period: lastEndedMonth().key }, undefined, 201),
  },
  { route: 'GET /reviews', accepted: async () => get('/reviews?limit=100'), probe: async () => get('/reviews?limit=100') },
  ...(['', '/report.md'] as const).map(
    (suffix): EndpointEntry => ({
      route: `GET /reviews/:id${suffix}`,
      accepted: async (ctx) => get(`/reviews/${(await reviewMatrix(ctx)).shared}${suffix}`),
      probe: async (ctx) => get(`/reviews/${(await reviewMatrix(ctx)).shared}${suffix}`),
    }),
  ),
  {
    route: 'POST /reviews/:id/decisions',
    accepted: async (ctx, caller) => post(`/reviews/${(await reviewMatrix(ctx)).shared}/decisions`, { text: `Decision of ${caller.id}` }),
    probe: async (ctx) => post(`/reviews/${(await reviewMatrix(ctx)).shared}/decisions`, { text: 'probe' }),
  },
  {
    route: 'POST /reviews/:id/actions',
    accepted: async (ctx, caller) => post(`/reviews/${(await reviewMatrix(ctx)).shared}/actions`, { title: `Action of ${caller.id}`, assigneeId: caller.id, dueAt: REVIEW_DUE }),
    probe: async (ctx) => post(`/reviews/${(await reviewMatrix(ctx)).shared}/actions`, { title: 'probe', assigneeId: 'olivia', dueAt: REVIEW_DUE }),
  },
  {
    route: 'POST /reviews/:id/signatures',
    // The process owner's approval submits a fresh review; any other reviewer approves one the owner submitted.
    accepted: async (ctx, caller) => {
      const m = await reviewMatrix(ctx);
      const id = await m.fresh();
      if (caller.id !== 'olivia') await must(ctx.stack, ctx.stack.keys.olivia!, 'POST', `/reviews/${id}/signatures`, { decision: 'approve', comment: 'submitted' }, 200);
      return post(`/reviews/${id}/signatures`, { decision: 'approve', comment: `signed by ${caller.id}` });
    },
    probe: async (ctx) => post(`/reviews/${(await reviewMatrix(ctx)).shared}/signatures`, { decision: 'approve', comment: 'probe' }),
  },
];

// ---- improvement triggers (scope `all`; the dry run is a POST that writes nothing)

const triggerMatrices = new WeakMap<MatrixContext, Promise<{ areaId: string; triggerId: string }>>();

/** A trigger definition on the matrix area: its process owner olivia owns what it opens, simon sponsors. */
const triggerBody = (areaId: string) => ({
  name: 'Matrix trigger',
  areaId,
  enabled: false,
  kpi: 'first_response_attainment',
  period: 'week',
  lookbackPeriods: 12,
  condition: { type: 'threshold', periods: 3, target: 0.9 },
  action: { cycleType: 'pdca', sponsorId: 'simon', deadlineDays: 60 },
});

/** An area and a (disabled) trigger on it, made on first use (a probe, before any snapshot is taken). */
function triggerMatrix(ctx: MatrixContext): Promise<{ areaId: string; triggerId: string }> {
  let m = triggerMatrices.get(ctx);
  if (!m) {
    m = (async () => {
      const areaId = uniqueId('matrix-trigger-area');
      await seedArea(ctx.stack.models, areaId, areaDefinition({ name: 'Matrix trigger area', match: { categories: ['matrix-trigger-only'] } }));
      const triggerId = uniqueId('matrix-trigger');
      await must(ctx.stack, ctx.stack.keys.ada!, 'POST', '/triggers', { triggerId, ...triggerBody(areaId) }, 201);
      return { areaId, triggerId };
    })();
    triggerMatrices.set(ctx, m);
  }
  return m;
}

const latestTriggerVersion = async (ctx: MatrixContext, triggerId: string) => (await must(ctx.stack, ctx.stack.keys.ada!, 'GET', `/triggers/${triggerId}`, undefined, 200)).version as number;

const triggerEntries: EndpointEntry[] = [
  { route: 'GET /triggers', accepted: async () => get('/triggers'), probe: async () => get('/triggers') },
  {
    route: 'GET /triggers/:id',
    accepted: async (ctx) => get(`/triggers/${(await triggerMatrix(ctx)).triggerId}`),
    probe: async (ctx) => get(`/triggers/${(await triggerMatrix(ctx)).triggerId}`),
  },
  {
    route: 'POST /triggers',
    accepted: async (ctx) => post('/triggers', { triggerId: uniqueId('matrix-trigger'), ...triggerBody((await triggerMatrix(ctx)).areaId) }, undefined, 201),
    probe: async (ctx) => post('/triggers', { triggerId: 'never-created-trigger', ...triggerBody((await triggerMatrix(ctx)).areaId) }, undefined, 201),
  },
  {
    route: 'PUT /triggers/:id',
    accepted: async (ctx) => {
      const m = await triggerMatrix(ctx);
      return { method: 'PUT', path: `/triggers/${m.triggerId}`, body: { expectedVersion: await latestTriggerVersion(ctx, m.triggerId), ...triggerBody(m.areaId) }, status: 200 };
    },
    probe: async (ctx) => {
      const m = await triggerMatrix(ctx);
      return { method: 'PUT', path: `/triggers/${m.triggerId}`, body: { expectedVersion: await latestTriggerVersion(ctx, m.triggerId), ...triggerBody(m.areaId) }, status: 200 };
    },
  },
  {
    route: 'POST /analytics/triggers/:id/evaluate',
    accepted: async (ctx) => post(`/analytics/triggers/${(await triggerMatrix(ctx)).triggerId}/evaluate`, {}),
    probe: async (ctx) => post(`/analytics/triggers/${(await triggerMatrix(ctx)).triggerId}/evaluate`, {}),
  },
];

// ---- service areas and volume (scope `all`; volume is read under analytics.read, agents included)

const areaMatrices = new WeakMap<MatrixContext, Promise<string>>();
const matrixArea = () => areaDefinition({ name: 'Matrix service area', match: { categories: ['matrix-area-only'] } });

/** An area of its own, made on first use (a probe, before any snapshot is taken). */
function areaMatrix(ctx: MatrixContext): Promise<string> {
  let m = areaMatrices.get(ctx);
  if (!m) {
    m = (async () => {
      const areaId = uniqueId('matrix-service-area');
      await must(ctx.stack, ctx.stack.keys.ada!, 'POST', '/service-areas', { areaId, ...matrixArea() }, 201);
      return areaId;
    })();
    areaMatrices.set(ctx, m);
  }
  return m;
}

const latestAreaVersion = async (ctx: MatrixContext, areaId: string) => (await must(ctx.stack, ctx.stack.keys.ada!, 'GET', `/service-areas/${areaId}`, undefined, 200)).version as number;
/** Each accepted volume write changes the figure, so every caller's request is a real write. */
let volumeSeq = 0;
const volumeCsv = () => ({ rawBody: `day,volume\r\n2026-01-01,${++volumeSeq}\r\n2026-01-02,${volumeSeq}\r\n`, headers: { 'content-type': 'text/csv' } });

const serviceAreaEntries: EndpointEntry[] = [
  { route: 'GET /service-areas', accepted: async () => get('/service-areas'), probe: async () => get('/service-areas') },
  {
    route: 'GET /service-areas/:id',
    accepted: async (ctx) => get(`/service-areas/${await areaMatrix(ctx)}`),
    probe: async (ctx) => get(`/service-areas/${await areaMatrix(ctx)}`),
  },
  {
    route: 'POST /service-areas',
    accepted: async () => post('/service-areas', { areaId: uniqueId('matrix-service-area'), ...matrixArea() }, undefined, 201),
    probe: async () => post('/service-areas', { areaId: 'never-created-area', ...matrixArea() }, { kind: 'area', id: 'never-created-area' }, 201),
  },
  {
    route: 'PUT /service-areas/:id',
    accepted: async (ctx) => {
      const areaId = await areaMatrix(ctx);
      return { method: 'PUT', path: `/service-areas/${areaId}`, body: { expectedVersion: await latestAreaVersion(ctx, areaId), ...matrixArea() }, status: 200 };
    },
    probe: async (ctx) => {
      const areaId = await areaMatrix(ctx);
      return { method: 'PUT', path: `/service-areas/${areaId}`, body: { expectedVersion: await latestAreaVersion(ctx, areaId), ...matrixArea() }, status: 200, target: { kind: 'area', id: areaId } };
    },
  },
  {
    route: 'PUT /service-areas/:id/volume/:day',
    accepted: async (ctx) => ({ method: 'PUT', path: `/service-areas/${await areaMatrix(ctx)}/volume/2026-01-01`, body: { volume: ++volumeSeq }, status: 200 }),
    probe: async (ctx) => {
      const areaId = await areaMatrix(ctx);
      return { method: 'PUT', path: `/service-areas/${areaId}/volume/2026-01-01`, body: { volume: 1_000_000 }, status: 200, target: { kind: 'volume', areaId } };
    },
  },
  {
    route: 'POST /service-areas/:id/volume/import',
    accepted: async (ctx) => ({ method: 'POST', path: `/service-areas/${await areaMatrix(ctx)}/volume/import`, ...volumeCsv(), status: 200 }),
    probe: async (ctx) => {
      const areaId = await areaMatrix(ctx);
      return { method: 'POST', path: `/service-areas/${areaId}/volume/import`, ...volumeCsv(), status: 200, target: { kind: 'volume', areaId } };
    },
  },
  {
    route: 'GET /service-areas/:id/volume',
    accepted: async (ctx) => get(`/service-areas/${await areaMatrix(ctx)}/volume?from=2026-01-01&to=2026-01-31`),
    probe: async (ctx) => get(`/service-areas/${await areaMatrix(ctx)}/volume?from=2026-01-01&to=2026-01-31`),
  },
];

/** One entry per route of the API. */
export const ENDPOINT_REQUESTS: EndpointEntry[] = [...healthEntries, ...authEntries, ...complaintEntries, ...cycleEntries, ...catalogEntries, ...auditEntries, ...adminEntries, ...analyticsEntries, ...reviewEntries, ...triggerEntries, ...serviceAreaEntries, ...followUpEntries, ...surveyEntries, ...customerEntries];
