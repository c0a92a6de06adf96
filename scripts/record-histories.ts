/**
 * `npm run record-histories`: runs representative complaint lifecycles on the
 * time-skipping test server (with FerretDB) and saves their event histories
 * to test/histories/. test/workflow/replay.test.ts replays them against the
 * current workflow code, so a non-deterministic change fails CI. Re-record
 * only when a change is deliberately incompatible (and then use patched()).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { configSchema } from '../src/config';
import { COMPLAINT_WORKFLOW, complaintUpdates, complaintWorkflowId, getComplaintQuery } from '../src/contracts/complaint';
import { connectDatabase } from '../src/db/models';
import { seedDemoData } from '../src/db/seed';
import { provision, registerSearchAttributes, startFerretDb } from '../infra/launch';
import { createWorker } from '../worker/run';

const OUT = path.resolve(__dirname, '../test/histories');
const HOUR = 3_600_000;

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
  const alice = { id: 'alice', role: 'agent' as const };
  const sam = { id: 'sam', role: 'supervisor' as const };

  await worker.runUntil(async () => {
    const scenarios: Record<string, (id: string) => Promise<void>> = {
      // Intake, ack, waiting on the customer, warnings and a breach, transfer, resolve, reopen, auto-close.
      'complaint-full-lifecycle': async (id) => {
        const h = env.client.workflow.getHandle(complaintWorkflowId(id));
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
      },
      // A P1 left alone: the whole escalation ladder, then a supervisor cancels it.
      'complaint-escalation-cancel': async (id) => {
        const h = env.client.workflow.getHandle(complaintWorkflowId(id));
        await env.sleep(10 * HOUR);
        await h.executeUpdate(complaintUpdates.cancel, { args: [{ actor: sam, command: { type: 'cancel', reason: 'withdrawn' } }] });
        await h.result();
      },
    };
    for (const [name, run] of Object.entries(scenarios)) {
      const complaintId = `rec-${name}`;
      const handle = await env.client.workflow.start(COMPLAINT_WORKFLOW, {
        taskQueue: config.temporal.taskQueue,
        workflowId: complaintWorkflowId(complaintId),
        args: [{ intake: { complaintId, customer: { id: 'cust-1' }, channel: 'email', category: name.includes('escalation') ? 'network' : 'billing', severity: name.includes('escalation') ? 'P1' : 'P2', description: 'recorded scenario', createdBy: { id: 'webform', role: 'intake' } } }],
      });
      while ((await handle.query(getComplaintQuery)).version < 1) await new Promise((r) => setTimeout(r, 50));
      await run(complaintId);
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
