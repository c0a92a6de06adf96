import {
  type PolicyMatchInput,
  type SlaPolicyDefinition,
  type SlaPolicyVersion,
  policyProblems,
  raisedSeverity,
  selectPolicy,
} from '../../src/domain/sla-policy';
import { policy } from '../helpers/fixtures';

function definition(overrides: Partial<SlaPolicyDefinition> = {}): SlaPolicyDefinition {
  return policy({ name: 'standard', calendarId: 'office', targets: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480 }, ...overrides });
}

function version(policyId: string, match: SlaPolicyDefinition['match']): SlaPolicyVersion {
  return { ...definition({ name: policyId, match }), policyId, version: 1 };
}

const ALL = ['P1', 'P2', 'P3', 'P4'] as SlaPolicyDefinition['match']['severities'];

const generic = version('generic', { severities: ALL });
const phoneOnly = version('phone', { severities: ALL, channels: ['phone'] });
const billingOnly = version('billing', { severities: ALL, categories: ['billing'] });
const billingByPhone = version('billing-phone', { severities: ALL, categories: ['billing'], channels: ['phone'] });
const EVERY_POLICY = [generic, phoneOnly, billingOnly, billingByPhone];

const input = (overrides: Partial<PolicyMatchInput> = {}): PolicyMatchInput => ({
  severity: 'P3',
  category: 'billing',
  channel: 'phone',
  ...overrides,
});

describe('selectPolicy', () => {
  it('given policies of every specificity, when category and channel both match, then the one naming both wins', () => {
    expect(selectPolicy(EVERY_POLICY, input())?.policyId).toBe('billing-phone');
  });

  it('given a category policy and a channel policy that both match, when selecting, then the category policy wins', () => {
    // category scores 2, channel 1: category counts more.
    expect(selectPolicy([phoneOnly, billingOnly, generic], input())?.policyId).toBe('billing');
  });

  it('given only the channel matches a specific policy, when selecting, then the channel policy beats the generic one', () => {
    expect(selectPolicy(EVERY_POLICY, input({ category: 'shipping' }))?.policyId).toBe('phone');
  });

  it('given only the category matches a specific policy, when selecting, then the category policy beats the generic one', () => {
    expect(selectPolicy(EVERY_POLICY, input({ channel: 'email' }))?.policyId).toBe('billing');
  });

  it('given nothing specific matches, when selecting, then the generic policy is chosen', () => {
    expect(selectPolicy(EVERY_POLICY, input({ category: 'shipping', channel: 'email' }))?.policyId).toBe('generic');
  });

  it('given empty category and channel lists, when selecting, then they mean "any" like absent lists', () => {
    const emptyLists = version('empty-lists', { severities: ALL, categories: [], channels: [] });
    expect(selectPolicy([emptyLists], input({ category: 'anything', channel: 'letter' }))?.policyId).toBe('empty-lists');
  });

  it('given two equally specific matches, when selecting in either order, then the lowest policyId wins', () => {
    const b = version('b-policy', { severities: ALL });
    const a = version('a-policy', { severities: ALL });
    expect(selectPolicy([b, a], input())?.policyId).toBe('a-policy');
    expect(selectPolicy([a, b], input())?.policyId).toBe('a-policy');
  });

  it('given a more specific policy for other severities, when selecting, then severity must match first', () => {
    const billingP1 = version('billing-p1', { severities: ['P1'], categories: ['billing'], channels: ['phone'] });
    const genericP3 = version('generic-p3', { severities: ['P3'] });
    expect(selectPolicy([billingP1, genericP3], input({ severity: 'P3' }))?.policyId).toBe('generic-p3');
    expect(selectPolicy([billingP1, genericP3], input({ severity: 'P1' }))?.policyId).toBe('billing-p1');
  });

  it('given no policy lists the severity, when selecting, then the result is null', () => {
    const onlyP1 = version('p1', { severities: ['P1'] });
    expect(selectPolicy([onlyP1], input({ severity: 'P4' }))).toBeNull();
    expect(selectPolicy([], input())).toBeNull();
  });

  it('given policies naming other categories or channels, when selecting, then they are excluded', () => {
    const otherCategory = version('a-other-category', { severities: ALL, categories: ['shipping'] });
    const otherChannel = version('a-other-channel', { severities: ALL, channels: ['email'] });
    expect(selectPolicy([otherCategory, otherChannel], input())).toBeNull();
    expect(selectPolicy([otherCategory, otherChannel, generic], input())?.policyId).toBe('generic');
  });
});

