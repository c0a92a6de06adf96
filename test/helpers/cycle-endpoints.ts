/**
 * The improvement-cycle endpoints as data, shared by the cycle bad-input tests
 * (every endpoint, every kind of hostile request) and by the OpenAPI
 * completeness test in bad-input.test.ts. One row per route: its method, a
 * valid request, a role allowed to send it, roles that are not, and the
 * endpoint-specific invalid requests with the field path the 400 must name.
 *
 * Instants are computed once when the module loads, so a valid body is the
 * same on every call (an Idempotency-Key replay needs the very same body).
 */
import type { Role } from '../../src/domain/actors';
import type { CycleCommandType } from '../../src/domain/cycle';

const DAY = 24 * 60 * 60_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

/** The goal deadline of the valid cycle body (future, fixed for this module's lifetime). */
export const CYCLE_DEADLINE = inDays(60);
/** The due date of the valid add-action body. */
export const ACTION_DUE = inDays(7);
/** A cycle id that does not exist (well-formed). */
export const MISSING_CYCLE_ID = 'y_000000000000000000000000';

/** A PDCA cycle olivia can start: lower is better, 10 h → 6 h, sponsor simon, alice on the team. */
export function validCycle(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'pdca',
    title: 'Cut first-response time on billing complaints',
    problemStatement: 'Billing complaints wait about 10 hours for a first response.',
    area: 'customer support / billing',
    sponsorId: 'simon',
    team: ['alice'],
    goal: { metric: 'first response time', unit: 'h', direction: 'lower_is_better', baseline: 10, target: 6, deadline: CYCLE_DEADLINE },
    ...overrides,
  };
}

