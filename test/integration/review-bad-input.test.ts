/**
 * Hostile and malformed requests against every quality-review endpoint, on
 * the real stack (same pattern as bad-input.test.ts). Each rejected request
 * must answer RFC 9457 problem+json with the right status, name the field,
 * and write NOTHING: no review, audit event or outbox message, no workflow
 * started, and the fixture review keeps its version.
 */
import type { Role } from '../../src/domain/actors';
import { reviewIdOf } from '../../src/domain/review';
import { type ApiStack, collectionCounts, errorPaths, rejectionChecker, startApiStack } from '../helpers/api';
import { areaDefinition, lastEndedMonth, seedArea } from '../helpers/review-fixtures';
import { eventually, uniqueId } from '../helpers/stack';

const DAY_MS = 86_400_000;
const period = lastEndedMonth();
/** Unique per run: workflow ids (`review-<area>-<period>`) are shared by every test file on the Temporal server. */
const AREA = uniqueId('billing');
const FIXTURE = reviewIdOf(AREA, period.key);
const MISSING = 'billing-1999-01';
const OP = { $gt: '' };
const future = new Date(Date.now() + 30 * DAY_MS).toISOString();

interface Case {
  name: string;
  body?: unknown;
  rawBody?: string;
  /** Replaces the endpoint's path (a bad id or query string). */
  path?: string;
  headers?: Record<string, string>;
  errorPath: string;
}

interface Endpoint {
  method: 'GET' | 'POST';
  route: string;
  path: (id?: string) => string;
  role: Role;
  wrongRoles: Role[];
  body?: () => Record<string, unknown>;
  invalid: Case[];
}

const validAction = () => ({
  title: 'Rewrite the tariff letter',
  assigneeId: 'olivia',
  dueAt: future,
  openCycle: {
    type: 'pdca',
    title: 'Halve double charges',
    problemStatement: 'Double charges lead the causes.',
    sponsorId: 'simon',
    goal: { metric: 'double charges per week', unit: 'complaints', direction: 'lower_is_better', baseline: 4, target: 2, deadline: future },
  },
});
const withCycle = (patch: Record<string, unknown>) => ({ ...validAction(), openCycle: { ...validAction().openCycle, ...patch } });
const withGoal = (patch: Record<string, unknown>) => withCycle({ goal: { ...validAction().openCycle.goal, ...patch } });

const bad = (name: string, body: unknown, errorPath: string): Case => ({ name, body, errorPath });
const badPath = (name: string, path: string, errorPath: string): Case => ({ name, path, errorPath });
const badIds = (suffix: string): Case[] => [
  badPath('a malformed id', `/reviews/${encodeURIComponent('bad id!')}${suffix}`, 'params.id'),
  badPath('an over-long id', `/reviews/${'x'.repeat(101)}${suffix}`, 'params.id'),
  badPath('an operator as id', `/reviews/${encodeURIComponent('{"$gt":""}')}${suffix}`, 'params.id'),
];

