/**
 * The complaint workflow on Temporal's time-skipping test server with a real
 * Worker and a real database (FerretDB): SLA warnings, breaches, escalations,
 * pauses, next-response cycles, reopen, severity change and auto-close happen
 * at the exact business-time instants, days of SLA in seconds.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Config } from '../../src/config';
import { COMPLAINT_WORKFLOW, type ComplaintWorkflowInput, complaintUpdates, complaintWorkflowId, getComplaintQuery } from '../../src/contracts/complaint';
import type { Actor } from '../../src/domain/actors';
import type { CommandType, ComplaintCommand, ComplaintState } from '../../src/domain/complaint';
import type { Channel, Severity, SlaPolicyDefinition } from '../../src/domain/sla-policy';
import type { Models } from '../../src/db/models';
import { createComplaintService } from '../../src/services/complaints';
import { WEEKDAYS_UTC, ALWAYS, policy, seedCatalog } from '../helpers/fixtures';
import { eventually, openTestDb, startTimeSkippingEnv, startWebhookReceiver, startWorker, testConfig, uniqueId } from '../helpers/stack';

const MIN = 60_000;
const HOUR = 60 * MIN;
const alice: Actor = { id: 'alice', role: 'agent' };
const bob: Actor = { id: 'bob', role: 'agent' };
const sam: Actor = { id: 'sam', role: 'supervisor' };

const LADDER: SlaPolicyDefinition['escalation'] = [
  { afterBreachMinutes: 0, action: 'notify_role', role: 'supervisor' },
  { afterBreachMinutes: 30, action: 'raise_severity' },
  { afterBreachMinutes: 60, action: 'reassign_queue', queue: 'supervisors' },
];

let env: TestWorkflowEnvironment;
let models: Models & { drop(): Promise<void> };
let config: Config;
let worker: Worker;
let running: Promise<void>;
let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  config = testConfig({ webhookUrls: [hooks.url] });
  [env, models] = await Promise.all([startTimeSkippingEnv(), openTestDb(config)]);
  await seedCatalog(
    models,
    {
      // Category-specific policies so each scenario gets its own targets.
      'business-hours': policy({ match: { severities: ['P2', 'P3', 'P4'], categories: ['business'] }, calendarId: 'weekdays', targets: { firstResponseMinutes: 100, nextResponseMinutes: 240, resolutionMinutes: 16 * 60 } }),
      'pause-4h': policy({ match: { severities: ['P3'], categories: ['pause'] }, targets: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 4 * 60 } }),
      'no-pause-4h': policy({ match: { severities: ['P3'], categories: ['nopause'] }, pauseOnAwaitingCustomer: false, targets: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 4 * 60 } }),
      'ladder-p3': policy({ match: { severities: ['P3'], categories: ['ladder'] }, targets: { firstResponseMinutes: 600, nextResponseMinutes: 600, resolutionMinutes: 60 }, escalation: LADDER }),
      // After the ladder raises severity, P2's policy (and its ladder) applies; steps already taken stay taken.
      'ladder-p2': policy({ match: { severities: ['P2'], categories: ['ladder'] }, targets: { firstResponseMinutes: 600, nextResponseMinutes: 600, resolutionMinutes: 30 }, escalation: LADDER }),
      'sev-p3': policy({ match: { severities: ['P3'], categories: ['sev'] }, targets: { firstResponseMinutes: 600, nextResponseMinutes: 600, resolutionMinutes: 8 * 60 } }),
      'sev-p1': policy({ match: { severities: ['P1'], categories: ['sev'] }, targets: { firstResponseMinutes: 600, nextResponseMinutes: 600, resolutionMinutes: 3 * 60 } }),
      generic: policy({ targets: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 4 * 60 }, reopenWindowMinutes: 24 * 60, confirmationWindowMinutes: 72 * 60 }),
    },
    { always: ALWAYS, weekdays: WEEKDAYS_UTC },
  );
  worker = await startWorker({ config, models, connection: env.nativeConnection });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await models?.drop();
  await hooks?.close();
});

async function start(opts: { category?: string; severity?: Severity; channel?: Channel; createdBy?: Actor } = {}) {
  const complaintId = uniqueId('c');
  const input: ComplaintWorkflowInput = {
    intake: {
      complaintId,
      customer: { id: 'cust-1' },
      channel: opts.channel ?? 'email',
      category: opts.category ?? 'general',
      severity: opts.severity ?? 'P3',
      description: 'It is broken',
      createdBy: opts.createdBy ?? { id: 'webform', role: 'intake' },
    },
  };
  const handle = await env.client.workflow.start(COMPLAINT_WORKFLOW, { args: [input], taskQueue: config.temporal.taskQueue, workflowId: complaintWorkflowId(complaintId) });
  const first = await eventually(async () => {
    const s = await handle.query(getComplaintQuery);
    return s.version >= 1 ? s : null;
  }, 20_000, 'complaint registered');
  return { handle, complaintId, createdAt: first.createdAt };
}

type Handle = Awaited<ReturnType<typeof start>>['handle'];

function act<T extends CommandType>(handle: Handle, actor: Actor, command: Extract<ComplaintCommand, { type: T }>): Promise<ComplaintState> {
  const update = complaintUpdates[command.type] as typeof complaintUpdates.acknowledge;
  return handle.executeUpdate(update, { args: [{ actor, command } as never] });
}

const state = (handle: Handle) => handle.query(getComplaintQuery);

async function auditActions(complaintId: string) {
  const events = await models.AuditEvent.find({ entityId: complaintId }).sort({ seq: 1 }).lean();
  return events.map((e) => ({ action: e.action, at: e.at.getTime(), details: e.details as Record<string, unknown> }));
}

/** Advances the test server's clock to the next given UTC weekday/hour (0 = Sunday). */
async function skipTo(weekday: number, hour: number): Promise<number> {
  const now = await env.currentTimeMs();
  const d = new Date(now);
  let target = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour);
  while (new Date(target).getUTCDay() !== weekday || target <= now) target += 24 * HOUR;
  await env.sleep(target - now);
  return target;
}

