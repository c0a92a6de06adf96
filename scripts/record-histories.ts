/**
 * `npm run record-histories`: runs representative lifecycles of every workflow
 * (complaints, PDCA and DMAIC cycles, a cycle bound to a KPI through a Control
 * regression and the PDCA it opens, the quality loop, the review schedule, a
 * signed quality review and survey campaigns) on the time-skipping test server
 * with FerretDB, and saves their event histories to test/histories/.
 * test/workflow/replay.test.ts replays them against the current workflow code,
 * so a non-deterministic change fails CI.
 *
 * A recording is never overwritten unless named: with no arguments only the
 * scenarios with a missing file run, and only missing files are written (the
 * old recordings are the proof that histories made by earlier code still
 * replay). `npm run record-histories -- <file>...` (names without .json)
 * re-records those files. Re-record only when a change is deliberately
 * incompatible (and then use patched()).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { configSchema } from '../src/config';
import { COMPLAINT_WORKFLOW, complaintUpdates, complaintWorkflowId, getComplaintQuery } from '../src/contracts/complaint';
import { CYCLE_WORKFLOW, cycleUpdates, cycleWorkflowId, getCycleQuery } from '../src/contracts/cycle';
import { QUALITY_LOOP_WORKFLOW, type QualityLoopInput, type QualityLoopResult } from '../src/contracts/quality-loop';
import { REVIEW_SCHEDULE_WORKFLOW, type ReviewScheduleResult, getReviewQuery, reviewWorkflowId } from '../src/contracts/review';
import { type CampaignProgress, getCampaignQuery, surveyCampaignWorkflowId } from '../src/contracts/survey';
import { saveTriggerVersion } from '../src/db/catalog';
import { connectDatabase } from '../src/db/models';
import { type Actor, customerActor } from '../src/domain/actors';
import { startOfLocalDay } from '../src/domain/calendar';
import { type BoundMetric, type CycleCommand, type CycleCommandType, type CycleIntake, type CycleState, DEFAULT_CYCLE_SETTINGS } from '../src/domain/cycle';
import { MEASURE_GRACE_MS, nextPeriodKey, periodEndsAt } from '../src/domain/cycle-binding';
import { addDays, dayInZone, periodBounds, periodOf } from '../src/domain/kpi';
import { lastEndedPeriod, reviewIdOf } from '../src/domain/review';
import { type TriggerDefinition, completedPeriods, triggerCycleId } from '../src/domain/trigger';
import { seedDemoData } from '../src/db/seed';
import { createAnalyticsService } from '../src/services/analytics';
import { createReviewService } from '../src/services/reviews';
import { createSurveyCampaignService, createSurveyDefinitionService, createSurveyResponseService, invitationIdFor } from '../src/services/surveys';
import { provision, registerSearchAttributes, startFerretDb } from '../infra/launch';
import { createWorker } from '../worker/run';
// The fixtures the review and trigger tests seed with: areas through the catalog's save, facts as the complaint activity writes them.
import { type FactSpec, PARIS, areaDefinition, dayOf, seedArea, writeFacts } from '../test/helpers/review-fixtures';

const OUT = path.resolve(__dirname, '../test/histories');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** One scenario runs once and yields one workflow run per file it records (names without .json, in the same order). */
interface Scenario {
  files: readonly string[];
  run: () => Promise<WorkflowHandle[]>;
}

