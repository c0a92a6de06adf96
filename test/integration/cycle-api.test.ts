/**
 * Improvement cycles (PDCA and DMAIC) end to end through the HTTP API only
 * (real Worker on the Temporal dev server, real FerretDB), then checked in the
 * database: the `cycles` read model, the `cycle:<id>` audit stream (with the
 * gate signatures), `cycle_measurements` and the `outbox`.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { cycleWorkflowId, getCycleQuery } from '../../src/contracts/cycle';
import { type CycleCommandType, type CycleState, artefactHash } from '../../src/domain/cycle';
import { storedState } from '../../src/db/models';
import { entityIdFor } from '../../src/services/complaints';
import { type ApiStack, type CallOptions, type CallResult, type Problem, collectionCounts, errorPaths, expectProblem, startApiStack } from '../helpers/api';
import { ACTION_DUE, CYCLE_DEADLINE, VALID_ACTION_BODIES, actionSlug, cycleWithGoal, validCharter, validCycle } from '../helpers/cycle-endpoints';
import { eventually, uniqueId } from '../helpers/stack';

/** The cycle view (loosely typed: the API answers JSON with ISO instants). */
type View = Record<string, any>;
type Page = { items: View[]; nextCursor: string | null };

/** Plan-phase measurements (before the change) and Do-phase ones that miss the 6 h target (lower is better, baseline 10 h). */
const BEFORE = [10.2, 9.8, 10.5, 9.9, 10.1];
const AFTER_MISSED = [8.9, 9.2, 8.7, 9.0, 9.1];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const points = (values: number[]) => ({ measurements: values.map((value) => ({ value })) });

/** Small HTTP vocabulary shared by the describe blocks. */
function api(stack: () => ApiStack) {
  const s = () => stack();
  const key = (userId: string) => s().keys[userId]!;
  return {
    key,
    create<T = View>(body: Record<string, unknown> = validCycle(), by = 'olivia', headers?: Record<string, string>) {
      return s().call<T>('POST', '/cycles', { key: key(by), body, headers });
    },
    act<T = View>(id: string, type: CycleCommandType, by: string, body: Record<string, unknown> = VALID_ACTION_BODIES[type](), extra: Omit<CallOptions, 'key' | 'body'> = {}) {
      return s().call<T>('POST', `/cycles/${id}/${actionSlug(type)}`, { key: key(by), body, ...extra });
    },
    /** An action that must succeed: 200 and the view after it. */
    async ok(id: string, type: CycleCommandType, by: string, body?: Record<string, unknown>): Promise<View> {
      const res = await this.act(id, type, by, body);
      expect({ action: type, status: res.status, body: res.body }).toEqual({ action: type, status: 200, body: expect.objectContaining({ id }) });
      return res.body;
    },
    get<T = View>(id: string, by = 'audrey') {
      return s().call<T>('GET', `/cycles/${id}`, { key: key(by) });
    },
    async list(query: string, by = 'audrey'): Promise<Page> {
      const res = await s().call<Page>('GET', `/cycles${query}`, { key: key(by) });
      expect({ query, status: res.status }).toEqual({ query, status: 200 });
      return res.body;
    },
    /** The read model document once it has reached `version` (the workflow writes it asynchronously). */
    readModel(id: string, version: number) {
      return eventually(
        async () => {
          const doc = await s().models.Cycle.findById(id).lean();
          return doc && doc.version >= version ? doc : null;
        },
        20_000,
        `read model of ${id} at version ${version}`,
      );
    },
    /** Creates a cycle and waits until its workflow has registered it (version 1 in the read model). */
    async registered(body: Record<string, unknown> = validCycle(), by = 'olivia'): Promise<string> {
      const res = await this.create(body, by);
      expect({ status: res.status, body: res.body }).toEqual({ status: 201, body: expect.objectContaining({ id: expect.any(String) }) });
      await this.readModel(res.body.id, 1);
      return res.body.id as string;
    },
    auditCount(id: string) {
      return s().models.AuditEvent.countDocuments({ stream: `cycle:${id}` });
    },
    /** What a refused request must leave as it was: the cycle's read model, audit stream and live version. */
    async footprint(id: string) {
      const [doc, audit, measurements, outbox, live] = await Promise.all([
        s().models.Cycle.findById(id, { version: 1, phase: 1, status: 1, gateStatus: 1 }).lean(),
        this.auditCount(id),
        s().models.CycleMeasurement.countDocuments({ cycleId: id }),
        s().models.Outbox.countDocuments({ cycleId: id }),
        this.get(id),
      ]);
      return { doc, audit, measurements, outbox, liveVersion: live.body.version, signatures: live.body.signatures?.length };
    },
  };
}

