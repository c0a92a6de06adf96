/**
 * Object-level access rules (src/domain/access.ts) and the permission matrix
 * that hands them out (src/api/permissions.ts), pure: who may see which
 * complaint or cycle, and which scope each role gets for each permission.
 */
import { PERMISSIONS, type Permission, type Resource, describePermission, inScope, scopeOf } from '../../src/api/permissions';
import { type ComplaintAccessView, type CycleAccessView, DEFAULT_QUEUE, type Principal, cycleParticipants, isAssigned } from '../../src/domain/access';
import { ROLES, type Role } from '../../src/domain/actors';

const agent = (id: string, queues: string[] = [DEFAULT_QUEUE]): Principal => ({ id, role: 'agent', queues });
const complaint = (over: Partial<ComplaintAccessView> = {}): ComplaintAccessView => ({ ownerId: null, firstResponderId: null, queue: null, ...over });

function cycle(over: Partial<CycleAccessView> = {}): CycleAccessView {
  return { ownerId: 'olivia', sponsorId: 'simon', team: [], settings: { approvers: ['simon'] }, actions: [], artefacts: {}, ...over };
}

describe('isAssigned (complaints an agent may see and work on)', () => {
  it('given a complaint the user owns, when checked, then it is assigned to them whatever its queue', () => {
    expect(isAssigned(agent('alice', []), complaint({ ownerId: 'alice', firstResponderId: 'bob', queue: 'vip' }))).toBe(true);
  });

  it('given a complaint transferred away from its first responder, when checked, then it stays assigned to the first responder and is assigned to the new owner', () => {
    const transferred = complaint({ ownerId: 'bob', firstResponderId: 'alice' });
    expect(isAssigned(agent('alice', []), transferred)).toBe(true);
    expect(isAssigned(agent('bob', []), transferred)).toBe(true);
    expect(isAssigned(agent('carol'), transferred)).toBe(false);
  });

  it('given an unowned complaint without a queue, when checked, then it sits in the general queue: assigned to users who work it, not to others', () => {
    expect(isAssigned(agent('alice', [DEFAULT_QUEUE]), complaint())).toBe(true);
    expect(isAssigned(agent('alice', ['vip']), complaint())).toBe(false);
    expect(isAssigned(agent('alice', []), complaint())).toBe(false);
  });

  it('given an unowned complaint reassigned to a named queue, when checked, then only users working that queue have it', () => {
    const escalated = complaint({ queue: 'supervisors' });
    expect(isAssigned(agent('alice', [DEFAULT_QUEUE]), escalated)).toBe(false);
    expect(isAssigned(agent('sam', ['supervisors']), escalated)).toBe(true);
    expect(isAssigned(agent('sam', [DEFAULT_QUEUE, 'supervisors']), escalated)).toBe(true);
  });

  it('given an escalated complaint whose first responder is still accountable, when checked, then the first responder keeps it even outside the queue', () => {
    expect(isAssigned(agent('alice', [DEFAULT_QUEUE]), complaint({ queue: 'supervisors', firstResponderId: 'alice' }))).toBe(true);
  });

  it('given a complaint owned by someone else, when checked by a user of its queue, then the queue does not grant it (only unowned complaints wait in queues)', () => {
    expect(isAssigned(agent('alice', [DEFAULT_QUEUE]), complaint({ ownerId: 'bob', firstResponderId: 'bob' }))).toBe(false);
    expect(isAssigned(agent('alice', [DEFAULT_QUEUE]), complaint({ ownerId: 'bob', queue: DEFAULT_QUEUE }))).toBe(false);
  });
});

describe('cycleParticipants (everyone with a part in a cycle)', () => {
  it('given a cycle with owner, sponsor, team, approvers, action assignees and a control-plan owner, when listed, then each appears once, sorted', () => {
    const c = cycle({
      ownerId: 'olivia',
      sponsorId: 'simon',
      team: ['bob', 'alice', 'simon'],
      settings: { approvers: ['simon', 'sam'] },
      actions: [{ assigneeId: 'alice' }, { assigneeId: 'dora' }],
      artefacts: { controlPlan: { processOwnerId: 'paula' } },
    });
    expect(cycleParticipants(c)).toEqual(['alice', 'bob', 'dora', 'olivia', 'paula', 'sam', 'simon']);
  });

  it('given a fresh cycle without a control plan, when listed, then only owner, sponsor and approvers take part', () => {
    expect(cycleParticipants(cycle({ artefacts: { controlPlan: null } }))).toEqual(['olivia', 'simon']);
    expect(cycleParticipants(cycle())).toEqual(['olivia', 'simon']);
  });
});

