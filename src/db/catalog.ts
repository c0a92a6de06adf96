/**
 * SLA policies and business calendars: versioned configuration. A change
 * never rewrites a version; it inserts version n+1, and the unique
 * (id, version) index makes two concurrent editors collide instead of both
 * "winning". Complaints keep the version they started with (frozen into the
 * workflow at intake).
 */
import type { BusinessCalendar } from '../domain/calendar';
import { DomainError, ErrorCode } from '../domain/errors';
import type { SlaPolicyDefinition, SlaPolicyVersion } from '../domain/sla-policy';
import type { Model } from 'mongoose';
import type { ServiceAreaDefinition, ServiceAreaVersion } from '../domain/service-area';
import type { TriggerDefinition, TriggerVersion } from '../domain/trigger';
import type { CalendarDoc, ImprovementTriggerDoc, Models, ServiceAreaDoc, SlaPolicyDoc } from './models';
import { isDuplicateKeyError } from './models';

/** Someone saved a newer version first: the caller must reload and retry. */
export class VersionConflictError extends DomainError {
  override name = 'VersionConflictError';
  constructor(message: string) {
    super(ErrorCode.VERSION_CONFLICT, message);
  }
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
    // Versions saved before the setting have no field: they never asked.
    askNps: doc.askNps ?? false,
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
  return (await latestOf(models.SlaPolicy, 'policyId')).map(toPolicy);
}

export async function latestCalendars(models: Models): Promise<Map<string, ReturnType<typeof toCalendar>>> {
  return new Map((await latestOf(models.Calendar, 'calendarId')).map((d) => [d.calendarId, toCalendar(d)]));
}

export async function policyVersions(models: Models, policyId: string) {
  return (await versionsOf(models.SlaPolicy, 'policyId', policyId)).map(toPolicy);
}

export async function calendarVersions(models: Models, calendarId: string) {
  return (await versionsOf(models.Calendar, 'calendarId', calendarId)).map(toCalendar);
}

/**
 * Inserts version `expectedVersion + 1` of a versioned document. `expectedVersion`
 * is the version the editor saw (0 for a new id); anything else already stored
 * means someone else saved first. `kind` names the thing in conflict messages;
 * `key` is the field holding its id (`_id` is `${id}@${version}`).
 */
async function saveVersion<D extends { version: number }>(
  model: Model<D>,
  kind: string,
  key: string,
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
  intakeSnapshots.delete(model.db);
  return doc as unknown as D;
}

/**
 * What intake reads on every new complaint (the latest areas and calendars),
 * kept for a few seconds per connection: at intake rates it was two reads of
 * every version per request. A save in this process drops it at once; other
 * API processes see a change within INTAKE_SNAPSHOT_MS (like a revoked key,
 * docs/security.md). A complaint keeps the area version it saw.
 */
export const INTAKE_SNAPSHOT_MS = 5_000;
const intakeSnapshots = new WeakMap<object, { at: number; value: Promise<{ areas: ReturnType<typeof toArea>[]; calendars: Map<string, ReturnType<typeof toCalendar>> }> }>();

export function intakeCatalog(models: Models, now = Date.now()) {
  const cached = intakeSnapshots.get(models.connection);
  if (cached && now - cached.at < INTAKE_SNAPSHOT_MS) return cached.value;
  const value = Promise.all([latestAreas(models), latestCalendars(models)]).then(([areas, calendars]) => ({ areas, calendars }));
  intakeSnapshots.set(models.connection, { at: now, value });
  // A failed read is not kept: the next intake tries again.
  value.catch(() => intakeSnapshots.delete(models.connection));
  return value;
}

/** The latest version of every id of a versioned collection, in id order. */
async function latestOf<D extends { version: number }>(model: Model<D>, key: keyof D & string): Promise<D[]> {
  const docs = await model.find({}).lean<D[]>();
  return latestBy(docs, (d) => String(d[key]), (d) => d.version).sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

/** Every version of one id, newest first. */
async function versionsOf<D extends { version: number }>(model: Model<D>, key: keyof D & string, id: string): Promise<D[]> {
  return model.find({ [key]: id } as never).sort({ version: -1 }).lean<D[]>();
}

export async function savePolicyVersion(models: Models, policyId: string, expectedVersion: number, def: SlaPolicyDefinition, createdBy: string) {
  return toPolicy(await saveVersion(models.SlaPolicy, 'policy', 'policyId', policyId, expectedVersion, def, createdBy));
}

export async function saveCalendarVersion(models: Models, calendarId: string, expectedVersion: number, def: CalendarDefinition, createdBy: string) {
  return toCalendar(await saveVersion(models.Calendar, 'calendar', 'calendarId', calendarId, expectedVersion, def, createdBy));
}

export function toArea(doc: ServiceAreaDoc): ServiceAreaVersion & { createdAt: Date; createdBy: string } {
  return {
    areaId: doc.areaId,
    version: doc.version,
    name: doc.name,
    match: doc.match as ServiceAreaVersion['match'],
    processOwnerId: doc.processOwnerId,
    calendarId: doc.calendarId,
    volumeUnit: doc.volumeUnit,
    causes: doc.causes as ServiceAreaVersion['causes'],
    objectives: doc.objectives as ServiceAreaVersion['objectives'],
    review: doc.review as ServiceAreaVersion['review'],
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
  };
}

/** The latest version of every service area, in areaId order. */
export async function latestAreas(models: Models): Promise<ReturnType<typeof toArea>[]> {
  return (await latestOf(models.ServiceArea, 'areaId')).map(toArea);
}

/** Every version of a service area, newest first (empty when it does not exist). */
export async function areaVersions(models: Models, areaId: string): Promise<ReturnType<typeof toArea>[]> {
  return (await versionsOf(models.ServiceArea, 'areaId', areaId)).map(toArea);
}

export async function saveAreaVersion(models: Models, areaId: string, expectedVersion: number, def: ServiceAreaDefinition, createdBy: string) {
  return toArea(await saveVersion(models.ServiceArea, 'service area', 'areaId', areaId, expectedVersion, def, createdBy));
}

// ------------------------------------------------------------ improvement triggers

/** A stored trigger version: the area is a top-level field (queried by equality), the rest of the definition as stored. */
export function toTrigger(doc: ImprovementTriggerDoc): TriggerVersion & { createdAt: Date; createdBy: string } {
  const { areaId: _areaId, ...definition } = doc.definition as TriggerDefinition;
  return { triggerId: doc.triggerId, version: doc.version, ...definition, areaId: doc.areaId, createdAt: doc.createdAt, createdBy: doc.createdBy };
}

/** The latest version of every improvement trigger, in triggerId order. */
export async function latestTriggers(models: Models): Promise<ReturnType<typeof toTrigger>[]> {
  return (await latestOf(models.ImprovementTrigger, 'triggerId')).map(toTrigger);
}

/** Every version of a trigger, newest first (empty when it does not exist). */
export async function triggerVersions(models: Models, triggerId: string): Promise<ReturnType<typeof toTrigger>[]> {
  return (await versionsOf(models.ImprovementTrigger, 'triggerId', triggerId)).map(toTrigger);
}

export async function saveTriggerVersion(models: Models, triggerId: string, expectedVersion: number, def: TriggerDefinition, createdBy: string) {
  const { areaId, ...definition } = def;
  return toTrigger(await saveVersion(models.ImprovementTrigger, 'trigger', 'triggerId', triggerId, expectedVersion, { areaId, definition }, createdBy));
}