async function expectRejected(p: Promise<unknown>, code: string) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(code);
}

describe('business-hours SLA clock', () => {
  it('given a complaint registered Friday 16:00 on a 9-17 weekday calendar, when nobody acknowledges, then warnings fire at 50/75/90% and the breach at Monday 09:40 business time', async () => {
    const friday16 = await skipTo(5, 16);
    const { handle, complaintId, createdAt } = await start({ category: 'business' });
    const drift = createdAt - friday16; // real ms the server clock moved between our skip and the start
    expect(drift).toBeGreaterThanOrEqual(0);
    expect(drift).toBeLessThan(MIN);

    // First-response target 100 business minutes: 60 on Friday (16:00-17:00), 40 on Monday (09:00-09:40).
    // Every instant is shifted by the same drift, since it is consumed inside working hours.
    const monday = friday16 + 3 * 24 * HOUR - 7 * HOUR; // Monday 09:00
    await env.sleep(monday + HOUR - (await env.currentTimeMs()));
    await eventually(async () => (await state(handle)).sla!.breaches.length > 0 || null, 20_000, 'breach recorded');

    const events = (await auditActions(complaintId)).filter((e) => e.details.clock === 'first_response');
    // 50% = 50 min -> Friday 16:50; 75% = 75 min -> Monday 09:15; 90% = 90 min -> Monday 09:30;
    // 100% = 100 min -> Monday 09:40 (the weekend does not count).
    expect(events.map((e) => [e.action, e.details.threshold ?? null, e.at - drift])).toEqual([
      ['sla_warning', 50, friday16 + 50 * MIN],
      ['sla_warning', 75, monday + 15 * MIN],
      ['sla_warning', 90, monday + 30 * MIN],
      ['sla_breached', null, monday + 40 * MIN],
    ]);
    const s = await state(handle);
    expect(s.sla!.breaches).toEqual([{ clock: 'first_response', cycle: 1, at: monday + 40 * MIN + drift }]);

    // Unacknowledged: warnings go to the supervisors; the breach notification too.
    const warning = await hooks.waitFor((d) => d.complaintId === complaintId && d.type === 'sla.warning' && d.data.threshold === 90);
    expect(warning.recipients).toEqual({ userIds: [], roles: ['supervisor'] });
    const breach = await hooks.waitFor((d) => d.complaintId === complaintId && d.type === 'sla.breached');
    expect(breach.data).toMatchObject({ clock: 'first_response', breachedAt: monday + 40 * MIN + drift });
  });
});

