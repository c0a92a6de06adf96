/** The pure tallies behind the API's gauges (src/services/metrics-figures.ts): what counts as at risk, breached, overdue, failed. */
import { type BacklogRow, tallyBacklog, tallyCycles, tallyOutbox, webhookTarget } from '../../src/services/metrics-figures';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const at = (offsetMs: number) => new Date(NOW + offsetMs);
const row = (over: Partial<BacklogRow> = {}): BacklogRow => ({ queue: 'general', severity: 'P2', breached: false, atRiskFrom: null, nextDueAt: null, ...over });

describe('complaint backlog tally', () => {
  it('given open rows, when tallied, then each queue and severity counts its open, at-risk and breached complaints, a breach not also at risk', () => {
    const groups = tallyBacklog(
      [
        row(),
        row({ atRiskFrom: at(-1000), nextDueAt: at(60_000) }), // past its warning threshold: at risk
        row({ atRiskFrom: at(1000), nextDueAt: at(60_000) }), // warning still ahead
        row({ breached: true, atRiskFrom: at(-5000), nextDueAt: at(60_000) }), // a recorded breach (another clock runs on)
        row({ atRiskFrom: at(-5000), nextDueAt: at(-1) }), // deadline passed, breach not recorded yet
        row({ queue: 'billing', severity: 'P1' }),
      ],
      NOW,
    );
    expect(groups).toEqual([
      { queue: 'general', severity: 'P2', open: 5, atRisk: 1, breached: 2 },
      { queue: 'billing', severity: 'P1', open: 1, atRisk: 0, breached: 0 },
    ]);
  });
});

describe('cycle tally', () => {
  it('given open cycles, when tallied, then overdue counts only those still in their phases past the goal deadline', () => {
    expect(
      tallyCycles(
        [
          { phase: 'plan', status: 'active', deadline: at(-1) },
          { phase: 'plan', status: 'active', deadline: at(1) },
          { phase: 'check', status: 'monitoring', deadline: at(-1) },
        ],
        NOW,
      ),
    ).toEqual([
      { phase: 'plan', open: 2, overdue: 1 },
      { phase: 'check', open: 1, overdue: 0 },
    ]);
  });
});

describe('outbox tally', () => {
  const A = 'https://hooks.example.com/in/secret-token?sig=abc';
  const B = 'http://10.0.0.5:8080/hook';

  it('given a webhook URL with a path and query, when named as a target, then only its host (and port) is kept', () => {
    expect(webhookTarget(A)).toBe('hooks.example.com');
    expect(webhookTarget(B)).toBe('10.0.0.5:8080');
  });

  it('given pending messages, when tallied, then each is pending for every URL still owed, failed there once an attempt was made, and email fails only after an attempt or a refusal', () => {
    const tallies = tallyOutbox(
      [
        { channel: 'webhook', deliveredTo: [], attempts: 0 }, // not tried yet: pending at both
        { channel: 'webhook', deliveredTo: [A], attempts: 2, lastError: 'HTTP 500' }, // A took it, B refused
        { deliveredTo: [], attempts: 1, lastError: 'timeout' }, // no channel: a webhook message from before channels
        { channel: 'email', attempts: 0, lastError: 'QL_SMTP_URL is not set' }, // never attempted: pending only
        { channel: 'email', attempts: 1, lastError: '451 try later' },
        { channel: 'email', attempts: 1, lastError: '550 no such mailbox', gaveUpAt: at(-1) },
      ],
      [A, B],
    );
    expect(tallies).toEqual([
      { target: 'hooks.example.com', pending: 2, failed: 1 },
      { target: '10.0.0.5:8080', pending: 3, failed: 2 },
      { target: 'email', pending: 3, failed: 2 },
    ]);
  });

  it('given no pending messages, when tallied, then every configured webhook host still has its zero series', () => {
    expect(tallyOutbox([], [A, B])).toEqual([
      { target: 'hooks.example.com', pending: 0, failed: 0 },
      { target: '10.0.0.5:8080', pending: 0, failed: 0 },
    ]);
  });
});