describe('raisedSeverity', () => {
  it.each([
    ['P4', 'P3'],
    ['P3', 'P2'],
    ['P2', 'P1'],
    ['P1', 'P1'],
  ] as const)('given %s, when raised, then it becomes %s', (from, to) => {
    expect(raisedSeverity(from)).toBe(to);
  });
});

describe('policyProblems', () => {
  it('given a valid policy with a full escalation ladder, when checked, then there are no problems', () => {
    const valid = definition({
      escalation: [
        { afterBreachMinutes: 0, action: 'notify_role', role: 'supervisor' },
        { afterBreachMinutes: 60, action: 'raise_severity' },
        { afterBreachMinutes: 60, action: 'reassign_queue', queue: 'level-2' },
      ],
    });
    expect(policyProblems(valid)).toEqual([]);
  });

  it('given equal first-response and resolution targets, when checked, then that is allowed', () => {
    const equal = definition({ targets: { firstResponseMinutes: 240, nextResponseMinutes: 60, resolutionMinutes: 240 } });
    expect(policyProblems(equal)).toEqual([]);
  });

  it('given a first-response target above the resolution target, when checked, then it is reported', () => {
    const bad = definition({ targets: { firstResponseMinutes: 241, nextResponseMinutes: 60, resolutionMinutes: 240 } });
    expect(policyProblems(bad)).toEqual(['targets.firstResponseMinutes must not exceed targets.resolutionMinutes']);
  });

  it('given duplicate warning thresholds, when checked, then it is reported', () => {
    expect(policyProblems(definition({ warningThresholds: [75, 50, 75] }))).toEqual(['warningThresholds must be distinct']);
  });

  it('given escalation steps missing role or queue, when checked, then each step is named', () => {
    const bad = definition({
      escalation: [
        { afterBreachMinutes: 0, action: 'notify_role' },
        { afterBreachMinutes: 30, action: 'reassign_queue' },
      ],
    });
    expect(policyProblems(bad)).toEqual([
      'escalation.0.role is required for notify_role',
      'escalation.1.queue is required for reassign_queue',
    ]);
  });

  it('given a step earlier than the previous one, when checked, then the out-of-order step is reported', () => {
    const bad = definition({
      escalation: [
        { afterBreachMinutes: 60, action: 'raise_severity' },
        { afterBreachMinutes: 30, action: 'notify_role', role: 'admin' },
      ],
    });
    expect(policyProblems(bad)).toEqual(['escalation.1.afterBreachMinutes must not be earlier than the previous step']);
  });

  it('given several problems, when checked, then all are reported at once', () => {
    const bad = definition({
      targets: { firstResponseMinutes: 500, nextResponseMinutes: 60, resolutionMinutes: 480 },
      warningThresholds: [90, 90],
      escalation: [
        { afterBreachMinutes: 120, action: 'reassign_queue' },
        { afterBreachMinutes: 60, action: 'notify_role' },
      ],
    });
    expect(policyProblems(bad)).toEqual([
      'targets.firstResponseMinutes must not exceed targets.resolutionMinutes',
      'warningThresholds must be distinct',
      'escalation.0.queue is required for reassign_queue',
      'escalation.1.role is required for notify_role',
      'escalation.1.afterBreachMinutes must not be earlier than the previous step',
    ]);
  });
});
