/**
 * Hostile and malformed requests against every endpoint of the API, on the
 * real stack. Each rejected request must answer RFC 9457 problem+json with
 * the right status and write NOTHING: no complaint, audit event, outbox
 * message, policy or calendar, and no workflow started.
 */
import { documentedRoutes } from '../../src/api/app';
import type { Role } from '../../src/domain/actors';
import { type ApiStack, type Problem, collectionCounts, errorPaths, expectProblem, rejectionChecker, startApiStack } from '../helpers/api';
import { CYCLE_ENDPOINTS, openApiOperation } from '../helpers/cycle-endpoints';
import { eventually } from '../helpers/stack';


const MISSING_ID = 'c_000000000000000000000000';
const BAD_IDS = [encodeURIComponent('bad id!'), 'x'.repeat(65)];
const fixture = { id: '' };
/** The fixture complaint is created with this Idempotency-Key, so replaying it writes nothing. */
const FIXTURE_KEY = 'bad-input-fixture';

const weekly = (mon = [{ start: '09:00', end: '17:00' }]) => ({ mon, tue: mon, wed: mon, thu: mon, fri: mon, sat: [], sun: [] });
const validCalendar = () => ({ name: 'Test office', timeZone: 'Europe/Paris', weeklyHours: weekly(), holidays: ['2026-12-25'] });
const validPolicy = () => ({
  name: 'Test policy',
  match: { severities: ['P1', 'P2'] },
  targets: { firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 600 },
  calendarId: '24x7',
});
/** The service area the area and volume endpoints are aimed at; it matches no complaint. */
const AREA_ID = 'bad-input-area';
const validArea = () => ({
  name: 'Test area',
  match: { categories: ['area-only'] },
  processOwnerId: 'olivia',
  calendarId: '24x7',
  volumeUnit: 'transactions',
  causes: [{ code: 'double-charge', label: 'Double charge' }],
  objectives: [{ kpi: 'csat_average', comparator: '>=', target: 4.3 }],
  review: { frequency: 'monthly', reviewerIds: ['sam'] },
});
const CSV = { 'content-type': 'text/csv' };
const validVolumeCsv = () => 'day,volume\r\n2026-01-01,10\r\n';
const csvCase = (name: string, rawBody: string, errorPath?: string): Case => ({ name, rawBody, headers: CSV, status: 400, code: 'VALIDATION_FAILED', errorPath });
const validComplaint = () => ({ customer: { id: 'cust-bad-input', name: 'Eve' }, channel: 'email', category: 'billing', severity: 'P3', description: 'charged twice' });
/** An improvement trigger on an area that does not exist here: were its request accepted, the service would refuse it (422) and write nothing. */
const validTrigger = () => ({
  name: 'Billing first response',
  areaId: 'billing',
  kpi: 'first_response_attainment',
  period: 'week',
  lookbackPeriods: 12,
  condition: { type: 'spc', baselinePeriods: 8 },
  action: { cycleType: 'pdca', sponsorId: 'simon', deadlineDays: 60 },
});

interface Case {
  name: string;
  body?: unknown;
  rawBody?: string;
  /** Replaces the valid path (e.g. a malformed id or a query string). */
  path?: string;
  headers?: Record<string, string>;
  status: number;
  code?: string;
  /** errors[].path that must be reported. */
  errorPath?: string;
}

interface Endpoint {
  method: 'GET' | 'POST' | 'PUT';
  route: string;
  /** Concrete path for an id (routes with :id) or the route itself. */
  path: (id?: string) => string;
  hasId: boolean;
  /** A role allowed to call it, and roles that are not. */
  role: Role;
  wrongRoles: Role[];
  /** A body the endpoint would accept (body endpoints only). */
  body?: () => Record<string, unknown>;
  /** A text/csv body the endpoint would accept (CSV endpoints only, instead of `body`). */
  csv?: () => string;
  /** Endpoint-specific wrong types, missing fields, unknown fields and operator injection. */
  invalid: Case[];
}

const bad = (name: string, body: unknown, errorPath?: string): Case => ({ name, body, status: 400, code: 'VALIDATION_FAILED', errorPath });
const badQuery = (name: string, query: string, errorPath?: string): Case => ({ name, path: query, status: 400, code: 'VALIDATION_FAILED', errorPath });