const ENDPOINTS: Endpoint[] = [
  {
    method: 'POST',
    route: 'POST /reviews',
    path: () => '/reviews',
    role: 'process_owner',
    wrongRoles: ['agent', 'admin', 'auditor', 'intake'],
    body: () => ({ areaId: AREA, period: period.key }),
    invalid: [
      bad('areaId missing', { period: period.key }, 'body.areaId'),
      bad('an areaId that is not a slug', { areaId: 'Billing Support', period: period.key }, 'body.areaId'),
      bad('an operator object as areaId', { areaId: OP, period: period.key }, 'body.areaId'),
      bad('period missing', { areaId: AREA }, 'body.period'),
      bad('a month 13', { areaId: AREA, period: '2026-13' }, 'body.period'),
      bad('a period in words', { areaId: AREA, period: 'March' }, 'body.period'),
      bad('a period of the wrong type', { areaId: AREA, period: 202603 }, 'body.period'),
      bad('an unknown field', { areaId: AREA, period: period.key, status: 'signed' }, 'body.status'),
      bad('a body that is an array', [{ areaId: AREA, period: period.key }], 'body'),
    ],
  },
  {
    method: 'GET',
    route: 'GET /reviews',
    path: () => '/reviews',
    role: 'auditor',
    wrongRoles: ['agent', 'intake'],
    invalid: [
      badPath('a non-numeric limit', '/reviews?limit=abc', 'query.limit'),
      badPath('limit zero', '/reviews?limit=0', 'query.limit'),
      badPath('limit above 100', '/reviews?limit=101', 'query.limit'),
      badPath('an unknown status', '/reviews?status=approved', 'query.status'),
      badPath('a repeated status', '/reviews?status=open&status=signed', 'query.status'),
      badPath('an area that is not a slug', '/reviews?area=Not%20A%20Slug', 'query.area'),
      badPath('an operator in the area', '/reviews?area=%7B%22%24gt%22%3A%22%22%7D', 'query.area'),
      badPath('a cursor with bad characters', '/reviews?cursor=!!!', 'query.cursor'),
      badPath('a cursor that does not decode', '/reviews?cursor=abc', 'query.cursor'),
      badPath('an unknown parameter', '/reviews?owner=olivia', 'query.owner'),
    ],
  },
  { method: 'GET', route: 'GET /reviews/:id', path: (id = FIXTURE) => `/reviews/${id}`, role: 'sponsor', wrongRoles: ['agent', 'intake'], invalid: [...badIds(''), badPath('a query parameter', `/reviews/${FIXTURE}?format=md`, 'query.format')] },
  {
    method: 'GET',
    route: 'GET /reviews/:id/report.md',
    path: (id = FIXTURE) => `/reviews/${id}/report.md`,
    role: 'auditor',
    wrongRoles: ['agent', 'intake'],
    invalid: [...badIds('/report.md'), badPath('a query parameter', `/reviews/${FIXTURE}/report.md?format=json`, 'query.format')],
  },
  {
    method: 'POST',
    route: 'POST /reviews/:id/decisions',
    path: (id = FIXTURE) => `/reviews/${id}/decisions`,
    role: 'sponsor',
    wrongRoles: ['agent', 'admin', 'auditor', 'intake'],
    body: () => ({ text: 'No action needed this month.' }),
    invalid: [
      ...badIds('/decisions').map((c) => ({ ...c, body: { text: 'x' } })),
      bad('text missing', {}, 'body.text'),
      bad('a blank text', { text: '   ' }, 'body.text'),
      bad('text of the wrong type', { text: 5 }, 'body.text'),
      bad('an over-long text', { text: 'x'.repeat(5001) }, 'body.text'),
      bad('an operator object as text', { text: OP }, 'body.text'),
      bad('an unknown field', { text: 'x', by: 'olivia' }, 'body.by'),
      bad('a body that is an array', ['x'], 'body'),
      { name: 'a malformed Idempotency-Key', body: { text: 'x' }, headers: { 'idempotency-key': 'has spaces in it' }, errorPath: 'headers.idempotency-key' },
    ],
  },
  {
    method: 'POST',
    route: 'POST /reviews/:id/actions',
    path: (id = FIXTURE) => `/reviews/${id}/actions`,
    role: 'process_owner',
    wrongRoles: ['agent', 'admin', 'auditor', 'intake'],
    body: validAction,
    invalid: [
      bad('title missing', { ...validAction(), title: undefined }, 'body.title'),
      bad('a malformed assignee', { ...validAction(), assigneeId: 'olivia owner' }, 'body.assigneeId'),
      bad('an operator object as assignee', { ...validAction(), assigneeId: OP }, 'body.assigneeId'),
      bad('a malformed due date', { ...validAction(), dueAt: '2030-13-01T00:00:00Z' }, 'body.dueAt'),
      bad('a due date without a time zone', { ...validAction(), dueAt: '2030-01-01T00:00:00' }, 'body.dueAt'),
      bad('an unknown cycle type', withCycle({ type: 'six_sigma' }), 'body.openCycle.type'),
      bad('a cycle without a sponsor', withCycle({ sponsorId: undefined }), 'body.openCycle.sponsorId'),
      bad('a cycle without a goal', withCycle({ goal: undefined }), 'body.openCycle.goal'),
      bad('an unknown goal direction', withGoal({ direction: 'up' }), 'body.openCycle.goal.direction'),
      bad('a baseline of the wrong type', withGoal({ baseline: '4' }), 'body.openCycle.goal.baseline'),
      bad('an unknown field in the cycle', withCycle({ ownerId: 'simon' }), 'body.openCycle.ownerId'),
      bad('an unknown field', { ...validAction(), cycleId: 'y_1' }, 'body.cycleId'),
    ],
  },
  {
    method: 'POST',
    route: 'POST /reviews/:id/signatures',
    path: (id = FIXTURE) => `/reviews/${id}/signatures`,
    role: 'supervisor',
    wrongRoles: ['agent', 'admin', 'auditor', 'intake'],
    body: () => ({ decision: 'approve', comment: 'fine' }),
    invalid: [
      bad('an unknown decision', { decision: 'maybe', comment: 'x' }, 'body.decision'),
      bad('comment missing', { decision: 'approve' }, 'body.comment'),
      bad('a rejection without reasons', { decision: 'reject', comment: 'no' }, 'body.reasons'),
      bad('a rejection with no reason listed', { decision: 'reject', comment: 'no', reasons: [] }, 'body.reasons'),
      bad('reasons not a list', { decision: 'reject', comment: 'no', reasons: 'late' }, 'body.reasons'),
      // Who must sign is the catalog's to say (the service passes it in), never the signer's.
      bad('the reviewers named by the signer', { decision: 'approve', comment: 'x', reviewerIds: ['olivia'] }, 'body.reviewerIds'),
      bad('an operator object as decision', { decision: OP, comment: 'x' }, 'body.decision'),
    ],
  },
];

