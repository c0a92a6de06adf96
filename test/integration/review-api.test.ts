/**
 * Quality reviews through the API on the real stack (Express, Worker on the
 * Temporal dev server, FerretDB): a review created for the ended month,
 * decisions, an action that opens an improvement cycle, signatures (the
 * process owner submits, a rejection reopens, every reviewer approves),
 * lists, the Markdown export, Idempotency-Key retries, and the audit trail:
 * the review's events are searchable, chained, covered by a signed digest
 * and verified; a tampered event is named.
 */
import { createAuditActivities } from '../../activities/audit';
import { reviewIdOf } from '../../src/domain/review';
import { digestSigner } from '../../src/services/audit-keys';
import { type ApiStack, type CallResult, type Problem, expectProblem, startApiStack } from '../helpers/api';
import { type FactSpec, areaDefinition, dayOf, lastEndedMonth, seedArea, writeFacts } from '../helpers/review-fixtures';
import { eventually, uniqueId } from '../helpers/stack';

type View = Record<string, any>;

const DAY_MS = 86_400_000;
const period = lastEndedMonth();
/** Unique per run: workflow ids (`review-<area>-<period>`) are shared by every test file on the Temporal server. */
const AREA = uniqueId('billing');
const id = reviewIdOf(AREA, period.key);
const inDays = (n: number) => new Date(Date.now() + n * DAY_MS).toISOString();

const FACTS: FactSpec[] = Array.from({ length: 6 }, (_, i) => ({
  id: `c_ra_${i}`,
  areaId: AREA,
  day: dayOf(period, 3 + i),
  firstResponseMet: i % 3 !== 0,
  csat: 3 + (i % 3),
  cause: i < 4 ? 'double-charge' : 'tariff-unclear',
}));

const cycleAction = (sponsorId = 'simon') => ({
  title: 'Stop double charges at the source',
  assigneeId: 'olivia',
  dueAt: inDays(30),
  openCycle: {
    type: 'pdca',
    title: 'Halve double charges',
    problemStatement: `Double charges are the top cause of billing complaints in ${period.key}.`,
    sponsorId,
    goal: { metric: 'double charges per week', unit: 'complaints', direction: 'lower_is_better', baseline: 4, target: 2, deadline: inDays(90) },
  },
});