describe('cycle lifecycle', () => {
  let stack: ApiStack;
  const http = api(() => stack);

  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('given a PDCA cycle, when it goes through Plan (gate signed), Do, Check and Act, then iterates and is abandoned, then the view, the read model, the signed audit trail, the measurements and the outbox record every step', async () => {
    const { models, client } = stack;
    const body = validCycle({ title: 'PDCA through the API' });

    // ---- create
    const created = await http.create(body);
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toMatch(/^application\/json/);
    const id = created.body.id as string;
    expect(id).toMatch(/^y_[0-9a-f]{24}$/);
    expect(created.headers.location).toBe(`/cycles/${id}`);
    expect(created.headers['idempotent-replayed']).toBeUndefined();
    expect(created.body).toMatchObject({
      id,
      version: 0,
      type: 'pdca',
      iteration: 1,
      status: 'active',
      phase: 'plan',
      title: 'PDCA through the API',
      ownerId: 'olivia',
      sponsorId: 'simon',
      team: ['alice'],
      overdue: false,
      createdBy: { id: 'olivia', role: 'process_owner' },
      goal: { metric: 'first response time', unit: 'h', direction: 'lower_is_better', metricType: 'continuous', baseline: 10, target: 6, deadline: CYCLE_DEADLINE },
      settings: { approvers: ['simon'], effectivenessWindowDays: 30 },
      gate: { phase: 'plan', status: 'open', needsApproval: true, pendingApprovers: [], approvedBy: [], artefactHash: null },
      actions: [],
      measurements: [],
      signatures: [],
    });
    expect(created.body.gate.missing).toEqual(['root-cause analysis (a 5-whys chain or a fishbone cause)', 'at least one countermeasure', 'at least one action item']);
    const registered = await http.readModel(id, 1);
    expect(registered).toMatchObject({ version: 1, type: 'pdca', phase: 'plan', status: 'active', iteration: 1, ownerId: 'olivia', sponsorId: 'simon', gateStatus: 'open', measurementCount: 0 });
    expect(registered.deadline).toEqual(new Date(CYCLE_DEADLINE));
    const firstRunId = (await client.workflow.getHandle(cycleWorkflowId(id)).describe()).runId;

    // ---- Plan: the owner and a team member build the artefacts
    const measured = await http.ok(id, 'record_measurements', 'alice', points(BEFORE));
    expect(measured).toMatchObject({ version: 2, measurementCount: 5 });
    expect(measured.measurements.map((m: View) => [m.seq, m.value, m.stage, m.by, m.iteration])).toEqual(BEFORE.map((v, i) => [i + 1, v, 'plan', 'alice', 1]));
    expect((await http.ok(id, 'add_five_whys', 'alice')).version).toBe(3);
    expect((await http.ok(id, 'add_fishbone_cause', 'olivia')).version).toBe(4);
    const cm = await http.ok(id, 'add_countermeasure', 'alice');
    expect(cm).toMatchObject({ version: 5, gate: { missing: ['at least one action item'] } });
    expect(cm.artefacts).toMatchObject({
      fiveWhys: [{ problem: 'slow first response', whys: ['queue unsorted', 'no triage'], rootCause: 'no triage rule for billing' }],
      fishbone: [{ category: 'method', cause: 'billing complaints are not triaged' }],
      countermeasures: [{ description: 'triage billing complaints first', rootCause: 'no triage rule for billing' }],
    });

    // Someone outside the team may not contribute; an incomplete gate is refused with what it lacks.
    expectProblem(await http.act<Problem>(id, 'add_countermeasure', 'bob'), 403, 'NOT_PERMITTED');
    const early = await http.act<Problem>(id, 'submit_gate', 'olivia');
    expectProblem(early, 422, 'GATE_INCOMPLETE');
    expect(early.body.missing).toEqual(['at least one action item']);
    expect((await http.get(id)).body.version).toBe(5);

    const planned = await http.ok(id, 'add_action', 'olivia', { title: 'Add a billing triage script', assigneeId: 'alice', dueAt: ACTION_DUE });
    expect(planned).toMatchObject({ version: 6, gate: { missing: [] } });
    expect(planned.actions).toEqual([expect.objectContaining({ title: 'Add a billing triage script', assigneeId: 'alice', dueAt: ACTION_DUE, status: 'open', createdBy: 'olivia' })]);
    const actionId = planned.actions[0].id as string;

    // ---- Plan gate: submitted, frozen, signed by the sponsor
    const submitted = await http.ok(id, 'submit_gate', 'olivia', { comment: 'plan ready' });
    expect(submitted).toMatchObject({ version: 7, phase: 'plan', gate: { phase: 'plan', status: 'pending', submittedBy: 'olivia', pendingApprovers: ['simon'], approvers: ['simon'] } });
    const hash = submitted.gate.artefactHash as string;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    // The hash binds the Plan artefacts as submitted: anyone holding the state recomputes it.
    const atSubmission: CycleState = await client.workflow.getHandle(cycleWorkflowId(id)).query(getCycleQuery);
    expect(artefactHash(atSubmission, 'plan')).toBe(hash);

    expectProblem(await http.act<Problem>(id, 'add_countermeasure', 'alice'), 409, 'GATE_PENDING');
    expectProblem(await http.act<Problem>(id, 'submit_gate', 'olivia'), 409, 'GATE_PENDING');
    expect((await http.get(id)).body.version).toBe(7);

    const signed = await http.ok(id, 'sign_gate', 'simon', { decision: 'approve', comment: 'go ahead' });
    expect(signed).toMatchObject({ version: 9, phase: 'do', status: 'active', gate: { phase: 'do', status: 'open', needsApproval: false, artefactHash: null } });
    expect(signed.signatures).toEqual([
      expect.objectContaining({ id: 'sig1', phase: 'plan', iteration: 1, decision: 'approved', signerId: 'simon', signerRole: 'sponsor', meaning: 'approved plan', comment: 'go ahead', reasons: [], artefactHash: hash }),
    ]);
    expect(Date.parse(signed.signatures[0].at)).not.toBeNaN();

    // ---- Do: the assignee completes the action, the team measures after the change
    expectProblem(await http.act<Problem>(id, 'complete_action', 'bob', { actionId }), 403, 'NOT_PERMITTED');
    const completed = await http.ok(id, 'complete_action', 'alice', { actionId, note: 'script live' });
    expect(completed.version).toBe(10);
    expect(completed.actions).toEqual([expect.objectContaining({ id: actionId, status: 'done', completedBy: 'alice', note: 'script live' })]);
    expectProblem(await http.act<Problem>(id, 'complete_action', 'alice', { actionId }), 409, 'INVALID_TRANSITION');
    expect((await http.ok(id, 'record_measurements', 'alice', points(AFTER_MISSED))).version).toBe(11);

    // ---- Do gate (no approval needed) → Check, with the check report
    const checking = await http.ok(id, 'submit_gate', 'olivia');
    expect(checking).toMatchObject({ version: 12, phase: 'check', gate: { phase: 'check', status: 'open', missing: [] } });
    const report = checking.artefacts.checkReport;
    expect(report).toMatchObject({
      baseline: { n: 5, source: 'measurements' },
      after: { n: 5 },
      target: 6,
      direction: 'lower_is_better',
      goalMet: false,
      test: { name: 'welch_t', alpha: 0.05, significant: true },
    });
    expect(report.baseline.mean).toBeCloseTo(mean(BEFORE), 9);
    expect(report.after.mean).toBeCloseTo(mean(AFTER_MISSED), 9);
    expect(report.improvementPct).toBeCloseTo(((mean(BEFORE) - mean(AFTER_MISSED)) / mean(BEFORE)) * 100, 6);
    expect(Date.parse(report.computedAt)).not.toBeNaN();

    const view = (await http.get(id)).body;
    expect(view).toMatchObject({ version: 12, phase: 'check', measurementCount: 10 });
    expect(view.artefacts.checkReport).toEqual(report);
    expect(view.statistics.checkReport).toEqual(report);
    expect(view.statistics.measurements).toMatchObject({ n: 10, min: 8.7, max: 10.5 });
    expect(view.statistics.byStage).toEqual([
      expect.objectContaining({ iteration: 1, stage: 'plan', n: 5, min: 9.8, max: 10.5 }),
      expect.objectContaining({ iteration: 1, stage: 'do', n: 5, min: 8.7, max: 9.2 }),
    ]);
    expect(view.statistics.goal).toMatchObject({ baseline: 10, target: 6, targetMet: false, current: { stage: 'do', iteration: 1, n: 5 } });
    expect(view.statistics.goal.current.mean).toBeCloseTo(mean(AFTER_MISSED), 9);
    expect(view.statistics.goal.improvementPct).toBeCloseTo(((10 - mean(AFTER_MISSED)) / 10) * 100, 6);

    // ---- Check: recompute, review → Act
    const rerun = await http.ok(id, 'run_check', 'olivia', {});
    expect(rerun).toMatchObject({ version: 13, phase: 'check', artefacts: { checkReport: { goalMet: false, after: { n: 5 } }, checkReview: null } });
    expectProblem(await http.act<Problem>(id, 'review_check', 'alice'), 403, 'NOT_PERMITTED');
    const acting = await http.ok(id, 'review_check', 'olivia', { comment: 'improved, but not enough' });
    expect(acting).toMatchObject({ version: 15, phase: 'act', status: 'active', artefacts: { checkReview: { by: 'olivia', comment: 'improved, but not enough' } } });

    // The report while in Act.
    const json = await stack.call<View>('GET', `/cycles/${id}/report`, { key: http.key('simon') });
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.body).toMatchObject({
      cycleId: id,
      type: 'pdca',
      title: 'PDCA through the API',
      status: 'active',
      phase: 'act',
      iteration: 1,
      owner: 'olivia',
      sponsor: 'simon',
      goal: { metric: 'first response time', baseline: 10, target: 6, deadline: CYCLE_DEADLINE },
      baselineVsNow: { baseline: 10, target: 6, targetMet: false, current: { stage: 'do', n: 5 } },
      statistics: { checkReport: { goalMet: false, baseline: { n: 5 }, after: { n: 5 } }, measurements: { n: 10 }, baseline: null, pilot: null, control: null },
      decisions: [{ decision: 'check report reviewed', by: 'olivia', detail: 'improved, but not enough' }],
      signatures: [{ signerId: 'simon', signerRole: 'sponsor', meaning: 'approved plan', decision: 'approved', artefactHash: hash }],
      lineage: [],
    });
    const md = await stack.call<string>('GET', `/cycles/${id}/report?format=markdown`, { key: http.key('audrey') });
    expect(md.status).toBe(200);
    expect(md.headers['content-type']).toMatch(/^text\/markdown/);
    expect(md.body).toContain('# PDCA through the API\n');
    expect(md.body).toContain('## Check');
    expect(md.body).toContain('goal not met');
    expect(md.body).toContain('## Signatures');
    expect(md.body).toContain(`simon (sponsor) approved plan: "go ahead" · artefacts sha256 ${hash.slice(0, 16)}`);

    // ---- Act: the goal was missed, so no standardizing; iterate with the learnings (a new workflow run)
    const refused = await http.act<Problem>(id, 'standardize', 'olivia');
    expectProblem(refused, 409, 'GOAL_NOT_MET');
    expect((await http.get(id)).body.version).toBe(15);
    const iterated = await http.ok(id, 'iterate', 'olivia', { learnings: 'triage alone is not enough' });
    expect(iterated).toMatchObject({
      version: 16,
      iteration: 2,
      phase: 'plan',
      status: 'active',
      gate: { phase: 'plan', status: 'open' },
      actions: [],
      measurementCount: 10,
      artefacts: { fiveWhys: [], countermeasures: [], checkReport: null, checkReview: null },
    });
    expect(iterated.lineage).toEqual([
      expect.objectContaining({ iteration: 1, runId: firstRunId, learnings: 'triage alone is not enough', checkReport: expect.objectContaining({ goalMet: false }) }),
    ]);
    const secondRunId = await eventually(
      async () => {
        const d = await client.workflow.getHandle(cycleWorkflowId(id)).describe();
        return d.runId !== firstRunId && d.status.name === 'RUNNING' ? d.runId : null;
      },
      20_000,
      'the next iteration runs as a new workflow run',
    );
    expect(secondRunId).not.toBe(firstRunId);
    const liveBeforeAbandon = (await http.get(id)).body;
    expect(liveBeforeAbandon).toMatchObject({ version: 16, iteration: 2, measurementCount: 10 });

    // ---- the sponsor abandons the second iteration
    const abandoned = await http.ok(id, 'abandon', 'simon', { reason: 'superseded by the billing migration' });
    expect(abandoned).toMatchObject({ version: 17, status: 'abandoned', phase: 'plan', iteration: 2, closure: { reason: 'superseded by the billing migration', by: 'simon' }, overdue: false });
    expect(Date.parse(abandoned.closedAt)).not.toBeNaN();
    const final: CycleState = await client.workflow.getHandle(cycleWorkflowId(id)).result();
    expect(final).toMatchObject({ version: 17, status: 'abandoned' });

    // The read model.
    const doc = await http.readModel(id, 17);
    expect(doc).toMatchObject({ _id: id, version: 17, type: 'pdca', phase: 'plan', status: 'abandoned', iteration: 2, ownerId: 'olivia', sponsorId: 'simon', gateStatus: 'open', measurementCount: 10 });
    expect(doc.closedAt).toBeInstanceOf(Date);
    expect(storedState<CycleState>(doc).version).toBe(17);
    expect(storedState<CycleState>(doc).measurements).toEqual([]); // they live in cycle_measurements

    // A closed cycle is served from the read model, measurements re-attached.
    const closed = (await http.get(id)).body;
    expect(closed).toMatchObject({ id, version: 17, status: 'abandoned', iteration: 2, measurementCount: 10 });
    expect(closed.measurements).toEqual(liveBeforeAbandon.measurements);
    expect(closed.signatures).toEqual(signed.signatures);
    expect(closed.statistics.measurements).toEqual(liveBeforeAbandon.statistics.measurements);
    expectProblem(await http.act<Problem>(id, 'add_five_whys', 'olivia'), 409, 'INVALID_TRANSITION');

    // The final report: iteration decision, closure, lineage.
    const finalReport = (await stack.call<View>('GET', `/cycles/${id}/report`, { key: http.key('audrey') })).body;
    expect(finalReport).toMatchObject({ status: 'abandoned', iteration: 2, statistics: { checkReport: null, measurements: { n: 10 } } });
    expect(finalReport.decisions).toEqual([
      expect.objectContaining({ decision: 'iteration 1 ended; next iteration started', by: 'olivia', detail: 'triage alone is not enough' }),
      expect.objectContaining({ decision: 'closed as abandoned', by: 'simon', detail: 'superseded by the billing migration' }),
    ]);
    expect(finalReport.lineage).toEqual([expect.objectContaining({ iteration: 1, runId: firstRunId, goalMet: false, learnings: 'triage alone is not enough' })]);
    expect(finalReport.signatures).toHaveLength(1);

    // The audit stream: one event per transition, contiguous, attributed, with the signature binding the artefact hash.
    const events = await models.AuditEvent.find({ stream: `cycle:${id}` }).sort({ seq: 1 }).lean();
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
    expect(events.every((e) => e._id === `cycle:${id}:${e.seq}` && e.entityType === 'cycle' && e.entityId === id)).toBe(true);
    expect(events.map((e) => `${e.action}:${e.actor?.id}`)).toEqual([
      'create:olivia',
      'measurements_recorded:alice',
      'five_whys_added:alice',
      'fishbone_cause_added:olivia',
      'countermeasure_added:alice',
      'action_added:olivia',
      'gate_submitted:olivia',
      'gate_signed:simon',
      'phase_entered:simon',
      'action_completed:alice',
      'measurements_recorded:alice',
      'phase_entered:olivia',
      'check_run:olivia',
      'check_reviewed:olivia',
      'phase_entered:olivia',
      'iteration_started:olivia',
      'abandoned:simon',
    ]);
    const phaseOf = (x: unknown) => (x as { phase?: string } | null)?.phase ?? null;
    expect(events.map((e) => phaseOf(e.after))).toEqual(['plan', 'plan', 'plan', 'plan', 'plan', 'plan', 'plan', 'plan', 'do', 'do', 'do', 'check', 'check', 'check', 'act', 'plan', 'plan']);
    expect(events[6]!.details).toMatchObject({ phase: 'plan', artefactHash: hash, comment: 'plan ready' });
    expect(events[6]!.after).toMatchObject({ gate: 'pending' });
    expect(events[7]!.actor).toEqual({ id: 'simon', role: 'sponsor' });
    expect(events[7]!.details).toMatchObject({ signature: { signerId: 'simon', decision: 'approved', meaning: 'approved plan', artefactHash: hash } });
    expect((events[7]!.details as { signature: { artefactHash: string } }).signature.artefactHash).toBe(submitted.gate.artefactHash);
    expect(events[8]!.details).toMatchObject({ from: 'plan', to: 'do' });
    expect(events[11]!.details).toMatchObject({ from: 'do', to: 'check', checkReport: { goalMet: false } });
    expect(events[15]!.details).toMatchObject({ fromIteration: 1, toIteration: 2, learnings: 'triage alone is not enough', previousRunId: firstRunId });
    expect(events[16]!.after).toMatchObject({ status: 'abandoned', iteration: 2 });

    // The measurements, one document each.
    const stored = await models.CycleMeasurement.find({ cycleId: id }).sort({ seq: 1 }).lean();
    expect(stored.map((m) => [m._id, m.seq, m.value, m.stage, m.by, m.iteration])).toEqual(
      [...BEFORE, ...AFTER_MISSED].map((v, i) => [`${id}:${i + 1}`, i + 1, v, i < 5 ? 'plan' : 'do', 'alice', 1]),
    );
    expect(stored.every((m) => m.at instanceof Date)).toBe(true);

    // The outbox: gate submitted (to the approver), gate approved, check ready; all about this cycle.
    const outbox = await models.Outbox.find({ cycleId: id }).sort({ _id: 1 }).lean();
    expect(outbox.map((m) => [m._id, m.type])).toEqual(
      expect.arrayContaining([
        [`${id}:7:0`, 'gate.submitted'],
        [`${id}:9:0`, 'gate.approved'],
        [`${id}:12:0`, 'check.ready'],
      ]),
    );
    expect(outbox).toHaveLength(3);
    // Messages about a cycle carry its id, never a complaint id.
    expect(outbox.map((m) => [m.cycleId, m.complaintId ?? null])).toEqual(outbox.map(() => [id, null]));
    expect(outbox.find((m) => m.type === 'gate.submitted')).toMatchObject({ recipients: { userIds: ['simon'] }, data: { phase: 'plan', artefactHash: hash, version: 7 } });
    expect(outbox.find((m) => m.type === 'gate.approved')).toMatchObject({ recipients: { userIds: ['olivia', 'simon'] }, data: { phase: 'plan', approvedBy: ['simon'] } });
    expect(outbox.find((m) => m.type === 'check.ready')).toMatchObject({ recipients: { userIds: ['olivia'] }, data: { goalMet: false } });
  });

  it('given a DMAIC cycle, when its Define gate is submitted before the charter is complete, then 422 GATE_INCOMPLETE lists exactly what is missing; once complete, both approvers sign it into Measure', async () => {
    const { models } = stack;
    const body = cycleWithGoal(
      { metric: 'invoice re-issues', unit: 'per 1000 invoices', baseline: 42, target: 10 },
      { type: 'dmaic', title: 'Fewer invoice re-issues', team: ['bob'], settings: { approvers: ['simon', 'sam'] } },
    );
    const id = await http.registered(body);
    const fresh = (await http.get(id)).body;
    expect(fresh).toMatchObject({ version: 1, type: 'dmaic', phase: 'define', gate: { phase: 'define', status: 'open', needsApproval: true, missing: ['a charter'] } });

    const none = await http.act<Problem>(id, 'submit_gate', 'olivia');
    expectProblem(none, 422, 'GATE_INCOMPLETE');
    expect(none.body.title).toBe('Action rejected');
    expect(none.body.missing).toEqual(['a charter']);
    expect(none.body.detail).toMatch(/missing: a charter/);
    expect(await http.auditCount(id)).toBe(1);
    expect((await models.Cycle.findById(id).lean())!.version).toBe(1);

    // Only the owner sets the charter; PDCA actions do not apply to DMAIC.
    expectProblem(await http.act<Problem>(id, 'update_charter', 'bob'), 403, 'NOT_PERMITTED');
    expectProblem(await http.act<Problem>(id, 'add_countermeasure', 'olivia'), 422, 'INVALID_ACTION');

    const thin = await http.ok(id, 'update_charter', 'olivia', { charter: { ...validCharter(), ctqs: [], sipoc: [], milestones: [] } });
    expect(thin).toMatchObject({ version: 2, artefacts: { charter: { problem: 'Invoices are re-issued too often.', ctqs: [] } } });
    expect(thin.gate.missing).toEqual(['at least one CTQ', 'at least one SIPOC row', 'charter milestones']);
    const partial = await http.act<Problem>(id, 'submit_gate', 'olivia');
    expectProblem(partial, 422, 'GATE_INCOMPLETE');
    expect(partial.body.missing).toEqual(['at least one CTQ', 'at least one SIPOC row', 'charter milestones']);
    expect(await http.auditCount(id)).toBe(2);

    const charter = validCharter();
    const full = await http.ok(id, 'update_charter', 'olivia', { charter });
    expect(full).toMatchObject({ version: 3, gate: { missing: [] } });
    expect(full.artefacts.charter.milestones).toEqual(charter.milestones);

    const submitted = await http.ok(id, 'submit_gate', 'olivia');
    expect(submitted).toMatchObject({ version: 4, gate: { status: 'pending', pendingApprovers: ['simon', 'sam'] } });
    const hash = submitted.gate.artefactHash as string;
    const first = await http.ok(id, 'sign_gate', 'simon', { decision: 'approve', comment: 'charter is clear' });
    expect(first).toMatchObject({ version: 5, phase: 'define', gate: { status: 'pending', approvedBy: ['simon'], pendingApprovers: ['sam'] } });
    expectProblem(await http.act<Problem>(id, 'sign_gate', 'simon', { decision: 'approve', comment: 'again' }), 409, 'ALREADY_SIGNED');
    const passed = await http.ok(id, 'sign_gate', 'sam', { decision: 'approve', comment: 'agreed' });
    expect(passed).toMatchObject({ version: 7, phase: 'measure', status: 'active', gate: { phase: 'measure', status: 'open', missing: ['a data collection plan', 'a baseline'] } });
    expect(passed.signatures.map((s: View) => [s.signerId, s.signerRole, s.meaning, s.artefactHash])).toEqual([
      ['simon', 'sponsor', 'approved Define phase', hash],
      ['sam', 'supervisor', 'approved Define phase', hash],
    ]);

    // Measure: a team member sets the baseline (discrete: DPMO and sigma level).
    const baseline = await http.ok(id, 'set_baseline', 'bob');
    expect(baseline).toMatchObject({ version: 8, gate: { missing: ['a data collection plan'] } });
    expect(baseline.statistics.baseline).toMatchObject({ kind: 'discrete' });
    expect(baseline.statistics.baseline.dpmo).toBeCloseTo((42 / 3000) * 1e6, 6);

    const doc = await http.readModel(id, 8);
    expect(doc).toMatchObject({ version: 8, type: 'dmaic', phase: 'measure', status: 'active', gateStatus: 'open' });
    const events = await models.AuditEvent.find({ stream: `cycle:${id}` }).sort({ seq: 1 }).lean();
    expect(events.map((e) => e.action)).toEqual(['create', 'charter_updated', 'charter_updated', 'gate_submitted', 'gate_signed', 'gate_signed', 'phase_entered', 'baseline_set']);
    expect(events.filter((e) => e.action === 'gate_signed').map((e) => (e.details as { signature: { artefactHash: string } }).signature.artefactHash)).toEqual([hash, hash]);
  });

  it('given a submitted Plan gate, when the owner or a sponsor who is not an approver signs, then 403 and nothing is written; the approver rejects with reasons and a changed plan is signed', async () => {
    // approvers: sam only; simon is the sponsor (sponsor role) but not an approver.
    const id = await http.registered(validCycle({ title: 'Self-approval', settings: { approvers: ['sam'] } }));
    await http.ok(id, 'add_five_whys', 'olivia');
    await http.ok(id, 'add_countermeasure', 'olivia');
    // An action for a user who does not exist: 422 naming the field, nothing written.
    const before0 = await http.footprint(id);
    const ghost = await http.act<Problem>(id, 'add_action', 'olivia', { title: 't', assigneeId: 'ghost', dueAt: ACTION_DUE });
    expectProblem(ghost, 422, 'UNKNOWN_USER');
    expect(ghost.body.errors).toEqual([{ path: 'body.assigneeId', message: 'unknown user ghost' }]);
    expect(await http.footprint(id)).toEqual(before0);
    await http.ok(id, 'add_action', 'olivia', { title: 'triage script', assigneeId: 'bob', dueAt: ACTION_DUE });
    const submitted = await http.ok(id, 'submit_gate', 'olivia');
    expect(submitted).toMatchObject({ version: 5, gate: { status: 'pending', pendingApprovers: ['sam'] } });
    await http.readModel(id, 5);

    const before = await http.footprint(id);
    expect(before).toMatchObject({ doc: { version: 5, gateStatus: 'pending' }, audit: 5, liveVersion: 5, signatures: 0 });

    const self = await http.act<Problem>(id, 'sign_gate', 'olivia', { decision: 'approve', comment: 'my own plan is fine' });
    expectProblem(self, 403, 'SELF_APPROVAL_FORBIDDEN');
    expect(self.body.title).toBe('Forbidden');
    const sponsor = await http.act<Problem>(id, 'sign_gate', 'simon', { decision: 'approve', comment: 'I sponsor it' });
    expectProblem(sponsor, 403, 'NOT_PERMITTED');
    expect(sponsor.body.detail).toMatch(/approvers \(sam\)/);
    expectProblem(await http.act<Problem>(id, 'sign_gate', 'alice', { decision: 'approve', comment: 'team member' }), 403, 'NOT_PERMITTED');
    // An admin is stopped by the role check before the cycle is asked.
    const admin = await http.act<Problem>(id, 'sign_gate', 'ada', { decision: 'approve', comment: 'admin' });
    expectProblem(admin, 403, 'NOT_PERMITTED');
    expect(admin.body.detail).toMatch(/role admin/);
    // A rejection needs reasons.
    expectProblem(await http.act<Problem>(id, 'sign_gate', 'sam', { decision: 'reject', comment: 'no' }), 422, 'INVALID_ACTION');
    expect(await http.footprint(id)).toEqual(before);
    expect(await stack.models.AuditEvent.countDocuments({ stream: `cycle:${id}`, action: { $in: ['gate_signed', 'gate_rejected'] } })).toBe(0);

    const rejected = await http.ok(id, 'sign_gate', 'sam', { decision: 'reject', comment: 'not yet', reasons: ['no measurement plan'] });
    expect(rejected).toMatchObject({ version: 6, phase: 'plan', gate: { status: 'rejected', rejection: { by: 'sam', reasons: ['no measurement plan'] } } });
    expect(rejected.signatures).toEqual([
      expect.objectContaining({ signerId: 'sam', decision: 'rejected', meaning: 'rejected plan', reasons: ['no measurement plan'], artefactHash: submitted.gate.artefactHash }),
    ]);
    // Changing the plan reopens the gate; the new submission binds a new hash.
    expect((await http.ok(id, 'add_fishbone_cause', 'olivia')).gate.status).toBe('open');
    const resubmitted = await http.ok(id, 'submit_gate', 'olivia');
    expect(resubmitted.gate.artefactHash).not.toBe(submitted.gate.artefactHash);
    const approved = await http.ok(id, 'sign_gate', 'sam', { decision: 'approve', comment: 'better' });
    expect(approved).toMatchObject({ version: 10, phase: 'do' });
    expect(approved.signatures.map((s: View) => [s.meaning, s.artefactHash])).toEqual([
      ['rejected plan', submitted.gate.artefactHash],
      ['approved plan', resubmitted.gate.artefactHash],
    ]);
  });

  it('given the same Idempotency-Key, when a cycle is created again with the same body, then the same cycle is replayed and one workflow runs; with another body, 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const { models, client } = stack;
    const idemKey = uniqueId('idem');
    const body = validCycle({ title: 'Idempotent start' });
    const headers = { 'idempotency-key': idemKey };

    const first = await http.create(body, 'olivia', headers);
    expect(first.status).toBe(201);
    const id = first.body.id as string;
    // The id is derived from the caller and the key.
    expect(id).toBe(entityIdFor('y', 'olivia', idemKey));
    await http.readModel(id, 1);

    const again = await http.create(body, 'olivia', headers);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(`/cycles/${id}`);
    expect(again.body).toMatchObject({ id, version: 1, title: 'Idempotent start', phase: 'plan' });
    const concurrent = await Promise.all([1, 2, 3].map(() => http.create(body, 'olivia', headers)));
    for (const r of concurrent) {
      expect(r.status).toBe(200);
      expect(r.body.id).toBe(id);
    }
    const runs = await eventually(async () => {
      const found = [];
      for await (const wf of client.workflow.list({ query: `WorkflowId = '${cycleWorkflowId(id)}'` })) found.push(wf);
      return found.length > 0 ? found : null;
    }, 20_000, 'workflow visible');
    expect(runs).toHaveLength(1);
    expect(await models.Cycle.countDocuments({ title: 'Idempotent start' })).toBe(1);
    expect(await http.auditCount(id)).toBe(1);

    // Same key, another body: refused, nothing created.
    const reused = await http.create<Problem>({ ...body, title: 'Something else' }, 'olivia', headers);
    expectProblem(reused, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await models.Cycle.countDocuments({ title: 'Something else' })).toBe(0);
    expect(await http.auditCount(id)).toBe(1);

    // Keys are per caller: the same key from an admin (starting it for olivia) is another cycle.
    const other = await http.create({ ...body, ownerId: 'olivia' }, 'ada', headers);
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(id);
    expect(other.body).toMatchObject({ ownerId: 'olivia', createdBy: { id: 'ada', role: 'admin' } });
    await http.readModel(other.body.id, 1);
  });

  it('given an action retried with the same Idempotency-Key, then it is applied once; a new key applies it again', async () => {
    const { models } = stack;
    const id = await http.registered(validCycle({ title: 'Idempotent measurements' }));
    const values = [9.4, 9.1, 9.3];
    const headers = { 'idempotency-key': uniqueId('measure') };

    const first = await http.act(id, 'record_measurements', 'alice', points(values), { headers });
    const second = await http.act(id, 'record_measurements', 'alice', points(values), { headers });
    const concurrent = await Promise.all([1, 2, 3].map(() => http.act(id, 'record_measurements', 'alice', points(values), { headers })));
    for (const r of [first, second, ...concurrent]) {
      expect({ status: r.status, version: r.body.version, count: r.body.measurementCount }).toEqual({ status: 200, version: 2, count: 3 });
    }
    await http.readModel(id, 2);
    expect(await models.CycleMeasurement.countDocuments({ cycleId: id })).toBe(3);
    expect(await models.AuditEvent.countDocuments({ stream: `cycle:${id}`, action: 'measurements_recorded' })).toBe(1);
    expect((await http.get(id)).body.measurements).toHaveLength(3);

    const another = await http.act(id, 'record_measurements', 'alice', points(values), { headers: { 'idempotency-key': uniqueId('measure') } });
    expect(another.body).toMatchObject({ version: 3, measurementCount: 6 });
    await http.readModel(id, 3);
    expect(await models.CycleMeasurement.countDocuments({ cycleId: id })).toBe(6);
    expect((await models.Cycle.findById(id).lean())!.measurementCount).toBe(6);
  });

  it('given cycles, when read by an auditor, an admin, the sponsor or a team member, then they are served; others without a part in it and the intake role are refused, and cycle creation is for process owners and admins', async () => {
    const id = await http.registered(validCycle({ title: 'Readers' }));
    for (const by of ['audrey', 'ada', 'simon', 'alice']) {
      const one = await http.get(id, by);
      expect({ by, status: one.status, id: one.body.id }).toEqual({ by, status: 200, id });
      const list = await stack.call<Page>('GET', '/cycles', { key: http.key(by) });
      expect({ by, status: list.status }).toEqual({ by, status: 200 });
      expect(list.body.items.map((i) => i.id)).toContain(id);
      const rep = await stack.call('GET', `/cycles/${id}/report`, { key: http.key(by) });
      expect({ by, status: rep.status, cycleId: rep.body.cycleId }).toEqual({ by, status: 200, cycleId: id });
    }
    // sam supervises complaints but has no part in this cycle: not listed, not readable.
    expect((await stack.call<Page>('GET', '/cycles', { key: http.key('sam') })).body.items.map((i) => i.id)).not.toContain(id);
    for (const path of [`/cycles/${id}`, `/cycles/${id}/report`]) {
      const res = await stack.call<Problem>('GET', path, { key: http.key('sam') });
      expectProblem(res, 403, 'NOT_PERMITTED');
      expect(res.body.detail).toMatch(/outside your involved scope/);
    }
    for (const path of ['/cycles', `/cycles/${id}`, `/cycles/${id}/report`, `/cycles/${id}/report?format=markdown`]) {
      const res = await stack.call<Problem>('GET', path, { key: http.key('webform') });
      expectProblem(res, 403, 'NOT_PERMITTED');
      expect(res.body.detail).toMatch(/role intake/);
    }
    expectProblem(await http.get<Problem>('y_000000000000000000000000'), 404, 'NOT_FOUND');
    expectProblem(await stack.call<Problem>('GET', '/cycles/y_000000000000000000000000/report', { key: http.key('ada') }), 404, 'NOT_FOUND');

    const counts = await collectionCounts(stack.models);
    for (const by of ['simon', 'sam', 'alice', 'audrey', 'webform']) {
      expectProblem(await http.create<Problem>(validCycle(), by), 403, 'NOT_PERMITTED');
    }
    expect(await collectionCounts(stack.models)).toEqual(counts);
    const byAdmin = await http.create(validCycle({ title: 'Started by an admin', ownerId: 'olivia' }), 'ada');
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body).toMatchObject({ ownerId: 'olivia', createdBy: { id: 'ada', role: 'admin' }, settings: { approvers: ['simon'] } });
    await http.readModel(byAdmin.body.id, 1);
  });

  describe('retries across an iteration (the next iteration is a new workflow run)', () => {
    const cycle = { id: '', createKey: '', measureKey: '', iterateKey: '', body: {} as Record<string, unknown>, measurementCount: 0, version: 0 };

    beforeAll(async () => {
      cycle.createKey = uniqueId('create');
      cycle.measureKey = uniqueId('measure');
      cycle.iterateKey = uniqueId('iterate');
      cycle.body = validCycle({ title: 'Retried across iterations' });
      const created = await http.create(cycle.body, 'olivia', { 'idempotency-key': cycle.createKey });
      expect(created.status).toBe(201);
      const id = (cycle.id = created.body.id);
      await http.readModel(id, 1);
      const firstRunId = (await stack.client.workflow.getHandle(cycleWorkflowId(id)).describe()).runId;
      // Plan → Do → Check → Act with the goal missed.
      await http.ok(id, 'record_measurements', 'alice', points(BEFORE));
      await http.ok(id, 'add_five_whys', 'alice');
      await http.ok(id, 'add_countermeasure', 'alice');
      const actionId = (await http.ok(id, 'add_action', 'olivia')).actions[0].id;
      await http.ok(id, 'submit_gate', 'olivia');
      expect((await http.ok(id, 'sign_gate', 'simon')).phase).toBe('do');
      await http.ok(id, 'complete_action', 'alice', { actionId });
      const measured = await http.act(id, 'record_measurements', 'alice', points(AFTER_MISSED), { headers: { 'idempotency-key': cycle.measureKey } });
      expect(measured.body).toMatchObject({ version: 10, measurementCount: 10 });
      await http.ok(id, 'submit_gate', 'olivia');
      expect((await http.ok(id, 'review_check', 'olivia', { comment: 'missed' })).phase).toBe('act');
      const iterated = await http.act(id, 'iterate', 'olivia', { learnings: 'try again' }, { headers: { 'idempotency-key': cycle.iterateKey } });
      expect(iterated.body).toMatchObject({ version: 14, iteration: 2, phase: 'plan', measurementCount: 10 });
      cycle.version = 14;
      cycle.measurementCount = 10;
      await eventually(async () => (await stack.client.workflow.getHandle(cycleWorkflowId(id)).describe()).runId !== firstRunId, 20_000, 'the second run');
      await http.readModel(id, 14);
    });

    it('given the iterate request retried with its Idempotency-Key, then it is not applied again and answers the cycle as it is', async () => {
      const retry = await http.act(cycle.id, 'iterate', 'olivia', { learnings: 'try again' }, { headers: { 'idempotency-key': cycle.iterateKey } });
      expect({ status: retry.status, version: retry.body.version, iteration: retry.body.iteration, code: retry.body.code }).toEqual({
        status: 200,
        version: cycle.version,
        iteration: 2,
        code: undefined,
      });
      expect(await stack.models.AuditEvent.countDocuments({ stream: `cycle:${cycle.id}`, action: 'iteration_started' })).toBe(1);
    });

    it('given a measurement request of the first iteration retried with its Idempotency-Key, then the measurements are not recorded twice', async () => {
      const retry = await http.act(cycle.id, 'record_measurements', 'alice', points(AFTER_MISSED), { headers: { 'idempotency-key': cycle.measureKey } });
      expect(retry.status).toBe(200);
      expect({ version: retry.body.version, measurementCount: retry.body.measurementCount }).toEqual({ version: cycle.version, measurementCount: cycle.measurementCount });
      expect(await stack.models.CycleMeasurement.countDocuments({ cycleId: cycle.id })).toBe(cycle.measurementCount);
    });

    it('given the creation retried with its Idempotency-Key and body, then the cycle is replayed (200), not refused as a reused key', async () => {
      const retry = await http.create(cycle.body, 'olivia', { 'idempotency-key': cycle.createKey });
      expect({ status: retry.status, code: retry.body.code }).toEqual({ status: 200, code: undefined });
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toMatchObject({ id: cycle.id, iteration: 2 });
    });
  });
});