describe('quality review bad input', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack();
    await seedArea(stack.models, AREA, areaDefinition(), new Date(Date.now() - 400 * DAY_MS));
    const created = await stack.call('POST', '/reviews', { key: stack.keys.olivia, body: { areaId: AREA, period: period.key } });
    expect(created.status).toBe(201);
    await eventually(async () => (await stack.models.QualityReview.findById(FIXTURE).lean())?.version === 1, 20_000, 'fixture review persisted');
    await eventually(async () => (await stack.workflowCount()) === 1, 20_000, 'fixture workflow visible');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Everything a request could change. */
  async function snapshot() {
    const [counts, workflows, reviews, doc] = await Promise.all([
      collectionCounts(stack.models),
      stack.workflowCount(),
      stack.models.QualityReview.countDocuments({}),
      stack.models.QualityReview.findById(FIXTURE).lean(),
    ]);
    return { ...counts, workflows, reviews, fixtureVersion: doc?.version, fixtureStatus: doc?.status };
  }

  const rejected = rejectionChecker(() => stack, snapshot);
  const keyOf = (role: Role) => stack.keys[role];

  it('given the endpoint table, then it covers every review route', () => {
    expect(ENDPOINTS.map((e) => e.route).sort()).toEqual([
      'GET /reviews',
      'GET /reviews/:id',
      'GET /reviews/:id/report.md',
      'POST /reviews',
      'POST /reviews/:id/actions',
      'POST /reviews/:id/decisions',
      'POST /reviews/:id/signatures',
    ]);
  });

  describe.each(ENDPOINTS.map((e) => [e.route, e] as const))('%s', (_route, ep) => {
    const validBody = () => ep.body?.();

    if (ep.method === 'POST') {
      it('given malformed JSON, when sent, then 400 MALFORMED_JSON', async () => {
        const res = await rejected(ep.method, ep.path(), { key: keyOf(ep.role), rawBody: '{"text": "x",' }, 400, 'MALFORMED_JSON');
        expect(errorPaths(res)).toContain('body');
      });

      it('given a body over 64kb, when sent, then 413', async () => {
        await rejected(ep.method, ep.path(), { key: keyOf(ep.role), rawBody: JSON.stringify({ ...validBody(), text: 'x'.repeat(70 * 1024) }) }, 413, 'BODY_TOO_LARGE');
      });

      it('given a text/plain body, when sent, then 415', async () => {
        await rejected(ep.method, ep.path(), { key: keyOf(ep.role), rawBody: JSON.stringify(validBody()), headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      });
    }

    it.each(ep.wrongRoles)('given the %s role, when calling with a valid request, then 403 NOT_PERMITTED', async (role) => {
      await rejected(ep.method, ep.path(), { key: keyOf(role), body: validBody() }, 403, 'NOT_PERMITTED');
    });

    it('given no API key, when calling, then 401', async () => {
      await rejected(ep.method, ep.path(), { body: validBody() }, 401, 'UNAUTHENTICATED');
    });

    it.each(ep.invalid.map((c) => [c.name, c] as const))('given %s, when sent, then 400 naming the field and nothing is written', async (_name, c) => {
      const res = await rejected(ep.method, c.path ?? ep.path(), { key: keyOf(ep.role), body: c.body ?? (c.path ? validBody() : undefined), rawBody: c.rawBody, headers: c.headers }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res)).toContain(c.errorPath);
    });
  });

  it('given commands on a review that does not exist, when sent, then 404 and nothing is written', async () => {
    for (const ep of ENDPOINTS.filter((e) => e.route.startsWith('POST /reviews/:id') || e.route.startsWith('GET /reviews/:id'))) {
      await rejected(ep.method, ep.path(MISSING), { key: keyOf(ep.role), body: ep.route.endsWith('/signatures') ? { decision: 'reject', comment: 'x', reasons: ['r'] } : ep.body?.() }, 404, 'NOT_FOUND');
    }
  });
});
