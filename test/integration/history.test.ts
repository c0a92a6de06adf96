/**
 * History for auditors through the HTTP API on the real stack (Worker on the
 * Temporal dev server, FerretDB): the audit trail joined with the decoded
 * Temporal event history of every run, for complaints and cycles, and the
 * SLA timeline of a complaint. A continue-as-new (low suggestion threshold, as
 * in continue-as-new.test.ts) and a deleted execution run on a dev server of
 * their own; a breach runs on the time-skipping server and is explained by the
 * history service.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, type Worker } from '@temporalio/worker';
import pino from 'pino';
import { type TemporalDevServer, startTemporalDevServer } from '../../infra/launch';
import { createApp } from '../../src/api/app';
import type { Config } from '../../src/config';
import { COMPLAINT_WORKFLOW, type ComplaintWorkflowInput, complaintUpdates, complaintWorkflowId, getComplaintQuery } from '../../src/contracts/complaint';
import { cycleWorkflowId } from '../../src/contracts/cycle';
import type { Actor } from '../../src/domain/actors';
import type { ComplaintCommand, ComplaintState } from '../../src/domain/complaint';
import type { Models } from '../../src/db/models';
import { DEMO_USERS, seedDemoData } from '../../src/db/seed';
import { temporal } from '@temporalio/proto';
import { createHistoryService, createPayloadDecoder, eventTypeName } from '../../src/services/history';
import { type ApiStack, type Problem, demoKeys, errorPaths, expectProblem, startApiStack } from '../helpers/api';
import { VALID_ACTION_BODIES, validCycle } from '../helpers/cycle-endpoints';
import { ALWAYS, policy, seedCatalog } from '../helpers/fixtures';
import { validatedFetch } from '../helpers/openapi-validation';
import { eventually, openTestDb, startTimeSkippingEnv, startWorker, testConfig, uniqueId } from '../helpers/stack';

type Item = Record<string, any>;
type History = { entity: Item; workflowId: string; runs: Item[]; engine: { available: boolean; reason: string | null }; timeline: Item[]; page: { limit: number; nextCursor: string | null } };

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const minutes = (ms: number) => Math.round((ms / MIN) * 100) / 100;
const MISSING_COMPLAINT = 'c_000000000000000000000000';

type Call = ApiStack['call'];

function newComplaint(overrides: Record<string, unknown> = {}) {
  return { customer: { id: uniqueId('cust') }, channel: 'web', category: 'outage', severity: 'P1', description: 'The service is down.', ...overrides };
}

/** HTTP vocabulary over any stack's `call`. */
function api(call: () => Call, models: () => Models) {
  const keyOf = (user: string) => demoKeys()[user]!;
  return {
    keyOf,
    async readModel(id: string, version: number) {
      return eventually(async () => {
        const doc = await models().Complaint.findById(id).lean();
        return doc && doc.version >= version ? doc : null;
      }, 20_000, `read model of ${id} at version ${version}`);
    },
    async registered(body: Record<string, unknown> = newComplaint()): Promise<string> {
      const res = await call()('POST', '/complaints', { key: keyOf('webform'), body });
      expect(res.status).toBe(201);
      await this.readModel(res.body.id, 1);
      return res.body.id as string;
    },
    async act(id: string, slug: string, by: string, body: Record<string, unknown> = {}) {
      const res = await call()('POST', `/complaints/${id}/${slug}`, { key: keyOf(by), body });
      expect({ slug, status: res.status }).toEqual({ slug, status: 200 });
      return res.body;
    },
    /** Every page of a history, following nextCursor. */
    async allPages(pathname: string, limit: number, by = 'audrey'): Promise<{ pages: History[]; timeline: Item[] }> {
      const pages: History[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; headers: Record<string, string>; body: History } = await call()<History>('GET', `${pathname}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { key: keyOf(by) });
        expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status: 200, type: expect.stringMatching(/^application\/json/) });
        pages.push(res.body);
        cursor = res.body.page.nextCursor;
        expect(pages.length).toBeLessThan(1000);
      } while (cursor);
      return { pages, timeline: pages.flatMap((p) => p.timeline) };
    },
  };
}

const auditItems = (t: Item[]) => t.filter((i) => i.source === 'audit');
const engineItems = (t: Item[]) => t.filter((i) => i.source === 'engine');
const updatesAccepted = (t: Item[]) => engineItems(t).filter((e) => e.eventType === 'WorkflowExecutionUpdateAccepted');

/** Time order, audit before engine at the same millisecond, engine events of a run in event-id order. */
function expectOrdered(timeline: Item[]): void {
  for (let i = 1; i < timeline.length; i++) {
    const [a, b] = [timeline[i - 1]!, timeline[i]!];
    const ta = Date.parse(a.at);
    const tb = Date.parse(b.at);
    expect({ i, ordered: ta < tb || (ta === tb && (a.source === b.source || a.source === 'audit')) }).toEqual({ i, ordered: true });
    if (a.source === 'engine' && b.source === 'engine' && a.runId === b.runId && ta === tb) expect(b.eventId).toBeGreaterThan(a.eventId);
  }
}

// ------------------------------------------------------------ main stack

describe('complaint and cycle history on the dev server', () => {
  let stack: ApiStack;
  const h = api(() => stack.call, () => stack.models);
  let id: string;
  let full: History;

  beforeAll(async () => {
    stack = await startApiStack();
    // A P1 'outage' complaint runs under critical-24x7 v1 on calendar 24x7 v1 (demo catalog).
    id = await h.registered();
    // New catalog versions after intake: the complaint keeps the versions it started with.
    const policyNow = (await stack.call('GET', '/sla-policies/critical-24x7', { key: stack.keys.sam })).body;
    const { policyId: _p, version: _v, createdAt: _c, createdBy: _b, ...policyDef } = policyNow;
    expect((await stack.call('PUT', '/sla-policies/critical-24x7', { key: stack.keys.sam, body: { ...policyDef, expectedVersion: 1, targets: { ...policyDef.targets, resolutionMinutes: 999 } } })).status).toBe(200);
    const calNow = (await stack.call('GET', '/calendars/24x7', { key: stack.keys.sam })).body;
    const { id: _i, version: _cv, createdAt: _cc, createdBy: _cb, ...calDef } = calNow;
    expect((await stack.call('PUT', '/calendars/24x7', { key: stack.keys.sam, body: { ...calDef, expectedVersion: 1, name: 'edited after intake' } })).status).toBe(200);

    await h.act(id, 'acknowledge', 'alice');
    await h.act(id, 'request-info', 'alice', { message: 'Which region?' });
    await h.act(id, 'customer-replied', 'alice', { message: 'EU west' });
    await h.act(id, 'resolve', 'alice', { summary: 'Failover fixed' });
    await h.readModel(id, 5);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  describe('GET /complaints/:id/sla-timeline', () => {
    it('given a complaint that paused for the customer and resumed, when an auditor reads its SLA timeline, then resolution shows paused and resumed at the audited instants, under the policy and calendar versions frozen at intake', async () => {
      const audit = await stack.models.AuditEvent.find({ stream: `complaint:${id}` }).sort({ seq: 1 }).lean();
      const instant = (action: string) => audit.find((e) => e.action === action)!.at.getTime();
      const res = await stack.call('GET', `/complaints/${id}/sla-timeline`, { key: stack.keys.audrey });
      expect(res.status).toBe(200);
      const body = res.body;
      expect(body).toMatchObject({ complaintId: id, sla: true, verified: true, notes: [], policySource: 'complaint state' });
      const resolution = body.clocks.find((c: Item) => c.clock === 'resolution');
      const v1 = { policy: { id: 'critical-24x7', version: 1, name: 'P1: around the clock' }, calendar: { id: '24x7', version: 1 } };
      expect(resolution.entries.map((e: Item) => ({ kind: e.kind, at: e.at, action: e.action, policy: e.policy, calendar: e.calendar }))).toEqual([
        { kind: 'started', at: iso(instant('intake')), action: 'intake', ...v1 },
        { kind: 'paused', at: iso(instant('request_info')), action: 'request_info', ...v1 },
        { kind: 'resumed', at: iso(instant('customer_replied')), action: 'customer_replied', ...v1 },
        { kind: 'met', at: iso(instant('resolve')), action: 'resolve', ...v1 },
      ]);
      // 24x7: business time is wall time minus the pause.
      const paused = instant('customer_replied') - instant('request_info');
      expect(resolution.summary).toMatchObject({
        outcome: 'met',
        targetMinutes: 240,
        businessMinutesUsed: minutes(instant('resolve') - instant('intake') - paused),
        pauses: { count: 1, wallMinutes: minutes(paused), businessMinutes: minutes(paused) },
        why: null,
        ...v1,
      });
      const first = body.clocks.find((c: Item) => c.clock === 'first_response');
      expect(first.entries.map((e: Item) => [e.kind, e.at])).toEqual([
        ['started', iso(instant('intake'))],
        ['met', iso(instant('acknowledge'))],
      ]);
      const next = body.clocks.find((c: Item) => c.clock === 'next_response');
      expect(next).toMatchObject({ cycle: 1, summary: { outcome: 'met', startedAt: iso(instant('customer_replied')), stoppedAt: iso(instant('resolve')) } });
    });

    it('given access rules, when others ask for the SLA timeline, then an unassigned agent and the intake get 403, no key 401, an unknown id 404', async () => {
      expectProblem(await stack.call('GET', `/complaints/${id}/sla-timeline`, { key: stack.keys.bob }), 403, 'NOT_PERMITTED');
      expectProblem(await stack.call('GET', `/complaints/${id}/sla-timeline`, { key: stack.keys.webform }), 403, 'NOT_PERMITTED');
      expectProblem(await stack.call('GET', `/complaints/${id}/sla-timeline`), 401, 'UNAUTHENTICATED');
      expectProblem(await stack.call('GET', `/complaints/${MISSING_COMPLAINT}/sla-timeline`, { key: stack.keys.audrey }), 404, 'NOT_FOUND');
      expect((await stack.call('GET', `/complaints/${id}/sla-timeline`, { key: stack.keys.alice })).status).toBe(200);
    });
  });

  describe('GET /complaints/:id/history', () => {
    beforeAll(async () => {
      // Closing ends the workflow, so its history no longer grows while we page through it.
      await h.act(id, 'close', 'alice', { rating: 5 });
      await h.readModel(id, 6);
      await eventually(async () => (await stack.client.workflow.getHandle(complaintWorkflowId(id)).describe()).status.name === 'COMPLETED' || null, 20_000, 'workflow completed');
      const res = await stack.call<History>('GET', `/complaints/${id}/history?limit=1000`, { key: stack.keys.audrey });
      expect(res.status).toBe(200);
      full = res.body;
    });

    it('given a closed complaint, when an auditor reads its history, then it has the audit events in seq order with actor, before/after and details, and the single run of its workflow', async () => {
      expect(full.entity).toEqual({ type: 'complaint', id });
      expect(full.workflowId).toBe(complaintWorkflowId(id));
      expect(full.engine).toEqual({ available: true, reason: null });
      expect(full.page).toEqual({ limit: 1000, nextCursor: null });
      expect(full.runs).toEqual([{ runId: expect.any(String), status: 'COMPLETED', startTime: expect.any(String), closeTime: expect.any(String), eventCount: expect.any(Number) }]);
      const audit = auditItems(full.timeline);
      expect(audit.map((a) => [a.seq, a.action])).toEqual([
        [1, 'intake'],
        [2, 'acknowledge'],
        [3, 'request_info'],
        [4, 'customer_replied'],
        [5, 'resolve'],
        [6, 'close'],
      ]);
      const stored = await stack.models.AuditEvent.find({ stream: `complaint:${id}` }).sort({ seq: 1 }).lean();
      expect(audit.map((a) => ({ at: a.at, actor: a.actor, before: a.before, after: a.after, details: a.details }))).toEqual(
        stored.map((d) => ({ at: d.at.toISOString(), actor: { id: d.actor!.id, role: d.actor!.role }, before: d.before, after: d.after, details: d.details })),
      );
      expect(audit[2]).toMatchObject({ actor: { id: 'alice', role: 'agent' }, before: { status: 'acknowledged', slaPaused: false }, after: { status: 'awaiting_customer', slaPaused: true } });
      expect(engineItems(full.timeline)).toHaveLength(full.runs[0]!.eventCount);
      expectOrdered(full.timeline);
    });

    it('given the same history, when the engine events are read, then the start carries the decoded input with the complaint id, each action is an accepted and completed update with its decoded arguments, and persistence is a scheduled activity with the transitions', async () => {
      const engine = engineItems(full.timeline);
      const runId = full.runs[0]!.runId;
      expect(engine.every((e) => e.runId === runId)).toBe(true);
      expect(engine[0]).toMatchObject({ eventId: 1, eventType: 'WorkflowExecutionStarted', data: { workflowType: { name: COMPLAINT_WORKFLOW } } });
      expect(engine[0]!.data.input[0].intake).toMatchObject({ complaintId: id, severity: 'P1', createdBy: { id: 'webform', role: 'intake' } });

      const accepted = updatesAccepted(full.timeline);
      expect(accepted.map((e) => e.data.acceptedRequest.input.name)).toEqual(['acknowledge', 'request_info', 'customer_replied', 'resolve', 'close']);
      expect(accepted[1]!.data.acceptedRequest.input.args).toEqual([{ actor: { id: 'alice', role: 'agent' }, command: { type: 'request_info', message: 'Which region?' } }]);
      const completed = engine.filter((e) => e.eventType === 'WorkflowExecutionUpdateCompleted');
      expect(completed).toHaveLength(5);
      // Each completion answers the update it accepted, with the decoded state after the action.
      for (const [i, c] of completed.entries()) {
        expect(c.data.meta.updateId).toBe(accepted[i]!.data.acceptedRequest.meta.updateId);
        expect(c.data.outcome.success[0]).toMatchObject({ complaintId: id, version: i + 2 });
      }

      const scheduled = engine.filter((e) => e.eventType === 'ActivityTaskScheduled');
      expect(scheduled[0]!.data).toMatchObject({ activityType: { name: 'resolveSlaPolicies' }, input: [{ category: 'outage', channel: 'web' }] });
      const persisted = scheduled.filter((e) => e.data.activityType.name === 'recordTransitions');
      expect(persisted.flatMap((e) => e.data.input[0].transitions.map((t: Item) => t.version))).toEqual([1, 2, 3, 4, 5, 6]);
      expect(persisted[0]!.data.startToCloseTimeoutMs).toBe(30_000);
      expect(engine.at(-1)).toMatchObject({ eventType: 'WorkflowExecutionCompleted', data: { result: [expect.objectContaining({ complaintId: id, status: 'closed', version: 6 })] } });
    });

    it('given a page size smaller than the history, when an auditor follows nextCursor, then the pages put together are exactly the whole timeline, none larger than the limit', async () => {
      const { pages, timeline } = await h.allPages(`/complaints/${id}/history`, 7);
      expect(pages.length).toBe(Math.ceil(full.timeline.length / 7));
      for (const p of pages) expect(p.timeline.length).toBeLessThanOrEqual(7);
      expect(pages.at(-1)!.page.nextCursor).toBeNull();
      expect(timeline).toEqual(full.timeline);
      expect(pages[1]!.runs).toEqual(full.runs);
    });

    it('given a closed complaint, when an auditor reads its SLA timeline, then the policies frozen at intake come from the stored complaint state and the versions are still v1', async () => {
      const res = await stack.call('GET', `/complaints/${id}/sla-timeline`, { key: stack.keys.audrey });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ sla: true, verified: true, notes: [], policySource: 'complaint state' });
      for (const c of res.body.clocks) expect(c.summary).toMatchObject({ policy: { id: 'critical-24x7', version: 1 }, calendar: { id: '24x7', version: 1 } });
    });

    it('given access rules, when others ask for the history, then the unassigned agent and the intake get 403, no key 401, an unknown id 404, and bad paging parameters 400', async () => {
      expect((await stack.call('GET', `/complaints/${id}/history`, { key: stack.keys.alice })).status).toBe(200);
      expect((await stack.call('GET', `/complaints/${id}/history`, { key: stack.keys.sam })).status).toBe(200);
      expectProblem(await stack.call('GET', `/complaints/${id}/history`, { key: stack.keys.bob }), 403, 'NOT_PERMITTED');
      expectProblem(await stack.call('GET', `/complaints/${id}/history`, { key: stack.keys.webform }), 403, 'NOT_PERMITTED');
      expectProblem(await stack.call('GET', `/complaints/${id}/history`), 401, 'UNAUTHENTICATED');
      expectProblem(await stack.call('GET', `/complaints/${MISSING_COMPLAINT}/history`, { key: stack.keys.audrey }), 404, 'NOT_FOUND');
      const badCursor = await stack.call<Problem>('GET', `/complaints/${id}/history?cursor=bm90LWEta2V5`, { key: stack.keys.audrey });
      expectProblem(badCursor, 400, 'VALIDATION_FAILED');
      expect(errorPaths(badCursor)).toEqual(['query.cursor']);
      const badLimit = await stack.call<Problem>('GET', `/complaints/${id}/history?limit=0&extra=1`, { key: stack.keys.audrey });
      expectProblem(badLimit, 400, 'VALIDATION_FAILED');
      expect(errorPaths(badLimit).sort()).toEqual(['query.extra', 'query.limit']);
    });
  });

  describe('GET /cycles/:id/history', () => {
    let cycleId: string;
    let cycle: History;

    beforeAll(async () => {
      const created = await stack.call('POST', '/cycles', { key: stack.keys.olivia, body: validCycle({ title: 'History of a cycle' }) });
      expect(created.status).toBe(201);
      cycleId = created.body.id;
      const act = async (slug: string, type: keyof typeof VALID_ACTION_BODIES) => {
        const res = await stack.call('POST', `/cycles/${cycleId}/${slug}`, { key: stack.keys.olivia, body: VALID_ACTION_BODIES[type]() });
        expect({ slug, status: res.status }).toEqual({ slug, status: 200 });
      };
      await act('record-measurements', 'record_measurements');
      await act('add-fishbone-cause', 'add_fishbone_cause');
      await act('abandon', 'abandon');
      await eventually(async () => (await stack.client.workflow.getHandle(cycleWorkflowId(cycleId)).describe()).status.name === 'COMPLETED' || null, 20_000, 'cycle workflow completed');
      const res = await stack.call<History>('GET', `/cycles/${cycleId}/history?limit=1000`, { key: stack.keys.audrey });
      expect(res.status).toBe(200);
      cycle = res.body;
    });

    it('given an abandoned cycle, when an auditor reads its history, then the audit events come in seq order and the engine events show the decoded start, the updates with their arguments and the persistence activity', async () => {
      expect(cycle.entity).toEqual({ type: 'cycle', id: cycleId });
      expect(cycle.runs).toEqual([expect.objectContaining({ status: 'COMPLETED' })]);
      const stored = await stack.models.AuditEvent.find({ stream: `cycle:${cycleId}` }).sort({ seq: 1 }).lean();
      expect(auditItems(cycle.timeline).map((a) => [a.seq, a.action])).toEqual(stored.map((d) => [d.seq, d.action]));
      expect(stored.map((d) => d.action)).toEqual(['create', 'measurements_recorded', expect.any(String), 'abandoned']);

      const engine = engineItems(cycle.timeline);
      expect(engine[0]).toMatchObject({ eventType: 'WorkflowExecutionStarted', data: { input: [{ intake: { cycleId, ownerId: 'olivia', title: 'History of a cycle' } }] } });
      expect(updatesAccepted(cycle.timeline).map((e) => e.data.acceptedRequest.input.args[0].command.type)).toEqual(['record_measurements', 'add_fishbone_cause', 'abandon']);
      expect(updatesAccepted(cycle.timeline)[2]!.data.acceptedRequest.input.args[0]).toMatchObject({ actor: { id: 'olivia', role: 'process_owner' }, command: { reason: VALID_ACTION_BODIES.abandon().reason } });
      const scheduled = engine.filter((e) => e.eventType === 'ActivityTaskScheduled' && e.data.activityType.name === 'recordCycleTransitions');
      expect(scheduled.flatMap((e) => e.data.input[0].transitions.map((t: Item) => t.action))).toEqual(stored.map((d) => d.action));
      expectOrdered(cycle.timeline);
    });

    it('given access rules, when others ask for the cycle history, then a team member reads it, an agent outside the cycle and the intake get 403, no key 401, an unknown id 404', async () => {
      expect((await stack.call('GET', `/cycles/${cycleId}/history`, { key: stack.keys.alice })).status).toBe(200);
      expectProblem(await stack.call('GET', `/cycles/${cycleId}/history`, { key: stack.keys.bob }), 403, 'NOT_PERMITTED');
      expectProblem(await stack.call('GET', `/cycles/${cycleId}/history`, { key: stack.keys.webform }), 403, 'NOT_PERMITTED');
      expectProblem(await stack.call('GET', `/cycles/${cycleId}/history`), 401, 'UNAUTHENTICATED');
      expectProblem(await stack.call('GET', '/cycles/y_000000000000000000000000/history', { key: stack.keys.audrey }), 404, 'NOT_FOUND');
    });
  });

  it('given engine events with payloads that are not ours and a failure, when decoded, then JSON payloads are decoded, other encodings are named but not decoded, and failures keep their message without the stack trace', async () => {
    const { eventData } = createPayloadDecoder(stack.client.options.loadedDataConverter);
    const payload = (encoding: string, data: string) => ({ metadata: { encoding: Buffer.from(encoding) }, data: Buffer.from(data) });
    const HistoryEvent = temporal.api.history.v1.HistoryEvent;
    const EventType = temporal.api.enums.v1.EventType;
    const signaled = HistoryEvent.fromObject({
      eventId: 7,
      eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
      workflowExecutionSignaledEventAttributes: {
        signalName: 'poke',
        input: { payloads: [payload('json/plain', '{"a":1}'), payload('binary/plain', 'raw bytes'), payload('binary/null', ''), payload('json/protobuf', '{}')] },
      },
    });
    expect(eventTypeName(signaled.eventType)).toBe('WorkflowExecutionSignaled');
    expect(await eventData(signaled)).toEqual({
      signalName: 'poke',
      input: [{ a: 1 }, { encoding: 'binary/plain', undecoded: true }, null, { encoding: 'json/protobuf', undecoded: true }],
    });
    const failed = HistoryEvent.fromObject({
      eventId: 9,
      eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
      activityTaskFailedEventAttributes: {
        scheduledEventId: 5,
        failure: { message: 'database unavailable', stackTrace: 'at secret.ts:1', applicationFailureInfo: { type: 'UNAVAILABLE', nonRetryable: false } },
      },
    });
    expect(eventTypeName(failed.eventType)).toBe('ActivityTaskFailed');
    expect(await eventData(failed)).toEqual({ scheduledEventId: 5, failure: { message: 'database unavailable', applicationFailureInfo: { type: 'UNAVAILABLE' } } });
  });

  it('given the OpenAPI document, when read, then the three history endpoints are documented with their paging parameters', async () => {
    const doc = (await stack.call('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/complaints/{id}/history', '/cycles/{id}/history', '/complaints/{id}/sla-timeline']));
    expect(doc.paths['/complaints/{id}/history'].get.parameters.map((p: Item) => p.name)).toEqual(['id', 'limit', 'cursor']);
    expect(doc.paths['/complaints/{id}/sla-timeline'].get.description).toMatch(/^Permission complaint\.read/);
  });
});

// ---------------------------------------------------- continue-as-new

describe('on a dev server of its own: continue-as-new and deleted histories', () => {
  let temporal: TemporalDevServer;
  let models: Models & { drop(): Promise<void> };
  let config: Config;
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;
  let server: http.Server;
  let call: Call;
  const h = api(() => call, () => models);
  /** The server's log folder, removed after the run (passed or failed). */
  let dir: string | undefined;

  beforeAll(async () => {
    // Temporal suggests continue-as-new after 200 events instead of 4096, and deletes an execution within
    // seconds instead of ~30 s (the delete waits for the queues' ack levels, updated every 30 s by default).
    dir = mkdtempSync(path.join(os.tmpdir(), 'ql-history-can-'));
    temporal = await startTemporalDevServer({
      logFile: path.join(dir, 'temporal.log'),
      headless: true,
      dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 200, 'history.visibilityProcessorUpdateAckInterval': '1s', 'history.transferProcessorUpdateAckInterval': '1s' },
    });
    config = testConfig({ temporalAddress: temporal.address });
    models = await openTestDb(config);
    await seedDemoData(models, config.secrets.apiKeyPepper);
    nativeConnection = await NativeConnection.connect({ address: temporal.address });
    worker = await startWorker({ config, models, connection: nativeConnection });
    running = worker.run();
    connection = await Connection.connect({ address: temporal.address });
    client = new Client({ connection, namespace: config.temporal.namespace });
    server = http.createServer(createApp({ config, models, client, log: pino({ level: 'silent' }) }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    call = (async (method: string, pathname: string, o: { key?: string; body?: unknown } = {}) => {
      const res = await validatedFetch(base + pathname, {
        method,
        headers: { ...(o.key ? { authorization: `Bearer ${o.key}` } : {}), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
      });
      const text = await res.text();
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k] = v));
      return { status: res.status, headers, text, body: /json/.test(headers['content-type'] ?? '') && text ? JSON.parse(text) : text };
    }) as Call;
    expect(DEMO_USERS.some((u) => u.id === 'audrey')).toBe(true);
  });

  afterAll(async () => {
    await new Promise<void>((r) => {
      if (!server) return r();
      server.close(() => r());
      server.closeAllConnections();
    });
    try {
      worker?.shutdown();
      await running;
      await connection?.close();
      await nativeConnection?.close();
      await temporal?.stop();
      await models?.drop();
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('given a complaint whose workflow continued as new, when an auditor reads its history, then both runs are listed oldest first, linked to each other, and every audit event and both runs\' engine events are in the timeline', async () => {
    const id = await h.registered();
    await h.act(id, 'acknowledge', 'alice');
    const NOTES = 40;
    for (let i = 1; i <= NOTES; i++) await h.act(id, 'add-note', 'alice', { text: `note ${i}` });
    await h.act(id, 'resolve', 'alice', { summary: 'done' });
    await h.readModel(id, 3 + NOTES);

    const { timeline, pages } = await h.allPages(`/complaints/${id}/history`, 1000);
    const runs = pages[0]!.runs;
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.slice(0, -1).every((r) => r.status === 'CONTINUED_AS_NEW')).toBe(true);
    expect(runs.at(-1)!.status).toBe('RUNNING');
    for (let i = 1; i < runs.length; i++) expect(Date.parse(runs[i]!.startTime)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1]!.closeTime));

    const engine = engineItems(timeline);
    const [first, second] = [runs[0]!.runId, runs[1]!.runId];
    const continued = engine.find((e) => e.runId === first && e.eventType === 'WorkflowExecutionContinuedAsNew');
    expect(continued!.data.newExecutionRunId).toBe(second);
    const secondStart = engine.find((e) => e.runId === second && e.eventType === 'WorkflowExecutionStarted');
    expect(secondStart!.data.continuedExecutionRunId).toBe(first);
    // The new run carries the state on: its decoded input resumes this complaint.
    expect(secondStart!.data.input[0].resume).toMatchObject({ complaintId: id, firstResponderId: 'alice' });
    for (const run of runs) expect(engine.filter((e) => e.runId === run.runId)).toHaveLength(run.eventCount);
    // Every update lands in one run or the other: acknowledge, the notes and resolve.
    expect(updatesAccepted(timeline)).toHaveLength(NOTES + 2);

    expect(auditItems(timeline).map((a) => a.seq)).toEqual(Array.from({ length: 3 + NOTES }, (_, i) => i + 1));
    expectOrdered(timeline);

    const sla = await call('GET', `/complaints/${id}/sla-timeline`, { key: h.keyOf('audrey') });
    expect(sla.status).toBe(200);
    expect(sla.body).toMatchObject({ verified: true, notes: [] });
  });

  it('given a closed complaint whose workflow execution was deleted (as retention does), when an auditor reads history and SLA timeline, then both answer 200 from the audit trail and the read model and say the engine history is unavailable', async () => {
    const other = await h.registered(newComplaint({ severity: 'P2', category: 'delivery' }));
    await h.act(other, 'acknowledge', 'bob');
    await h.act(other, 'resolve', 'bob', { summary: 'Re-sent' });
    await h.act(other, 'close', 'bob');
    await h.readModel(other, 4);
    const handle = client.workflow.getHandle(complaintWorkflowId(other));
    await eventually(async () => (await handle.describe()).status.name === 'COMPLETED' || null, 20_000, 'workflow completed');
    const { runId } = await handle.describe();
    await client.workflowService.deleteWorkflowExecution({ namespace: config.temporal.namespace, workflowExecution: { workflowId: complaintWorkflowId(other), runId } });
    await eventually(async () => handle.describe().then(() => null, (err: unknown) => err instanceof WorkflowNotFoundError), 30_000, 'workflow deleted');

    const res = await call<History>('GET', `/complaints/${other}/history`, { key: h.keyOf('audrey') });
    expect(res.status).toBe(200);
    expect(res.body.engine).toEqual({ available: false, reason: expect.stringContaining('no longer retains') });
    expect(res.body.runs).toEqual([]);
    expect(res.body.timeline.map((i) => [i.source, i.seq, i.action])).toEqual([
      ['audit', 1, 'intake'],
      ['audit', 2, 'acknowledge'],
      ['audit', 3, 'resolve'],
      ['audit', 4, 'close'],
    ]);

    const timeline = await call('GET', `/complaints/${other}/sla-timeline`, { key: h.keyOf('audrey') });
    expect(timeline.status).toBe(200);
    expect(timeline.body).toMatchObject({ sla: true, verified: true, notes: [], policySource: 'complaint state' });
    expect(timeline.body.clocks.find((c: Item) => c.clock === 'resolution').summary).toMatchObject({
      outcome: 'met',
      policy: { id: 'standard-business-hours', version: 1 },
      calendar: { id: 'paris-office', version: 1 },
    });
  });
});

// ---------------------------------------------------- breach (time skipping)

describe('a breach explained (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let models: Models & { drop(): Promise<void> };
  let config: Config;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    config = testConfig();
    [env, models] = await Promise.all([startTimeSkippingEnv(), openTestDb(config)]);
    await seedCatalog(models, { quick: policy({ targets: { firstResponseMinutes: 60, nextResponseMinutes: 600, resolutionMinutes: 120 } }) }, { always: ALWAYS });
    worker = await startWorker({ config, models, connection: env.nativeConnection });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await models?.drop();
  });

  it('given a 120-minute resolution target paused 35 minutes for the customer, when it breaches, then the SLA timeline shows warnings and the breach at the exact deadline and its why names target, policy, calendar and pause, and the engine history shows the timers', async () => {
    const complaintId = uniqueId('c');
    const input: ComplaintWorkflowInput = {
      intake: { complaintId, customer: { id: 'cust-1' }, channel: 'email', category: 'general', severity: 'P3', description: 'slow', createdBy: { id: 'webform', role: 'intake' } },
    };
    const handle = await env.client.workflow.start(COMPLAINT_WORKFLOW, { args: [input], taskQueue: config.temporal.taskQueue, workflowId: complaintWorkflowId(complaintId) });
    await eventually(async () => (await handle.query(getComplaintQuery)).version >= 1 || null, 20_000, 'registered');
    const alice: Actor = { id: 'alice', role: 'agent' };
    const act = (command: ComplaintCommand) => handle.executeUpdate(complaintUpdates[command.type] as typeof complaintUpdates.acknowledge, { args: [{ actor: alice, command } as never] });
    await act({ type: 'acknowledge' });
    await env.sleep(20 * MIN);
    await act({ type: 'request_info', message: 'Which invoice?' });
    await env.sleep(35 * MIN);
    await act({ type: 'customer_replied', message: 'Invoice 42' });
    await env.sleep(3 * 60 * MIN);
    const state: ComplaintState = await eventually(async () => {
      const s = await handle.query(getComplaintQuery);
      return s.sla!.breaches.length > 0 ? s : null;
    }, 20_000, 'breach recorded');
    await eventually(async () => ((await models.Complaint.findById(complaintId).lean())?.version ?? 0) >= state.version || null, 20_000, 'audit persisted');

    const audit = await models.AuditEvent.find({ stream: `complaint:${complaintId}` }).sort({ seq: 1 }).lean();
    const instant = (action: string) => audit.find((e) => e.action === action)!.at.getTime();
    const pausedMs = instant('customer_replied') - instant('request_info');
    const breachAt = state.createdAt + 120 * MIN + pausedMs;

    const service = createHistoryService({ client: env.client, models });
    const t = await service.slaTimeline(state, await env.currentTimeMs());
    expect(t).toMatchObject({ sla: true, verified: true, notes: [], policySource: 'complaint state' });
    const res = t.clocks.find((c) => c.clock === 'resolution')!;
    expect(res.entries.map((e) => [e.kind, e.at, e.threshold ?? null])).toEqual([
      ['started', state.createdAt, null],
      ['paused', instant('request_info'), null],
      ['resumed', instant('customer_replied'), null],
      ['warned', state.createdAt + 60 * MIN + pausedMs, 50],
      ['warned', state.createdAt + 90 * MIN + pausedMs, 75],
      ['warned', state.createdAt + 108 * MIN + pausedMs, 90],
      ['breached', breachAt, null],
    ]);
    expect(res.summary).toMatchObject({ outcome: 'breached', breachedAt: breachAt, policy: { id: 'quick', version: 1 }, calendar: { id: 'always', version: 1 } });
    expect(res.summary.why).toMatch(
      new RegExp(`^resolution target 120 business minutes \\(policy quick v1, calendar always v1\\) exceeded at ${iso(breachAt).replace(/\./g, '\\.')}; paused ${minutes(pausedMs)} min while awaiting the customer; `),
    );
    expect(minutes(pausedMs)).toBeGreaterThanOrEqual(35);

    // What the engine did meanwhile: durable timers started and fired for each SLA instant.
    const page = await service.history({ type: 'complaint', id: complaintId }, { limit: 1000 });
    const engine = page.timeline.filter((i) => i.source === 'engine');
    expect(engine.filter((e) => e.eventType === 'TimerFired').length).toBeGreaterThanOrEqual(4);
    expect(engine.find((e) => e.eventType === 'TimerStarted')!.data).toEqual(expect.objectContaining({ timerId: expect.any(String), startToFireTimeoutMs: expect.any(Number) }));
  });
});
