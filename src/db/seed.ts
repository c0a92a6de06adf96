/**
 * Demo data for `npm run dev`: a business calendar, SLA policies for P1-P4,
 * and one user per role with a fixed demo API key and (people only, not the
 * intake integration) the demo password `demo-<id>-password` for the web app.
 * Idempotent: running it again changes nothing. Demo keys are for local use only; production keys
 * are issued with `npm run create-api-key`.
 */
import type { Role } from '../domain/actors';
import type { SlaPolicyDefinition } from '../domain/sla-policy';
import { issueApiKey } from '../services/api-keys';
import { setPasswordsIfAbsent } from '../services/passwords';
import { type CalendarDefinition, latestCalendars, latestPolicies, saveCalendarVersion, savePolicyVersion } from './catalog';
import type { Models } from './models';

export const DEMO_USERS: { id: string; name: string; role: Role; key: string }[] = [
  { id: 'alice', name: 'Alice Agent', role: 'agent', key: 'demo-agent-alice-key' },
  { id: 'bob', name: 'Bob Agent', role: 'agent', key: 'demo-agent-bob-key' },
  { id: 'sam', name: 'Sam Supervisor', role: 'supervisor', key: 'demo-supervisor-sam-key' },
  { id: 'olivia', name: 'Olivia Process Owner', role: 'process_owner', key: 'demo-owner-olivia-key' },
  { id: 'simon', name: 'Simon Sponsor', role: 'sponsor', key: 'demo-sponsor-simon-key' },
  { id: 'ada', name: 'Ada Admin', role: 'admin', key: 'demo-admin-ada-key' },
  { id: 'audrey', name: 'Audrey Auditor', role: 'auditor', key: 'demo-auditor-audrey-key' },
  { id: 'webform', name: 'Web form integration', role: 'intake', key: 'demo-intake-webform-key' },
];

/** The web sign-in password of a demo user (public, like the demo keys: for local use only). */
export const demoPassword = (userId: string) => `demo-${userId}-password`;

/** Demo users who sign in to the web app: every one but the intake integration (keys only). */
export const DEMO_PASSWORDS: { userId: string; password: string }[] = DEMO_USERS.filter((u) => u.role !== 'intake').map((u) => ({ userId: u.id, password: demoPassword(u.id) }));

const weekday = [{ start: '09:00', end: '12:30' }, { start: '13:30', end: '18:00' }];
export const DEMO_CALENDARS: Record<string, CalendarDefinition> = {
  'paris-office': {
    name: 'Paris office (split shift, French public holidays 2026-2027)',
    timeZone: 'Europe/Paris',
    weeklyHours: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: [], sun: [] },
    holidays: ['2026-12-25', '2027-01-01', '2027-04-05', '2027-05-01', '2027-05-08', '2027-05-13', '2027-05-24', '2027-07-14', '2027-08-15', '2027-11-01', '2027-11-11', '2027-12-25'],
  },
  '24x7': {
    name: 'Around the clock',
    timeZone: 'UTC',
    weeklyHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '24:00' }]])) as CalendarDefinition['weeklyHours'],
    holidays: [],
  },
};

const ladder: SlaPolicyDefinition['escalation'] = [
  { afterBreachMinutes: 0, action: 'notify_role', role: 'supervisor' },
  { afterBreachMinutes: 60, action: 'raise_severity' },
  { afterBreachMinutes: 240, action: 'reassign_queue', queue: 'supervisors' },
];

/** What the demo policies share: warnings at 50/75/90 %, the ladder, pause while waiting, 7-day reopen, 3-day confirmation. */
const demoPolicy = (p: Pick<SlaPolicyDefinition, 'name' | 'match' | 'targets' | 'calendarId'>): SlaPolicyDefinition => ({
  pauseOnAwaitingCustomer: true,
  warningThresholds: [50, 75, 90],
  escalation: ladder,
  reopenWindowMinutes: 7 * 24 * 60,
  confirmationWindowMinutes: 3 * 24 * 60,
  ...p,
});

export const DEMO_POLICIES: Record<string, SlaPolicyDefinition> = {
  'critical-24x7': demoPolicy({
    name: 'P1: around the clock',
    match: { severities: ['P1'] },
    targets: { firstResponseMinutes: 15, nextResponseMinutes: 60, resolutionMinutes: 4 * 60 },
    calendarId: '24x7',
  }),
  'standard-business-hours': demoPolicy({
    name: 'P2-P4: business hours',
    match: { severities: ['P2', 'P3', 'P4'] },
    targets: { firstResponseMinutes: 4 * 60, nextResponseMinutes: 8 * 60, resolutionMinutes: 48 * 60 },
    calendarId: 'paris-office',
  }),
  'billing-business-hours': demoPolicy({
    name: 'P2-P3 billing: faster first response',
    match: { severities: ['P2', 'P3'], categories: ['billing'] },
    targets: { firstResponseMinutes: 2 * 60, nextResponseMinutes: 4 * 60, resolutionMinutes: 24 * 60 },
    calendarId: 'paris-office',
  }),
};

export async function seedDemoData(models: Models, pepper: string): Promise<void> {
  const calendars = await latestCalendars(models);
  for (const [id, def] of Object.entries(DEMO_CALENDARS)) {
    if (!calendars.has(id)) await saveCalendarVersion(models, id, 0, def, 'seed');
  }
  const policies = new Set((await latestPolicies(models)).map((p) => p.policyId));
  for (const [id, def] of Object.entries(DEMO_POLICIES)) {
    if (!policies.has(id)) await savePolicyVersion(models, id, 0, def, 'seed');
  }
  for (const u of DEMO_USERS) {
    await models.User.updateOne({ _id: u.id }, { $setOnInsert: { name: u.name, role: u.role, createdAt: new Date() } }, { upsert: true });
    await issueApiKey(models, pepper, u.id, { key: u.key });
  }
  // Only where none is set (a password an admin changed stays); ~15 ms of argon2id per missing one.
  await setPasswordsIfAbsent(models, DEMO_PASSWORDS);
}
