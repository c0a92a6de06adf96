/**
 * Replays recorded histories (test/histories, made by `npm run record-histories`)
 * against the current workflow code: a change that would break running
 * complaints (non-determinism) fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { quietRuntime, requireEnv } from '../helpers/stack';

const DIR = path.resolve(__dirname, '../histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('replay of recorded histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(files.filter((f) => f.startsWith('cycle-')).length).toBeGreaterThanOrEqual(2);
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
