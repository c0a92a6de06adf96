/**
 * Service areas (a versioned catalog, like SLA policies) and service volume
 * (the denominator of complaint rates, one figure per area and day). Use
 * cases only: they report refusals as DomainError codes with field paths,
 * which src/api maps to statuses.
 */
import type { Role } from '../domain/actors';
import { type AreaMatchInput, type ServiceAreaDefinition, type ServiceAreaRef, areaRef, selectArea } from '../domain/service-area';
import { DomainError, ErrorCode } from '../domain/errors';
import { scopeOf } from '../domain/permissions';
import { areaVersions, intakeCatalog, latestAreas, latestCalendars, saveAreaVersion } from '../db/catalog';
import { type Models, type ServiceVolumeDoc, insertIfAbsent } from '../db/models';

type FieldError = { path: string; message: string };

/**
 * The area a new complaint belongs to, frozen into its intake with the time
 * zone its calendar has now; null when no area matches.
 */
export async function areaAtIntake(models: Models, input: AreaMatchInput): Promise<ServiceAreaRef | null> {
  const { areas, calendars } = await intakeCatalog(models);
  const area = selectArea(areas, input);
  if (!area) return null;
  // The area routes refuse an unknown calendar, and calendars are never deleted.
  return areaRef(area, calendars.get(area.calendarId)?.timeZone ?? 'UTC');
}

export interface VolumeRow {
  day: string;
  volume: number;
}

export interface VolumeView extends VolumeRow {
  areaId: string;
  updatedAt: string;
  updatedBy: string;
}

const volumeId = (areaId: string, day: string) => `${areaId}|${day}`;
const toVolumeView = (d: ServiceVolumeDoc): VolumeView => ({ areaId: d.areaId, day: d.day, volume: d.volume, updatedAt: d.updatedAt.toISOString(), updatedBy: d.updatedBy });

/** Inserts per request: bounded, so a 10-year import is a handful of round trips. */
const WRITE_BATCH = 500;
const UPDATE_CONCURRENCY = 8;