describe('cycle intake refused', () => {
  let stack: ApiStack;
  const http = api(() => stack);

  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function snapshot() {
    const [counts, workflows] = await Promise.all([collectionCounts(stack.models), stack.workflowCount()]);
    return { ...counts, workflows };
  }

  /**
   * Sends a creation that must be refused, with an Idempotency-Key so the id it would have had is known,
   * then checks that nothing was written and no workflow exists for that id.
   */
  async function refused(body: Record<string, unknown>, status: number, code: string, by = 'olivia'): Promise<CallResult<Problem>> {
    const before = await snapshot();
    const idemKey = uniqueId('refused');
    const res = await stack.call<Problem>('POST', '/cycles', { key: http.key(by), body, headers: { 'idempotency-key': idemKey } });
    expectProblem(res, status, code);
    expect(await snapshot()).toEqual(before);
    const wouldBe = entityIdFor('y', by, idemKey);
    await expect(stack.client.workflow.getHandle(cycleWorkflowId(wouldBe)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(await stack.models.Cycle.findById(wouldBe).lean()).toBeNull();
    return res;
  }
  const errorsOf = (res: CallResult<Problem>) => res.body.errors ?? [];
  const pathsOf = errorPaths;

  it('given a sponsor who does not exist, then 422 UNKNOWN_USER on body.sponsorId and nothing is written', async () => {
    const res = await refused(validCycle({ sponsorId: 'ghost' }), 422, 'UNKNOWN_USER');
    expect(errorsOf(res)).toEqual(expect.arrayContaining([{ path: 'body.sponsorId', message: 'unknown user ghost' }]));
  });

  it('given a team member who does not exist, then 422 UNKNOWN_USER on body.team.<index> and nothing is written', async () => {
    const one = await refused(validCycle({ team: ['ghost'] }), 422, 'UNKNOWN_USER');
    expect(errorsOf(one)).toEqual([{ path: 'body.team.0', message: 'unknown user ghost' }]);
    const several = await refused(validCycle({ team: ['alice', 'ghost', 'bob', 'phantom'] }), 422, 'UNKNOWN_USER');
    expect(pathsOf(several)).toEqual(['body.team.1', 'body.team.3']);
  });

  it('given people whose role may not act on cycles (an admin owning by default, an auditor as sponsor, intake in the team), then 422 USER_CANNOT_ACT naming the field and nothing is written', async () => {
    const byAdmin = await refused(validCycle(), 422, 'USER_CANNOT_ACT', 'ada');
    expect(errorsOf(byAdmin)).toEqual([{ path: 'body.ownerId', message: 'user ada (role admin) may not act on cycles' }]);
    expect(pathsOf(await refused(validCycle({ sponsorId: 'audrey' }), 422, 'USER_CANNOT_ACT'))).toEqual(['body.sponsorId']);
    expect(pathsOf(await refused(validCycle({ team: ['alice', 'webform'] }), 422, 'USER_CANNOT_ACT'))).toEqual(['body.team.1']);
  });

  it('given an owner or an approver who does not exist, then 422 UNKNOWN_USER naming the field', async () => {
    expect(pathsOf(await refused(validCycle({ ownerId: 'ghost' }), 422, 'UNKNOWN_USER', 'ada'))).toEqual(['body.ownerId']);
    expect(pathsOf(await refused(validCycle({ settings: { approvers: ['simon', 'ghost'] } }), 422, 'UNKNOWN_USER'))).toEqual(['body.settings.approvers.1']);
  });

  it('given the owner among the approvers, then 400 on body.settings.approvers and nothing is written', async () => {
    const res = await refused(validCycle({ settings: { approvers: ['olivia'] } }), 400, 'VALIDATION_FAILED');
    expect(errorsOf(res)).toEqual([{ path: 'body.settings.approvers', message: expect.stringMatching(/owner/) }]);
    // Also when the owner is named explicitly by an admin.
    const byAdmin = await refused(validCycle({ ownerId: 'sam', settings: { approvers: ['simon', 'sam'] } }), 400, 'VALIDATION_FAILED', 'ada');
    expect(pathsOf(byAdmin)).toEqual(['body.settings.approvers']);
  });

  it('given a target that is not better than the baseline, then 400 on body.goal.target and nothing is written', async () => {
    for (const goal of [
      { direction: 'lower_is_better', baseline: 10, target: 12 },
      { direction: 'lower_is_better', baseline: 10, target: 10 },
      { direction: 'higher_is_better', baseline: 0.7, target: 0.6 },
    ]) {
      const res = await refused(cycleWithGoal(goal), 400, 'VALIDATION_FAILED');
      expect({ goal, paths: pathsOf(res) }).toEqual({ goal, paths: ['body.goal.target'] });
    }
  });

  it('given a deadline in the past, then 400 on body.goal.deadline and nothing is written', async () => {
    for (const deadline of ['2020-01-01T00:00:00Z', new Date(Date.now() - 1000).toISOString()]) {
      const res = await refused(cycleWithGoal({ deadline }), 400, 'VALIDATION_FAILED');
      expect(errorsOf(res)).toEqual([{ path: 'body.goal.deadline', message: 'the deadline must be in the future' }]);
    }
  });

  it('given several rule violations and an unknown user at once, then the 400 lists every violated rule (checked before the users)', async () => {
    const res = await refused(cycleWithGoal({ target: 11, deadline: '2021-06-01T00:00:00+02:00' }, { sponsorId: 'olivia', team: ['ghost'] }), 400, 'VALIDATION_FAILED');
    // Approvers were not sent (they default to the sponsor): the error names the sponsor, not settings.approvers.
    expect(pathsOf(res).sort()).toEqual(['body.goal.deadline', 'body.goal.target', 'body.sponsorId']);
  });

  it('given all the refused requests, when a valid cycle is created, then it is the only workflow ever started', async () => {
    const id = await http.registered(validCycle({ title: 'the only one' }));
    await eventually(async () => (await stack.workflowCount()) >= 1, 20_000, 'workflow visible');
    expect(await stack.workflowCount()).toBe(1);
    expect(await stack.models.Cycle.countDocuments({})).toBe(1);
    expect((await stack.models.Cycle.findById(id).lean())!.title).toBe('the only one');
  });
});

describe('cycle list', () => {
  let stack: ApiStack;
  const http = api(() => stack);
  /** Cycle ids by name, and the creation order. */
  const ids: Record<string, string> = {};
  const created: string[] = [];
  let overdueDeadline = '';

  beforeAll(async () => {
    stack = await startApiStack();
    const make = async (name: string, body: Record<string, unknown>, by = 'olivia') => {
      ids[name] = await http.registered(body, by);
      created.push(name);
    };
    // Created first, with a deadline a few seconds ahead: it is overdue by the time the others exist.
    overdueDeadline = new Date(Date.now() + 5_000).toISOString();
    await make('pdcaOverdue', cycleWithGoal({ deadline: overdueDeadline }, { title: 'soon overdue' }));
    await make('pdcaMeasured', validCycle({ title: 'measured' }));
    await make('dmaicMeasure', validCycle({ type: 'dmaic', title: 'in measure', team: ['bob'] }));
    await make('dmaicBySam', validCycle({ type: 'dmaic', title: 'owned by sam', ownerId: 'sam', sponsorId: 'olivia', team: ['alice'] }), 'ada');
    await make('pdcaAbandoned', validCycle({ title: 'abandoned' }));
    await make('pdcaAda', validCycle({ title: 'sponsored by sam', sponsorId: 'sam' }));

    await http.ok(ids.pdcaMeasured!, 'record_measurements', 'alice', points([9.1, 9.2, 9.3]));
    await http.ok(ids.dmaicMeasure!, 'update_charter', 'olivia');
    await http.ok(ids.dmaicMeasure!, 'submit_gate', 'olivia');
    expect((await http.ok(ids.dmaicMeasure!, 'sign_gate', 'simon')).phase).toBe('measure');
    expect((await http.ok(ids.pdcaAbandoned!, 'abandon', 'olivia')).status).toBe('abandoned');
    await http.readModel(ids.pdcaMeasured!, 2);
    await http.readModel(ids.dmaicMeasure!, 5);
    await http.readModel(ids.pdcaAbandoned!, 2);
    // The workflow records the missed deadline at its instant (version 2).
    await eventually(async () => (await stack.models.Cycle.findById(ids.pdcaOverdue).lean())?.version === 2, 30_000, 'deadline passed and recorded');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const idsOf = async (query: string) => (await http.list(query)).items.map((i) => i.id as string);
  const named = (...names: string[]) => names.map((n) => ids[n]!);
  const newestFirst = (names: string[]) => created.filter((n) => names.includes(n)).reverse().map((n) => ids[n]!);
  const ALL = ['pdcaOverdue', 'pdcaMeasured', 'dmaicMeasure', 'dmaicBySam', 'pdcaAbandoned', 'pdcaAda'];

  it.each([
    ['?type=pdca', ['pdcaOverdue', 'pdcaMeasured', 'pdcaAbandoned', 'pdcaAda']],
    ['?type=dmaic', ['dmaicMeasure', 'dmaicBySam']],
    ['?phase=plan', ['pdcaOverdue', 'pdcaMeasured', 'pdcaAbandoned', 'pdcaAda']],
    ['?phase=define', ['dmaicBySam']],
    ['?phase=measure', ['dmaicMeasure']],
    ['?phase=do', []],
    ['?status=active', ['pdcaOverdue', 'pdcaMeasured', 'dmaicMeasure', 'dmaicBySam', 'pdcaAda']],
    ['?status=abandoned', ['pdcaAbandoned']],
    ['?status=standardized', []],
    ['?owner=olivia', ['pdcaOverdue', 'pdcaMeasured', 'dmaicMeasure', 'pdcaAbandoned', 'pdcaAda']],
    ['?owner=sam', ['dmaicBySam']],
    ['?owner=nobody', []],
    ['?sponsor=simon', ['pdcaOverdue', 'pdcaMeasured', 'dmaicMeasure', 'pdcaAbandoned']],
    ['?sponsor=olivia', ['dmaicBySam']],
    ['?sponsor=sam', ['pdcaAda']],
    ['?overdue=true', ['pdcaOverdue']],
    ['?overdue=false', ['pdcaMeasured', 'dmaicMeasure', 'dmaicBySam', 'pdcaAbandoned', 'pdcaAda']],
    ['?type=pdca&status=active&owner=olivia', ['pdcaOverdue', 'pdcaMeasured', 'pdcaAda']],
    ['?type=dmaic&sponsor=simon', ['dmaicMeasure']],
    ['?overdue=false&type=pdca&phase=plan', ['pdcaMeasured', 'pdcaAbandoned', 'pdcaAda']],
    ['?status=abandoned&overdue=true', []],
  ])('given six cycles, when listing with %s, then exactly the matching ones are returned, newest first', async (query, expected) => {
    expect(await idsOf(query)).toEqual(newestFirst(expected));
  });

  it('given six cycles, when listing without filters, then all are returned newest first with list views (no measurements) and the overdue flag', async () => {
    const { items, nextCursor } = await http.list('');
    expect(nextCursor).toBeNull();
    expect(items.map((i) => i.id)).toEqual(newestFirst(ALL));
    const docs = await stack.models.Cycle.find({}, { createdAt: 1 }).sort({ createdAt: -1, _id: -1 }).lean();
    expect(items.map((i) => i.id)).toEqual(docs.map((d) => d._id));
    const created = items.map((i) => Date.parse(i.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    for (const item of items) {
      expect(item).not.toHaveProperty('measurements');
      expect(item).not.toHaveProperty('statistics');
      expect(item).toMatchObject({ gate: expect.objectContaining({ phase: item.phase }) });
      expect({ id: item.id, overdue: item.overdue }).toEqual({ id: item.id, overdue: item.id === ids.pdcaOverdue });
    }
    expect(items.find((i) => i.id === ids.pdcaOverdue)).toMatchObject({ goal: { deadline: overdueDeadline } });
  });

  it('given a cycle with measurements, when listed, then its measurementCount is the same as in its own view and in the read model', async () => {
    const id = ids.pdcaMeasured!;
    const one = (await http.get(id)).body;
    expect(one.measurementCount).toBe(3);
    expect((await stack.models.Cycle.findById(id).lean())!.measurementCount).toBe(3);
    const listed = (await http.list('?owner=olivia&limit=100')).items.find((i) => i.id === id)!;
    expect(listed).toMatchObject({ id, version: one.version });
    expect(listed.measurementCount).toBe(3);
  });

  it('given a cycle whose deadline passed while active, then its view says overdue and the workflow recorded and announced it', async () => {
    const id = ids.pdcaOverdue!;
    const view = (await http.get(id)).body;
    expect(view).toMatchObject({ overdue: true, status: 'active', version: 2 });
    const event = await stack.models.AuditEvent.findOne({ stream: `cycle:${id}`, seq: 2 }).lean();
    expect(event).toMatchObject({ action: 'cycle_overdue', actor: { id: 'system', role: 'system' }, details: { deadline: overdueDeadline, phase: 'plan' } });
    expect(event!.at).toEqual(new Date(overdueDeadline));
    const msg = await stack.models.Outbox.findById(`${id}:2:0`).lean();
    expect(msg).toMatchObject({ type: 'cycle.overdue', cycleId: id, recipients: { userIds: ['simon', 'olivia'] } });
  });

  it('given an overdue cycle, when read one by one or in the list, then overdueSince is an ISO 8601 instant like every other instant of the view', async () => {
    const id = ids.pdcaOverdue!;
    const listed = (await http.list('?overdue=true')).items.find((i) => i.id === id)!;
    const one = (await http.get(id)).body;
    expect({ listed: listed.overdueSince, one: one.overdueSince }).toEqual({ listed: overdueDeadline, one: overdueDeadline });
  });

  it('given six cycles, when paging with limit=2, then the cursor walks all of them once, newest first', async () => {
    const all = await idsOf('?limit=100');
    const walk = async (query: string, limit: number) => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 10; page++) {
        const body: Page = await http.list(`?${query}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...body.items.map((i) => i.id as string));
        sizes.push(body.items.length);
        cursor = body.nextCursor;
        if (!cursor) break;
      }
      expect(cursor).toBeNull();
      expect(new Set(seen).size).toBe(seen.length);
      return { seen, sizes };
    };
    const two = await walk('', 2);
    expect(two.sizes).toEqual([2, 2, 2]);
    expect(two.seen).toEqual(all);
    expect(two.seen).toEqual(newestFirst(ALL));
    const four = await walk('', 4);
    expect(four.sizes).toEqual([4, 2]);
    expect(four.seen).toEqual(all);
    // Filters and the cursor combine; the order is stable across calls.
    const pdca = await walk('type=pdca&', 3);
    expect(pdca.sizes).toEqual([3, 1]);
    expect(pdca.seen).toEqual(await idsOf('?type=pdca'));
    expect(await idsOf('?limit=100')).toEqual(all);

    // A cursor that decodes but carries an operator is refused.
    const forged = Buffer.from(JSON.stringify({ k: { $gt: 0 }, id: 'x' })).toString('base64url');
    const res = await stack.call<Problem>('GET', `/cycles?cursor=${forged}`, { key: http.key('audrey') });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors!.map((e) => e.path)).toContain('query.cursor');
  });

  it('given the list, then filters select only by their own field (sanity: every cycle is somewhere)', async () => {
    const byType = [...(await idsOf('?type=pdca')), ...(await idsOf('?type=dmaic'))];
    expect(byType.sort()).toEqual(named(...ALL).sort());
    const byOverdue = [...(await idsOf('?overdue=true')), ...(await idsOf('?overdue=false'))];
    expect(byOverdue.sort()).toEqual(named(...ALL).sort());
  });
});
