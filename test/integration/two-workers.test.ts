/**
 * Two worker processes (worker/main.ts, as production runs them) on one task
 * queue under load: many complaints go through their whole lifecycle at once
 * over HTTP, and afterwards every record they leave is checked for exactly
 * once. Scaling out is "start another worker" (worker/main.ts); this is the
 * test that doing so duplicates nothing.
 */
import { type Client, WorkflowExecutionInfo } from '@temporalio/client';
import { COMPLAINT_WORKFLOW, complaintWorkflowId } from '../../src/contracts/complaint';
import type { ComplaintState } from '../../src/domain/complaint';
import { type ApiStack, startApiStack } from '../helpers/api';
import { type WorkerProcess, isAlive, spawnWorker, deleteSchedulesOn } from '../helpers/processes';
import { eventually, uniqueId } from '../helpers/stack';

/** Complaints, and how many go through their lifecycle at the same time. */
const COMPLAINTS = 40;
const CONCURRENCY = 8;
/** The lifecycle, as the audit trail records it. */
const ACTIONS = ['intake', 'acknowledge', 'add_note', 'resolve', 'close'];

let stack: ApiStack;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  // The API in this process, no worker in it: the two worker processes are the only ones polling.
  stack = await startApiStack({ worker: false });
  workers.push(spawnWorker(stack.config), spawnWorker(stack.config));
  await Promise.all(workers.map((w) => w.ready));
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGTERM')));
  await deleteSchedulesOn(stack?.client, stack?.config.temporal.taskQueue);
  await stack?.stop();
});

/** One complaint from intake to close over HTTP; every answer must be a success. */
async function lifecycle(i: number): Promise<string> {
  const { call, keys } = stack;
  const expectOk = (what: string, res: { status: number; text: string }, status = 200) => {
    if (res.status !== status) throw new Error(`complaint ${i}: ${what} answered ${res.status}: ${res.text.slice(0, 300)}`);
  };
  const created = await call('POST', '/complaints', {
    key: keys.intake,
    headers: { 'idempotency-key': uniqueId(`load-${i}`) },
    body: { customer: { id: `cust-load-${i}` }, channel: 'email', category: 'billing', severity: 'P2', description: `Charged twice (#${i})` },
  });
  expectOk('intake', created, 201);
  const id = created.body.id as string;
  const act = async (slug: string, body: Record<string, unknown>) => expectOk(slug, await call('POST', `/complaints/${id}/${slug}`, { key: keys.alice!, body }));
  await act('acknowledge', {});
  await act('add-note', { text: `We are on it (#${i})`, visibility: 'public' });
  await act('resolve', { summary: 'Refunded' });
  await act('close', { rating: 5 });
  return id;
}

/** Runs task(0..n-1) with at most `concurrency` in flight; resolves to the results in index order. */
async function pool<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) results[i] = await task(i);
    }),
  );
  return results;
}

/**
 * The worker identities (SDK default `<pid>@<host>`) that started this workflow's tasks,
 * from its history: workflow tasks and activity tasks alike.
 */
async function identitiesOf(client: Client, workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const found = new Set<string>();
  for (const e of history.events ?? []) {
    const identity = e.workflowTaskStartedEventAttributes?.identity ?? e.activityTaskStartedEventAttributes?.identity;
    if (identity) found.add(identity);
  }
  return [...found];
}

/**
 * The real worker ensures the Temporal Schedules (fixed ids) on its task queue at start. The dev
 * server is shared by the whole run, so the ones still pointing at this file's queue go with it.
 */