/** Polls (in wall-clock time: the test server's clock only moves on env.sleep) until `fn` answers. */
async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `count` resolved complaints of an area in one ISO week (spread over its days), the first `met` with their first response met. */
function weekFacts(areaId: string, week: string, count: number, met: number, cause: (i: number) => string | null = () => null): FactSpec[] {
  const first = periodBounds(week, 'week').first;
  return Array.from({ length: count }, (_, i) => ({ id: `c_${areaId}_${week}_${String(i).padStart(2, '0')}`, areaId, day: addDays(first, i % 7), firstResponseMet: i < met, csat: 4, cause: cause(i) }));
}

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
    rmSync(dir, { recursive: true, force: true });
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

    // The test environment's own client lets the server skip time while it waits for a result, up to the next timer
    // anywhere (a ten-year run timeout, if nothing else is pending): the newer scenarios wait with a plain client.
    const client = new Client({ connection: env.connection, namespace: config.temporal.namespace });
    const sleepUntil = async (at: number) => env.sleep(at - (await env.currentTimeMs()));
    /**
     * An NPS campaign through the service the API uses (stored, contacts saved, workflow started), in its own service
     * area; instants are offsets from the test server's clock. Customers 1 and 2 have an email address, 3 none.
     */
    const startSurvey = async (name: string, at: { startsAt: number; remindAt: number; endsAt: number }) => {
      const areaId = `rec-${name}`;
      await seedArea(models, areaId, areaDefinition({ name: 'Survey area', match: { categories: [areaId] } }));
      const { definition } = await createSurveyDefinitionService({ models }).create(olivia, { title: 'Would you recommend us', content: { kind: 'nps' } }, name);
      const customers = [1, 2, 3].map((i) => `rec-${name}-c${i}`);
      const t0 = await env.currentTimeMs();
      const { campaign } = await createSurveyCampaignService({ client, models, config }).create(
        olivia,
        {
          surveyId: definition.surveyId,
          title: 'Recorded NPS',
          areaId,
          startsAt: t0 + at.startsAt,
          remindAt: t0 + at.remindAt,
          endsAt: t0 + at.endsAt,
          audience: { source: 'list', customers: customers.map((customerId, i) => ({ customerId, ...(i < 2 ? { email: `${customerId}@example.test` } : {}) })) },
        },
        name,
      );
      const h = client.workflow.getHandle(surveyCampaignWorkflowId(campaign.campaignId));
      return { h, id: campaign.campaignId, customers, t0 };
    };
    /** A customer's complete NPS answer, through the response service (as their invitation link's route does), at the server's time. */
    const answerNps = async (campaignId: string, customerId: string, score: number) => {
      await createSurveyResponseService({ models }).respond(invitationIdFor(campaignId, customerId), customerId, { answers: { kind: 'nps', score }, complete: true }, `rec-${customerId}`, await env.currentTimeMs());
    };
    // Scenarios that need the clock to move come first: after the review and quality-loop scenarios (children started
    // by children, signals between workflows) the test server stopped skipping time with nothing pending, and env.sleep
    // waited forever (a leaked time-skipping lock, as in temporalio/sdk-java#1618). Those two never sleep.
    const scenarios: Scenario[] = [
      // Intake, ack, waiting on the customer, warnings and a breach, transfer, resolve, reopen, auto-close.
      {
        files: ['complaint-full-lifecycle'],
        run: async () => {
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
          return [h];
        },
      },
      // A P1 left alone: the whole escalation ladder, then a supervisor cancels it.
      {
        files: ['complaint-escalation-cancel'],
        run: async () => {
          const h = await startComplaint('complaint-escalation-cancel', 'network', 'P1');
          await env.sleep(10 * HOUR);
          await h.executeUpdate(complaintUpdates.cancel, { args: [{ actor: sam, command: { type: 'cancel', reason: 'withdrawn' } }] });
          await h.result();
          return [h];
        },
      },
      // The customer acts on their own complaint (customerActor): replies, rates low with a reason code after the
      // resolution, then confirms it. Recorded under the 'customer-feedback-rules' patch (its marker is in the history).
      {
        files: ['complaint-customer-feedback'],
        run: async () => {
          const h = await startComplaint('complaint-customer-feedback', 'billing', 'P2');
          const customer = customerActor('cust-1');
          await h.executeUpdate(complaintUpdates.acknowledge, { args: [{ actor: alice, command: { type: 'acknowledge' } }] });
          await h.executeUpdate(complaintUpdates.customer_replied, { args: [{ actor: customer, command: { type: 'customer_replied', message: 'still charged twice' } }] });
          await h.executeUpdate(complaintUpdates.resolve, { args: [{ actor: alice, command: { type: 'resolve', summary: 'second charge refunded' } }] });
          await h.executeUpdate(complaintUpdates.record_csat, { args: [{ actor: customer, command: { type: 'record_csat', rating: 1, reasons: ['not_resolved'], comment: 'took too long' } }] });
          await h.executeUpdate(complaintUpdates.close, { args: [{ actor: customer, command: { type: 'close' } }] });
          const final = await h.result();
          assert.equal(final.status, 'closed');
          assert.deepEqual({ rating: final.csat?.rating, reasons: final.csat?.reasons, recordedBy: final.csat?.recordedBy }, { rating: 1, reasons: ['not_resolved'], recordedBy: 'cust-1' });
          return [h];
        },
      },
      // PDCA: plan approved, an action chased to the sponsor, measurements, check, standardize, effectiveness held.
      {
        files: ['cycle-pdca-standardized'],
        run: async () => {
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
          return [h];
        },
      },
      // DMAIC through every gate, then monitoring: a regression signal opens a linked PDCA; two clean periods sustain it.
      {
        files: ['cycle-dmaic-sustained'],
        run: async () => {
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
          return [h];
        },
      },
      // A DMAIC bound to first-response attainment (as in test/workflow/cycle-bound.test.ts): baseline weeks from the data,
      // every gate, the pilot week measured at its end in Improve, then Control monitoring where the next week regresses
      // below the lower limit and opens the linked PDCA (bound too); one more week measured by both, then both abandoned.
      {
        files: ['cycle-bound-dmaic-regression', 'cycle-bound-pdca-linked'],
        run: async () => {
          const areaId = 'rec-bound-billing';
          await seedArea(models, areaId, areaDefinition({ match: { categories: ['rec-bound'] } }));
          const binding: BoundMetric = { kpi: 'first_response_attainment', areaId, filter: null, period: 'week', timeZone: PARIS };
          // Noon on the next Monday in Paris: the weeks below are whole ISO weeks.
          let day = addDays(dayInZone(await env.currentTimeMs(), PARIS), 1);
          while (periodBounds(periodOf(day, 'week'), 'week').first !== day) day = addDays(day, 1);
          const start = startOfLocalDay(day, PARIS) + 12 * HOUR;
          const w0 = periodOf(day, 'week');
          const w1 = nextPeriodKey(w0, 'week');
          const w2 = nextPeriodKey(w1, 'week');
          const before2 = periodOf(addDays(day, -14), 'week');
          const before1 = nextPeriodKey(before2, 'week');
          await writeFacts(models, [
            ...weekFacts(areaId, before2, 20, 14),
            ...weekFacts(areaId, before1, 20, 15),
            ...weekFacts(areaId, w0, 20, 19), // the pilot week: the change works
            ...weekFacts(areaId, w1, 20, 10), // the regression
            ...weekFacts(areaId, w2, 20, 19),
          ]);
          const measuredThrough = (h: WorkflowHandle, week: string) => until(`${week} measured`, async () => ((await h.query(getCycleQuery)).measuredThrough === week ? true : null));
          await sleepUntil(start);

          // What a trigger would hand over: the baseline weeks measured from the data.
          const baseline = await createAnalyticsService({ models }).kpiSeries({ kpi: 'first_response_attainment', areaId, filter: null, period: 'week', from: periodBounds(before2, 'week').first, to: periodBounds(before1, 'week').last });
          const now = await env.currentTimeMs();
          const intake: CycleIntake = {
            cycleId: 'rec-cycle-bound-dmaic-regression',
            type: 'dmaic',
            title: 'Answer billing complaints on time',
            problemStatement: 'A quarter of billing complaints miss the first-response target.',
            area: areaId,
            ownerId: olivia.id,
            sponsorId: simon.id,
            team: [alice.id],
            goal: { metric: 'first-response attainment', unit: 'share', direction: 'higher_is_better', metricType: 'proportion', baseline: 0.72, target: 0.9, deadline: now + 120 * DAY },
            evidence: { complaintIds: [], complaintCategory: 'billing', spcSignal: null },
            settings: { ...DEFAULT_CYCLE_SETTINGS, approvers: [simon.id], control: { periodDays: 7, sustainPeriods: 4, openPdcaOnSignal: true } },
            createdBy: olivia,
            receivedAt: now,
            binding,
            baselineMeasurements: baseline.points.map((p) => ({ period: p.period, value: p.value!, sampleSize: p.n!, at: periodEndsAt(p.period, 'week', PARIS) })),
          };
          const h = await client.workflow.start(CYCLE_WORKFLOW, { taskQueue: config.temporal.taskQueue, workflowId: cycleWorkflowId(intake.cycleId), args: [{ intake }] });
          const pass = async () => {
            await cycleAct(h, olivia, { type: 'submit_gate' });
            await cycleAct(h, simon, { type: 'sign_gate', decision: 'approve', comment: 'approved' });
          };
          await cycleAct(h, olivia, {
            type: 'update_charter',
            charter: {
              problem: 'Billing complaints miss their first-response target',
              businessCase: 'Repeat contacts and churn',
              scopeIn: ['billing'],
              scopeOut: [],
              ctqs: [{ name: 'first response on time', measure: 'share met', specification: '>= 90 %' }],
              sipoc: [{ supplier: 'customers', input: 'complaints', process: 'first response', output: 'answers', customer: 'customers' }],
              milestones: [{ phase: 'control', due: now + 60 * DAY }],
            },
          });
          await pass();
          await cycleAct(h, alice, { type: 'set_data_collection_plan', items: [{ metric: 'first-response attainment', operationalDefinition: 'met / decided first-response clocks per ISO week', source: 'KPI store', sampleSize: 20, frequency: 'weekly' }] });
          await cycleAct(h, alice, { type: 'set_baseline' });
          await pass();
          await cycleAct(h, alice, { type: 'set_defect_categories', categories: [{ category: 'no triage', count: 8 }, { category: 'holidays', count: 3 }] });
          await cycleAct(h, alice, { type: 'add_fishbone_cause', category: 'method', cause: 'no triage rota' });
          await cycleAct(h, alice, { type: 'add_root_cause', cause: 'no triage rota' });
          await cycleAct(h, alice, { type: 'verify_root_cause', rootCauseId: (await h.query(getCycleQuery)).artefacts.rootCauses[0]!.id, evidence: 'missed clocks cluster on mornings' });
          await pass();
          await cycleAct(h, alice, { type: 'add_solution', description: 'daily triage rota' });
          await cycleAct(h, alice, { type: 'add_fmea_row', failureMode: 'rota gap', effect: 'late answer', cause: 'sick leave', severity: 5, occurrence: 3, detection: 2 });

          await sleepUntil(periodEndsAt(w0, 'week', PARIS) + MEASURE_GRACE_MS + MIN);
          await measuredThrough(h, w0);
          await cycleAct(h, alice, { type: 'set_pilot_data' });
          await pass();
          await cycleAct(h, olivia, { type: 'set_control_plan', metric: 'weekly first-response attainment', improvedData: [0.95, 0.93, 0.96, 0.94, 0.95, 0.92, 0.96, 0.94], reactionPlan: 'Restore the triage rota within a day', processOwnerId: alice.id });
          await pass();
          assert.equal((await h.query(getCycleQuery)).status, 'monitoring');

          await sleepUntil(periodEndsAt(w1, 'week', PARIS) + MEASURE_GRACE_MS + MIN);
          const state = await until('the linked PDCA started', async () => {
            const s: CycleState = await h.query(getCycleQuery);
            return s.linkedCycles[0]?.started ? s : null;
          });
          assert.deepEqual(state.monitoring!.signals.map((x) => x.rules), [[1]]);
          const linked = client.workflow.getHandle(cycleWorkflowId(state.linkedCycles[0]!.cycleId));

          await sleepUntil(periodEndsAt(w2, 'week', PARIS) + MEASURE_GRACE_MS + MIN);
          await measuredThrough(h, w2);
          await measuredThrough(linked, w2);
          await cycleAct(h, olivia, { type: 'abandon', reason: 'recording over' });
          await cycleAct(linked, alice, { type: 'abandon', reason: 'recording over' });
          await Promise.all([h.result(), linked.result()]);
          return [h, linked];
        },
      },
      // An NPS campaign of three customers (one without an email address) through its whole timeline: it opens at its
      // start (invitations, emails), one customer completes before the reminder, the reminder goes out once (to the
      // customer with an email and no complete response), and it closes at endsAt by its timer and computes the results.
      {
        files: ['survey-campaign-remind-close'],
        run: async () => {
          const { h, id, customers, t0 } = await startSurvey('survey-campaign-remind-close', { startsAt: HOUR, remindAt: 2 * DAY, endsAt: 4 * DAY });
          await sleepUntil(t0 + HOUR + MIN);
          await until('the campaign opened', async () => (await models.SurveyInvitation.countDocuments({ campaignId: id })) === 3 && (await h.query(getCampaignQuery)).phase === 'open');
          await answerNps(id, customers[0]!, 9);
          await sleepUntil(t0 + 2 * DAY + MIN);
          await until('the reminder sent', async () => (await h.query(getCampaignQuery)).phase === 'reminded');
          await sleepUntil(t0 + 4 * DAY + MIN);
          const progress: CampaignProgress = await h.result();
          assert.deepEqual(
            { phase: progress.phase, invited: progress.invited, reminded: progress.reminded, closedAt: progress.closedAt, closedBy: progress.closedBy },
            { phase: 'computed', invited: 3, reminded: 1, closedAt: t0 + 4 * DAY, closedBy: { id: 'system', role: 'system' } },
          );
          return [h];
        },
      },
      // The same campaign closed early: opened at its start, one complete response, then a process owner sends the
      // `close` update before the reminder (its timer cancelled, no reminder) and it answers once the results are computed.
      {
        files: ['survey-campaign-closed-early'],
        run: async () => {
          const { h, id, customers, t0 } = await startSurvey('survey-campaign-closed-early', { startsAt: HOUR, remindAt: 5 * DAY, endsAt: 10 * DAY });
          await sleepUntil(t0 + HOUR + MIN);
          await until('the campaign opened', async () => (await h.query(getCampaignQuery)).phase === 'open');
          await answerNps(id, customers[0]!, 4);
          const closed = await createSurveyCampaignService({ client, models, config }).close(id, olivia);
          assert.equal(closed.status, 'closed');
          const progress: CampaignProgress = await h.result();
          assert.equal(progress.phase, 'computed');
          assert.equal(progress.reminded, 0);
          assert.deepEqual(progress.closedBy, olivia);
          assert.ok(progress.closedAt! < t0 + 10 * DAY);
          return [h];
        },
      },
      // A Temporal Schedule's run of the review schedule starts the review of the ended month (a child it abandons);
      // that review gets decisions, an action that starts a PDCA, a submission, a rejection, a resubmission and every
      // reviewer's approval, and ends signed.
      {
        files: ['review-schedule-starts-review', 'review-signed-with-cycle'],
        run: async () => {
          const areaId = 'rec-review-billing';
          const now0 = await env.currentTimeMs();
          const period = lastEndedPeriod(dayInZone(now0, PARIS), 'monthly');
          // The area existed during the period: its review is due.
          await seedArea(models, areaId, areaDefinition({ match: { categories: ['rec-review'] } }), new Date(now0 - 400 * DAY));
          await writeFacts(
            models,
            Array.from({ length: 8 }, (_, i) => ({ id: `c_${areaId}_${i}`, areaId, day: dayOf(period, 2 + 3 * i), firstResponseMet: i % 3 !== 0, csat: 2 + (i % 4), cause: i < 5 ? 'double-charge' : 'tariff-unclear' })),
          );
          const reviewId = reviewIdOf(areaId, period.key);
          const schedule = await client.workflow.start(REVIEW_SCHEDULE_WORKFLOW, { taskQueue: config.temporal.taskQueue, workflowId: 'rec-review-schedule', args: [] });
          const planned = (await schedule.result()) as ReviewScheduleResult;
          // (Other areas of the recording that existed during the period get theirs too.)
          assert.ok(planned.started.includes(reviewId), `the schedule started ${reviewId}: ${JSON.stringify(planned)}`);

          // Through the service the API uses: it completes the commands (the reviewers at submission) as a request would.
          const reviews = createReviewService({ client, models, config });
          const review = client.workflow.getHandle(reviewWorkflowId(reviewId));
          const at = await env.currentTimeMs();
          await reviews.act(reviewId, olivia, { type: 'record_decision', text: 'Double charges first: they are most of the causes.' });
          await reviews.act(reviewId, olivia, {
            type: 'add_action',
            title: 'Stop double charges at the source',
            assigneeId: olivia.id,
            dueAt: at + 30 * DAY,
            openCycle: { type: 'pdca', title: 'Halve double charges', problemStatement: `Double charges lead the causes of ${period.key}.`, sponsorId: simon.id, goal: { metric: 'double charges per week', unit: 'complaints', direction: 'lower_is_better', metricType: 'continuous', baseline: 4, target: 2, deadline: at + 90 * DAY } },
          });
          const cycleId = await until('the action cycle started', async () => (await review.query(getReviewQuery)).actions.find((a) => a.cycle?.started)?.cycle?.cycleId);
          await reviews.act(reviewId, olivia, { type: 'sign', decision: 'approve', comment: 'Chaired the review.' });
          await reviews.act(reviewId, sam, { type: 'sign', decision: 'reject', comment: 'Not yet.', reasons: ['no decision on CSAT'] });
          await reviews.act(reviewId, sam, { type: 'record_decision', text: 'CSAT: watch it next month.' });
          await reviews.act(reviewId, olivia, { type: 'sign', decision: 'approve', comment: 'Resubmitted.' });
          await reviews.act(reviewId, simon, { type: 'sign', decision: 'approve', comment: 'Agreed.' });
          await reviews.act(reviewId, sam, { type: 'sign', decision: 'approve', comment: 'Agreed.' });
          // The PDCA the action opened has timers of its own: closed so it stays out of later scenarios.
          await cycleAct(client.workflow.getHandle(cycleWorkflowId(cycleId)), olivia, { type: 'abandon', reason: 'recording over' });
          assert.equal((await review.result()).status, 'signed');
          return [schedule, review];
        },
      },
      // One run of the quality loop that takes all three ways: an SPC trigger's new signal is added to the cycle it
      // opened a week earlier, a threshold trigger's signal cannot be sent (its cycle's workflow ended without the read
      // model knowing: the run reports it as failed), and a Pareto trigger opens a DMAIC bound to the dominating cause.
      // Data and triggers as in test/integration/triggers.test.ts.
      {
        files: ['quality-loop-opens-and-signals-cycles'],
        run: async () => {
          const areaId = 'rec-loop-billing';
          const now0 = await env.currentTimeMs();
          const weeks = completedPeriods('week', PARIS, now0, 12).periods;
          const nextWeek = completedPeriods('week', PARIS, now0 + 7 * DAY, 1).periods[0]!;
          // First responses met of 20 a week (a shift in the last week), and double charges among the causes.
          const met = [18, 19, 17, 18, 18, 19, 17, 18, 18, 18, 19, 8];
          const doubleCharge = [5, 4, 6, 5, 5, 4, 6, 5, 5, 11, 12, 13];
          const causes = (n: number) => (i: number) => (i < n ? 'double-charge' : i % 2 === 0 ? 'tariff-unclear' : 'invoice-missing');
          await seedArea(models, areaId, areaDefinition({ name: 'Billing support', match: { categories: ['rec-loop'] } }), new Date(now0 - 400 * DAY));
          for (const [i, week] of weeks.entries()) await writeFacts(models, weekFacts(areaId, week, 20, met[i]!, causes(doubleCharge[i]!)));

          const trigger = (def: Pick<TriggerDefinition, 'name' | 'kpi' | 'lookbackPeriods' | 'condition' | 'action'>): TriggerDefinition => ({ areaId, enabled: true, filter: null, period: 'week', ...def });
          const action = { cycleType: 'pdca', sponsorId: simon.id, deadlineDays: 60 } as const;
          await saveTriggerVersion(models, 'rec-spc', 0, trigger({ name: 'First response out of control', kpi: 'first_response_attainment', lookbackPeriods: 12, condition: { type: 'spc', baselinePeriods: 8 }, action }), 'olivia');
          await saveTriggerVersion(models, 'rec-threshold', 0, trigger({ name: 'First response below objective', kpi: 'first_response_attainment', lookbackPeriods: 4, condition: { type: 'threshold', periods: 1 }, action }), 'olivia');
          const runLoop = async (workflowId: string, input: QualityLoopInput) => {
            const h = await client.workflow.start(QUALITY_LOOP_WORKFLOW, { taskQueue: config.temporal.taskQueue, workflowId, args: [input] });
            return { h, result: (await h.result()) as QualityLoopResult };
          };
          const spcCycle = triggerCycleId('rec-spc', 'all', 1);
          const thresholdCycle = triggerCycleId('rec-threshold', 'all', 1);
          const first = await runLoop('rec-quality-loop-1', { asOf: now0 });
          assert.deepEqual(first.result, { evaluated: 2, opened: [spcCycle, thresholdCycle], evidenceAdded: [], failed: [] });
          for (const id of [spcCycle, thresholdCycle]) await until(`${id} stored`, async () => (await models.Cycle.findById(id).lean())?.version);
          await client.workflow.getHandle(cycleWorkflowId(thresholdCycle)).terminate('recording: a cycle that ended without its read model knowing');

          // A week later: the next week worse still, and a Pareto trigger on the causes.
          await writeFacts(models, weekFacts(areaId, nextWeek, 20, 6, causes(12)));
          await saveTriggerVersion(
            models,
            'rec-pareto',
            0,
            trigger({ name: 'Billing causes', kpi: 'complaint_volume', lookbackPeriods: 12, condition: { type: 'pareto', by: 'cause', share: 0.5, periods: 3, minComplaints: 5 }, action: { cycleType: 'dmaic', sponsorId: simon.id, approvers: [simon.id, sam.id], deadlineDays: 90 } }),
            'olivia',
          );
          const paretoCycle = triggerCycleId('rec-pareto', 'cause=double-charge', 1);
          const second = await runLoop('rec-quality-loop-2', { asOf: now0 + 7 * DAY });
          assert.deepEqual(
            { ...second.result, failed: second.result.failed.map((f) => f.cycleId) },
            { evaluated: 3, opened: [paretoCycle], evidenceAdded: [spcCycle], failed: [thresholdCycle] },
          );
          // The opened cycles are bound (weekly timers): closed so they stay out of later scenarios.
          for (const id of [spcCycle, paretoCycle]) {
            await until(`${id} stored`, async () => (await models.Cycle.findById(id).lean())?.version);
            await cycleAct(client.workflow.getHandle(cycleWorkflowId(id)), olivia, { type: 'abandon', reason: 'recording over' });
          }
          return [second.h];
        },
      },
    ];
    // No arguments: the scenarios with a file missing, writing only the missing files. Arguments: those files, re-recorded.
    const named = process.argv.slice(2);
    const unknown = named.filter((n) => !scenarios.some((s) => s.files.includes(n)));
    if (unknown.length > 0) throw new Error(`no scenario records ${unknown.join(', ')}; known: ${scenarios.flatMap((s) => s.files).join(', ')}`);
    const fileOf = (name: string) => path.join(OUT, `${name}.json`);
    const toWrite = (name: string) => named.includes(name) || (named.length === 0 && !existsSync(fileOf(name)));
    if (!scenarios.some((s) => s.files.some(toWrite))) console.log('every recording exists: nothing to record (name files to re-record them)');
    for (const scenario of scenarios) {
      if (!scenario.files.some(toWrite)) continue;
      const handles = await scenario.run();
      for (const [i, name] of scenario.files.entries()) {
        if (!toWrite(name)) continue;
        const history = await handles[i]!.fetchHistory();
        // Temporal's canonical JSON history format (the same as `temporal workflow show -o json`).
        writeFileSync(fileOf(name), historyToJSON(history));
        console.log(`recorded ${name}: ${history.events?.length} events`);
      }
    }
  });
  await models.connection.dropDatabase();
  await models.connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
