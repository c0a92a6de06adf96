/**
 * The audit trail's external shape: the API view of a stored audit event and
 * its NDJSON and CSV (RFC 4180) encodings. Pure, so the exact bytes of an
 * export are unit-tested without a database.
 *
 * `before`, `after` and `details` leave exactly as stored (no ISO rewriting of
 * epoch-ms fields): an auditor recomputes each event's hash from them (see
 * audit-chain.ts), so the export must not alter what was hashed.
 */

/** An audit event as a lean read returns it. */
export interface StoredAuditEvent {
  _id: string;
  stream: string;
  seq: number;
  entityType: string;
  entityId: string;
  action: string;
  actor: { id: string; role: string };
  at: Date;
  before?: unknown;
  after?: unknown;
  details?: unknown;
  prevHash?: string | null;
  hash?: string | null;
  recordedAt?: Date | null;
}

export interface AuditEventView {
  id: string;
  stream: string;
  seq: number;
  entityType: string;
  entityId: string;
  action: string;
  actor: { id: string; role: string };
  at: string;
  before: unknown;
  after: unknown;
  details: unknown;
  prevHash: string | null;
  hash: string | null;
  recordedAt: string | null;
}

/** A stored event that cannot be represented faithfully (e.g. an instant that is not a date). */
export class MalformedAuditEventError extends Error {
  constructor(id: unknown, field: string) {
    super(`audit event ${String(id)}: ${field} is not a valid date`);
    this.name = 'MalformedAuditEventError';
  }
}

function isoOf(value: unknown, id: unknown, field: string): string {
  // Refuse rather than guess: a silently rewritten instant would make the export disagree with the hash.
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new MalformedAuditEventError(id, field);
  return value.toISOString();
}

/** The API's view of a stored event. Missing optional fields get the defaults the hash uses (null, `{}`). */
export function auditEventView(doc: StoredAuditEvent): AuditEventView {
  return {
    id: doc._id,
    stream: doc.stream,
    seq: doc.seq,
    entityType: doc.entityType,
    entityId: doc.entityId,
    action: doc.action,
    actor: { id: doc.actor.id, role: doc.actor.role },
    at: isoOf(doc.at, doc._id, 'at'),
    before: doc.before ?? null,
    after: doc.after ?? null,
    details: doc.details ?? {},
    prevHash: doc.prevHash ?? null,
    hash: doc.hash ?? null,
    recordedAt: doc.recordedAt === undefined || doc.recordedAt === null ? null : isoOf(doc.recordedAt, doc._id, 'recordedAt'),
  };
}

/** One NDJSON line (JSON escapes CR/LF inside strings, so one event is always one line). */
export function ndjsonLine(view: AuditEventView): string {
  return `${JSON.stringify(view)}\n`;
}

export const CSV_COLUMNS = ['id', 'stream', 'seq', 'at', 'entityType', 'entityId', 'action', 'actorId', 'actorRole', 'prevHash', 'hash', 'recordedAt', 'before', 'after', 'details'] as const;

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One RFC 4180 field: quoted only when it holds a comma, a double quote, CR or
 * LF, with inner quotes doubled. null/undefined is the empty field.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record terminated by CRLF (RFC 4180). */
export function csvRecord(fields: readonly (string | number | null | undefined)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export const CSV_HEADER = csvRecord(CSV_COLUMNS);

/** JSON columns are compact JSON (`null` stays the text `null`, distinct from an empty scalar field). */
const jsonColumn = (value: unknown) => JSON.stringify(value === undefined ? null : value);

/** One event as a CSV record, columns in CSV_COLUMNS order. */
export function csvLine(view: AuditEventView): string {
  return csvRecord([
    view.id,
    view.stream,
    view.seq,
    view.at,
    view.entityType,
    view.entityId,
    view.action,
    view.actor.id,
    view.actor.role,
    view.prevHash,
    view.hash,
    view.recordedAt,
    jsonColumn(view.before),
    jsonColumn(view.after),
    jsonColumn(view.details),
  ]);
}

export const EXPORT_FORMATS = {
  ndjson: { contentType: 'application/x-ndjson', extension: 'ndjson', header: '', line: ndjsonLine },
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv', header: CSV_HEADER, line: csvLine },
} as const;

export type ExportFormat = keyof typeof EXPORT_FORMATS;

/** `audit-20250102T030405Z.csv`: a file name safe on every OS (no colons). */
export function exportFileName(format: ExportFormat, now: Date): string {
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return `audit-${stamp}.${EXPORT_FORMATS[format].extension}`;
}
