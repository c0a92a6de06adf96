/**
 * Replays recorded histories (test/histories, made by `npm run record-histories`)
 * against the current workflow code: a change that would break running
 * complaints, cycles, quality-loop runs, reviews or survey campaigns
 * (non-determinism) fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { quietRuntime, requireEnv } from '../helpers/stack';

const DIR = path.resolve(__dirname, '../histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

/** At least one recording of each workflow and of each way it branches (scripts/record-histories.ts); deleting one fails here. */
const EXPECTED = [
  'complaint-full-lifecycle',
  'complaint-escalation-cancel',
  // The customer replies, rates low with a reason code and confirms: recorded under the 'customer-feedback-rules' patch.
  'complaint-customer-feedback',
  'cycle-pdca-standardized',
  'cycle-dmaic-sustained',
  // Bound to a KPI: measured by the measureBoundKpi activity; a Control regression starts the linked PDCA, bound too.
  'cycle-bound-dmaic-regression',
  'cycle-bound-pdca-linked',
  // Trigger decisions acted on: a child cycle started, evidence signalled, a signal to a closed cycle failed.
  'quality-loop-opens-and-signals-cycles',
  'review-schedule-starts-review',
  // Decisions, an action's cycle started, a submission, a rejection, approvals, signed.
  'review-signed-with-cycle',
  // A survey campaign opened at its start, reminded once, closed at endsAt by its timer, results computed.
  'survey-campaign-remind-close',
  // A survey campaign closed early through its `close` update (the reminder timer cancelled), results computed.
  'survey-campaign-closed-early',
];

describe('replay of recorded histories', () => {
  it('given the recordings, when listed, then every expected scenario is there', () => {
    expect(files).toEqual(expect.arrayContaining(EXPECTED.map((name) => `${name}.json`)));
  });

  it.each(files)('given the recorded history %s, when replayed on the current workflow code, then it replays deterministically', async (file) => {
    quietRuntime();
    const history = JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));
    expect(history.events.length).toBeGreaterThan(10);
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: requireEnv('QL_TEST_WORKFLOW_BUNDLE') } }, history, file.replace(/\.json$/, '')),
    ).resolves.toBeUndefined();
  });
});