export function createServiceAreaService({ models }: { models: Models }) {
  async function versions(areaId: string) {
    const found = await areaVersions(models, areaId);
    if (found.length === 0) throw new DomainError(ErrorCode.NOT_FOUND, `service area ${areaId} does not exist`);
    return found;
  }

  async function get(areaId: string, version?: number) {
    const all = await versions(areaId);
    const found = version === undefined ? all[0] : all.find((v) => v.version === version);
    if (!found) throw new DomainError(ErrorCode.NOT_FOUND, `service area ${areaId} version ${version} does not exist`);
    return found;
  }

  /** What the catalog refers to must exist: the calendar, the process owner, the reviewers (who must be able to sign reviews). */
  async function checkReferences(def: ServiceAreaDefinition): Promise<void> {
    if (!(await latestCalendars(models)).has(def.calendarId)) {
      throw new DomainError(ErrorCode.INVALID_DEFINITION, `calendar ${def.calendarId} does not exist`, { errors: [{ path: 'body.calendarId', message: 'unknown calendar' }] });
    }
    const ids = [...new Set([def.processOwnerId, ...def.review.reviewerIds])];
    const users = new Map((await models.User.find({ _id: { $in: ids } }, { role: 1, disabledAt: 1 }).lean()).map((u) => [u._id, u]));
    const unknown: FieldError[] = [];
    const cannot: FieldError[] = [];
    const check = (id: string, path: string, may: (role: Role) => boolean, what: string) => {
      const user = users.get(id);
      if (!user) unknown.push({ path, message: `unknown user ${id}` });
      else if (user.disabledAt || !may(user.role as Role)) cannot.push({ path, message: `user ${id} (role ${user.role}${user.disabledAt ? ', disabled' : ''}) cannot ${what}` });
    };
    check(def.processOwnerId, 'body.processOwnerId', (r) => r === 'process_owner' || r === 'admin', 'own a process (process_owner or admin)');
    def.review.reviewerIds.forEach((id, i) => check(id, `body.review.reviewerIds.${i}`, (r) => scopeOf(r, 'review.act') !== null, 'sign quality reviews'));
    if (unknown.length > 0) throw new DomainError(ErrorCode.UNKNOWN_USER, 'the request refers to a user that does not exist', { errors: unknown });
    if (cannot.length > 0) throw new DomainError(ErrorCode.USER_CANNOT_ACT, 'the request names a user who cannot play that part', { errors: cannot });
  }

  /** Saves version `expectedVersion + 1` (0 creates the area); VersionConflictError when someone saved first. */
  async function save(areaId: string, expectedVersion: number, def: ServiceAreaDefinition, by: string) {
    await checkReferences(def);
    return saveAreaVersion(models, areaId, expectedVersion, def, by);
  }

  /** Sets the volume of one day (a new value replaces the old; the same value writes nothing). */
  async function putVolume(areaId: string, row: VolumeRow, by: string): Promise<VolumeView> {
    await versions(areaId);
    const current = await models.ServiceVolume.findById(volumeId(areaId, row.day)).lean();
    if (current && current.volume === row.volume) return toVolumeView(current);
    const updatedAt = new Date();
    await writeVolumes(areaId, current ? [] : [row], current ? [row] : [], updatedAt, by);
    return { areaId, ...row, updatedAt: updatedAt.toISOString(), updatedBy: by };
  }

  /**
   * Keyed writes only: inserts for new days, updates by `_id` for changed
   * ones (FerretDB answers an upsert that creates with a collection scan,
   * see insertIfAbsent). When another request inserted one of a batch's days
   * in between, the batch is written again as updates, so the last writer's
   * figure stands, as with a replace.
   */
  async function writeVolumes(areaId: string, added: readonly VolumeRow[], changed: readonly VolumeRow[], updatedAt: Date, by: string): Promise<void> {
    const fields = (r: VolumeRow) => ({ volume: r.volume, updatedAt, updatedBy: by });
    const updates = [...changed];
    for (let i = 0; i < added.length; i += WRITE_BATCH) {
      const batch = added.slice(i, i + WRITE_BATCH);
      const { inserted } = await insertIfAbsent(models.ServiceVolume, batch.map((r) => ({ _id: volumeId(areaId, r.day), areaId, day: r.day, ...fields(r) })));
      if (inserted < batch.length) updates.push(...batch);
    }
    // One keyed update per day, a few at a time: on the embedded FerretDB a bulk update of 50 statements stalled for minutes (45 went through).
    for (let i = 0; i < updates.length; i += UPDATE_CONCURRENCY) {
      await Promise.all(updates.slice(i, i + UPDATE_CONCURRENCY).map((r) => models.ServiceVolume.updateOne({ _id: volumeId(areaId, r.day) }, { $set: fields(r) })));
    }
  }

  /**
   * Sets the volume of many days at once, all or nothing as far as input goes:
   * every row is checked before anything is written. Only the days whose
   * figure is new or different are written (keyed by `${areaId}|${day}`), so a
   * retried import writes nothing, and one cut off midway writes what is missing.
   */
  async function importVolume(areaId: string, rows: readonly VolumeRow[], by: string): Promise<{ rows: number; written: number; unchanged: number }> {
    const firstRowOf = new Map<string, number>();
    const duplicates: FieldError[] = [];
    rows.forEach((r, i) => {
      const first = firstRowOf.get(r.day);
      if (first === undefined) firstRowOf.set(r.day, i);
      else duplicates.push({ path: `body.rows.${i}.day`, message: `${r.day} is already given in row ${first}` });
    });
    if (duplicates.length > 0) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'a day appears more than once in the file', { errors: duplicates });
    await versions(areaId);

    // One equality query on the area: its volumes are a few thousand small documents at most.
    const stored = new Map((await models.ServiceVolume.find({ areaId }, { day: 1, volume: 1 }).lean()).map((d) => [d.day, d.volume]));
    const added = rows.filter((r) => !stored.has(r.day));
    const changed = rows.filter((r) => stored.has(r.day) && stored.get(r.day) !== r.volume);
    await writeVolumes(areaId, added, changed, new Date(), by);
    const written = added.length + changed.length;
    return { rows: rows.length, written, unchanged: rows.length - written };
  }

  /** The recorded days of [from, to], in order (days without a figure are absent). */
  async function listVolume(areaId: string, from: string, to: string) {
    const area = (await versions(areaId))[0]!;
    const docs = await models.ServiceVolume.find({ areaId, day: { $gte: from, $lte: to } }).sort({ day: 1 }).lean();
    return { areaId, unit: area.volumeUnit, from, to, items: docs.map(toVolumeView) };
  }

  return { list: () => latestAreas(models), get, create: (areaId: string, def: ServiceAreaDefinition, by: string) => save(areaId, 0, def, by), update: save, putVolume, importVolume, listVolume };
}

export type ServiceAreaService = ReturnType<typeof createServiceAreaService>;