describe('two worker processes on one task queue', () => {
  let ids: string[];
  let executions: WorkflowExecutionInfo[];

  beforeAll(async () => {
    ids = await pool(COMPLAINTS, CONCURRENCY, lifecycle);
    // Visibility is eventually consistent: wait until every closed complaint workflow is listed.
    executions = await eventually(
      async () => {
        const found: WorkflowExecutionInfo[] = [];
        for await (const e of stack.client.workflow.list({ query: `TaskQueue = '${stack.config.temporal.taskQueue}' AND WorkflowType = '${COMPLAINT_WORKFLOW}' AND ExecutionStatus != 'Running'` })) found.push(e);
        return found.length >= COMPLAINTS ? found : null;
      },
      60_000,
      'every complaint workflow listed as finished',
    );
  }, 240_000);

  it('given complaints taken through intake, acknowledge, public note, resolve and close concurrently, then each is closed by exactly one workflow execution', async () => {
    expect(new Set(ids).size).toBe(COMPLAINTS);
    expect(executions.map((e) => e.workflowId).sort()).toEqual(ids.map(complaintWorkflowId).sort());
    expect(executions.every((e) => e.status.name === 'COMPLETED')).toBe(true);
    const finals = await Promise.all(ids.map((id) => stack.client.workflow.getHandle<() => Promise<ComplaintState>>(complaintWorkflowId(id)).result()));
    expect(finals.map((s) => `${s.status}/${s.version}`)).toEqual(ids.map(() => `closed/${ACTIONS.length}`));
  });

  it('given the finished load, then the read model, list rows and KPI facts hold one document per complaint at its final version', async () => {
    const { models } = stack;
    // The persistence activity runs after each update's answer: wait for the last one.
    await eventually(async () => (await models.Complaint.countDocuments({ version: ACTIONS.length })) === COMPLAINTS, 60_000, 'read model at the final version');
    const docs = await models.Complaint.find({}, { status: 1, version: 1 }).lean();
    expect(docs.map((d) => `${d._id}:${d.status}:${d.version}`).sort()).toEqual(ids.map((id) => `${id}:closed:${ACTIONS.length}`).sort());
    const rows = await models.ComplaintRow.find({}, { version: 1, status: 1 }).lean();
    expect(rows.map((r) => `${r._id}:${r.status}:${r.version}`).sort()).toEqual(ids.map((id) => `${id}:closed:${ACTIONS.length}`).sort());
    const facts = await models.ComplaintFact.find({}, { version: 1 }).lean();
    expect(facts.map((f) => `${f._id}:${f.version}`).sort()).toEqual(ids.map((id) => `${id}:${ACTIONS.length}`).sort());
  });

  it('given the finished load, then every complaint has one audit event per action, seq 1..n without gap or repeat, and every chain verifies', async () => {
    const events = await stack.models.AuditEvent.find({ entityType: 'complaint' }, { stream: 1, seq: 1, action: 1 }).sort({ stream: 1, seq: 1 }).lean();
    const byStream = new Map<string, string[]>();
    for (const e of events) byStream.set(e.stream, [...(byStream.get(e.stream) ?? []), `${e.seq}:${e.action}`]);
    expect([...byStream.keys()].sort()).toEqual(ids.map((id) => `complaint:${id}`).sort());
    const expected = ACTIONS.map((a, i) => `${i + 1}:${a}`);
    for (const [stream, trail] of byStream) expect({ stream, trail }).toEqual({ stream, trail: expected });

    const verified = await stack.call('POST', '/audit/verify', { key: stack.keys.auditor, body: {} });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true, scope: { kind: 'all' }, brokenStreams: 0, breaks: [], firstBreak: null });
    expect(verified.body.checkedEvents).toBe(await stack.models.AuditEvent.countDocuments({}));
  });

  it('given the finished load, then each complaint has its outbox messages once: one per message kind and version', async () => {
    const messages = await stack.models.Outbox.find({ complaintId: { $ne: null } }, { complaintId: 1, type: 1, data: 1 }).lean();
    const kinds = new Map<string, string[]>();
    for (const m of messages) kinds.set(m.complaintId!, [...(kinds.get(m.complaintId!) ?? []), m.type].sort());
    // Resolving asks the customer for a rating (csat.requested); nothing else in this lifecycle writes to the outbox.
    expect([...kinds.keys()].sort()).toEqual([...ids].sort());
    for (const [complaintId, types] of kinds) expect({ complaintId, types }).toEqual({ complaintId, types: ['csat.requested'] });
    // The id is `<complaint>:<version>:<index>`: a second write of the same message would need another id.
    expect(messages.map((m) => m._id).sort()).toEqual(ids.map((id) => `${id}:4:0`).sort());
  });

  it('given two workers polling the queue, then both did work: workflow and activity tasks were started by each process', async () => {
    const identities = (await pool(ids.length, 8, (i) => identitiesOf(stack.client, complaintWorkflowId(ids[i]!)))).flat();
    const pidOf = (identity: string) => Number(identity.split('@')[0]);
    expect(new Set(identities.map(pidOf))).toEqual(new Set(workers.map((w) => w.pid)));
  });

  it('given the worker processes this file started, when they are stopped, then none is left running', async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    for (const w of workers) expect(isAlive(w.pid)).toBe(false);
  });
});