describe('scopeOf (the permission matrix)', () => {
  const table: [Permission, Partial<Record<Role, string>>][] = [
    ['complaint.create', { intake: 'all', agent: 'all', supervisor: 'all' }],
    ['complaint.read', { agent: 'assigned', supervisor: 'all', admin: 'all', auditor: 'all' }],
    ['complaint.act', { agent: 'assigned', supervisor: 'all' }],
    ['complaint.cancel', { supervisor: 'all' }],
    ['cycle.create', { process_owner: 'all', admin: 'all' }],
    ['cycle.read', { process_owner: 'involved', sponsor: 'involved', supervisor: 'involved', agent: 'involved', admin: 'all', auditor: 'all' }],
    ['cycle.act', { process_owner: 'involved', sponsor: 'involved', supervisor: 'involved', agent: 'involved' }],
    ['catalog.read', { agent: 'all', supervisor: 'all', admin: 'all', auditor: 'all' }],
    ['catalog.write', { supervisor: 'all', admin: 'all' }],
    ['audit.read', { auditor: 'all', admin: 'all' }],
    ['admin.manage', { admin: 'all' }],
    ['area.read', { agent: 'all', supervisor: 'all', process_owner: 'all', sponsor: 'all', admin: 'all', auditor: 'all' }],
    ['area.write', { admin: 'all' }],
    ['volume.write', { supervisor: 'all', process_owner: 'all', admin: 'all' }],
    ['analytics.read', { agent: 'assigned', supervisor: 'all', process_owner: 'all', sponsor: 'all', admin: 'all', auditor: 'all' }],
    ['trigger.read', { supervisor: 'all', process_owner: 'all', sponsor: 'all', admin: 'all', auditor: 'all' }],
    ['trigger.write', { process_owner: 'all', admin: 'all' }],
    ['review.read', { supervisor: 'all', process_owner: 'all', sponsor: 'all', admin: 'all', auditor: 'all' }],
    ['review.act', { supervisor: 'all', process_owner: 'all', sponsor: 'all' }],
    // Issue 12: customers' links and contacts, follow-ups, surveys (results for the roles the issue names).
    ['customer.link', { agent: 'assigned', supervisor: 'all' }],
    ['customer.manage', { admin: 'all' }],
    ['followup.read', { supervisor: 'all', admin: 'all', auditor: 'all' }],
    ['followup.act', { supervisor: 'all' }],
    ['survey.read', { process_owner: 'all', sponsor: 'all', supervisor: 'all', admin: 'all', auditor: 'all' }],
    ['survey.write', { process_owner: 'all', admin: 'all' }],
  ];

  it('given the matrix, when every permission is listed, then the table below covers each exactly once', () => {
    expect(table.map(([p]) => p).sort()).toEqual(Object.keys(PERMISSIONS).sort());
  });

  it.each(table)('given %s, when asked for every role, then the roles named have their scope and every other role has none', (permission, expected) => {
    const scopes = Object.fromEntries(ROLES.map((role) => [role, scopeOf(role, permission)]));
    expect(scopes).toEqual(Object.fromEntries(ROLES.map((role) => [role, expected[role] ?? null])));
  });

  it('given the roles that only read (auditor) or only register (intake), when asked for any write or read permission, then they have exactly that', () => {
    const held = (role: Role) => (Object.keys(PERMISSIONS) as Permission[]).filter((p) => scopeOf(role, p) !== null).sort();
    expect(held('auditor')).toEqual(['analytics.read', 'area.read', 'audit.read', 'catalog.read', 'complaint.read', 'cycle.read', 'followup.read', 'review.read', 'survey.read', 'trigger.read']);
    expect(held('intake')).toEqual(['complaint.create']);
  });

  it('given the OpenAPI wording, when a permission is described, then scoped roles carry their scope', () => {
    expect(describePermission('complaint.act')).toBe('Permission complaint.act: agent (assigned), supervisor');
  });
});

describe('inScope (a scope applied to one object)', () => {
  const alice = agent('alice');
  const mine: Resource = { kind: 'complaint', view: complaint({ ownerId: 'alice', firstResponderId: 'alice' }) };
  const bobs: Resource = { kind: 'complaint', view: complaint({ ownerId: 'bob', firstResponderId: 'bob' }) };
  const involving: Resource = { kind: 'cycle', view: cycle({ team: ['alice'] }) };
  const outside: Resource = { kind: 'cycle', view: cycle() };

  it('given scope all, when any object is checked, then it is covered', () => {
    for (const r of [mine, bobs, involving, outside]) expect(inScope(alice, 'all', r)).toBe(true);
  });

  it('given scope assigned, when complaints are checked, then it follows isAssigned', () => {
    expect(inScope(alice, 'assigned', mine)).toBe(true);
    expect(inScope(alice, 'assigned', bobs)).toBe(false);
    expect(inScope(alice, 'assigned', { kind: 'complaint', view: complaint() })).toBe(true);
  });

  it('given scope involved, when cycles are checked, then it follows cycleParticipants', () => {
    expect(inScope(alice, 'involved', involving)).toBe(true);
    expect(inScope(alice, 'involved', outside)).toBe(false);
    expect(inScope({ id: 'simon', role: 'sponsor', queues: [] }, 'involved', outside)).toBe(true);
  });

  it('given a scope meant for the other kind of object, when checked, then it covers nothing (no accidental grant across kinds)', () => {
    // A user id that would match either rule, so only the kind decides.
    const olivia: Principal = { id: 'olivia', role: 'process_owner', queues: [DEFAULT_QUEUE] };
    expect(inScope(olivia, 'assigned', { kind: 'cycle', view: cycle() })).toBe(false);
    expect(inScope(olivia, 'involved', { kind: 'complaint', view: complaint({ ownerId: 'olivia' }) })).toBe(false);
  });
});
