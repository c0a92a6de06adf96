/**
 * SLA policies and business calendars: versioned configuration. A change
 * never rewrites a version; it inserts version n+1, and the unique
 * (id, version) index makes two concurrent editors collide instead of both
 * "winning". Complaints keep the version they started with (frozen into the
 * workflow at intake).
 */
import type { BusinessCalendar } from '../domain/calendar';
import type { SlaPolicyDefinition, SlaPolicyVersion } from '../domain/sla-policy';
import type { Model } from 'mongoose';
import type { CalendarDoc, Models, SlaPolicyDoc } from './models';
import { isDuplicateKeyError } from './models';

export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
}

export type CalendarDefinition = Omit<BusinessCalendar, 'id' | 'version'>;

export function toPolicy(doc: SlaPolicyDoc): SlaPolicyVersion & { createdAt: Date; createdBy: string } {
  return {
    policyId: doc.policyId,
    version: doc.version,
    name: doc.name,
    match: doc.match,
    targets: doc.targets,
    calendarId: doc.calendarId,
    pauseOnAwaitingCustomer: doc.pauseOnAwaitingCustomer,
    warningThresholds: doc.warningThresholds,
    escalation: doc.escalation,
    reopenWindowMinutes: doc.reopenWindowMinutes,
    confirmationWindowMinutes: doc.confirmationWindowMinutes,
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
  };
}

export function toCalendar(doc: CalendarDoc): BusinessCalendar & { createdAt: Date; createdBy: string } {
  return {
    id: doc.calendarId,
    version: doc.version,
    name: doc.name,
    timeZone: doc.timeZone,
    weeklyHours: doc.weeklyHours,
    holidays: doc.holidays,
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
  };
}

/** Keeps the highest version per key; input in any order. */
function latestBy<T>(rows: T[], key: (r: T) => string, version: (r: T) => number): T[] {
  const best = new Map<string, T>();
  for (const r of rows) {
    const cur = best.get(key(r));
    if (!cur || version(r) > version(cur)) best.set(key(r), r);
  }
  return [...best.values()];
}

export async function latestPolicies(models: Models): Promise<ReturnType<typeof toPolicy>[]> {
  const docs = await models.SlaPolicy.find({}).lean<SlaPolicyDoc[]>();
  return latestBy(docs, (d) => d.policyId, (d) => d.version).map(toPolicy).sort((a, b) => a.policyId.localeCompare(b.policyId));
}

export async function latestCalendars(models: Models): Promise<Map<string, ReturnType<typeof toCalendar>>> {
  const docs = await models.Calendar.find({}).lean<CalendarDoc[]>();
  return new Map(latestBy(docs, (d) => d.calendarId, (d) => d.version).map((d) => [d.calendarId, toCalendar(d)]));
}

export async function policyVersions(models: Models, policyId: string) {
  const docs = await models.SlaPolicy.find({ policyId }).sort({ version: -1 }).lean<SlaPolicyDoc[]>();
  return docs.map(toPolicy);
}

export async function calendarVersions(models: Models, calendarId: string) {
  const docs = await models.Calendar.find({ calendarId }).sort({ version: -1 }).lean<CalendarDoc[]>();
  return docs.map(toCalendar);
}

/**
 * Inserts version `expectedVersion + 1` of a versioned document. `expectedVersion`
 * is the version the editor saw (0 for a new id); anything else already stored
 * means someone else saved first.
 */
async function saveVersion<D extends { version: number }>(
  model: Model<D>,
  kind: 'policy' | 'calendar',
  key: 'policyId' | 'calendarId',
  id: string,
  expectedVersion: number,
  def: object,
  createdBy: string,
): Promise<D> {
  const current = await model.findOne({ [key]: id } as never).sort({ version: -1 }).lean<D>();
  if ((current?.version ?? 0) !== expectedVersion) {
    throw new VersionConflictError(`${kind} ${id} is at version ${current?.version ?? 0}, not ${expectedVersion}`);
  }
  const version = expectedVersion + 1;
  const doc = { _id: `${id}@${version}`, [key]: id, version, ...def, createdAt: new Date(), createdBy };
  try {
    await model.create(doc);
  } catch (err) {
    if (isDuplicateKeyError(err)) throw new VersionConflictError(`${kind} ${id} version ${version} was saved concurrently`);
    throw err;
  }
  return doc as unknown as D;
}

export async function savePolicyVersion(models: Models, policyId: string, expectedVersion: number, def: SlaPolicyDefinition, createdBy: string) {
  return toPolicy(await saveVersion(models.SlaPolicy, 'policy', 'policyId', policyId, expectedVersion, def, createdBy));
}

export async function saveCalendarVersion(models: Models, calendarId: string, expectedVersion: number, def: CalendarDefinition, createdBy: string) {
  return toCalendar(await saveVersion(models.Calendar, 'calendar', 'calendarId', calendarId, expectedVersion, def, createdBy));
}