describe('escalation ladder', () => {
  it('given a P3 with a 60-minute resolution target and a three-step ladder, when it is not resolved, then each step fires at breach + offset: notify, raise to P2, reassign to the supervisor queue', async () => {
    const { handle, complaintId, createdAt } = await start({ category: 'ladder', severity: 'P3' });
    await act(handle, alice, { type: 'acknowledge' });
    await env.sleep(2 * HOUR + 5 * MIN);
    const s = await eventually(async () => {
      const st = await state(handle);
      return st.sla!.escalationLevel >= 3 ? st : null;
    }, 20_000, 'three escalation steps');

    const esc = (await auditActions(complaintId)).filter((e) => e.action === 'sla_escalated' || e.action === 'sla_breached');
    expect(esc.map((e) => [e.action, e.details.action ?? null, e.at - createdAt])).toEqual([
      ['sla_breached', null, 60 * MIN],
      ['sla_escalated', 'notify_role', 60 * MIN],
      ['sla_escalated', 'raise_severity', 90 * MIN],
      ['sla_escalated', 'reassign_queue', 120 * MIN],
    ]);
    expect(s.severity).toBe('P2');
    // P2's policy (30-minute target) now applies, accrued time kept: the clock stays breached.
    expect(s.sla!.active.policyId).toBe('ladder-p2');
    expect(s.queue).toBe('supervisors');
    expect(s.ownerId).toBeNull();
    expect(s.firstResponderId).toBe('alice');

    // The first responder stays on the alerts even after losing ownership.
    const reassigned = await hooks.waitFor((d) => d.complaintId === complaintId && d.type === 'sla.escalated' && d.data.action === 'reassign_queue');
    expect(reassigned.recipients.userIds).toEqual(['alice']);
    const notified = await hooks.waitFor((d) => d.complaintId === complaintId && d.type === 'sla.escalated' && d.data.action === 'notify_role');
    expect(notified.recipients.roles).toEqual(['supervisor']);
  });
});

describe('pause while awaiting the customer', () => {
  it('given a 4h resolution target that pauses, when the agent waits 10h on the customer after 1h of work, then the breach comes 3h after the reply (waiting time excluded)', async () => {
    const { handle, complaintId, createdAt } = await start({ category: 'pause' });
    await act(handle, alice, { type: 'acknowledge' });
    await env.sleep(HOUR);
    const asked = await act(handle, alice, { type: 'request_info', message: 'Which invoice?' });
    expect(asked.status).toBe('awaiting_customer');
    await env.sleep(10 * HOUR);
    const waiting = await state(handle);
    expect(waiting.sla!.breaches).toEqual([]);
    const replied = await act(handle, alice, { type: 'customer_replied', message: 'Invoice 42' });
    const repliedAt = replied.updatedAt;
    expect(replied.status).toBe('in_progress');
    await env.sleep(3 * HOUR + MIN);
    const s = await eventually(async () => {
      const st = await state(handle);
      return st.sla!.breaches.some((b) => b.clock === 'resolution') ? st : null;
    }, 20_000, 'resolution breach');
    const breach = s.sla!.breaches.find((b) => b.clock === 'resolution')!;
    // 4h target = 1h before asking + 3h after the reply; pause time (asked..replied) excluded.
    const pausedFor = repliedAt - asked.updatedAt;
    expect(breach.at).toBe(createdAt + 4 * HOUR + pausedFor);
    expect(pausedFor).toBeGreaterThanOrEqual(10 * HOUR);
    const actions = (await auditActions(complaintId)).map((e) => e.action);
    expect(actions).toContain('request_info');
  });

  it('given a policy that does not pause, when the agent waits on the customer, then the resolution clock keeps running and breaches at 4h', async () => {
    const { handle, createdAt } = await start({ category: 'nopause' });
    await act(handle, alice, { type: 'acknowledge' });
    await act(handle, alice, { type: 'request_info', message: 'Which invoice?' });
    await env.sleep(4 * HOUR + MIN);
    const s = await eventually(async () => {
      const st = await state(handle);
      return st.sla!.breaches.some((b) => b.clock === 'resolution') ? st : null;
    }, 20_000, 'resolution breach');
    expect(s.status).toBe('awaiting_customer');
    expect(s.sla!.breaches.find((b) => b.clock === 'resolution')!.at).toBe(createdAt + 4 * HOUR);
  });
});