const complaintActions: { slug: string; valid: Record<string, unknown>; invalid: Case[]; wrongRoles?: Role[]; role?: Role }[] = [
  {
    slug: 'acknowledge',
    valid: {},
    invalid: [bad('a body that is an array', [], 'body'), bad('an unknown field', { note: 'hi' }, 'body.note'), bad('an operator object', { $where: 'sleep(1000)' })],
  },
  {
    slug: 'add-note',
    valid: { text: 'called the customer', visibility: 'internal' },
    invalid: [
      bad('text of the wrong type', { text: 5 }, 'body.text'),
      bad('text missing', { visibility: 'public' }, 'body.text'),
      bad('blank text', { text: '   ' }, 'body.text'),
      bad('an unknown visibility', { text: 'hi', visibility: 'secret' }, 'body.visibility'),
      bad('an unknown field', { text: 'hi', authorId: 'sam' }, 'body.authorId'),
      bad('an operator object', { text: { $ne: null } }, 'body.text'),
    ],
  },
  {
    slug: 'request-info',
    valid: { message: 'tracking number?' },
    invalid: [bad('message of the wrong type', { message: 5 }, 'body.message'), bad('message missing', {}, 'body.message'), bad('an unknown field', { message: 'm', to: 'x' }, 'body.to')],
  },
  {
    slug: 'customer-replied',
    valid: { message: 'here it is' },
    invalid: [bad('message of the wrong type', { message: ['a'] }, 'body.message'), bad('message missing', {}, 'body.message'), bad('an unknown field', { message: 'm', status: 'closed' }, 'body.status')],
  },
  {
    slug: 'transfer',
    valid: { toAgentId: 'bob', reason: 'specialist' },
    invalid: [
      bad('an operator object as agent id', { toAgentId: { $gt: '' }, reason: 'r' }, 'body.toAgentId'),
      bad('a malformed agent id', { toAgentId: 'bob smith', reason: 'r' }, 'body.toAgentId'),
      bad('reason missing', { toAgentId: 'bob' }, 'body.reason'),
      bad('an unknown field', { toAgentId: 'bob', reason: 'r', ownerId: 'bob' }, 'body.ownerId'),
    ],
  },
  {
    slug: 'change-severity',
    valid: { severity: 'P1', reason: 'outage' },
    invalid: [
      bad('an unknown severity', { severity: 'P9', reason: 'r' }, 'body.severity'),
      bad('severity of the wrong type', { severity: 1, reason: 'r' }, 'body.severity'),
      bad('reason missing', { severity: 'P1' }, 'body.reason'),
      bad('an unknown field', { severity: 'P1', reason: 'r', sla: {} }, 'body.sla'),
    ],
  },
  {
    slug: 'resolve',
    valid: { summary: 'refunded' },
    invalid: [
      bad('summary of the wrong type', { summary: 1 }, 'body.summary'),
      bad('summary missing', {}, 'body.summary'),
      bad('an unknown field', { summary: 's', resolvedAt: 0 }, 'body.resolvedAt'),
      bad('a cause that is not a code', { summary: 's', cause: 'Double Charge' }, 'body.cause'),
      bad('an operator object as cause', { summary: 's', cause: { $ne: null } }, 'body.cause'),
      bad('a tag given twice', { summary: 's', tags: ['vip', 'vip'] }, 'body.tags'),
      bad('eleven tags', { summary: 's', tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'body.tags'),
      bad('a tag over 40 characters', { summary: 's', tags: ['x'.repeat(41)] }, 'body.tags.0'),
    ],
  },
  {
    slug: 'reopen',
    valid: { reason: 'not fixed' },
    invalid: [bad('reason of the wrong type', { reason: true }, 'body.reason'), bad('reason missing', {}, 'body.reason'), bad('an unknown field', { reason: 'r', force: true }, 'body.force')],
  },
  {
    slug: 'close',
    valid: { rating: 5 },
    invalid: [
      bad('rating of the wrong type', { rating: 'five' }, 'body.rating'),
      bad('rating out of range', { rating: 6 }, 'body.rating'),
      bad('a fractional rating', { rating: 4.5 }, 'body.rating'),
      bad('an unknown field', { rating: 5, closedAt: 0 }, 'body.closedAt'),
    ],
  },
  {
    slug: 'cancel',
    role: 'supervisor',
    wrongRoles: ['agent', 'auditor', 'admin', 'intake'],
    valid: { reason: 'withdrawn' },
    invalid: [
      bad('an unknown reason', { reason: 'bored' }, 'body.reason'),
      bad('reason missing', { note: 'n' }, 'body.reason'),
      bad('an operator object as duplicate id', { reason: 'duplicate', duplicateOf: { $ne: null } }, 'body.duplicateOf'),
      bad('an unknown field', { reason: 'withdrawn', by: 'sam' }, 'body.by'),
    ],
  },
  {
    slug: 'record-csat',
    valid: { rating: 4 },
    invalid: [bad('rating missing', { comment: 'ok' }, 'body.rating'), bad('rating as a string', { rating: '5' }, 'body.rating'), bad('rating zero', { rating: 0 }, 'body.rating'), bad('an unknown field', { rating: 4, by: 'x' }, 'body.by')],
  },
];

const ENDPOINTS: Endpoint[] = [
  {
    method: 'POST',
    route: 'POST /complaints',
    path: () => '/complaints',
    hasId: false,
    role: 'intake',
    wrongRoles: ['auditor', 'admin'],
    body: validComplaint,
    invalid: [
      bad('severity of the wrong type', { ...validComplaint(), severity: 5 }, 'body.severity'),
      bad('an unknown severity', { ...validComplaint(), severity: 'P0' }, 'body.severity'),
      bad('customer id missing', { ...validComplaint(), customer: { name: 'Eve' } }, 'body.customer.id'),
      bad('customer missing', { channel: 'email', category: 'billing', severity: 'P3', description: 'x' }, 'body.customer'),
      bad('a malformed email', { ...validComplaint(), customer: { id: 'c1', email: 'not-an-email' } }, 'body.customer.email'),
      bad('an unknown channel', { ...validComplaint(), channel: 'pigeon' }, 'body.channel'),
      bad('a category that is not a slug', { ...validComplaint(), category: 'Billing Issues' }, 'body.category'),
      bad('a blank description', { ...validComplaint(), description: '   ' }, 'body.description'),
      bad('an over-long description', { ...validComplaint(), description: 'x'.repeat(5001) }, 'body.description'),
      bad('an unknown field', { ...validComplaint(), priority: 'high' }, 'body.priority'),
      bad('an unknown field in customer', { ...validComplaint(), customer: { id: 'c1', vip: true } }, 'body.customer.vip'),
      bad('an operator object as customer id', { customer: { id: { $gt: '' } }, channel: 'email', category: 'billing', severity: 'P3', description: 'x' }, 'body.customer.id'),
      bad('a body that is an array', [validComplaint()], 'body'),
      { name: 'a malformed Idempotency-Key', body: validComplaint(), headers: { 'idempotency-key': 'has spaces in it' }, status: 400, code: 'VALIDATION_FAILED', errorPath: 'headers.idempotency-key' },
    ],
  },
  {
    method: 'GET',
    route: 'GET /complaints',
    path: () => '/complaints',
    hasId: false,
    role: 'agent',
    wrongRoles: ['intake'],
    invalid: [
      badQuery('a non-numeric limit', '/complaints?limit=abc', 'query.limit'),
      badQuery('limit zero', '/complaints?limit=0', 'query.limit'),
      badQuery('limit above 500', '/complaints?limit=501', 'query.limit'),
      badQuery('a fractional limit', '/complaints?limit=2.5', 'query.limit'),
      badQuery('an unknown status', '/complaints?status=lost', 'query.status'),
      badQuery('a repeated status', '/complaints?status=open&status=closed', 'query.status'),
      badQuery('an unknown severity', '/complaints?severity=P9', 'query.severity'),
      badQuery('a category that is not a slug', '/complaints?category=Not%20A%20Slug', 'query.category'),
      badQuery('a malformed owner', '/complaints?owner=a%20b', 'query.owner'),
      badQuery('breached not a boolean', '/complaints?breached=yes', 'query.breached'),
      badQuery('atRisk not a boolean', '/complaints?atRisk=1', 'query.atRisk'),
      badQuery('a cursor with bad characters', '/complaints?cursor=!!!', 'query.cursor'),
      badQuery('a cursor that does not decode', '/complaints?cursor=abc', 'query.cursor'),
      badQuery('an operator in the owner value', '/complaints?owner=%7B%22%24gt%22%3A%22%22%7D', 'query.owner'),
    ],
  },
  {
    method: 'GET',
    route: 'GET /complaints/:id',
    path: (id = fixture.id) => `/complaints/${id}`,
    hasId: true,
    role: 'agent',
    wrongRoles: ['intake'],
    invalid: [],
  },
  ...complaintActions.map(
    (a): Endpoint => ({
      method: 'POST',
      route: `POST /complaints/:id/${a.slug}`,
      path: (id = fixture.id) => `/complaints/${id}/${a.slug}`,
      hasId: true,
      role: a.role ?? 'agent',
      wrongRoles: a.wrongRoles ?? ['auditor', 'admin', 'intake'],
      body: () => a.valid,
      invalid: a.invalid,
    }),
  ),
  {
    method: 'GET',
    route: 'GET /calendars',
    path: () => '/calendars',
    hasId: false,
    role: 'auditor',
    wrongRoles: ['intake'],
    invalid: [],
  },
  {
    method: 'POST',
    route: 'POST /calendars',
    path: () => '/calendars',
    hasId: false,
    role: 'admin',
    wrongRoles: ['agent', 'auditor', 'intake'],
    body: () => ({ calendarId: 'new-office', ...validCalendar() }),
    invalid: [
      bad('calendarId missing', validCalendar(), 'body.calendarId'),
      bad('a calendarId that is not a slug', { calendarId: 'New Office', ...validCalendar() }, 'body.calendarId'),
      bad('an operator object as calendarId', { calendarId: { $gt: '' }, ...validCalendar() }, 'body.calendarId'),
      bad('timeZone of the wrong type', { calendarId: 'c', ...validCalendar(), timeZone: 5 }, 'body.timeZone'),
      bad('a weekday missing', { calendarId: 'c', ...validCalendar(), weeklyHours: { ...weekly(), sat: undefined } }, 'body.weeklyHours.sat'),
      bad('a malformed time', { calendarId: 'c', ...validCalendar(), weeklyHours: weekly([{ start: '9am', end: '17:00' }]) }, 'body.weeklyHours.mon.0.start'),
      bad('a malformed holiday', { calendarId: 'c', ...validCalendar(), holidays: ['2026-13-45'] }, 'body.holidays.0'),
      bad('an unknown field', { calendarId: 'c', ...validCalendar(), color: 'red' }, 'body.color'),
      bad('an unknown weekday', { calendarId: 'c', ...validCalendar(), weeklyHours: { ...weekly(), funday: [] } }, 'body.weeklyHours.funday'),
    ],
  },
  {
    method: 'GET',
    route: 'GET /calendars/:id',
    path: (id = '24x7') => `/calendars/${id}`,
    hasId: true,
    role: 'agent',
    wrongRoles: ['intake'],
    invalid: [badQuery('a non-numeric version', '/calendars/24x7?version=abc', 'query.version'), badQuery('version zero', '/calendars/24x7?version=0', 'query.version')],
  },
  {
    method: 'PUT',
    route: 'PUT /calendars/:id',
    path: (id = '24x7') => `/calendars/${id}`,
    hasId: true,
    role: 'supervisor',
    wrongRoles: ['agent', 'auditor', 'intake'],
    body: () => ({ expectedVersion: 1, ...validCalendar() }),
    invalid: [
      bad('expectedVersion missing', validCalendar(), 'body.expectedVersion'),
      bad('expectedVersion as a string', { expectedVersion: '1', ...validCalendar() }, 'body.expectedVersion'),
      bad('expectedVersion zero', { expectedVersion: 0, ...validCalendar() }, 'body.expectedVersion'),
      bad('name missing', { expectedVersion: 1, ...validCalendar(), name: undefined }, 'body.name'),
      bad('an unknown field (calendarId belongs in the path)', { expectedVersion: 1, calendarId: 'other', ...validCalendar() }, 'body.calendarId'),
    ],
  },
  {
    method: 'GET',
    route: 'GET /sla-policies',
    path: () => '/sla-policies',
    hasId: false,
    role: 'supervisor',
    wrongRoles: ['intake'],
    invalid: [],
  },
  {
    method: 'POST',
    route: 'POST /sla-policies',
    path: () => '/sla-policies',
    hasId: false,
    role: 'admin',
    wrongRoles: ['agent', 'auditor', 'intake'],
    body: () => ({ policyId: 'new-policy', ...validPolicy() }),
    invalid: [
      bad('policyId missing', validPolicy(), 'body.policyId'),
      bad('an operator object as calendarId', { policyId: 'p', ...validPolicy(), calendarId: { $gt: '' } }, 'body.calendarId'),
      bad('no severities', { policyId: 'p', ...validPolicy(), match: { severities: [] } }, 'body.match.severities'),
      bad('an unknown severity', { policyId: 'p', ...validPolicy(), match: { severities: ['P7'] } }, 'body.match.severities.0'),
      bad('targets missing', { policyId: 'p', ...validPolicy(), targets: undefined }, 'body.targets'),
      bad('a zero target', { policyId: 'p', ...validPolicy(), targets: { firstResponseMinutes: 0, nextResponseMinutes: 60, resolutionMinutes: 600 } }, 'body.targets.firstResponseMinutes'),
      bad('a target as a string', { policyId: 'p', ...validPolicy(), targets: { firstResponseMinutes: '30', nextResponseMinutes: 60, resolutionMinutes: 600 } }, 'body.targets.firstResponseMinutes'),
      bad('pauseOnAwaitingCustomer not a boolean', { policyId: 'p', ...validPolicy(), pauseOnAwaitingCustomer: 'yes' }, 'body.pauseOnAwaitingCustomer'),
      bad('a warning threshold out of range', { policyId: 'p', ...validPolicy(), warningThresholds: [150] }, 'body.warningThresholds.0'),
      bad('an unknown escalation action', { policyId: 'p', ...validPolicy(), escalation: [{ afterBreachMinutes: 0, action: 'explode' }] }, 'body.escalation.0.action'),
      bad('an unknown field', { policyId: 'p', ...validPolicy(), priority: 1 }, 'body.priority'),
    ],
  },
  {
    method: 'GET',
    route: 'GET /sla-policies/:id',
    path: (id = 'critical-24x7') => `/sla-policies/${id}`,
    hasId: true,
    role: 'auditor',
    wrongRoles: ['intake'],
    invalid: [badQuery('a non-numeric version', '/sla-policies/critical-24x7?version=x', 'query.version')],
  },
  {
    method: 'PUT',
    route: 'PUT /sla-policies/:id',
    path: (id = 'critical-24x7') => `/sla-policies/${id}`,
    hasId: true,
    role: 'admin',
    wrongRoles: ['agent', 'auditor', 'intake'],
    body: () => ({ expectedVersion: 1, ...validPolicy() }),
    invalid: [
      bad('expectedVersion missing', validPolicy(), 'body.expectedVersion'),
      bad('expectedVersion negative', { expectedVersion: -1, ...validPolicy() }, 'body.expectedVersion'),
      bad('match of the wrong type', { expectedVersion: 1, ...validPolicy(), match: 'P1' }, 'body.match'),
      bad('an unknown field (policyId belongs in the path)', { expectedVersion: 1, policyId: 'x', ...validPolicy() }, 'body.policyId'),
    ],
  },
  {
    method: 'GET',
    route: 'GET /service-areas',
    path: () => '/service-areas',
    hasId: false,
    role: 'agent',
    wrongRoles: ['intake'],
    invalid: [],
  },
  {
    method: 'GET',
    route: 'GET /service-areas/:id',
    path: (id = AREA_ID) => `/service-areas/${id}`,
    hasId: true,
    role: 'auditor',
    wrongRoles: ['intake'],
    invalid: [badQuery('a non-numeric version', `/service-areas/${AREA_ID}?version=x`, 'query.version'), badQuery('version zero', `/service-areas/${AREA_ID}?version=0`, 'query.version')],
  },
  {
    method: 'POST',
    route: 'POST /service-areas',
    path: () => '/service-areas',
    hasId: false,
    role: 'admin',
    wrongRoles: ['agent', 'supervisor', 'process_owner', 'auditor', 'intake'],
    body: () => ({ areaId: 'new-area', ...validArea() }),
    invalid: [
      bad('areaId missing', validArea(), 'body.areaId'),
      bad('an areaId that is not a slug', { areaId: 'Billing Area', ...validArea() }, 'body.areaId'),
      bad('an operator object as process owner', { areaId: 'a', ...validArea(), processOwnerId: { $gt: '' } }, 'body.processOwnerId'),
      bad('an unknown channel in match', { areaId: 'a', ...validArea(), match: { channels: ['pigeon'] } }, 'body.match.channels.0'),
      bad('an unknown match key', { areaId: 'a', ...validArea(), match: { severities: ['P1'] } }, 'body.match.severities'),
      bad('a cause code that is not a slug', { areaId: 'a', ...validArea(), causes: [{ code: 'Double Charge', label: 'x' }] }, 'body.causes.0.code'),
      bad('a cause without a label', { areaId: 'a', ...validArea(), causes: [{ code: 'x' }] }, 'body.causes.0.label'),
      bad('an unknown KPI', { areaId: 'a', ...validArea(), objectives: [{ kpi: 'happiness', comparator: '>=', target: 1 }] }, 'body.objectives.0.kpi'),
      bad('an unknown comparator', { areaId: 'a', ...validArea(), objectives: [{ kpi: 'csat_average', comparator: '>', target: 4 }] }, 'body.objectives.0.comparator'),
      bad('a target as a string', { areaId: 'a', ...validArea(), objectives: [{ kpi: 'csat_average', comparator: '>=', target: '4' }] }, 'body.objectives.0.target'),
      bad('a share target given as a percentage', { areaId: 'a', ...validArea(), objectives: [{ kpi: 'breach_rate', comparator: '<=', target: 5 }] }, 'body.objectives.0.target'),
      bad('an unknown review frequency', { areaId: 'a', ...validArea(), review: { frequency: 'daily', reviewerIds: [] } }, 'body.review.frequency'),
      bad('a reviewer listed twice', { areaId: 'a', ...validArea(), review: { frequency: 'monthly', reviewerIds: ['sam', 'sam'] } }, 'body.review.reviewerIds'),
      bad('an unknown field', { areaId: 'a', ...validArea(), version: 3 }, 'body.version'),
    ],
  },
  {
    method: 'PUT',
    route: 'PUT /service-areas/:id',
    path: (id = AREA_ID) => `/service-areas/${id}`,
    hasId: true,
    role: 'admin',
    wrongRoles: ['agent', 'supervisor', 'process_owner', 'auditor', 'intake'],
    body: () => ({ expectedVersion: 1, ...validArea() }),
    invalid: [
      bad('expectedVersion missing', validArea(), 'body.expectedVersion'),
      bad('expectedVersion zero', { expectedVersion: 0, ...validArea() }, 'body.expectedVersion'),
      bad('an unknown field (areaId belongs in the path)', { expectedVersion: 1, areaId: 'other', ...validArea() }, 'body.areaId'),
      bad('volumeUnit blank', { expectedVersion: 1, ...validArea(), volumeUnit: '  ' }, 'body.volumeUnit'),
    ],
  },
  {
    method: 'PUT',
    route: 'PUT /service-areas/:id/volume/:day',
    path: (id = AREA_ID) => `/service-areas/${id}/volume/2026-01-01`,
    hasId: true,
    role: 'supervisor',
    wrongRoles: ['agent', 'sponsor', 'auditor', 'intake'],
    body: () => ({ volume: 120 }),
    invalid: [
      bad('volume missing', {}, 'body.volume'),
      bad('a negative volume', { volume: -1 }, 'body.volume'),
      bad('a fractional volume', { volume: 1.5 }, 'body.volume'),
      bad('volume as a string', { volume: '12' }, 'body.volume'),
      bad('an unknown field', { volume: 1, day: '2026-01-02' }, 'body.day'),
      { name: 'a day that does not exist', path: `/service-areas/${AREA_ID}/volume/2026-02-29`, body: { volume: 1 }, status: 400, code: 'VALIDATION_FAILED', errorPath: 'params.day' },
      { name: 'a day in another format', path: `/service-areas/${AREA_ID}/volume/01-02-2026`, body: { volume: 1 }, status: 400, code: 'VALIDATION_FAILED', errorPath: 'params.day' },
    ],
  },
  {
    method: 'POST',
    route: 'POST /service-areas/:id/volume/import',
    path: (id = AREA_ID) => `/service-areas/${id}/volume/import`,
    hasId: true,
    role: 'process_owner',
    wrongRoles: ['agent', 'sponsor', 'auditor', 'intake'],
    csv: validVolumeCsv,
    invalid: [
      csvCase('an empty file', '', 'body'),
      csvCase('a header only', 'day,volume\r\n', 'body.rows'),
      csvCase('a volume that is not a whole number', 'day,volume\r\n2026-01-01,10\r\n2026-01-02,1.5\r\n', 'body.rows.1.volume'),
      csvCase('a day that does not exist', 'day,volume\r\n2026-02-30,10\r\n', 'body.rows.0.day'),
      csvCase('a missing column', 'day\r\n2026-01-01\r\n', 'body.rows.0.volume'),
      csvCase('an unknown column', 'day,volume,areaId\r\n2026-01-01,1,other\r\n', 'body.rows.0.areaId'),
      csvCase('a row with an extra field', 'day,volume\r\n2026-01-01,1,2\r\n', 'body.rows.0'),
      csvCase('a stray quote', 'day,volume\r\n2026-01-01,1"0\r\n', 'body.rows.0'),
      csvCase('an operator in a cell', 'day,volume\r\n2026-01-01,"{""$gt"":0}"\r\n', 'body.rows.0.volume'),
      csvCase('a day given twice', 'day,volume\r\n2026-01-01,1\r\n2026-01-01,2\r\n', 'body.rows.1.day'),
      csvCase('more than 3660 rows', `day,volume\r\n${Array.from({ length: 3661 }, (_, i) => `${new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10)},1\r\n`).join('')}`, 'body.rows'),
      { name: 'a CSV body over 256kb', rawBody: `day,volume\r\n${'2026-01-01,1\r\n'.repeat(20_000)}`, headers: CSV, status: 413, code: 'BODY_TOO_LARGE' },
      { name: 'a JSON body', body: { rows: [{ day: '2026-01-01', volume: '1' }] }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    ],
  },
  {
    method: 'GET',
    route: 'GET /service-areas/:id/volume',
    path: (id = AREA_ID) => `/service-areas/${id}/volume?from=2026-01-01&to=2026-01-31`,
    hasId: true,
    role: 'sponsor',
    wrongRoles: ['intake'],
    invalid: [
      badQuery('from missing', `/service-areas/${AREA_ID}/volume?to=2026-01-31`, 'query.from'),
      badQuery('a day that does not exist', `/service-areas/${AREA_ID}/volume?from=2026-02-30&to=2026-03-31`, 'query.from'),
      badQuery('to before from', `/service-areas/${AREA_ID}/volume?from=2026-02-01&to=2026-01-31`, 'query.to'),
      badQuery('a range over 3660 days', `/service-areas/${AREA_ID}/volume?from=2000-01-01&to=2026-01-31`, 'query.to'),
    ],
  },
  {
    method: 'GET',
    route: 'GET /triggers',
    path: () => '/triggers',
    hasId: false,
    role: 'auditor',
    wrongRoles: ['agent', 'intake'],
    invalid: [badQuery('an area that is not a slug', '/triggers?areaId=Not%20A%20Slug', 'query.areaId'), badQuery('an operator in the area', '/triggers?areaId[$ne]=x')],
  },
  {
    method: 'GET',
    route: 'GET /triggers/:id',
    path: (id = 'billing-frt') => `/triggers/${id}`,
    hasId: true,
    role: 'supervisor',
    wrongRoles: ['agent', 'intake'],
    invalid: [badQuery('a non-numeric version', '/triggers/billing-frt?version=abc', 'query.version'), badQuery('version zero', '/triggers/billing-frt?version=0', 'query.version')],
  },
  {
    method: 'POST',
    route: 'POST /triggers',
    path: () => '/triggers',
    hasId: false,
    role: 'process_owner',
    wrongRoles: ['agent', 'supervisor', 'sponsor', 'auditor', 'intake'],
    body: () => ({ triggerId: 'billing-frt', ...validTrigger() }),
    invalid: [
      bad('triggerId missing', validTrigger(), 'body.triggerId'),
      bad('a triggerId that is not a slug', { triggerId: 'Billing FRT', ...validTrigger() }, 'body.triggerId'),
      bad('an unknown KPI', { triggerId: 't', ...validTrigger(), kpi: 'happiness' }, 'body.kpi'),
      bad('an unknown period', { triggerId: 't', ...validTrigger(), period: 'fortnight' }, 'body.period'),
      bad('an unknown filter dimension', { triggerId: 't', ...validTrigger(), filter: { dimension: 'mood', value: 'x' } }, 'body.filter.dimension'),
      bad('an SPC baseline below 8 periods', { triggerId: 't', ...validTrigger(), condition: { type: 'spc', baselinePeriods: 4 } }, 'body.condition.baselinePeriods'),
      bad('a Pareto share above 1', { triggerId: 't', ...validTrigger(), condition: { type: 'pareto', by: 'cause', share: 2, periods: 3 } }, 'body.condition.share'),
      bad('a Pareto by an unknown dimension', { triggerId: 't', ...validTrigger(), condition: { type: 'pareto', by: 'agent', share: 0.5, periods: 3 } }, 'body.condition.by'),
      bad('a threshold without periods', { triggerId: 't', ...validTrigger(), condition: { type: 'threshold' } }, 'body.condition.periods'),
      bad('an unknown cycle type', { triggerId: 't', ...validTrigger(), action: { cycleType: 'kaizen', sponsorId: 'simon', deadlineDays: 60 } }, 'body.action.cycleType'),
      bad('an operator object as sponsor', { triggerId: 't', ...validTrigger(), action: { cycleType: 'pdca', sponsorId: { $ne: null }, deadlineDays: 60 } }, 'body.action.sponsorId'),
      bad('enabled as a string', { triggerId: 't', ...validTrigger(), enabled: 'yes' }, 'body.enabled'),
      bad('a lookback of one period', { triggerId: 't', ...validTrigger(), lookbackPeriods: 1 }, 'body.lookbackPeriods'),
      bad('an unknown field', { triggerId: 't', ...validTrigger(), ownerId: 'olivia' }, 'body.ownerId'),
    ],
  },
  {
    method: 'PUT',
    route: 'PUT /triggers/:id',
    path: (id = 'billing-frt') => `/triggers/${id}`,
    hasId: true,
    role: 'admin',
    wrongRoles: ['agent', 'supervisor', 'sponsor', 'auditor', 'intake'],
    body: () => ({ expectedVersion: 1, ...validTrigger() }),
    invalid: [
      bad('expectedVersion missing', validTrigger(), 'body.expectedVersion'),
      bad('expectedVersion zero', { expectedVersion: 0, ...validTrigger() }, 'body.expectedVersion'),
      bad('condition missing', { expectedVersion: 1, ...validTrigger(), condition: undefined }, 'body.condition'),
      bad('an unknown field (triggerId belongs in the path)', { expectedVersion: 1, triggerId: 'x', ...validTrigger() }, 'body.triggerId'),
    ],
  },
  {
    method: 'POST',
    route: 'POST /analytics/triggers/:id/evaluate',
    path: (id = 'billing-frt') => `/analytics/triggers/${id}/evaluate`,
    hasId: true,
    role: 'sponsor',
    wrongRoles: ['agent', 'intake'],
    body: () => ({}),
    invalid: [bad('an unknown field', { asOf: '2030-01-01T00:00:00Z' }, 'body.asOf'), bad('a body that is an array', [], 'body')],
  },
];

describe('bad input', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack();
    // One acknowledged complaint (owned by alice) that the action endpoints are aimed at.
    const created = await stack.call('POST', '/complaints', { key: stack.keys.intake, body: validComplaint(), headers: { 'idempotency-key': FIXTURE_KEY } });
    expect(created.status).toBe(201);
    fixture.id = created.body.id;
    await eventually(async () => (await stack.models.Complaint.findById(fixture.id).lean())?.version === 1, 20_000, 'fixture registered');
    const ack = await stack.call('POST', `/complaints/${fixture.id}/acknowledge`, { key: stack.keys.alice, body: {} });
    expect(ack.status).toBe(200);
    await eventually(async () => (await stack.models.Complaint.findById(fixture.id).lean())?.version === 2, 20_000, 'fixture acknowledged');
    // Visibility is eventually consistent: settle on the one workflow before counting.
    await eventually(async () => (await stack.workflowCount()) === 1, 20_000, 'fixture workflow visible');
    expect((await stack.call('POST', '/service-areas', { key: stack.keys.admin, body: { areaId: AREA_ID, ...validArea() } })).status).toBe(201);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Everything a request could change. */
  async function snapshot() {
    const [counts, workflows, doc] = await Promise.all([collectionCounts(stack.models), stack.workflowCount(), stack.models.Complaint.findById(fixture.id).lean()]);
    return { ...counts, workflows, fixtureVersion: doc?.version, fixtureStatus: doc?.status };
  }

  /** Sends a request that must be rejected, and checks that it changed nothing. */
  const rejected = rejectionChecker(() => stack, snapshot);

  const keyOf = (role: Role) => stack.keys[role];

  /**
   * A request the endpoint accepts but that cannot write anything, for the query-string
   * tests: were the query ignored instead of rejected, the request still changes nothing
   * (a replayed intake, an action on a missing complaint, a catalog save that conflicts).
   */
  function probe(ep: Endpoint): { path: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } {
    switch (ep.route) {
      case 'POST /complaints':
        return { path: ep.path(), body: validComplaint(), headers: { 'idempotency-key': FIXTURE_KEY } };
      case 'POST /calendars':
        return { path: ep.path(), body: { calendarId: '24x7', ...validCalendar() } };
      case 'POST /sla-policies':
        return { path: ep.path(), body: { policyId: 'critical-24x7', ...validPolicy() } };
      case 'PUT /calendars/:id':
        return { path: ep.path(), body: { expectedVersion: 99, ...validCalendar() } };
      case 'PUT /sla-policies/:id':
        return { path: ep.path(), body: { expectedVersion: 99, ...validPolicy() } };
      case 'POST /service-areas':
        return { path: ep.path(), body: { areaId: AREA_ID, ...validArea() } };
      case 'PUT /service-areas/:id':
        return { path: ep.path(), body: { expectedVersion: 99, ...validArea() } };
      case 'PUT /service-areas/:id/volume/:day':
        return { path: ep.path('missing-area'), body: { volume: 1 } };
      case 'POST /service-areas/:id/volume/import':
        return { path: ep.path('missing-area'), rawBody: validVolumeCsv(), headers: CSV };
      case 'GET /service-areas/:id/volume':
        // Its path carries a query already: the tests append theirs to the bare path.
        return { path: `/service-areas/${AREA_ID}/volume` };
      default:
        return ep.method === 'POST' ? { path: ep.path(MISSING_ID), body: ep.body?.() } : { path: ep.path() };
    }
  }

  describe.each(ENDPOINTS.map((e) => [e.route, e] as const))('%s', (_route, ep) => {
    const validBody = () => ep.body?.();

    it('given malformed JSON, when sent, then 400 MALFORMED_JSON', async () => {
      const res = await rejected(ep.method, ep.path(), { key: keyOf(ep.role), rawBody: '{"customer": {"id": "c1",' }, 400, 'MALFORMED_JSON');
      expect(errorPaths(res)).toContain('body');
    });

    it('given a body over 64kb, when sent, then 413', async () => {
      const big = JSON.stringify({ ...(validBody() ?? {}), description: 'x'.repeat(70 * 1024) });
      await rejected(ep.method, ep.path(), { key: keyOf(ep.role), rawBody: big }, 413, 'BODY_TOO_LARGE');
    });

    if (ep.body || ep.csv) {
      it('given a text/plain body, when sent, then 415', async () => {
        await rejected(ep.method, ep.path(), { key: keyOf(ep.role), rawBody: ep.csv?.() ?? JSON.stringify(validBody()), headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      });
    }

    it.each(ep.wrongRoles)('given the %s role, when calling with a valid request, then 403 NOT_PERMITTED', async (role) => {
      await rejected(ep.method, ep.path(), { key: keyOf(role), body: validBody() }, 403, 'NOT_PERMITTED');
    });

    it('given no API key, when calling, then 401 with a Bearer challenge', async () => {
      const res = await rejected(ep.method, ep.path(), { body: validBody() }, 401, 'UNAUTHENTICATED');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('given an unknown API key, when calling, then 401', async () => {
      await rejected(ep.method, ep.path(), { key: 'ql_this-key-was-never-issued', body: validBody() }, 401, 'UNAUTHENTICATED');
      await rejected(ep.method, ep.path(), { headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' }, body: validBody() }, 401, 'UNAUTHENTICATED');
    });

    it('given an unknown query parameter, when calling, then 400 naming it', async () => {
      const p = probe(ep);
      const res = await rejected(ep.method, `${p.path}?extra=1`, { key: keyOf(ep.role), body: p.body, rawBody: p.rawBody, headers: p.headers }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res)).toContain('query.extra');
    });

    it('given MongoDB operators in the query string, when calling, then 400', async () => {
      for (const q of ['?status[$ne]=x', '?owner[$gt]=', '?limit[$gt]=0']) {
        const p = probe(ep);
        await rejected(ep.method, `${p.path}${q}`, { key: keyOf(ep.role), body: p.body, rawBody: p.rawBody, headers: p.headers }, 400, 'VALIDATION_FAILED');
      }
    });

    if (ep.hasId) {
      it.each(BAD_IDS.map((id) => [id.slice(0, 12), id] as const))('given a malformed id (%s...), when calling, then 400 on params.id', async (_label, id) => {
        const res = await rejected(ep.method, ep.path(id), { key: keyOf(ep.role), body: validBody() }, 400, 'VALIDATION_FAILED');
        expect(errorPaths(res)).toContain('params.id');
      });
    }

    if (ep.invalid.length > 0) {
      it.each(ep.invalid.map((c) => [c.name, c] as const))('given %s, when sent, then 400 naming the field and nothing is written', async (_name, c) => {
        const res = await rejected(ep.method, c.path ?? ep.path(), { key: keyOf(ep.role), body: c.body, rawBody: c.rawBody, headers: c.headers }, c.status, c.code);
        if (c.errorPath) expect(errorPaths(res)).toContain(c.errorPath);
      });
    }
  });

  describe('catalog rules', () => {
    it('given a calendar in an unknown time zone, when created, then 400 and nothing is written', async () => {
      const res = await rejected('POST', '/calendars', { key: stack.keys.admin, body: { calendarId: 'mars', ...validCalendar(), timeZone: 'Mars/Olympus_Mons' } }, 400, 'VALIDATION_FAILED');
      expect(res.body.errors!.map((e) => e.message).join('\n')).toMatch(/Mars\/Olympus_Mons/);
    });

    it('given a calendar range with start >= end, when created or updated, then 400 and nothing is written', async () => {
      for (const range of [{ start: '17:00', end: '09:00' }, { start: '09:00', end: '09:00' }]) {
        const res = await rejected('POST', '/calendars', { key: stack.keys.admin, body: { calendarId: 'backwards', ...validCalendar(), weeklyHours: weekly([range]) } }, 400, 'VALIDATION_FAILED');
        expect(res.body.errors!.map((e) => e.message).join('\n')).toMatch(/not before/);
      }
      await rejected('PUT', '/calendars/24x7', { key: stack.keys.admin, body: { expectedVersion: 1, ...validCalendar(), weeklyHours: weekly([{ start: '18:00', end: '08:00' }]) } }, 400, 'VALIDATION_FAILED');
    });

    it('given a calendar without any working time, when created, then 400', async () => {
      const closed = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
      await rejected('POST', '/calendars', { key: stack.keys.admin, body: { calendarId: 'closed', ...validCalendar(), weeklyHours: closed } }, 400, 'VALIDATION_FAILED');
    });

    it('given a policy on an unknown calendar, when created or updated, then 422 INVALID_DEFINITION on body.calendarId and nothing is written', async () => {
      const created = await rejected('POST', '/sla-policies', { key: stack.keys.admin, body: { policyId: 'orphan', ...validPolicy(), calendarId: 'atlantis' } }, 422, 'INVALID_DEFINITION');
      expect(errorPaths(created)).toContain('body.calendarId');
      const updated = await rejected('PUT', '/sla-policies/critical-24x7', { key: stack.keys.admin, body: { expectedVersion: 1, ...validPolicy(), calendarId: 'atlantis' } }, 422, 'INVALID_DEFINITION');
      expect(errorPaths(updated)).toContain('body.calendarId');
    });

    it('given a policy whose first-response target exceeds its resolution target, when created, then 400 and nothing is written', async () => {
      const res = await rejected(
        'POST',
        '/sla-policies',
        { key: stack.keys.admin, body: { policyId: 'upside-down', ...validPolicy(), targets: { firstResponseMinutes: 600, nextResponseMinutes: 60, resolutionMinutes: 30 } } },
        400,
        'VALIDATION_FAILED',
      );
      expect(res.body.errors!.map((e) => e.message).join('\n')).toMatch(/firstResponseMinutes/);
    });

    it('given an escalation ladder that goes back in time, when created, then 400', async () => {
      const escalation = [
        { afterBreachMinutes: 60, action: 'notify_role', role: 'supervisor' },
        { afterBreachMinutes: 10, action: 'raise_severity' },
      ];
      await rejected('POST', '/sla-policies', { key: stack.keys.admin, body: { policyId: 'ladder', ...validPolicy(), escalation } }, 400, 'VALIDATION_FAILED');
    });

    it('given a calendar saved by someone else, when saved with the stale expectedVersion, then 409 VERSION_CONFLICT and only the first save is kept', async () => {
      const { keys, models } = stack;
      const created = await stack.call('POST', '/calendars', { key: keys.admin, body: { calendarId: 'stale-cal', ...validCalendar() } });
      expect(created.status).toBe(201);
      expect(created.headers.location).toBe('/calendars/stale-cal');
      const first = await stack.call('PUT', '/calendars/stale-cal', { key: keys.supervisor, body: { expectedVersion: 1, ...validCalendar(), name: 'first edit' } });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ id: 'stale-cal', version: 2, name: 'first edit' });

      await rejected('PUT', '/calendars/stale-cal', { key: keys.admin, body: { expectedVersion: 1, ...validCalendar(), name: 'stale edit' } }, 409, 'VERSION_CONFLICT');
      // Creating an id that exists is a conflict too.
      await rejected('POST', '/calendars', { key: keys.admin, body: { calendarId: 'stale-cal', ...validCalendar() } }, 409, 'VERSION_CONFLICT');

      const latest = await stack.call('GET', '/calendars/stale-cal', { key: keys.auditor });
      expect(latest.body).toMatchObject({ version: 2, name: 'first edit' });
      const v1 = await stack.call('GET', '/calendars/stale-cal?version=1', { key: keys.auditor });
      expect(v1.body).toMatchObject({ version: 1, name: 'Test office' });
      expect(await models.Calendar.countDocuments({ calendarId: 'stale-cal' })).toBe(2);
    });

    it('given two editors saving the same policy version at once, then exactly one wins and the other gets 409', async () => {
      const { keys, models } = stack;
      expect((await stack.call('POST', '/sla-policies', { key: keys.admin, body: { policyId: 'race', ...validPolicy() } })).status).toBe(201);
      const [a, b] = await Promise.all(
        ['editor a', 'editor b'].map((name) => stack.call<Problem>('PUT', '/sla-policies/race', { key: keys.admin, body: { expectedVersion: 1, ...validPolicy(), name } })),
      );
      expect([a!.status, b!.status].sort()).toEqual([200, 409]);
      const loser = a!.status === 409 ? a! : b!;
      expectProblem(loser, 409, 'VERSION_CONFLICT');
      expect(await models.SlaPolicy.countDocuments({ policyId: 'race' })).toBe(2);

      await rejected('PUT', '/sla-policies/race', { key: keys.admin, body: { expectedVersion: 1, ...validPolicy() } }, 409, 'VERSION_CONFLICT');
    });

    it('given an unknown calendar or policy id or version, when fetched, then 404 problem+json', async () => {
      await rejected('GET', '/calendars/atlantis', { key: stack.keys.agent }, 404, 'NOT_FOUND');
      await rejected('GET', '/calendars/24x7?version=99', { key: stack.keys.agent }, 404, 'NOT_FOUND');
      await rejected('GET', '/sla-policies/nothing-here', { key: stack.keys.agent }, 404, 'NOT_FOUND');
    });
  });

  describe('operations and documentation', () => {
    it('given the service is up, when probing liveness and readiness, then both answer 200 without a key', async () => {
      const live = await stack.call('GET', '/healthz');
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'ok' });
      const ready = await stack.call('GET', '/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ready', checks: { mongo: 'ok', temporal: 'ok' } });
    });

    it('given the OpenAPI document, when fetched, then it has a path and operation for every route', async () => {
      const res = await stack.call<{ openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>> }>('GET', '/openapi.json');
      expect(res.status).toBe(200);
      expect(res.body.openapi).toBe('3.1.0');
      const expected = [
        ['get', '/healthz'],
        ['get', '/readyz'],
        ...ENDPOINTS.map((e) => [e.method.toLowerCase(), e.route.split(' ')[1]!.replace(/:(\w+)/g, '{$1}')]),
        // The improvement-cycle routes, from the table cycle-bad-input.test.ts runs against.
        ...CYCLE_ENDPOINTS.map((e) => openApiOperation(e.route)),
      ];
      for (const [method, path] of expected) {
        expect({ path, method, op: res.body.paths[path!]?.[method!] !== undefined }).toEqual({ path, method, op: true });
      }
      // Every route the app mounts (admin, audit and history included) is documented, and nothing else.
      const documented = Object.entries(res.body.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
      const mounted = documentedRoutes().map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
      expect(documented.sort()).toEqual(mounted.sort());
      for (const e of ENDPOINTS.filter((x) => x.body)) {
        expect(res.body.paths[e.route.split(' ')[1]!.replace(/:(\w+)/g, '{$1}')]![e.method.toLowerCase()]!.requestBody).toBeDefined();
      }
      for (const e of CYCLE_ENDPOINTS) {
        const [method, path] = openApiOperation(e.route);
        expect({ route: e.route, requestBody: res.body.paths[path]![method]!.requestBody !== undefined }).toEqual({ route: e.route, requestBody: e.body !== undefined });
      }
    });

    it('given the docs page, when fetched, then it is HTML that loads the OpenAPI document from a script file (no inline script for the CSP to block)', async () => {
      const res = await stack.call<string>('GET', '/docs');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toMatch(/<html/i);
      expect(res.body.match(/<script[^>]*>[^<]+<\/script>/g)).toBeNull();
      expect(res.body).toContain('<script src="/docs/init.js"></script>');
      const init = await stack.call<string>('GET', '/docs/init.js');
      expect(init.headers['content-type']).toMatch(/^application\/javascript/);
      expect(init.text).toContain("url: '/openapi.json'");
    });

    it('given an unknown route, when called, then 404 problem+json; a method a known path does not take is 405 with Allow', async () => {
      await rejected('GET', '/complaintz', { key: stack.keys.agent }, 404, 'NOT_FOUND');
      const res = await rejected('DELETE', `/complaints/${fixture.id}`, { key: stack.keys.supervisor }, 405, 'METHOD_NOT_ALLOWED');
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    });
  });

  describe('afterwards', () => {
    it('given all the rejected requests, when one more complaint is created, then it is the only other workflow ever started', async () => {
      const created = await stack.call('POST', '/complaints', { key: stack.keys.intake, body: { ...validComplaint(), customer: { id: 'cust-last' } } });
      expect(created.status).toBe(201);
      // The fixture and this one: had any rejected request started a workflow, it would show up here.
      await eventually(async () => (await stack.workflowCount()) >= 2, 20_000, 'second workflow visible');
      expect(await stack.workflowCount()).toBe(2);
      await eventually(async () => (await stack.models.Complaint.countDocuments({})) >= 2, 20_000, 'second complaint registered');
      expect(await stack.models.Complaint.countDocuments({})).toBe(2);
      expect((await stack.models.Complaint.findById(fixture.id).lean())!.version).toBe(2);
    });
  });
});
