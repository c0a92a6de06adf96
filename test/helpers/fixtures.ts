/** Calendars and SLA policies used by tests, saved through the same catalog code the API uses. */
import { type CalendarDefinition, saveCalendarVersion, savePolicyVersion } from '../../src/db/catalog';
import type { Models } from '../../src/db/models';
import type { WorkingRange } from '../../src/domain/calendar';
import type { SlaPolicyDefinition } from '../../src/domain/sla-policy';

const nineToFive: WorkingRange[] = [{ start: '09:00', end: '17:00' }];

/** Mon-Fri 09:00-17:00 UTC. */
export const WEEKDAYS_UTC: CalendarDefinition = {
  name: 'weekdays 9-17 UTC',
  timeZone: 'UTC',
  weeklyHours: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] },
  holidays: [],
};

export const ALWAYS: CalendarDefinition = {
  name: '24x7',
  timeZone: 'UTC',
  weeklyHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '24:00' }]])) as CalendarDefinition['weeklyHours'],
  holidays: [],
};

export function policy(overrides: Partial<SlaPolicyDefinition> = {}): SlaPolicyDefinition {
  return {
    name: 'test policy',
    match: { severities: ['P1', 'P2', 'P3', 'P4'] },
    targets: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 48 * 60 },
    calendarId: 'always',
    pauseOnAwaitingCustomer: true,
    warningThresholds: [50, 75, 90],
    escalation: [],
    reopenWindowMinutes: 7 * 24 * 60,
    confirmationWindowMinutes: 3 * 24 * 60,
    ...overrides,
  };
}

export async function seedCatalog(models: Models, policies: Record<string, SlaPolicyDefinition>, calendars: Record<string, CalendarDefinition> = { always: ALWAYS }) {
  for (const [id, def] of Object.entries(calendars)) await saveCalendarVersion(models, id, 0, def, 'test');
  for (const [id, def] of Object.entries(policies)) await savePolicyVersion(models, id, 0, def, 'test');
}
