/**
 * Schemas of the audit search and export endpoints. Every filter is a bounded
 * string matched against a pattern (or an enum, or a date) before it reaches
 * the service, which builds its Mongo filter from these parsed values only:
 * no request value can carry a query operator.
 */
import { z } from 'zod';
import { ROLES } from '../domain/actors';
import { AUDIT_ENTITY_TYPES, type AuditFilters } from '../services/audit-search';
import { idString } from './schemas';

const isoDate = z.iso.datetime();

/** An instant with an explicit offset (`Z` or `+02:00`), so a bound never depends on the server's time zone. */
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** One record's hash chain: `complaint:<id>`, `cycle:<id>`, `review:<id>` or `user:<id>`. */
export const auditStream = z
  .string()
  .regex(/^((complaint|cycle|user|customer):[A-Za-z0-9_-]{1,64}|(review|follow_up|survey):[A-Za-z0-9_-]{1,100})$/, 'must be <complaint|cycle|user|customer|review|follow_up|survey>:<id>');

const auditFilterFields = {
  stream: auditStream.optional(),
  entityType: z.enum(AUDIT_ENTITY_TYPES).optional(),
  entityId: idString.optional(),
  actor: idString.optional().describe('user id of the actor (`system` for the engine)'),
  role: z.enum([...ROLES, 'system', 'customer']).optional(),
  action: z
    .string()
    .regex(/^[a-z][a-z0-9_.]{0,63}$/, 'must be a lowercase action name (a-z, 0-9, _ or .)')
    .optional(),
  from: instant.optional().describe('business time, inclusive (ISO 8601 with offset)'),
  to: instant.optional().describe('business time, exclusive (ISO 8601 with offset)'),
};

// The service's AuditFilters is what these fields parse to: `satisfies` below checks each type, and this
// checks the names both ways, so a filter parsed here but unknown to the service does not compile.
type ParsedFilters = z.output<z.ZodObject<typeof auditFilterFields>>;
const _sameFilterNames: [keyof ParsedFilters, keyof AuditFilters] extends [keyof AuditFilters, keyof ParsedFilters] ? true : never = true;

/** The range must not be empty: `from` strictly before `to`. */
function checkRange(q: { from?: Date; to?: Date }, ctx: z.RefinementCtx) {
  if (q.from instanceof Date && q.to instanceof Date && q.from.getTime() >= q.to.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
  }
}

export const auditSearchQuery = z
  .strictObject({
    ...auditFilterFields,
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,400}$/, 'malformed cursor')
      .optional()
      .describe('nextCursor of the previous page'),
  })
  .superRefine(checkRange) satisfies z.ZodType<AuditFilters & { limit: number; cursor?: string }>;

export const auditExportQuery = z
  .strictObject({
    format: z.enum(['ndjson', 'csv']).default('ndjson'),
    ...auditFilterFields,
  })
  .superRefine(checkRange) satisfies z.ZodType<AuditFilters & { format: 'ndjson' | 'csv' }>;

export type AuditSearchQuery = z.output<typeof auditSearchQuery>;

export const auditEventView = z.object({
  id: z.string().describe('`<stream>:<seq>`'),
  stream: z.string(),
  seq: z.number(),
  entityType: z.string(),
  entityId: z.string(),
  action: z.string(),
  actor: z.object({ id: z.string(), role: z.string() }),
  at: isoDate.describe('business time of the transition'),
  before: z.unknown().describe('state summary before, as stored'),
  after: z.unknown().describe('state summary after, as stored'),
  details: z.unknown().describe('as stored (hashed as is)'),
  prevHash: z.string().nullable(),
  hash: z.string().nullable(),
  recordedAt: isoDate.nullable().describe('when the store received the event'),
});

export const auditEventPage = z.object({ items: z.array(auditEventView), nextCursor: z.string().nullable() });