describe('next-response cycles', () => {
  it('given customer replies, when the agent answers the first within target but not the second, then cycle 1 is met and cycle 2 breaches 2h after its reply', async () => {
    const { handle } = await start({ category: 'pause' });
    await act(handle, alice, { type: 'acknowledge' });
    const r1 = await act(handle, alice, { type: 'customer_replied', message: 'any news?' });
    expect(r1.sla!.nextResponse).toMatchObject({ cycle: 1, stoppedAt: null });
    await env.sleep(30 * MIN);
    const answered = await act(handle, alice, { type: 'add_note', text: 'Working on it', visibility: 'public' });
    expect(answered.sla!.nextResponse!.stoppedAt).not.toBeNull();
    expect(answered.sla!.nextResponse!.breachedAt).toBeNull();
    const r2 = await act(handle, alice, { type: 'customer_replied', message: 'still broken' });
    expect(r2.sla!.nextResponse).toMatchObject({ cycle: 2, stoppedAt: null, accruedMs: 0 });
    await env.sleep(2 * HOUR + MIN);
    const s = await eventually(async () => {
      const st = await state(handle);
      return st.sla!.breaches.some((b) => b.clock === 'next_response') ? st : null;
    }, 20_000, 'next-response breach');
    expect(s.sla!.breaches.filter((b) => b.clock === 'next_response')).toEqual([{ clock: 'next_response', cycle: 2, at: r2.updatedAt + 2 * HOUR }]);
  });
});