/** Merges `goal` overrides into the valid cycle body. */
export const cycleWithGoal = (goal: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
  validCycle({ goal: { ...(validCycle().goal as Record<string, unknown>), ...goal }, ...overrides });

export const validCharter = () => ({
  problem: 'Invoices are re-issued too often.',
  businessCase: 'Each re-issue costs 12 EUR and a complaint.',
  scopeIn: ['B2C invoices'],
  scopeOut: ['B2B contracts'],
  ctqs: [{ name: 'correct invoice', measure: 're-issues per 1000 invoices', specification: '< 5' }],
  sipoc: [{ supplier: 'CRM', input: 'order', process: 'invoicing', output: 'invoice', customer: 'consumer' }],
  milestones: [{ phase: 'measure', due: inDays(30) }],
});

/** A valid body for each cycle action (users referred to exist in the demo data). */
export const VALID_ACTION_BODIES: Record<CycleCommandType, () => Record<string, unknown>> = {
  record_measurements: () => ({ measurements: [{ value: 9.5, note: 'week 1' }] }),
  add_action: () => ({ title: 'Add a billing triage script', assigneeId: 'alice', dueAt: ACTION_DUE }),
  complete_action: () => ({ actionId: 'a1', note: 'script live' }),
  submit_gate: () => ({ comment: 'ready for review' }),
  sign_gate: () => ({ decision: 'approve', comment: 'looks right' }),
  abandon: () => ({ reason: 'superseded by the billing migration' }),
  add_five_whys: () => ({ problem: 'slow first response', whys: ['queue unsorted', 'no triage'], rootCause: 'no triage rule for billing' }),
  add_fishbone_cause: () => ({ category: 'method', cause: 'billing complaints are not triaged' }),
  add_countermeasure: () => ({ description: 'triage billing complaints first', rootCause: 'no triage rule for billing' }),
  run_check: () => ({}),
  review_check: () => ({ comment: 'reviewed with the team' }),
  standardize: () => ({ standard: 'Triage billing complaints within 1 h', trainees: ['alice', 'bob'] }),
  iterate: () => ({ learnings: 'triage alone is not enough', deadline: inDays(90) }),
  update_charter: () => ({ charter: validCharter() }),
  set_data_collection_plan: () => ({ items: [{ metric: 're-issues', operationalDefinition: 'a second invoice for one order', source: 'ERP', sampleSize: 1000, frequency: 'weekly' }] }),
  set_baseline: () => ({ data: { kind: 'discrete', defects: 42, units: 1000, opportunitiesPerUnit: 3 } }),
  set_defect_categories: () => ({ categories: [{ category: 'wrong address', count: 20 }, { category: 'wrong price', count: 12 }] }),
  add_root_cause: () => ({ cause: 'addresses are copied by hand' }),
  verify_root_cause: () => ({ rootCauseId: 'r1', evidence: '18 of 20 wrong addresses were hand-copied' }),
  add_solution: () => ({ description: 'fetch addresses from the CRM', rootCauseIds: ['r1'] }),
  add_fmea_row: () => ({ failureMode: 'CRM down', effect: 'no invoice', cause: 'outage', severity: 7, occurrence: 3, detection: 2 }),
  set_pilot_data: () => ({ data: { kind: 'discrete', defects: 9, units: 1000, opportunitiesPerUnit: 3 } }),
  set_control_plan: () => ({ metric: 're-issues per 1000 invoices', improvedData: [9, 8, 10, 9, 7, 8], reactionPlan: 'check the CRM sync', processOwnerId: 'olivia' }),
};

export interface CycleCase {
  name: string;
  body?: unknown;
  /** Sent as is (content-type application/json). */
  rawBody?: string;
  /** Appended to the endpoint's path (a query string). */
  query?: string;
  headers?: Record<string, string>;
  status: number;
  code?: string;
  /** errors[].path that must be reported. */
  errorPath?: string;
}

export interface CycleEndpoint {
  method: 'GET' | 'POST';
  /** `METHOD /express/path`, as declared in src/api/routes/cycles.ts. */
  route: string;
  /** Concrete path for a cycle id (ignored by routes without :id). */
  path: (id: string) => string;
  hasId: boolean;
  /** A role allowed to call it (its first demo user is the fixture's owner for the actions), and roles that are not. */
  role: Role;
  wrongRoles: Role[];
  /** A body the endpoint accepts (body endpoints only). */
  body?: () => Record<string, unknown>;
  invalid: CycleCase[];
}

export const bad = (name: string, body: unknown, errorPath?: string): CycleCase => ({ name, body, status: 400, code: 'VALIDATION_FAILED', errorPath });
const badRaw = (name: string, rawBody: string, errorPath?: string): CycleCase => ({ name, rawBody, status: 400, code: 'VALIDATION_FAILED', errorPath });
const badQuery = (name: string, query: string, errorPath?: string): CycleCase => ({ name, query, status: 400, code: 'VALIDATION_FAILED', errorPath });

export const actionSlug = (type: CycleCommandType) => type.replace(/_/g, '-');

const OP = { $gt: '' };

/** Endpoint-specific invalid bodies of each action. */
const ACTION_INVALID: Record<CycleCommandType, CycleCase[]> = {
  record_measurements: [
    bad('measurements missing', {}, 'body.measurements'),
    bad('no measurements', { measurements: [] }, 'body.measurements'),
    bad('more than 500 measurements', { measurements: Array.from({ length: 501 }, () => ({ value: 1 })) }, 'body.measurements'),
    bad('a value of the wrong type', { measurements: [{ value: '9.5' }] }, 'body.measurements.0.value'),
    badRaw('a value that overflows to Infinity', '{"measurements":[{"value":1e400}]}', 'body.measurements.0.value'),
    bad('sampleSize zero', { measurements: [{ value: 0.5, sampleSize: 0 }] }, 'body.measurements.0.sampleSize'),
    bad('a malformed instant', { measurements: [{ value: 9, at: 'yesterday' }] }, 'body.measurements.0.at'),
    bad('an instant without a time zone', { measurements: [{ value: 9, at: '2026-01-01T10:00:00' }] }, 'body.measurements.0.at'),
    bad('an unknown field in a measurement', { measurements: [{ value: 9, unit: 'h' }] }, 'body.measurements.0.unit'),
    bad('a body that is an array', [{ value: 9 }], 'body'),
  ],
  add_action: [
    bad('title missing', { assigneeId: 'alice', dueAt: ACTION_DUE }, 'body.title'),
    bad('a blank title', { title: '  ', assigneeId: 'alice', dueAt: ACTION_DUE }, 'body.title'),
    bad('an operator object as assignee', { title: 't', assigneeId: OP, dueAt: ACTION_DUE }, 'body.assigneeId'),
    bad('a malformed assignee id', { title: 't', assigneeId: 'alice smith', dueAt: ACTION_DUE }, 'body.assigneeId'),
    bad('a malformed due date', { title: 't', assigneeId: 'alice', dueAt: 'next week' }, 'body.dueAt'),
    bad('a due date as a number', { title: 't', assigneeId: 'alice', dueAt: Date.now() + 1e9 }, 'body.dueAt'),
    bad('an unknown field', { title: 't', assigneeId: 'alice', dueAt: ACTION_DUE, status: 'done' }, 'body.status'),
  ],
  complete_action: [
    bad('actionId missing', { note: 'n' }, 'body.actionId'),
    bad('a malformed actionId', { actionId: 'a 1' }, 'body.actionId'),
    bad('an operator object as actionId', { actionId: OP }, 'body.actionId'),
    bad('a blank note', { actionId: 'a1', note: ' ' }, 'body.note'),
    bad('an unknown field', { actionId: 'a1', completedBy: 'olivia' }, 'body.completedBy'),
  ],
  submit_gate: [
    bad('a comment of the wrong type', { comment: 5 }, 'body.comment'),
    bad('an over-long comment', { comment: 'x'.repeat(2001) }, 'body.comment'),
    bad('an unknown field', { phase: 'do' }, 'body.phase'),
    bad('a body that is an array', [], 'body'),
  ],
  sign_gate: [
    bad('an unknown decision', { decision: 'maybe', comment: 'c' }, 'body.decision'),
    bad('decision missing', { comment: 'c' }, 'body.decision'),
    bad('comment missing', { decision: 'approve' }, 'body.comment'),
    bad('reasons not an array', { decision: 'reject', comment: 'c', reasons: 'too vague' }, 'body.reasons'),
    bad('a blank reason', { decision: 'reject', comment: 'c', reasons: [' '] }, 'body.reasons.0'),
    bad('an unknown field (the signer is the caller)', { decision: 'approve', comment: 'c', signerId: 'simon' }, 'body.signerId'),
  ],
  abandon: [
    bad('reason missing', {}, 'body.reason'),
    bad('a blank reason', { reason: '' }, 'body.reason'),
    bad('an operator object as reason', { reason: { $ne: null } }, 'body.reason'),
    bad('an unknown field', { reason: 'r', status: 'abandoned' }, 'body.status'),
  ],
  add_five_whys: [
    bad('no whys', { problem: 'p', whys: [], rootCause: 'r' }, 'body.whys'),
    bad('more than 10 whys', { problem: 'p', whys: Array.from({ length: 11 }, (_, i) => `why ${i}`), rootCause: 'r' }, 'body.whys'),
    bad('rootCause missing', { problem: 'p', whys: ['w'] }, 'body.rootCause'),
    bad('a why of the wrong type', { problem: 'p', whys: [1], rootCause: 'r' }, 'body.whys.0'),
    bad('an unknown field', { problem: 'p', whys: ['w'], rootCause: 'r', id: 'w1' }, 'body.id'),
  ],
  add_fishbone_cause: [
    bad('a category outside the 6M', { category: 'money', cause: 'c' }, 'body.category'),
    bad('cause missing', { category: 'people' }, 'body.cause'),
    bad('an unknown field', { category: 'people', cause: 'c', weight: 3 }, 'body.weight'),
  ],
  add_countermeasure: [
    bad('description missing', { rootCause: 'r' }, 'body.description'),
    bad('a rootCause of the wrong type', { description: 'd', rootCause: 1 }, 'body.rootCause'),
    bad('an unknown field', { description: 'd', owner: 'alice' }, 'body.owner'),
  ],
  run_check: [bad('an unknown field', { force: true }, 'body.force'), bad('a body that is an array', [], 'body')],
  review_check: [bad('comment missing', {}, 'body.comment'), bad('a blank comment', { comment: '\n' }, 'body.comment'), bad('an unknown field', { comment: 'c', goalMet: true }, 'body.goalMet')],
  standardize: [
    bad('trainees missing', { standard: 's' }, 'body.trainees'),
    bad('a malformed trainee id', { standard: 's', trainees: ['bob smith'] }, 'body.trainees.0'),
    bad('an operator object as trainee', { standard: 's', trainees: [OP] }, 'body.trainees.0'),
    bad('a blank standard', { standard: '', trainees: [] }, 'body.standard'),
  ],
  iterate: [
    bad('learnings missing', {}, 'body.learnings'),
    bad('a malformed deadline', { learnings: 'l', deadline: '2030-02-30' }, 'body.deadline'),
    bad('an unknown field', { learnings: 'l', iteration: 3 }, 'body.iteration'),
  ],
  update_charter: [
    bad('charter missing', {}, 'body.charter'),
    bad('problem missing', { charter: { ...validCharter(), problem: undefined } }, 'body.charter.problem'),
    bad('scopeIn not an array', { charter: { ...validCharter(), scopeIn: 'B2C invoices' } }, 'body.charter.scopeIn'),
    bad('a CTQ without a name', { charter: { ...validCharter(), ctqs: [{ measure: 'm', specification: 's' }] } }, 'body.charter.ctqs.0.name'),
    bad('a milestone in a PDCA phase', { charter: { ...validCharter(), milestones: [{ phase: 'plan', due: ACTION_DUE }] } }, 'body.charter.milestones.0.phase'),
    bad('a milestone with a malformed date', { charter: { ...validCharter(), milestones: [{ phase: 'measure', due: 'soon' }] } }, 'body.charter.milestones.0.due'),
    bad('an unknown field in the charter', { charter: { ...validCharter(), budget: 1000 } }, 'body.charter.budget'),
  ],
  set_data_collection_plan: [
    bad('no items', { items: [] }, 'body.items'),
    bad('sampleSize zero', { items: [{ metric: 'm', operationalDefinition: 'd', source: 's', sampleSize: 0, frequency: 'daily' }] }, 'body.items.0.sampleSize'),
    bad('frequency missing', { items: [{ metric: 'm', operationalDefinition: 'd', source: 's', sampleSize: 5 }] }, 'body.items.0.frequency'),
  ],
  set_baseline: [
    // `data` may be omitted (a bound metric's baseline comes from its measurements): null is still no data.
    bad('data null', { data: null }, 'body.data'),
    bad('an unknown data kind', { data: { kind: 'ordinal', values: [1, 2] } }, 'body.data.kind'),
    bad('continuous data with one value', { data: { kind: 'continuous', values: [1] } }, 'body.data.values'),
    bad('discrete data with zero units', { data: { kind: 'discrete', defects: 1, units: 0, opportunitiesPerUnit: 1 } }, 'body.data.units'),
    bad('negative defects', { data: { kind: 'discrete', defects: -1, units: 10, opportunitiesPerUnit: 1 } }, 'body.data.defects'),
    bad('a spec limit as a string', { data: { kind: 'continuous', values: [1, 2], usl: '3' } }, 'body.data.usl'),
  ],
  set_defect_categories: [
    bad('no categories', { categories: [] }, 'body.categories'),
    bad('a negative count', { categories: [{ category: 'c', count: -1 }] }, 'body.categories.0.count'),
    bad('a fractional count', { categories: [{ category: 'c', count: 1.5 }] }, 'body.categories.0.count'),
  ],
  add_root_cause: [bad('cause missing', {}, 'body.cause'), bad('an unknown field', { cause: 'c', verified: true }, 'body.verified')],
  verify_root_cause: [
    bad('rootCauseId missing', { evidence: 'e' }, 'body.rootCauseId'),
    bad('an operator object as rootCauseId', { rootCauseId: OP, evidence: 'e' }, 'body.rootCauseId'),
    bad('evidence missing', { rootCauseId: 'r1' }, 'body.evidence'),
  ],
  add_solution: [
    bad('description missing', {}, 'body.description'),
    bad('an operator object among the root causes', { description: 'd', rootCauseIds: [OP] }, 'body.rootCauseIds.0'),
    bad('rootCauseIds not an array', { description: 'd', rootCauseIds: 'r1' }, 'body.rootCauseIds'),
  ],
  add_fmea_row: [
    bad('severity above 10', { ...VALID_ACTION_BODIES.add_fmea_row(), severity: 11 }, 'body.severity'),
    bad('occurrence zero', { ...VALID_ACTION_BODIES.add_fmea_row(), occurrence: 0 }, 'body.occurrence'),
    bad('a fractional detection', { ...VALID_ACTION_BODIES.add_fmea_row(), detection: 2.5 }, 'body.detection'),
    bad('failureMode missing', { ...VALID_ACTION_BODIES.add_fmea_row(), failureMode: undefined }, 'body.failureMode'),
    bad('an unknown field (the RPN is computed)', { ...VALID_ACTION_BODIES.add_fmea_row(), rpn: 1 }, 'body.rpn'),
  ],
  set_pilot_data: [bad('data null', { data: null }, 'body.data'), bad('values not numbers', { data: { kind: 'continuous', values: ['1', '2'] } }, 'body.data.values.0')],
  set_control_plan: [
    bad('improvedData with one point', { ...VALID_ACTION_BODIES.set_control_plan(), improvedData: [9] }, 'body.improvedData'),
    bad('an operator object as process owner', { ...VALID_ACTION_BODIES.set_control_plan(), processOwnerId: OP }, 'body.processOwnerId'),
    bad('reactionPlan missing', { ...VALID_ACTION_BODIES.set_control_plan(), reactionPlan: undefined }, 'body.reactionPlan'),
    bad('an unknown field (the limits are computed)', { ...VALID_ACTION_BODIES.set_control_plan(), limits: { ucl: 1 } }, 'body.limits'),
  ],
};

/** Who may send cycle actions at all (the cycle itself then decides who may send which). */
const CYCLE_ACTOR_ROLE: Role = 'process_owner';
const NOT_CYCLE_ACTORS: Role[] = ['admin', 'auditor', 'intake'];

export const CYCLE_ENDPOINTS: CycleEndpoint[] = [
  {
    method: 'POST',
    route: 'POST /cycles',
    path: () => '/cycles',
    hasId: false,
    role: 'process_owner',
    wrongRoles: ['sponsor', 'supervisor', 'agent', 'auditor', 'intake'],
    body: () => validCycle(),
    invalid: [
      bad('an unknown type', validCycle({ type: 'six_sigma' }), 'body.type'),
      bad('type missing', validCycle({ type: undefined }), 'body.type'),
      bad('title missing', validCycle({ title: undefined }), 'body.title'),
      bad('a blank title', validCycle({ title: '   ' }), 'body.title'),
      bad('an over-long problem statement', validCycle({ problemStatement: 'x'.repeat(5001) }), 'body.problemStatement'),
      bad('sponsorId missing', validCycle({ sponsorId: undefined }), 'body.sponsorId'),
      bad('an operator object as sponsorId', validCycle({ sponsorId: OP }), 'body.sponsorId'),
      bad('a malformed ownerId', validCycle({ ownerId: 'olivia owner' }), 'body.ownerId'),
      bad('team not an array', validCycle({ team: 'alice' }), 'body.team'),
      bad('a malformed team member', validCycle({ team: ['alice', 'b b'] }), 'body.team.1'),
      bad('goal missing', validCycle({ goal: undefined }), 'body.goal'),
      bad('an unknown direction', cycleWithGoal({ direction: 'up' }), 'body.goal.direction'),
      bad('an unknown metric type', cycleWithGoal({ metricType: 'ordinal' }), 'body.goal.metricType'),
      bad('a baseline of the wrong type', cycleWithGoal({ baseline: '10' }), 'body.goal.baseline'),
      bad('a malformed deadline', cycleWithGoal({ deadline: '2030-13-01T00:00:00Z' }), 'body.goal.deadline'),
      bad('a deadline without a time zone', cycleWithGoal({ deadline: '2030-01-01T00:00:00' }), 'body.goal.deadline'),
      bad('an unknown field in the goal', cycleWithGoal({ owner: 'olivia' }), 'body.goal.owner'),
      bad('a target not better than the baseline', cycleWithGoal({ target: 12 }), 'body.goal.target'),
      bad('a target equal to the baseline', cycleWithGoal({ target: 10 }), 'body.goal.target'),
      bad('a proportion baseline above 1', cycleWithGoal({ metricType: 'proportion', direction: 'higher_is_better', baseline: 1.5, target: 2 }), 'body.goal.baseline'),
      bad('a deadline in the past', cycleWithGoal({ deadline: '2020-01-01T00:00:00Z' }), 'body.goal.deadline'),
      bad('the owner as sponsor', validCycle({ sponsorId: 'olivia' }), 'body.sponsorId'),
      bad('the owner among the approvers', validCycle({ settings: { approvers: ['simon', 'olivia'] } }), 'body.settings.approvers'),
      bad('no approvers', validCycle({ settings: { approvers: [] } }), 'body.settings.approvers'),
      bad('an effectiveness window of 0 days', validCycle({ settings: { effectivenessWindowDays: 0 } }), 'body.settings.effectivenessWindowDays'),
      bad('a control period as a string', validCycle({ settings: { control: { periodDays: 'weekly' } } }), 'body.settings.control.periodDays'),
      bad(
        'sponsor escalation before owner escalation',
        validCycle({ settings: { actionReminders: { escalateToOwnerAfterHours: 48, escalateToSponsorAfterHours: 24 } } }),
        'body.settings.actionReminders.escalateToSponsorAfterHours',
      ),
      bad('an unknown field in settings', validCycle({ settings: { autoApprove: true } }), 'body.settings.autoApprove'),
      bad('a complaint category that is not a slug', validCycle({ evidence: { complaintCategory: 'Billing Issues' } }), 'body.evidence.complaintCategory'),
      bad('an SPC signal with an unknown rule', validCycle({ evidence: { spcSignal: { cycleId: 'y_1', measurementSeq: 3, rules: [5], at: CYCLE_DEADLINE } } }), 'body.evidence.spcSignal.rules.0'),
      bad('an unknown field', validCycle({ priority: 'high' }), 'body.priority'),
      bad('a binding to an unknown KPI', validCycle({ binding: { kpi: 'happiness', area: 'billing', period: 'week' } }), 'body.binding.kpi'),
      bad('a binding with an unknown period', validCycle({ binding: { kpi: 'complaint_volume', area: 'billing', period: 'quarter' } }), 'body.binding.period'),
      bad('a binding dimension without a value', validCycle({ binding: { kpi: 'complaint_volume', area: 'billing', dimension: 'cause', period: 'week' } }), 'body.binding.value'),
      bad('a binding value without a dimension', validCycle({ binding: { kpi: 'complaint_volume', area: 'billing', value: 'double_charge', period: 'week' } }), 'body.binding.dimension'),
      bad('a binding on an unknown dimension', validCycle({ binding: { kpi: 'complaint_volume', area: 'billing', dimension: 'region', value: 'north', period: 'week' } }), 'body.binding.dimension'),
      bad('a binding area that is not a slug', validCycle({ binding: { kpi: 'complaint_volume', area: 'Billing Support', period: 'week' } }), 'body.binding.area'),
      bad('an unknown field in the binding (the time zone is the area calendar\'s)', validCycle({ binding: { kpi: 'complaint_volume', area: 'billing', period: 'week', timeZone: 'UTC' } }), 'body.binding.timeZone'),
      bad('a binding to a service area that does not exist', validCycle({ binding: { kpi: 'first_response_median_minutes', area: 'no-such-area', period: 'week' } }), 'body.binding.area'),
      bad('a share KPI bound to a continuous goal', validCycle({ binding: { kpi: 'first_response_attainment', area: 'no-such-area', period: 'week' } }), 'body.goal.metricType'),
      bad('a body that is an array', [validCycle()], 'body'),
      { name: 'a malformed Idempotency-Key', body: validCycle(), headers: { 'idempotency-key': 'has spaces in it' }, status: 400, code: 'VALIDATION_FAILED', errorPath: 'headers.idempotency-key' },
    ],
  },
  {
    method: 'GET',
    route: 'GET /cycles',
    path: () => '/cycles',
    hasId: false,
    role: 'auditor',
    wrongRoles: ['intake'],
    invalid: [
      badQuery('an unknown type', '?type=six_sigma', 'query.type'),
      badQuery('a repeated type', '?type=pdca&type=dmaic', 'query.type'),
      badQuery('an unknown phase', '?phase=review', 'query.phase'),
      badQuery('an unknown status', '?status=closed', 'query.status'),
      badQuery('a malformed owner', '?owner=a%20b', 'query.owner'),
      badQuery('an operator in the sponsor value', '?sponsor=%7B%22%24gt%22%3A%22%22%7D', 'query.sponsor'),
      badQuery('overdue not a boolean', '?overdue=yes', 'query.overdue'),
      badQuery('a non-numeric limit', '?limit=abc', 'query.limit'),
      badQuery('limit zero', '?limit=0', 'query.limit'),
      badQuery('limit above 100', '?limit=101', 'query.limit'),
      badQuery('a fractional limit', '?limit=2.5', 'query.limit'),
      badQuery('a cursor with bad characters', '?cursor=!!!', 'query.cursor'),
      badQuery('a cursor that does not decode', '?cursor=abc', 'query.cursor'),
    ],
  },
  {
    method: 'GET',
    route: 'GET /cycles/:id',
    path: (id) => `/cycles/${id}`,
    hasId: true,
    role: 'sponsor',
    wrongRoles: ['intake'],
    invalid: [badQuery('a report format on the cycle itself', '?format=markdown', 'query.format')],
  },
  {
    method: 'GET',
    route: 'GET /cycles/:id/report',
    path: (id) => `/cycles/${id}/report`,
    hasId: true,
    role: 'admin',
    wrongRoles: ['intake'],
    invalid: [badQuery('an unknown format', '?format=html', 'query.format'), badQuery('a repeated format', '?format=json&format=markdown', 'query.format')],
  },
  {
    method: 'GET',
    route: 'GET /cycles/:id/complaints',
    path: (id) => `/cycles/${id}/complaints`,
    hasId: true,
    role: 'sponsor',
    wrongRoles: ['intake'],
    invalid: [
      badQuery('limit zero', '?limit=0', 'query.limit'),
      badQuery('limit above 100', '?limit=101', 'query.limit'),
      badQuery('a non-numeric limit', '?limit=ten', 'query.limit'),
      badQuery('a repeated limit', '?limit=5&limit=6', 'query.limit'),
    ],
  },
  ...(Object.keys(VALID_ACTION_BODIES) as CycleCommandType[]).map(
    (type): CycleEndpoint => ({
      method: 'POST',
      route: `POST /cycles/:id/${actionSlug(type)}`,
      path: (id) => `/cycles/${id}/${actionSlug(type)}`,
      hasId: true,
      role: CYCLE_ACTOR_ROLE,
      wrongRoles: NOT_CYCLE_ACTORS,
      body: VALID_ACTION_BODIES[type],
      invalid: ACTION_INVALID[type],
    }),
  ),
];

/** `POST /cycles/:id/abandon` → [`post`, `/cycles/{id}/abandon`], as in the OpenAPI document. */
export const openApiOperation = (route: string): [string, string] => {
  const [method, path] = route.split(' ') as [string, string];
  return [method.toLowerCase(), path.replace(/:(\w+)/g, '{$1}')];
};
