/**
 * Customer feedback through the staff API and the follow-ups a low rating
 * opens, on the real stack (Express app, Worker on the Temporal dev server,
 * FerretDB): a low CSAT recorded by an agent opens exactly one supervisor
 * callback (retries of the request and of the persistence activity add
 * nothing), listed, completed by a supervisor, audited in its own hash chain;
 * bad feedback is refused with the field named (the domain's rule, through
 * the workflow); NPS only where the SLA policy asks for it; bad input to the
 * follow-up routes is refused and writes nothing.
 */
import { createComplaintActivities } from '../../activities/complaint';
import type { Transition } from '../../src/domain/complaint';
import type { ComplaintState } from '../../src/domain/complaint';
import { insertIfAbsent } from '../../src/db/models';
import { recordFollowUps } from '../../src/services/follow-ups';
import { type ApiStack, type CallOptions, type Problem, collectionCounts, errorPaths, expectProblem, rejectionChecker, startApiStack } from '../helpers/api';
import { complaintRatedLow } from '../helpers/endpoints-follow-ups';
import { policy } from '../helpers/fixtures';
import { eventually, uniqueId } from '../helpers/stack';

type View = Record<string, any>;

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

describe('follow-ups: a low satisfaction rating opens a supervisor callback', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const call = <T = View>(who: string, method: string, path: string, opts: Omit<CallOptions, 'key'> = {}) => stack.call<T>(method, path, { key: stack.keys[who]!, ...opts });
  const followUpEvents = (id: string) => stack.models.AuditEvent.find({ stream: `follow_up:${id}` }).sort({ seq: 1 }).lean();

  /** A complaint alice registered on the phone and resolved: she owns it and is its first responder. */
  async function resolvedComplaint(category = 'delivery'): Promise<string> {
    const created = await call('alice', 'POST', '/complaints', { body: { customer: { id: uniqueId('cust') }, channel: 'phone', category, severity: 'P3', description: 'The parcel never arrived.' } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await eventually(async () => ((await stack.models.Complaint.findById(id, { version: 1 }).lean())?.version ?? 0) >= 1, 20_000, `complaint ${id} registered`);
    expect((await call('alice', 'POST', `/complaints/${id}/resolve`, { body: { summary: 'Parcel re-delivered.' } })).status).toBe(200);
    return id;
  }

  /** Everything a refused request could change about one complaint: its workflow state (as an admin reads it), its audit stream, its follow-ups. */
  const complaintFootprint = async (id: string) => ({
    counts: await collectionCounts(stack.models),
    live: (({ version, status, csat }) => ({ version, status, csat }))((await call('ada', 'GET', `/complaints/${id}`)).body),
    audit: await stack.models.AuditEvent.countDocuments({ stream: `complaint:${id}` }),
    followUps: await stack.models.FollowUp.find({ complaintId: id }).lean(),
  });

  it('given a resolved complaint, when an agent records a low rating with reason codes through POST /complaints/:id/record-csat (twice, with one Idempotency-Key), then exactly one open follow-up fu_<id>_<version> is stored, listed, audited as opened, and supervisors get csat.low', async () => {
    const id = await resolvedComplaint();
    const body = { rating: 2, reasons: ['slow_response', 'had_to_repeat'], comment: 'I had to call three times' };
    const first = await call('alice', 'POST', `/complaints/${id}/record-csat`, { body, headers: { 'idempotency-key': `rate-${id}` } });
    const again = await call('alice', 'POST', `/complaints/${id}/record-csat`, { body, headers: { 'idempotency-key': `rate-${id}` } });
    expect({ first: first.status, again: again.status }).toEqual({ first: 200, again: 200 });
    expect(first.body).toMatchObject({ status: 'resolved', version: 3, csat: { rating: 2, comment: 'I had to call three times' } });
    expect(again.body.version).toBe(3);

    const followUpId = `fu_${id}_3`;
    const stored = await stack.models.FollowUp.find({ complaintId: id }).lean();
    expect(stored).toEqual([
      expect.objectContaining({ _id: followUpId, kind: 'callback', complaintId: id, status: 'open', rating: 2, reasons: ['slow_response', 'had_to_repeat'], completedAt: null, outcome: null }),
    ]);
    const complaintDoc = await stack.models.Complaint.findById(id).lean();
    expect(stored[0]!.customerId).toBe(complaintDoc!.customerId);
    expect(stored[0]!.areaId).toBe(complaintDoc!.areaId ?? null);

    const listed = await call('sam', 'GET', `/follow-ups?complaintId=${id}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      {
        followUpId,
        kind: 'callback',
        complaintId: id,
        customerId: complaintDoc!.customerId,
        areaId: complaintDoc!.areaId ?? null,
        rating: 2,
        reasons: ['slow_response', 'had_to_repeat'],
        status: 'open',
        createdAt: ISO,
        completedAt: null,
        completedBy: null,
        outcome: null,
      },
    ]);
    // The rating's transition is the follow-up's origin: same instant.
    const rated = await stack.models.AuditEvent.findById(`complaint:${id}:3`).lean();
    expect(rated).toMatchObject({ action: 'record_csat', details: { rating: 2, reasons: ['slow_response', 'had_to_repeat'], followUp: { kind: 'callback', rating: 2, reasons: ['slow_response', 'had_to_repeat'] } } });
    expect(listed.body.items[0].createdAt).toBe(new Date(rated!.at).toISOString());
    // The comment is the customer's words: kept in the state, never in the chained audit event.
    expect(JSON.stringify(rated)).not.toContain('three times');

    const events = await followUpEvents(followUpId);
    expect(events).toEqual([
      expect.objectContaining({
        seq: 1,
        entityType: 'follow_up',
        entityId: followUpId,
        action: 'follow_up.opened',
        actor: { id: 'alice', role: 'agent' },
        prevHash: null,
        after: { status: 'open', kind: 'callback', rating: 2, reasons: ['slow_response', 'had_to_repeat'] },
        details: expect.objectContaining({ complaintId: id, complaintVersion: 3 }),
      }),
    ]);

    const lows = await stack.models.Outbox.find({ complaintId: id, type: 'csat.low' }).lean();
    expect(lows).toHaveLength(1);
    expect(lows[0]!.recipients).toMatchObject({ userIds: ['alice'], roles: ['supervisor'] });
    expect(lows[0]!.data).toMatchObject({ rating: 2, reasons: ['slow_response', 'had_to_repeat'], followUpId });
  });

  it('given a low rating already persisted, when the persistence activity runs again with the same transition (a retry), then no second follow-up, no second opened event and nothing else is written', async () => {
    const { complaintId, followUpId, version } = await complaintRatedLow(stack, 1, ['not_resolved']);
    const doc = await stack.models.Complaint.findById(complaintId).lean();
    const state = JSON.parse(doc!.stateJson) as ComplaintState;
    expect(state.version).toBe(version);
    const event = await stack.models.AuditEvent.findById(`complaint:${complaintId}:${version}`).lean();
    // The transition as the workflow handed it to the activity (notifications are keyed in the outbox: none are added again either way).
    const transition: Transition = {
      version,
      action: event!.action,
      actor: event!.actor as Transition['actor'],
      at: new Date(event!.at).getTime(),
      before: event!.before as Transition['before'],
      after: event!.after as Transition['after'],
      details: event!.details as Transition['details'],
      notifications: [],
    };
    const before = await collectionCounts(stack.models);
    const activities = createComplaintActivities({ models: stack.models, webhookUrls: [], webhookSecret: stack.config.secrets.webhookSecret });
    await activities.recordTransitions({ state, transitions: [transition] });
    await activities.recordTransitions({ state, transitions: [transition] });
    expect(await collectionCounts(stack.models)).toEqual(before);
    expect(await stack.models.FollowUp.countDocuments({ complaintId })).toBe(1);
    expect((await followUpEvents(followUpId)).map((e) => e.action)).toEqual(['follow_up.opened']);
  });

  it('given an attempt that stored the follow-up but failed before its event, when the activity is retried, then the opened event is written once (and a further retry writes nothing)', async () => {
    // A state and transition of their own (the complaint does not have to exist for the service).
    const complaintId = uniqueId('c_retry').replace(/-/g, '_');
    const at = Date.parse('2026-04-07T16:25:00Z');
    const state = { complaintId, version: 4, customer: { id: 'cust-retry' }, serviceArea: { areaId: 'parcels' } } as unknown as ComplaintState;
    const transition: Transition = {
      version: 4,
      action: 'record_csat',
      actor: { id: 'cust-retry', role: 'customer' },
      at,
      before: null,
      after: null as never,
      details: { rating: 1, reasons: ['unfriendly'], followUp: { kind: 'callback', rating: 1, reasons: ['unfriendly'] } },
      notifications: [],
    };
    const id = `fu_${complaintId}_4`;
    // What the failed attempt left: the task, no event.
    await insertIfAbsent(stack.models.FollowUp, [
      { _id: id, kind: 'callback', complaintId, customerId: 'cust-retry', areaId: 'parcels', rating: 1, reasons: ['unfriendly'], status: 'open', createdAt: new Date(at), completedAt: null, completedBy: null, outcome: null },
    ]);
    await recordFollowUps(stack.models, state, [transition]);
    await recordFollowUps(stack.models, state, [transition]);
    const events = await followUpEvents(id);
    expect(events).toEqual([expect.objectContaining({ seq: 1, action: 'follow_up.opened', actor: { id: 'cust-retry', role: 'customer' }, at: new Date(at) })]);
    expect(await stack.models.FollowUp.countDocuments({ complaintId })).toBe(1);
  });

  it('given an open follow-up, when a supervisor completes it, then it is done with the outcome, listed as done, audited as completed by the supervisor on the same chain (verified through the API and found by the audit search); the same completion again answers 200 and adds nothing; another outcome is 409 FOLLOW_UP_DONE', async () => {
    const { complaintId, followUpId } = await complaintRatedLow(stack);
    expect((await call('sam', 'GET', '/follow-ups?status=open')).body.items.map((i: View) => i.followUpId)).toContain(followUpId);

    const outcome = 'Called the customer: refund confirmed, apology accepted.';
    const done = await call('sam', 'POST', `/follow-ups/${followUpId}/complete`, { body: { outcome } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ followUpId, complaintId, status: 'done', outcome, completedBy: 'sam', completedAt: ISO });

    const openNow = (await call('sam', 'GET', '/follow-ups?status=open')).body.items.map((i: View) => i.followUpId);
    const doneNow = (await call('audrey', 'GET', '/follow-ups?status=done')).body.items as View[];
    expect(openNow).not.toContain(followUpId);
    expect(doneNow.find((i) => i.followUpId === followUpId)).toEqual(done.body);

    const events = await followUpEvents(followUpId);
    expect(events.map((e) => ({ seq: e.seq, action: e.action, actor: e.actor }))).toEqual([
      { seq: 1, action: 'follow_up.opened', actor: { id: 'alice', role: 'agent' } },
      { seq: 2, action: 'follow_up.completed', actor: { id: 'sam', role: 'supervisor' } },
    ]);
    expect(events[1]).toMatchObject({ prevHash: events[0]!.hash, before: { status: 'open' }, after: { status: 'done', outcome }, details: { complaintId } });

    // Retried: the same answer, no second event; another outcome: refused, nothing changes.
    const repeat = await call('sam', 'POST', `/follow-ups/${followUpId}/complete`, { body: { outcome } });
    expect({ status: repeat.status, body: repeat.body }).toEqual({ status: 200, body: done.body });
    const rejected = rejectionChecker(() => stack, async () => ({ doc: await stack.models.FollowUp.findById(followUpId).lean(), events: await followUpEvents(followUpId) }));
    await rejected('POST', `/follow-ups/${followUpId}/complete`, { key: stack.keys.sam, body: { outcome: 'Another story.' } }, 409, 'FOLLOW_UP_DONE');
    expect(await stack.models.AuditEvent.countDocuments({ stream: `follow_up:${followUpId}` })).toBe(2);

    // Found by the audit search, and the chains of the period verify.
    const found = await call('audrey', 'GET', `/audit/events?entityType=follow_up&entityId=${followUpId}`);
    expect(found.status).toBe(200);
    expect(found.body.items.map((e: View) => e.action).sort()).toEqual(['follow_up.completed', 'follow_up.opened']);
    const from = new Date(events[0]!.at.getTime() - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const verified = await call('audrey', 'POST', '/audit/verify', { body: { from, to } });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true, breaks: [], brokenStreams: 0 });
    expect(verified.body.checkedEvents).toBeGreaterThanOrEqual(2);
  });

  it('given ratings 3 to 5 and a confirmation without rating, then no follow-up opens and no csat.low is sent', async () => {
    const ids = [];
    for (const rating of [3, 4, 5]) {
      const id = await resolvedComplaint();
      expect((await call('alice', 'POST', `/complaints/${id}/record-csat`, { body: { rating } })).status).toBe(200);
      ids.push(id);
    }
    const unrated = await resolvedComplaint();
    expect((await call('alice', 'POST', `/complaints/${unrated}/close`, { body: {} })).status).toBe(200);
    ids.push(unrated);
    expect(await stack.models.FollowUp.countDocuments({ complaintId: { $in: ids } })).toBe(0);
    expect(await stack.models.Outbox.countDocuments({ complaintId: { $in: ids }, type: 'csat.low' })).toBe(0);
  });

  it('given a confirmation with a low rating and reason codes (close), then the complaint closes and one follow-up opens', async () => {
    const id = await resolvedComplaint();
    const closed = await call('alice', 'POST', `/complaints/${id}/close`, { body: { rating: 1, reasons: ['not_resolved'] } });
    expect(closed.body).toMatchObject({ status: 'closed', version: 3 });
    expect(await stack.models.FollowUp.find({ complaintId: id }, { _id: 1 }).lean()).toEqual([{ _id: `fu_${id}_3` }]);
  });

  describe('feedback refused with the field named (422 from the complaint rules, 400 from the schema), writing nothing', () => {
    it.each([
      ['a low rating without reason codes', { rating: 2 }, 422, 'INVALID_ACTION', ['body.reasons']],
      ['reason codes on a good rating', { rating: 4, reasons: ['other'] }, 422, 'INVALID_ACTION', ['body.reasons']],
      ["an NPS score where the policy does not ask (the demo policies don't)", { rating: 4, nps: 9 }, 422, 'INVALID_ACTION', ['body.nps']],
      ['both at once', { rating: 1, nps: 3 }, 422, 'INVALID_ACTION', ['body.reasons', 'body.nps']],
      ['an unknown reason code', { rating: 1, reasons: ['rude_robot'] }, 400, 'VALIDATION_FAILED', ['body.reasons.0']],
      ['a repeated reason code', { rating: 1, reasons: ['other', 'other'] }, 400, 'VALIDATION_FAILED', ['body.reasons']],
      ['seven reason codes', { rating: 1, reasons: ['slow_response', 'not_resolved', 'had_to_repeat', 'unfriendly', 'unclear_answer', 'other', 'other'] }, 400, 'VALIDATION_FAILED', ['body.reasons']],
      ['an NPS score of 11', { rating: 4, nps: 11 }, 400, 'VALIDATION_FAILED', ['body.nps']],
      ['a fractional NPS score', { rating: 4, nps: 7.5 }, 400, 'VALIDATION_FAILED', ['body.nps']],
    ] as [string, Record<string, unknown>, number, string, string[]][])('given %s (%j), when recorded or given on close, then %i %s naming the fields', async (_what, body, status, code, paths) => {
      const id = await resolvedComplaint();
      const rejected = rejectionChecker(() => stack, () => complaintFootprint(id));
      for (const action of ['record-csat', 'close']) {
        const res = await rejected('POST', `/complaints/${id}/${action}`, { key: stack.keys.alice, body }, status, code);
        expect({ action, paths: errorPaths(res).sort() }).toEqual({ action, paths: [...paths].sort() });
      }
    });

    it('given reason codes without a rating on close, then 422 naming body.rating', async () => {
      const id = await resolvedComplaint();
      const rejected = rejectionChecker(() => stack, () => complaintFootprint(id));
      const res = await rejected('POST', `/complaints/${id}/close`, { key: stack.keys.alice, body: { reasons: ['other'] } }, 422, 'INVALID_ACTION');
      expect(errorPaths(res)).toEqual(['body.rating']);
    });
  });

  describe('NPS where the SLA policy asks for it (askNps)', () => {
    it('given a policy saved with askNps and one saved without, when read back, then askNps is true and false', async () => {
      const asking = uniqueId('nps-policy');
      const silent = uniqueId('quiet-policy');
      const category = uniqueId('nps').toLowerCase();
      const def = (askNps?: boolean) => ({ ...policy({ name: 'nps policy', match: { severities: ['P3'], categories: [category] } }), calendarId: '24x7', ...(askNps === undefined ? {} : { askNps }) });
      expect((await call('ada', 'POST', '/sla-policies', { body: { policyId: asking, ...def(true) } })).body).toMatchObject({ policyId: asking, askNps: true });
      expect((await call('ada', 'POST', '/sla-policies', { body: { policyId: silent, ...def() } })).body).toMatchObject({ policyId: silent, askNps: false });
      expect((await call('audrey', 'GET', `/sla-policies/${asking}`)).body.askNps).toBe(true);
      expect((await call('audrey', 'GET', `/sla-policies/${silent}`)).body.askNps).toBe(false);
      const bad = await call<Problem>('ada', 'POST', '/sla-policies', { body: { policyId: uniqueId('bad'), ...def(), askNps: 'yes' } });
      expectProblem(bad, 400, 'VALIDATION_FAILED');
      expect(errorPaths(bad)).toEqual(['body.askNps']);
    });

    it('given a policy version stored before the setting existed (no askNps field), when read, then askNps is false', async () => {
      const policyId = uniqueId('legacy-policy');
      const legacy = { ...policy({ name: 'legacy', match: { severities: ['P4'], categories: ['legacy-only'] } }), calendarId: '24x7' };
      await stack.models.SlaPolicy.collection.insertOne({ _id: `${policyId}@1`, policyId, version: 1, createdAt: new Date(), createdBy: 'legacy', ...legacy } as never);
      const read = await call('audrey', 'GET', `/sla-policies/${policyId}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ policyId, version: 1, askNps: false });
    });

    it('given a complaint whose policy asks for NPS, when an agent records a rating with an NPS score, then it is stored with the rating; out of range it is 400', async () => {
      const category = uniqueId('asknps').toLowerCase();
      const policyId = uniqueId('asks-nps');
      const created = await call('ada', 'POST', '/sla-policies', { body: { policyId, ...policy({ name: 'asks nps', match: { severities: ['P3'], categories: [category] } }), calendarId: '24x7', askNps: true } });
      expect(created.status).toBe(201);
      const id = await resolvedComplaint(category);
      const outOfRange = await call<Problem>('alice', 'POST', `/complaints/${id}/record-csat`, { body: { rating: 4, nps: 11 } });
      expectProblem(outOfRange, 400, 'VALIDATION_FAILED');
      const rated = await call('alice', 'POST', `/complaints/${id}/record-csat`, { body: { rating: 4, nps: 9 } });
      expect(rated.status).toBe(200);
      const state = JSON.parse((await stack.models.Complaint.findById(id).lean())!.stateJson) as ComplaintState;
      expect(state.sla?.active).toMatchObject({ policyId, askNps: true });
      expect(state.csat).toMatchObject({ rating: 4, nps: 9, recordedBy: 'alice' });
      expect(await stack.models.AuditEvent.findById(`complaint:${id}:3`).lean()).toMatchObject({ action: 'record_csat', details: { rating: 4, nps: 9 } });
    });
  });

  it('given the permission matrix, when each role lists follow-ups and tries to complete one, then supervisors, admins and auditors read, only supervisors complete, and the refused write changes nothing', async () => {
    const { followUpId } = await complaintRatedLow(stack);
    const readers = { agent: 403, supervisor: 200, process_owner: 403, sponsor: 403, admin: 200, auditor: 200, intake: 403 };
    for (const [role, status] of Object.entries(readers)) {
      expect({ role, status: (await stack.call('GET', '/follow-ups', { key: stack.keys[role as keyof typeof readers] })).status }).toEqual({ role, status });
    }
    const rejected = rejectionChecker(() => stack, async () => ({ doc: await stack.models.FollowUp.findById(followUpId).lean(), events: await followUpEvents(followUpId) }));
    for (const role of ['agent', 'process_owner', 'sponsor', 'admin', 'auditor', 'intake'] as const) {
      await rejected('POST', `/follow-ups/${followUpId}/complete`, { key: stack.keys[role], body: { outcome: 'not mine to close' } }, 403, 'NOT_PERMITTED');
    }
    expect((await stack.call('POST', `/follow-ups/${followUpId}/complete`, { key: stack.keys.supervisor, body: { outcome: 'Called back.' } })).status).toBe(200);
  });

  describe('bad input to the follow-up routes is refused and writes nothing', () => {
    let followUpId: string;
    beforeAll(async () => {
      followUpId = (await complaintRatedLow(stack)).followUpId;
    });
    const snapshot = async () => ({ counts: await collectionCounts(stack.models), followUps: await stack.models.FollowUp.find().sort({ _id: 1 }).lean() });
    const rejected = rejectionChecker(() => stack, snapshot);

    it.each([
      ['an empty outcome', { outcome: '' }, ['body.outcome']],
      ['a blank outcome', { outcome: '   ' }, ['body.outcome']],
      ['an outcome of 2,001 characters', { outcome: 'x'.repeat(2001) }, ['body.outcome']],
      ['no outcome', {}, ['body.outcome']],
      ['an outcome that is not text', { outcome: 42 }, ['body.outcome']],
      ['an unknown field', { outcome: 'ok', status: 'done' }, ['body.status']],
    ] as [string, unknown, string[]][])('given %s, when completing, then 400 naming the field', async (_what, body, paths) => {
      const res = await rejected('POST', `/follow-ups/${followUpId}/complete`, { key: stack.keys.sam, body }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res)).toEqual(paths);
    });

    it('given an outcome of exactly 2,000 characters, then it is accepted (the bound is inclusive)', async () => {
      const { followUpId: other } = await complaintRatedLow(stack);
      const res = await call('sam', 'POST', `/follow-ups/${other}/complete`, { body: { outcome: 'y'.repeat(2000) } });
      expect(res.status).toBe(200);
      expect(res.body.outcome).toHaveLength(2000);
    });

    it('given a well-formed id no follow-up has, then 404 NOT_FOUND; a malformed id, 400 naming params.id', async () => {
      await rejected('POST', `/follow-ups/fu_c_000000000000000000000000_9/complete`, { key: stack.keys.sam, body: { outcome: 'ok' } }, 404, 'NOT_FOUND');
      const malformed = await rejected('POST', '/follow-ups/not-a-follow-up/complete', { key: stack.keys.sam, body: { outcome: 'ok' } }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(malformed)).toEqual(['params.id']);
    });

    it.each([
      ['an unknown status', '?status=pending', ['query.status']],
      ['a malformed complaint id', '?complaintId=a%20b', ['query.complaintId']],
      ['an unknown parameter', '?limit=5', ['query.limit']],
    ])('given %s, when listing, then 400 naming the parameter', async (_what, query, paths) => {
      const res = await rejected('GET', `/follow-ups${query}`, { key: stack.keys.sam }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res)).toEqual(paths);
    });
  });
});