describe('reopen and severity change', () => {
  it('given a complaint resolved after 3h of a 4h target and a recorded first-response breach, when reopened, then accrued time is kept (breach 1h later) and the old breach stays recorded', async () => {
    const { handle, createdAt } = await start();
    await env.sleep(61 * MIN); // first response (60 min) breaches before the acknowledgement
    await act(handle, alice, { type: 'acknowledge' });
    await env.sleep(3 * HOUR - 61 * MIN);
    const resolved = await act(handle, alice, { type: 'resolve', summary: 'refunded' });
    expect(resolved.status).toBe('resolved');
    await env.sleep(5 * HOUR); // resolved time does not count
    const reopened = await act(handle, bob, { type: 'reopen', reason: 'refund never arrived' });
    expect(reopened.status).toBe('reopened');
    expect(reopened.sla!.breaches).toEqual([{ clock: 'first_response', cycle: 1, at: createdAt + HOUR }]);
    await env.sleep(HOUR + MIN);
    const s = await eventually(async () => {
      const st = await state(handle);
      return st.sla!.breaches.some((b) => b.clock === 'resolution') ? st : null;
    }, 20_000, 'resolution breach after reopen');
    const accruedBeforeReopen = resolved.updatedAt - createdAt;
    expect(s.sla!.breaches.find((b) => b.clock === 'resolution')!.at).toBe(reopened.updatedAt + (4 * HOUR - accruedBeforeReopen));
    expect(s.sla!.breaches[0]).toEqual({ clock: 'first_response', cycle: 1, at: createdAt + HOUR });
  });

  it('given a P3 (8h) at 2h elapsed, when raised to P1 (3h), then accrued 2h count against the new target: one warning at 66%, breach 1h later', async () => {
    const { handle, complaintId, createdAt } = await start({ category: 'sev', severity: 'P3' });
    await act(handle, alice, { type: 'acknowledge' });
    await env.sleep(2 * HOUR);
    const changed = await act(handle, alice, { type: 'change_severity', severity: 'P1', reason: 'outage confirmed' });
    expect(changed.severity).toBe('P1');
    expect(changed.sla!.active.policyId).toBe('sev-p1');
    const elapsed = changed.updatedAt - createdAt;
    await env.sleep(HOUR + MIN);
    const s = await eventually(async () => {
      const st = await state(handle);
      return st.sla!.breaches.length > 0 ? st : null;
    }, 20_000, 'breach after severity change');
    expect(s.sla!.breaches).toEqual([{ clock: 'resolution', cycle: 1, at: createdAt + 3 * HOUR }]);
    const warnings = (await auditActions(complaintId)).filter((e) => e.action === 'sla_warning' && e.details.clock === 'resolution');
    // Under P3 (8h) the 50% warning was 4h away; after the change 2h of 3h = 66% -> 50% is already
    // passed (one warning, right away), 75% at 2h15, 90% at 2h42.
    expect(warnings.map((w) => [w.details.threshold, w.at - createdAt])).toEqual([
      [50, elapsed],
      [75, 2 * HOUR + 15 * MIN],
      [90, 2 * HOUR + 42 * MIN],
    ]);
  });
});

describe('after resolution', () => {
  it('given a resolved complaint, when the customer neither confirms nor reopens, then it closes itself after the confirmation window and the workflow completes', async () => {
    const { handle, complaintId } = await start();
    await act(handle, alice, { type: 'acknowledge' });
    const resolved = await act(handle, alice, { type: 'resolve', summary: 'fixed' });
    const csat = await hooks.waitFor((d) => d.complaintId === complaintId && d.type === 'csat.requested');
    expect(csat.recipients.userIds).toEqual(['cust-1']);
    const final = await handle.result(); // time skips to the auto-close timer
    expect(final.status).toBe('closed');
    expect(final.closedAt).toBe(resolved.resolvedAt! + 72 * HOUR);
    const actions = (await auditActions(complaintId)).map((e) => e.action);
    expect(actions.slice(-1)).toEqual(['auto_close']);
  });

  it('given a resolved complaint, when the customer confirms with a rating, then it closes with the CSAT recorded', async () => {
    const { handle } = await start();
    await act(handle, alice, { type: 'acknowledge' });
    await act(handle, alice, { type: 'resolve', summary: 'fixed' });
    const closed = await act(handle, alice, { type: 'close', rating: 4, comment: 'quick' });
    expect(closed.status).toBe('closed');
    expect(closed.csat).toMatchObject({ rating: 4, comment: 'quick', recordedBy: 'alice' });
    expect((await handle.result()).status).toBe('closed');
  });

  it('given the reopen window (24h) has passed, when someone reopens, then it is rejected with REOPEN_WINDOW_CLOSED', async () => {
    const { handle } = await start();
    await act(handle, alice, { type: 'acknowledge' });
    await act(handle, alice, { type: 'resolve', summary: 'fixed' });
    await env.sleep(25 * HOUR);
    await expectRejected(act(handle, alice, { type: 'reopen', reason: 'late' }), 'REOPEN_WINDOW_CLOSED');
    expect((await state(handle)).status).toBe('resolved');
  });
});

