/**
 * Hostile and malformed requests against every improvement-cycle endpoint,
 * on the real stack (same pattern as bad-input.test.ts). Each rejected
 * request must answer RFC 9457 problem+json with the right status and write
 * NOTHING: no cycle, measurement, audit event or outbox message, no workflow
 * started, and the fixture cycle the actions are aimed at keeps its version.
 */
import type { Role } from '../../src/domain/actors';
import { type ApiStack, type Problem, collectionCounts, errorPaths, expectProblem, rejectionChecker, startApiStack } from '../helpers/api';
import { CYCLE_ENDPOINTS, type CycleEndpoint, MISSING_CYCLE_ID, VALID_ACTION_BODIES, validCycle } from '../helpers/cycle-endpoints';
import { eventually } from '../helpers/stack';


const BAD_IDS = [encodeURIComponent('bad id!'), 'x'.repeat(65), encodeURIComponent('{"$gt":""}')];
/** The fixture cycle is created by olivia with this Idempotency-Key, so replaying its creation writes nothing. */
const FIXTURE_KEY = 'cycle-bad-input-fixture';
const fixture = { id: '' };

describe('cycle bad input', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack();
    // One PDCA cycle in Plan (owner olivia, sponsor simon, alice on the team) that the action endpoints are aimed at.
    const created = await stack.call('POST', '/cycles', { key: stack.keys.olivia, body: validCycle(), headers: { 'idempotency-key': FIXTURE_KEY } });
    expect(created.status).toBe(201);
    fixture.id = created.body.id;
    await eventually(async () => (await stack.models.Cycle.findById(fixture.id).lean())?.version === 1, 20_000, 'fixture registered');
    // Visibility is eventually consistent: settle on the one workflow before counting.
    await eventually(async () => (await stack.workflowCount()) === 1, 20_000, 'fixture workflow visible');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Everything a request could change. */
  async function snapshot() {
    const [counts, workflows, doc] = await Promise.all([collectionCounts(stack.models), stack.workflowCount(), stack.models.Cycle.findById(fixture.id).lean()]);
    return { ...counts, workflows, fixtureVersion: doc?.version, fixturePhase: doc?.phase, fixtureStatus: doc?.status, fixtureGate: doc?.gateStatus };
  }

  /** Sends a request that must be rejected, and checks that it changed nothing. */
  const rejected = rejectionChecker(() => stack, snapshot);

  const keyOf = (role: Role) => stack.keys[role];
  const pathOf = (ep: CycleEndpoint, id = fixture.id) => ep.path(id);

  /**
   * A request the endpoint accepts but that cannot write anything, for the query-string
   * tests: were the query ignored instead of rejected, the request still changes nothing
   * (the fixture's creation replayed, an action or a read on a cycle that does not exist).
   */
  function probe(ep: CycleEndpoint): { path: string; body?: unknown; headers?: Record<string, string> } {
    if (ep.route === 'POST /cycles') return { path: ep.path(''), body: validCycle(), headers: { 'idempotency-key': FIXTURE_KEY } };
    return { path: ep.path(MISSING_CYCLE_ID), body: ep.body?.() };
  }

  it('given the endpoint table, then it covers every cycle route: create, list, get, report, complaints and 23 actions', () => {
    expect(CYCLE_ENDPOINTS).toHaveLength(28);
    expect(new Set(CYCLE_ENDPOINTS.map((e) => e.route)).size).toBe(28);
    expect(CYCLE_ENDPOINTS.filter((e) => /^POST \/cycles\/:id\/[a-z-]+$/.test(e.route))).toHaveLength(23);
  });

  it('given the fixture probe requests without a bad query, then they are accepted and still write nothing', async () => {
    // Sanity check of probe(): the replayed creation and a request on a missing cycle.
    const before = await snapshot();
    const replay = await stack.call('POST', '/cycles', { key: stack.keys.olivia, body: validCycle(), headers: { 'idempotency-key': FIXTURE_KEY } });
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(fixture.id);
    const missing = await stack.call<Problem>('POST', `/cycles/${MISSING_CYCLE_ID}/abandon`, { key: stack.keys.olivia, body: { reason: 'r' } });
    expectProblem(missing, 404, 'NOT_FOUND');
    expect(await snapshot()).toEqual(before);
  });

  describe.each(CYCLE_ENDPOINTS.map((e) => [e.route, e] as const))('%s', (_route, ep) => {
    const validBody = () => ep.body?.();

    it('given malformed JSON, when sent, then 400 MALFORMED_JSON', async () => {
      const res = await rejected(ep.method, pathOf(ep), { key: keyOf(ep.role), rawBody: '{"goal": {"metric": "x",' }, 400, 'MALFORMED_JSON');
      expect(errorPaths(res)).toContain('body');
    });

    it('given a body over 64kb, when sent, then 413', async () => {
      const big = JSON.stringify({ ...(validBody() ?? {}), problemStatement: 'x'.repeat(70 * 1024) });
      await rejected(ep.method, pathOf(ep), { key: keyOf(ep.role), rawBody: big }, 413, 'BODY_TOO_LARGE');
    });

    if (ep.body) {
      it('given a text/plain body, when sent, then 415', async () => {
        await rejected(ep.method, pathOf(ep), { key: keyOf(ep.role), rawBody: JSON.stringify(validBody()), headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      });
    }

    it.each(ep.wrongRoles)('given the %s role, when calling with a valid request, then 403 NOT_PERMITTED', async (role) => {
      const res = await rejected(ep.method, pathOf(ep), { key: keyOf(role), body: validBody() }, 403, 'NOT_PERMITTED');
      expect(res.body.detail).toMatch(new RegExp(`role ${role}`));
    });

    it('given no API key, when calling, then 401 with a Bearer challenge', async () => {
      const res = await rejected(ep.method, pathOf(ep), { body: validBody() }, 401, 'UNAUTHENTICATED');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('given an unknown API key, when calling, then 401', async () => {
      await rejected(ep.method, pathOf(ep), { key: 'ql_this-key-was-never-issued', body: validBody() }, 401, 'UNAUTHENTICATED');
      await rejected(ep.method, pathOf(ep), { headers: { authorization: 'Basic b2xpdmlhOnNlY3JldA==' }, body: validBody() }, 401, 'UNAUTHENTICATED');
    });

    it('given an unknown query parameter, when calling, then 400 naming it', async () => {
      const p = probe(ep);
      const res = await rejected(ep.method, `${p.path}?extra=1`, { key: keyOf(ep.role), body: p.body, headers: p.headers }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res)).toContain('query.extra');
    });

    it('given MongoDB operators in the query string, when calling, then 400', async () => {
      for (const q of ['?status[$ne]=x', '?owner[$gt]=', '?limit[$gt]=0', '?phase[$in]=plan']) {
        const p = probe(ep);
        await rejected(ep.method, `${p.path}${q}`, { key: keyOf(ep.role), body: p.body, headers: p.headers }, 400, 'VALIDATION_FAILED');
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
        const path = pathOf(ep) + (c.query ?? '');
        const res = await rejected(ep.method, path, { key: keyOf(ep.role), body: c.body, rawBody: c.rawBody, headers: c.headers }, c.status, c.code);
        if (c.errorPath) expect(errorPaths(res)).toContain(c.errorPath);
      });
    }
  });

  describe("well-formed actions the fixture's rules refuse", () => {
    const PAST = '2020-01-01T00:00:00Z';
    const refuse = (name: string, slug: string, by: string, body: Record<string, unknown>, status: number, code: string, errorPath?: string) => ({ name, slug, by, body, status, code, errorPath });
    // Object rows: a callback with more parameters than a row has would be taken for a done-callback test.
    it.each([
      refuse('a Check action in Plan', 'run-check', 'olivia', {}, 409, 'INVALID_TRANSITION'),
      refuse('a review in Plan', 'review-check', 'olivia', { comment: 'c' }, 409, 'INVALID_TRANSITION'),
      refuse('standardizing in Plan', 'standardize', 'olivia', { standard: 's', trainees: ['bob'] }, 409, 'INVALID_TRANSITION'),
      refuse('iterating in Plan', 'iterate', 'olivia', { learnings: 'l' }, 409, 'INVALID_TRANSITION'),
      refuse('signing a gate that was not submitted', 'sign-gate', 'simon', { decision: 'approve', comment: 'c' }, 409, 'INVALID_TRANSITION'),
      refuse('the owner signing', 'sign-gate', 'olivia', { decision: 'approve', comment: 'c' }, 403, 'SELF_APPROVAL_FORBIDDEN'),
      refuse('a gate submitted by someone other than the owner', 'submit-gate', 'alice', {}, 403, 'NOT_PERMITTED'),
      refuse('an incomplete gate', 'submit-gate', 'olivia', {}, 422, 'GATE_INCOMPLETE'),
      refuse('a countermeasure from outside the team', 'add-countermeasure', 'bob', { description: 'd' }, 403, 'NOT_PERMITTED'),
      refuse('measurements from outside the team', 'record-measurements', 'bob', { measurements: [{ value: 1 }] }, 403, 'NOT_PERMITTED'),
      refuse('an action added by a team member', 'add-action', 'alice', { title: 't', assigneeId: 'bob', dueAt: '2099-01-01T00:00:00Z' }, 403, 'NOT_PERMITTED'),
      refuse('an action due in the past', 'add-action', 'olivia', { title: 't', assigneeId: 'bob', dueAt: PAST }, 422, 'INVALID_ACTION'),
      refuse('completing an action that does not exist', 'complete-action', 'olivia', { actionId: 'a99' }, 422, 'INVALID_ACTION'),
      refuse('abandoning by a team member', 'abandon', 'alice', { reason: 'r' }, 403, 'NOT_PERMITTED'),
      refuse('a DMAIC action on a PDCA cycle', 'update-charter', 'olivia', VALID_ACTION_BODIES.update_charter(), 422, 'INVALID_ACTION'),
      refuse('an assignee who does not exist', 'add-action', 'olivia', { title: 't', assigneeId: 'ghost', dueAt: '2099-01-01T00:00:00Z' }, 422, 'UNKNOWN_USER', 'body.assigneeId'),
      refuse('a trainee who does not exist', 'standardize', 'olivia', { standard: 's', trainees: ['bob', 'ghost'] }, 422, 'UNKNOWN_USER', 'body.trainees.1'),
      refuse('a process owner who does not exist', 'set-control-plan', 'olivia', { ...VALID_ACTION_BODIES.set_control_plan(), processOwnerId: 'ghost' }, 422, 'UNKNOWN_USER', 'body.processOwnerId'),
    ])('given $name, when sent to the fixture, then it is refused and nothing is written', async ({ slug, by, body, status, code, errorPath }) => {
      const res = await rejected('POST', `/cycles/${fixture.id}/${slug}`, { key: stack.keys[by]!, body }, status, code);
      if (errorPath) expect(errorPaths(res)).toEqual([errorPath]);
      if (code === 'GATE_INCOMPLETE') expect(res.body).toMatchObject({ missing: expect.arrayContaining(['at least one countermeasure']) });
    });
  });

  describe('afterwards', () => {
    it('given all the rejected requests, when one more cycle is created, then it is the only other workflow ever started and the fixture is untouched', async () => {
      const created = await stack.call('POST', '/cycles', { key: stack.keys.olivia, body: validCycle({ title: 'the last one' }) });
      expect(created.status).toBe(201);
      // The fixture and this one: had any rejected request started a workflow, it would show up here.
      await eventually(async () => (await stack.workflowCount()) >= 2, 20_000, 'second workflow visible');
      expect(await stack.workflowCount()).toBe(2);
      await eventually(async () => (await stack.models.Cycle.countDocuments({})) >= 2, 20_000, 'second cycle registered');
      expect(await stack.models.Cycle.countDocuments({})).toBe(2);
      expect(await stack.models.CycleMeasurement.countDocuments({})).toBe(0);
      expect(await stack.models.AuditEvent.countDocuments({ entityId: fixture.id })).toBe(1);
      expect(await stack.models.Outbox.countDocuments({})).toBe(0);
      const doc = (await stack.models.Cycle.findById(fixture.id).lean())!;
      expect(doc).toMatchObject({ version: 1, phase: 'plan', status: 'active', gateStatus: 'open' });
      const live = await stack.call('GET', `/cycles/${fixture.id}`, { key: stack.keys.auditor });
      expect(live.status).toBe(200);
      expect(live.body).toMatchObject({ id: fixture.id, version: 1, phase: 'plan', actions: [], measurements: [], signatures: [] });
    });
  });
});