describe('quality reviews through the API', () => {
  let stack: ApiStack;
  const k = () => stack.keys;
  const call = <T = View>(method: string, path: string, key: string | undefined, body?: unknown, headers?: Record<string, string>) => stack.call<T>(method, path, { key, body, headers });
  const ok = (res: CallResult, status = 200) => {
    expect({ status: res.status, body: res.status === status ? 'ok' : res.body }).toEqual({ status, body: 'ok' });
    return res.body as View;
  };

  beforeAll(async () => {
    stack = await startApiStack();
    await seedArea(stack.models, AREA, areaDefinition(), new Date(Date.now() - 400 * DAY_MS));
    await writeFacts(stack.models, FACTS);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('given a service area, when its process owner creates the review of the ended month, then 201 with the snapshot; again, then 200 with the same review; others are refused', async () => {
    expectProblem(await call('POST', '/reviews', k().alice, { areaId: AREA, period: period.key }), 403, 'NOT_PERMITTED');
    // A process owner who is neither the area's owner nor one of its reviewers.
    expect((await call('POST', '/admin/users', k().ada, { id: 'otto', name: 'Otto Other Owner', role: 'process_owner' })).status).toBe(201);
    const otto = (await call('POST', '/admin/users/otto/keys', k().ada, { label: 'reviews' })).body.key as string;
    const refused = await call<Problem>('POST', '/reviews', otto, { areaId: AREA, period: period.key });
    expectProblem(refused, 403, 'NOT_PERMITTED');
    expect(refused.body.detail).toMatch(/process owner \(olivia\) and the reviewers/);

    const created = await call('POST', '/reviews', k().olivia, { areaId: AREA, period: period.key });
    const review = ok(created, 201);
    expect(created.headers.location).toBe(`/reviews/${id}`);
    expect(review).toMatchObject({ id, areaId: AREA, periodKey: period.key, status: 'open', processOwnerId: 'olivia', reviewerIds: ['simon', 'sam'], pendingSigners: ['olivia', 'simon', 'sam'] });
    expect(review.snapshot.period).toEqual(period);
    const fra = review.snapshot.kpis.find((r: View) => r.kpi === 'first_response_attainment');
    expect(fra).toMatchObject({ value: FACTS.filter((f) => f.firstResponseMet).length / FACTS.length, met: false });
    expect(review.snapshot.topCauses.map((c: View) => [c.cause, c.count])).toEqual([
      ['double-charge', 4],
      ['tariff-unclear', 2],
    ]);
    expect(review.snapshot.takenAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    await eventually(async () => (await stack.models.QualityReview.findById(id).lean())?.version === 1, 20_000, 'review persisted');
    const again = await call('POST', '/reviews', k().sam, { areaId: AREA, period: period.key });
    expect(ok(again, 200)).toMatchObject({ id, version: 1 });
    expect(await stack.models.QualityReview.countDocuments({})).toBe(1);
  });

  it('given a period that has not ended or is not of the area frequency, or an unknown area, when a review is created, then 400 naming the field and nothing is started', async () => {
    const workflows = await stack.workflowCount();
    const current = new Date().toISOString().slice(0, 7);
    for (const [body, path, pattern] of [
      [{ areaId: AREA, period: current }, 'body.period', /has not ended/],
      [{ areaId: AREA, period: '2025-W10' }, 'body.period', /monthly: the period must be YYYY-MM/],
      [{ areaId: 'nowhere', period: period.key }, 'body.areaId', /unknown service area/],
    ] as const) {
      const res = await call<Problem>('POST', '/reviews', k().olivia, body);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ path, message: expect.stringMatching(pattern) }]);
    }
    expect(await stack.models.QualityReview.countDocuments({})).toBe(1);
    expect(await stack.workflowCount()).toBe(workflows);
  });

  it('given the open review, when reviewers record decisions (a retry with the same Idempotency-Key applied once), then each is attributed; a user of a reviewing role who is not a reviewer is refused', async () => {
    const first = ok(await call('POST', `/reviews/${id}/decisions`, k().simon, { text: 'Double charges first: they are two thirds of the causes.' }, { 'idempotency-key': 'decision-1' }));
    const retried = ok(await call('POST', `/reviews/${id}/decisions`, k().simon, { text: 'Double charges first: they are two thirds of the causes.' }, { 'idempotency-key': 'decision-1' }));
    expect(retried.version).toBe(first.version);
    expect(retried.decisions).toHaveLength(1);
    expect(retried.decisions[0]).toMatchObject({ id: 'd1', by: 'simon', at: expect.stringMatching(/Z$/) });

    expect((await call('POST', '/admin/users', k().ada, { id: 'sue', name: 'Sue Supervisor', role: 'supervisor' })).status).toBe(201);
    const sue = (await call('POST', '/admin/users/sue/keys', k().ada, { label: 'reviews' })).body.key as string;
    const before = (await stack.models.QualityReview.findById(id).lean())!.version;
    const refused = await call<Problem>('POST', `/reviews/${id}/decisions`, sue, { text: 'I was not invited' });
    expectProblem(refused, 403, 'NOT_PERMITTED');
    expect(refused.body.detail).toMatch(/process owner and reviewers/);
    expectProblem(await call('POST', `/reviews/${id}/decisions`, k().alice, { text: 'agents do not review' }), 403, 'NOT_PERMITTED');
    expect((await stack.models.QualityReview.findById(id).lean())!.version).toBe(before);
  });

  it('given the open review, when the process owner adds an action that opens a cycle, then the cycle starts, owned by the process owner, sponsored by the reviewer named, with the review as evidence', async () => {
    const bad = await call<Problem>('POST', `/reviews/${id}/actions`, k().olivia, cycleAction('olivia'));
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    expect(bad.body.errors!.map((e) => e.path)).toEqual(['body.openCycle.sponsorId']);
    const unknown = await call<Problem>('POST', `/reviews/${id}/actions`, k().olivia, { ...cycleAction(), assigneeId: 'nobody' });
    expectProblem(unknown, 422, 'UNKNOWN_USER');
    expect(unknown.body.errors).toEqual([{ path: 'body.assigneeId', message: 'unknown user nobody' }]);
    const cannot = await call<Problem>('POST', `/reviews/${id}/actions`, k().olivia, cycleAction('audrey'));
    expectProblem(cannot, 422, 'USER_CANNOT_ACT');

    const review = ok(await call('POST', `/reviews/${id}/actions`, k().olivia, cycleAction()));
    const action = review.actions[0];
    expect(action).toMatchObject({ title: 'Stop double charges at the source', assigneeId: 'olivia', by: 'olivia', cycle: { type: 'pdca', sponsorId: 'simon' } });
    const cycleId = action.cycle.cycleId as string;
    const started = await eventually(async () => {
      const r = (await call('GET', `/reviews/${id}`, k().auditor)).body as View;
      return r.actions[0].cycle.started ? r : null;
    }, 20_000, 'the cycle started');
    expect(started.actions[0].cycle.cycleId).toBe(cycleId);

    const cycle = ok(await call('GET', `/cycles/${cycleId}`, k().ada));
    expect(cycle).toMatchObject({ id: cycleId, type: 'pdca', phase: 'plan', status: 'active', area: AREA, ownerId: 'olivia', sponsorId: 'simon', title: 'Halve double charges', settings: { approvers: ['simon'] }, createdBy: { id: 'olivia', role: 'process_owner' } });
    expect(cycle.evidence.items).toEqual([expect.objectContaining({ key: `review:${id}:${action.id}`, data: expect.objectContaining({ reviewId: id, actionId: action.id }) })]);
    expect((await stack.models.Cycle.findById(cycleId).lean())?.area).toBe(AREA);
  });

  it('given the review, when signed, then the process owner submits first, a rejection with reasons reopens it, and once every reviewer approved the same content hash it is signed and closed to changes', async () => {
    expectProblem(await call('POST', `/reviews/${id}/signatures`, k().simon, { decision: 'approve', comment: 'fine' }), 409, 'INVALID_TRANSITION');
    const submitted = ok(await call('POST', `/reviews/${id}/signatures`, k().olivia, { decision: 'approve', comment: 'Chaired the review.' }));
    expect(submitted).toMatchObject({ status: 'submitted', pendingSigners: ['simon', 'sam'], approvedBy: ['olivia'] });
    expectProblem(await call('POST', `/reviews/${id}/decisions`, k().sam, { text: 'too late' }), 409, 'INVALID_TRANSITION');
    const noReason = await call<Problem>('POST', `/reviews/${id}/signatures`, k().sam, { decision: 'reject', comment: 'no' });
    expectProblem(noReason, 400, 'VALIDATION_FAILED');
    expect(noReason.body.errors!.map((e) => e.path)).toEqual(['body.reasons']);

    const rejected = ok(await call('POST', `/reviews/${id}/signatures`, k().sam, { decision: 'reject', comment: 'Not yet.', reasons: ['no decision on CSAT'] }));
    expect(rejected).toMatchObject({ status: 'open', approvedBy: [], rejection: { by: 'sam', reasons: ['no decision on CSAT'] } });
    ok(await call('POST', `/reviews/${id}/decisions`, k().sam, { text: 'CSAT: watch it next month, no action yet.' }));
    ok(await call('POST', `/reviews/${id}/signatures`, k().olivia, { decision: 'approve', comment: 'Resubmitted.' }));
    ok(await call('POST', `/reviews/${id}/signatures`, k().simon, { decision: 'approve', comment: 'Agreed.' }));
    expectProblem(await call('POST', `/reviews/${id}/signatures`, k().simon, { decision: 'approve', comment: 'again' }), 409, 'ALREADY_SIGNED');
    const signed = ok(await call('POST', `/reviews/${id}/signatures`, k().sam, { decision: 'approve', comment: 'Agreed.' }));
    expect(signed).toMatchObject({ status: 'signed', pendingSigners: [], signedAt: expect.stringMatching(/Z$/) });
    expect(signed.signatures.map((s: View) => [s.signerId, s.decision])).toEqual([
      ['olivia', 'approved'],
      ['sam', 'rejected'],
      ['olivia', 'approved'],
      ['simon', 'approved'],
      ['sam', 'approved'],
    ]);
    const hashes = signed.signatures.map((s: View) => s.contentHash);
    expect(new Set(hashes.slice(2)).size).toBe(1);
    expect(hashes[0]).not.toBe(hashes[2]);

    // Signed: the workflow has ended; the read model answers, and no command is accepted.
    await eventually(async () => (await stack.models.QualityReview.findById(id).lean())?.status === 'signed', 20_000, 'signed review persisted');
    expect(ok(await call('GET', `/reviews/${id}`, k().sponsor))).toMatchObject({ status: 'signed', version: signed.version });
    expectProblem(await call('POST', `/reviews/${id}/decisions`, k().olivia, { text: 'after the fact' }), 409, 'INVALID_TRANSITION');
    expectProblem(await call('GET', '/reviews/billing-1999-01', k().auditor), 404, 'NOT_FOUND');
  });

  it('given the signed review, when listed by area and status and exported as Markdown, then it is found and the export shows KPIs against objectives, causes, decisions, actions and signatures', async () => {
    const listed = ok(await call('GET', `/reviews?area=${AREA}&status=signed&limit=5`, k().supervisor));
    expect(listed.items.map((r: View) => r.id)).toEqual([id]);
    expect(listed.nextCursor).toBeNull();
    expect(ok(await call('GET', '/reviews?status=open', k().auditor)).items).toEqual([]);
    expect(ok(await call('GET', '/reviews?area=returns', k().auditor)).items).toEqual([]);

    const md = await stack.call<string>('GET', `/reviews/${id}/report.md`, { key: k().auditor });
    expect(md.status).toBe(200);
    expect(md.headers['content-type']).toMatch(/^text\/markdown/);
    expect(md.text).toContain(`# Quality review: Billing support, ${period.key}`);
    expect(md.text).toMatch(/\| First-response SLA attainment \| 66\.7 % \| 6 \| >= 90 % \| \*\*missed\*\* \|/);
    expect(md.text).toContain('| Double charge (`double-charge`) | 4 |');
    expect(md.text).toContain('Double charges first: they are two thirds of the causes. (simon)');
    expect(md.text).toContain('opens PDCA cycle `rc_');
    expect(md.text).toMatch(/sam \(supervisor\) approved quality review Billing support \S+: "Agreed\." · content sha256 [0-9a-f]{64}/);
    expect(md.text).toContain('Signed off');
  });

  it('given the review’s audit trail, when searched, covered by a signed digest and verified, then every transition is there, attributed and chained; a tampered event is named', async () => {
    const events = ok(await call('GET', `/audit/events?stream=review:${id}&limit=100`, k().auditor));
    const actions = events.items.map((e: View) => e.action);
    expect(actions).toEqual([
      'create',
      'decision_recorded',
      'action_added',
      'action_cycle_opened',
      'submitted',
      'rejected',
      'decision_recorded',
      'submitted',
      'signature_recorded',
      'signature_recorded',
      'signed',
    ]);
    expect(events.items.map((e: View) => e.actor.id)).toEqual(['olivia', 'simon', 'olivia', 'system', 'olivia', 'sam', 'sam', 'olivia', 'simon', 'sam', 'sam']);
    expect(ok(await call('GET', `/audit/events?entityType=review&limit=100`, k().auditor)).items).toHaveLength(actions.length);

    await createAuditActivities({ models: stack.models, signer: digestSigner(stack.config) }).createAuditDigest({ cutoff: new Date().toISOString(), requestedBy: 'review-api-test' });
    const all = ok(await call('POST', '/audit/verify', k().auditor, {}));
    expect(all).toMatchObject({ ok: true, brokenStreams: 0, digest: { chainIntact: true, rootMatches: true } });
    const stream = ok(await call('POST', '/audit/verify', k().auditor, { stream: `review:${id}` }));
    expect(stream).toMatchObject({ ok: true, checkedEvents: actions.length, checkedStreams: 1 });

    await stack.models.AuditEvent.collection.updateOne({ _id: `review:${id}:2` } as never, { $set: { 'details.decision.text': 'Rewritten afterwards.' } });
    const tampered = ok(await call('POST', '/audit/verify', k().auditor, { stream: `review:${id}` }));
    expect(tampered).toMatchObject({ ok: false, firstBreak: { stream: `review:${id}`, seq: 2 } });
  });
});
