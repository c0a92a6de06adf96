/**
 * Audit trail search and export over `audit_events`, in (at, _id) order.
 *
 * Pages use keyset pagination on exactly that pair: a page starts strictly
 * after the last (at, _id) seen, so events recorded between two page requests
 * never shift a page boundary (no skips, no repeats); a new event shows up on
 * a later page when it sorts after the cursor. The export walks the same
 * order through a database cursor, one batch at a time.
 */
import type { Cursor, FilterQuery } from 'mongoose';
import type { AuditEventDoc, Models } from '../db/models';
import type { AuditEntityType } from '../contracts/audit';
import type { Role } from '../domain/actors';
import type { StoredAuditEvent } from '../domain/audit-export';
import { encodeCursor, malformedCursor } from './cursor';

export { AUDIT_ENTITY_TYPES } from '../contracts/audit';

/** What a search or an export matches: every filter given must hold (the API's query schemas parse to this). */
export interface AuditFilters {
  /** `complaint:<id>`, `cycle:<id>` or `review:<id>`. */
  stream?: string;
  entityType?: AuditEntityType;
  entityId?: string;
  /** User id of the actor (`system` for the engine). */
  actor?: string;
  role?: Role | 'system' | 'customer';
  action?: string;
  /** Business time, inclusive. */
  from?: Date;
  /** Business time, exclusive. */
  to?: Date;
}

/** Documents fetched per round trip by the export cursor. */
export const EXPORT_BATCH_SIZE = 500;

const ORDER = { at: 1, _id: 1 } as const;

/**
 * The Mongo filter for parsed filters. Each value is a string or a Date from
 * the validated query, placed under a field name chosen here: a request can
 * only choose values, never operators or fields.
 */
export function auditFilter(f: AuditFilters): FilterQuery<AuditEventDoc> {
  // Equalities at the top level: the embedded store answers those from its indexes and
  // evaluates anything under an operator ($and, ranges) in memory over what they matched.
  const filter: FilterQuery<AuditEventDoc> = {};
  if (f.stream !== undefined) filter.stream = f.stream;
  if (f.entityType !== undefined) filter.entityType = f.entityType;
  if (f.entityId !== undefined) filter.entityId = f.entityId;
  if (f.actor !== undefined) filter['actor.id'] = f.actor;
  if (f.role !== undefined) filter['actor.role'] = f.role;
  if (f.action !== undefined) filter.action = f.action;
  if (f.from !== undefined || f.to !== undefined) {
    filter.at = { ...(f.from !== undefined ? { $gte: f.from } : {}), ...(f.to !== undefined ? { $lt: f.to } : {}) };
  }
  return filter;
}

interface AuditCursor {
  /** `at` of the last event of the page, epoch ms. */
  at: number;
  id: string;
}

// Audit ids are `<stream>:<seq>`: the shared decodeCursor only accepts ids without `:`, so the
// cursor is encoded the shared way and decoded here with the audit id pattern.
const AUDIT_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

function decodeAuditCursor(s: string): AuditCursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { k?: unknown; id?: unknown };
    if (typeof c.k === 'number' && Number.isSafeInteger(c.k) && typeof c.id === 'string' && AUDIT_ID.test(c.id)) return { at: c.k, id: c.id };
  } catch {
    // fall through
  }
  throw malformedCursor();
}

export function createAuditSearchService(models: Pick<Models, 'AuditEvent'>) {
  /** One page of matching events after `cursor`, and the cursor of the next page (null on the last). */
  async function search(f: AuditFilters, page: { limit: number; cursor?: string }): Promise<{ items: StoredAuditEvent[]; nextCursor: string | null }> {
    const filter = auditFilter(f);
    if (page.cursor !== undefined) {
      const c = decodeAuditCursor(page.cursor);
      const at = new Date(c.at);
      const after: FilterQuery<AuditEventDoc> = { $or: [{ at: { $gt: at } }, { at, _id: { $gt: c.id } }] };
      filter.$and = [...(filter.$and ?? []), after];
    }
    // One extra document tells whether another page exists without a count.
    const docs = (await models.AuditEvent.find(filter).sort(ORDER).limit(page.limit + 1).lean()) as unknown as StoredAuditEvent[];
    const items = docs.slice(0, page.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > page.limit && last ? encodeCursor({ k: last.at.getTime(), id: last._id }) : null };
  }

  /** Every matching event in page order, fetched lazily in batches; the caller must close it. */
  function exportCursor(f: AuditFilters): Cursor<StoredAuditEvent> {
    return models.AuditEvent.find(auditFilter(f)).sort(ORDER).lean().batchSize(EXPORT_BATCH_SIZE).cursor() as unknown as Cursor<StoredAuditEvent>;
  }

  return { search, exportCursor };
}

export type AuditSearchService = ReturnType<typeof createAuditSearchService>;