describe('illegal transitions and permissions', () => {
  it('given an open complaint, when actions are illegal or not permitted, then each is rejected with its code and nothing changes', async () => {
    const { handle, complaintId } = await start();
    const before = await state(handle);
    await expectRejected(act(handle, alice, { type: 'resolve', summary: 'x' }), 'NOT_PERMITTED'); // not the owner (nobody owns it yet)
    await expectRejected(act(handle, sam, { type: 'resolve', summary: 'x' }), 'INVALID_TRANSITION');
    await expectRejected(act(handle, alice, { type: 'close' }), 'INVALID_TRANSITION');
    await expectRejected(act(handle, alice, { type: 'cancel', reason: 'withdrawn' }), 'NOT_PERMITTED');
    await expectRejected(act(handle, { id: 'webform', role: 'intake' }, { type: 'acknowledge' }), 'NOT_PERMITTED');
    await act(handle, alice, { type: 'acknowledge' });
    await expectRejected(act(handle, bob, { type: 'acknowledge' }), 'INVALID_TRANSITION');
    await expectRejected(act(handle, bob, { type: 'resolve', summary: 'x' }), 'NOT_PERMITTED');
    await expectRejected(act(handle, bob, { type: 'transfer', toAgentId: 'bob', reason: 'mine' }), 'NOT_PERMITTED');
    await expectRejected(act(handle, alice, { type: 'transfer', toAgentId: 'alice', reason: 'x' }), 'INVALID_ACTION');
    const after = await state(handle);
    expect(after.version).toBe(before.version + 1); // only the acknowledgement
    const audit = await auditActions(complaintId);
    expect(audit.map((e) => e.action)).toEqual(['intake', 'acknowledge']);
  });

  it('given a complaint taken by phone by an agent, then that agent is first responder and owner and the first response is met at intake', async () => {
    const { handle } = await start({ channel: 'phone', createdBy: alice });
    const s = await state(handle);
    expect(s.status).toBe('acknowledged');
    expect(s.firstResponderId).toBe('alice');
    expect(s.ownerId).toBe('alice');
    expect(s.sla!.firstResponse.stoppedAt).toBe(s.createdAt);
  });

  it('given a transfer, when a breach follows, then the first responder and the new owner are both notified', async () => {
    const { handle, complaintId } = await start();
    await act(handle, alice, { type: 'acknowledge' });
    const moved = await act(handle, alice, { type: 'transfer', toAgentId: 'bob', reason: 'billing expert' });
    expect(moved.ownerId).toBe('bob');
    expect(moved.firstResponderId).toBe('alice');
    await env.sleep(4 * HOUR + MIN);
    const breach = await hooks.waitFor((d) => d.complaintId === complaintId && d.type === 'sla.breached' && d.data.clock === 'resolution');
    expect(breach.recipients.userIds.sort()).toEqual(['alice', 'bob']);
    // A supervisor cancels a duplicate; the workflow ends.
    const cancelled = await act(handle, sam, { type: 'cancel', reason: 'duplicate', duplicateOf: 'c-other' });
    expect(cancelled.status).toBe('cancelled');
    expect((await handle.result()).status).toBe('cancelled');
  });
});

describe('queue of breached complaints', () => {
  it('given one complaint that breached and one that did not, when the read model is filtered breached=true, then only the breached one is listed', async () => {
    const service = createComplaintService({ client: env.client, models, config });
    const late = await start({ category: 'pause' }); // 60-minute first response
    await env.sleep(61 * MIN);
    const fresh = await start({ category: 'pause' });
    await eventually(async () => (await models.Complaint.findById(late.complaintId).lean())?.sla?.breached === true || null, 20_000, 'breach in read model');
    await eventually(async () => (await models.Complaint.findById(fresh.complaintId).lean()) ?? null, 20_000, 'second complaint in read model');
    const breached = await service.list({ breached: true, limit: 100 });
    const ids = breached.items.map((s) => s.complaintId);
    expect(ids).toContain(late.complaintId);
    expect(ids).not.toContain(fresh.complaintId);
    const notBreached = await service.list({ breached: false, limit: 100 });
    expect(notBreached.items.map((s) => s.complaintId)).toContain(fresh.complaintId);
  });
});
