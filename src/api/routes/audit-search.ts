/** Audit search and export (issue 4). */
import type { Response } from 'express';
import { EXPORT_FORMATS, type ExportFormat, type StoredAuditEvent, auditEventView, exportFileName } from '../../domain/audit-export';
import type { Logger } from '../../logger';
import { createAuditSearchService } from '../../services/audit-search';
import type { RouteDeps } from '../app';
import { auditEventPage, auditExportQuery, auditSearchQuery } from '../audit-schemas';
import { type RouteSpec, defineRoute } from '../route';
import { problemResponses } from './common';

/** Lines are gathered up to about this many characters per write (fewer, larger chunks). */
const CHUNK_CHARS = 64 * 1024;

/** The client went away: nothing to report to it, stop reading the database. */
class ClientGone extends Error {}

/** Writes `chunk`, waiting for 'drain' when the socket buffer is full (backpressure). */
async function write(res: Response, chunk: string): Promise<void> {
  if (res.destroyed) throw new ClientGone();
  if (res.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const settle = (gone: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      if (gone) reject(new ClientGone());
      else resolve();
    };
    const onDrain = settle(false);
    const onClose = settle(true);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

interface ExportSource {
  next(): Promise<StoredAuditEvent | null>;
  close(): Promise<void>;
}

/**
 * Streams the export in chunks of about CHUNK_CHARS. Until the first chunk
 * leaves, a failure is still an ordinary problem+json answer. After it, the
 * connection is destroyed, so the client sees a truncated transfer (no final
 * chunk), never a complete-looking partial file.
 */
async function streamExport(res: Response, source: ExportSource, format: ExportFormat, log: Logger): Promise<void> {
  const { header, line } = EXPORT_FORMATS[format];
  let written = 0;
  try {
    let buffer = header;
    for (let doc = await source.next(); doc; doc = await source.next()) {
      buffer += line(auditEventView(doc));
      written += 1;
      if (buffer.length >= CHUNK_CHARS) {
        await write(res, buffer);
        buffer = '';
      }
    }
    if (buffer.length > 0) await write(res, buffer);
    res.end();
  } catch (err) {
    if (err instanceof ClientGone) {
      log.info({ requestId: res.locals.requestId, written }, 'audit export: client disconnected');
    } else if (!res.headersSent) {
      // Nothing sent yet: let the error handler answer, not as an attachment.
      res.removeHeader('content-disposition');
      throw err;
    } else {
      log.error({ err, requestId: res.locals.requestId, written }, 'audit export failed mid-stream; response destroyed');
      res.destroy();
    }
  } finally {
    await source.close().catch((err: unknown) => log.warn({ err }, 'audit export: closing the database cursor failed'));
  }
}

export function auditSearchRoutes(deps: RouteDeps): RouteSpec[] {
  const audit = createAuditSearchService(deps.models);
  return [
    defineRoute({
      method: 'get',
      path: '/audit/events',
      summary: 'Search the audit trail (ordered by business time, then id; keyset-paginated)',
      tag: 'audit',
      permission: 'audit.read',
      query: auditSearchQuery,
      responses: { 200: { description: 'a page of audit events', schema: auditEventPage }, ...problemResponses(400, 401, 403, 503) },
      handler: async ({ query }) => {
        const { limit, cursor, ...filters } = query;
        const page = await audit.search(filters, { limit, cursor });
        return { status: 200, body: { items: page.items.map(auditEventView), nextCursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit/export',
      summary: 'Export every matching audit event as NDJSON or CSV (RFC 4180), streamed in search order',
      tag: 'audit',
      permission: 'audit.read',
      query: auditExportQuery,
      responses: {
        200: { description: 'application/x-ndjson (one event view per line) or text/csv (header row, one event per record)', text: ['application/x-ndjson', 'text/csv'] },
        ...problemResponses(400, 401, 403, 503),
      },
      handler: async ({ query }) => {
        const { format, ...filters } = query;
        return {
          status: 200,
          headers: {
            'content-type': EXPORT_FORMATS[format].contentType,
            'content-disposition': `attachment; filename="${exportFileName(format, new Date())}"`,
            'cache-control': 'no-store',
          },
          stream: (res) => streamExport(res, audit.exportCursor(filters), format, deps.log),
        };
      },
    }),
  ];
}
