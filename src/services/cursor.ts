import { DomainError, ErrorCode } from '../domain/errors';

/** Keyset-pagination cursor: the sort key and id of the last item of a page, base64url JSON. */
export function encodeCursor(c: { k: number; id: string }): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** The refusal of a cursor this service did not hand out (every cursor decoder throws it). */
export function malformedCursor(): DomainError {
  return new DomainError(ErrorCode.VALIDATION_FAILED, 'the cursor is malformed', { errors: [{ path: 'query.cursor', message: 'malformed cursor' }] });
}

export function decodeCursor(s: string): { k: number; id: string } {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { k: unknown; id: unknown };
    if (typeof c.k === 'number' && typeof c.id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(c.id)) return { k: c.k, id: c.id };
  } catch {
    // fall through
  }
  throw malformedCursor();
}
