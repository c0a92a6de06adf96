/**
 * `npm run record-histories`: runs representative complaint and cycle lifecycles on the
 * time-skipping test server (with FerretDB) and saves their event histories
 * to test/histories/. test/workflow/replay.test.ts replays them against the
 * current workflow code, so a non-deterministic change fails CI. Re-record
 * only when a change is deliberately incompatible (and then use patched()).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { configSchema } from '../src/config';
import { COMPLAINT_WORKFLOW, complaintUpdates, complaintWorkflowId, getComplaintQuery } from '../src/contracts/complaint';
import { CYCLE_WORKFLOW, cycleUpdates, cycleWorkflowId } from '../src/contracts/cycle';
import { connectDatabase } from '../src/db/models';
import type { Actor } from '../src/domain/actors';
import { type CycleCommand, type CycleCommandType, type CycleIntake, DEFAULT_CYCLE_SETTINGS } from '../src/domain/cycle';
import { seedDemoData } from '../src/db/seed';
import { provision, registerSearchAttributes, startFerretDb } from '../infra/launch';
import { createWorker } from '../worker/run';

const OUT = path.resolve(__dirname, '../test/histories');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const tools = provision('ferretdb', 'testsrv');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ql-record-'));
  const ferret = await startFerretDb({ dataDir: path.join(dir, 'ferretdb') });
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: tools.TEMPORAL_TEST_SERVER } } });
  try {
    await record(env, ferret.uri);
  } finally {
    await env.teardown();
    await ferret.stop();
  }
}

async function record(env: TestWorkflowEnvironment, mongoBase: string): Promise<void> {
  await registerSearchAttributes(env.connection);
  const config = configSchema.parse({
    temporal: { address: 'unused:0', namespace: 'default', taskQueue: 'record' },
    mongo: { uri: `${mongoBase}/ql_record` },
    api: {},
    secrets: { apiKeyPepper: 'record-pepper-0123456789', webhookSecret: 'record-webhook-0123456789' },
    notifications: {},
  });
  const models = await connectDatabase(config.mongo.uri);
  await seedDemoData(models, config.secrets.apiKeyPepper);
  const worker = await createWorker({ config, models, connection: env.nativeConnection });
  const alice: Actor = { id: 'alice', role: 'agent' };
  const sam: Actor = { id: 'sam', role: 'supervisor' };
  const olivia: Actor = { id: 'olivia', role: 'process_owner' };
  const simon: Actor = { id: 'simon', role: 'sponsor' };

  await worker.runUntil(async () => {
    const startComplaint = async (name: string, category: string, severity: 'P1' | 'P2') => {
      const complaintId = `rec-${name}`;
      const handle = await env.client.workflow.start(COMPLAINT_WORKFLOW, {
        taskQueue: config.temporal.taskQueue,
        workflowId: complaintWorkflowId(complaintId),
        args: [{ intake: { complaintId, customer: { id: 'cust-1' }, channel: 'email', category, severity, description: 'recorded scenario', createdBy: { id: 'webform', role: 'intake' } } }],
      });
      while ((await handle.query(getComplaintQuery)).version < 1) await new Promise((r) => setTimeout(r, 50));
      return handle;
    };
    const startCycle = async (name: string, type: 'pdca' | 'dmaic', settings: Partial<CycleIntake['settings']> = {}) => {
      const cycleId = `rec-${name}`;
      const now = Date.now();
      const intake: CycleIntake = {
        cycleId,
        type,
        title: 'recorded scenario',
        problemStatement: 'slow billing resolution',
        area: 'billing',
        ownerId: olivia.id,
        sponsorId: simon.id,
        team: [alice.id],
        goal: { metric: 'resolution time', unit: 'h', direction: 'lower_is_better', metricType: 'continuous', baseline: 72, target: 24, deadline: now + 90 * DAY },
        evidence: { complaintIds: [], complaintCategory: 'billing', spcSignal: null },
        settings: { ...DEFAULT_CYCLE_SETTINGS, approvers: [simon.id], ...settings },
        createdBy: olivia,
        receivedAt: now,
      };
      return env.client.workflow.start(CYCLE_WORKFLOW, { taskQueue: config.temporal.taskQueue, workflowId: cycleWorkflowId(cycleId), args: [{ intake }] });
    };
    const cycleAct = <T extends CycleCommandType>(h: WorkflowHandle, actor: Actor, command: Extract<CycleCommand, { type: T }>) =>
      h.executeUpdate(cycleUpdates[command.type] as typeof cycleUpdates.abandon, { args: [{ actor, command } as never] });

    const scenarios: Record<string, () => Promise<WorkflowHandle>> = {
      // Intake, ack, waiting on the customer, warnings and a breach, transfer, resolve, reopen, auto-close.
      'complaint-full-lifecycle': async () => {
        const h = await startComplaint('complaint-full-lifecycle', 'billing', 'P2');
        await h.executeUpdate(complaintUpdates.acknowledge, { args: [{ actor: alice, command: { type: 'acknowledge' } }] });
        await h.executeUpdate(complaintUpdates.request_info, { args: [{ actor: alice, command: { type: 'request_info', message: 'which card?' } }] });
        await env.sleep(30 * HOUR);
        await h.executeUpdate(complaintUpdates.customer_replied, { args: [{ actor: alice, command: { type: 'customer_replied', message: 'visa' } }] });
        await env.sleep(60 * HOUR);
        await h.executeUpdate(complaintUpdates.transfer, { args: [{ actor: sam, command: { type: 'transfer', toAgentId: 'bob', reason: 'expert' } }] });
        await h.executeUpdate(complaintUpdates.change_severity, { args: [{ actor: sam, command: { type: 'change_severity', severity: 'P3', reason: 'workaround in place' } }] });
        await h.executeUpdate(complaintUpdates.resolve, { args: [{ actor: sam, command: { type: 'resolve', summary: 'refunded' } }] });
        await h.executeUpdate(complaintUpdates.reopen, { args: [{ actor: alice, command: { type: 'reopen', reason: 'not received' } }] });
        await h.executeUpdate(complaintUpdates.resolve, { args: [{ actor: sam, command: { type: 'resolve', summary: 'refunded again' } }] });
        await h.result();
        return h;
      },
      // A P1 left alone: the whole escalation ladder, then a supervisor cancels it.
      'complaint-escalation-cancel': async () => {
        const h = await startComplaint('complaint-escalation-cancel', 'network', 'P1');
        await env.sleep(10 * HOUR);
        await h.executeUpdate(complaintUpdates.cancel, { args: [{ actor: sam, command: { type: 'cancel', reason: 'withdrawn' } }] });
        await h.result();
        return h;
      },
      // PDCA: plan approved, an action chased to the sponsor, measurements, check, standardize, effectiveness held.
      'cycle-pdca-standardized': async () => {
        const h = await startCycle('cycle-pdca-standardized', 'pdca', { effectivenessWindowDays: 7 });
        await cycleAct(h, alice, { type: 'add_fishbone_cause', category: 'method', cause: 'manual refunds' });
        await cycleAct(h, olivia, { type: 'add_countermeasure', description: 'automate refunds' });
        await cycleAct(h, olivia, { type: 'add_action', title: 'script refunds', assigneeId: alice.id, dueAt: Date.now() + 3 * DAY });
        await cycleAct(h, alice, { type: 'record_measurements', measurements: [{ value: 70 }, { value: 75 }, { value: 71 }] });
        await cycleAct(h, olivia, { type: 'submit_gate' });
        await cycleAct(h, simon, { type: 'sign_gate', decision: 'approve', comment: 'go' });
        await env.sleep(7 * DAY);
        await cycleAct(h, alice, { type: 'complete_action', actionId: 'a3' });
        await cycleAct(h, alice, { type: 'record_measurements', measurements: [{ value: 20 }, { value: 22 }, { value: 19 }] });
        await cycleAct(h, olivia, { type: 'submit_gate' });
        await cycleAct(h, olivia, { type: 'review_check', comment: 'goal met' });
        await cycleAct(h, olivia, { type: 'standardize', standard: 'refunds scripted', trainees: [alice.id] });
        await cycleAct(h, alice, { type: 'record_measurements', measurements: [{ value: 21 }, { value: 23 }] });
        await env.sleep(8 * DAY);
        await h.result();
        return h;
      },
      // DMAIC through every gate, then monitoring: a regression signal opens a linked PDCA; two clean periods sustain it.
      'cycle-dmaic-sustained': async () => {
        const h = await startCycle('cycle-dmaic-sustained', 'dmaic', { control: { periodDays: 1, sustainPeriods: 2, openPdcaOnSignal: true } });
        const pass = async () => {
          await cycleAct(h, olivia, { type: 'submit_gate' });
          await cycleAct(h, simon, { type: 'sign_gate', decision: 'approve', comment: 'ok' });
        };
        await cycleAct(h, olivia, {
          type: 'update_charter',
          charter: { problem: 'slow', businessCase: 'churn', scopeIn: ['billing'], scopeOut: ['sales'], ctqs: [{ name: 'time', measure: 'h', specification: '< 24' }], sipoc: [{ supplier: 'bank', input: 'claim', process: 'refund', output: 'money', customer: 'client' }], milestones: [{ phase: 'control', due: Date.now() + 60 * DAY }] },
        });
        await pass();
        await cycleAct(h, alice, { type: 'set_data_collection_plan', items: [{ metric: 'time', operationalDefinition: 'ticket open to close', source: 'helpdesk', sampleSize: 30, frequency: 'daily' }] });
        await cycleAct(h, alice, { type: 'set_baseline', data: { kind: 'discrete', defects: 120, units: 1000, opportunitiesPerUnit: 3 } });
        await pass();
        await cycleAct(h, alice, { type: 'set_defect_categories', categories: [{ category: 'manual', count: 80 }, { category: 'lost', count: 30 }, { category: 'other', count: 10 }] });
        await cycleAct(h, alice, { type: 'add_fishbone_cause', category: 'method', cause: 'manual refunds' });
        await cycleAct(h, alice, { type: 'add_root_cause', cause: 'manual refunds' });
        await cycleAct(h, alice, { type: 'verify_root_cause', rootCauseId: 'r2', evidence: 'time study' });
        await pass();
        await cycleAct(h, alice, { type: 'add_solution', description: 'automate', rootCauseIds: ['r2'] });
        await cycleAct(h, alice, { type: 'add_fmea_row', failureMode: 'script fails', effect: 'no refund', cause: 'bank API down', severity: 7, occurrence: 3, detection: 4 });
        await cycleAct(h, alice, { type: 'set_pilot_data', data: { kind: 'discrete', defects: 30, units: 1000, opportunitiesPerUnit: 3 } });
        await pass();
        await cycleAct(h, olivia, { type: 'set_control_plan', metric: 'resolution time', improvedData: [20, 22, 19, 21, 23, 20, 22, 21], reactionPlan: 'page the owner', processOwnerId: olivia.id });
        await pass();
        await cycleAct(h, alice, { type: 'record_measurements', measurements: [{ value: 21 }, { value: 40 }] });
        await env.sleep(1 * DAY);
        for (let day = 0; day < 2; day++) {
          await cycleAct(h, alice, { type: 'record_measurements', measurements: [{ value: 21 }, { value: 20.5 }] });
          await env.sleep(1 * DAY);
        }
        await h.result();
        return h;
      },
    };
    // `npm run record-histories -- <name>...` records only those scenarios (the others keep their recordings).
    const only = process.argv.slice(2);
    for (const [name, run] of Object.entries(scenarios)) {
      if (only.length > 0 && !only.includes(name)) continue;
      const handle = await run();
      const history = await handle.fetchHistory();
      // Temporal's canonical JSON history format (the same as `temporal workflow show -o json`).
      writeFileSync(path.join(OUT, `${name}.json`), historyToJSON(history));
      console.log(`recorded ${name}: ${history.events?.length} events`);
    }
  });
  await models.connection.dropDatabase();
  await models.connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
