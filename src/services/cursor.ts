import { HttpProblem } from '../api/problem';

/** Keyset-pagination cursor: the sort key and id of the last item of a page, base64url JSON. */
export function encodeCursor(c: { k: number; id: string }): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(s: string): { k: number; id: string } {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { k: unknown; id: unknown };
    if (typeof c.k === 'number' && typeof c.id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(c.id)) return { k: c.k, id: c.id };
  } catch {
    // fall through
  }
  throw new HttpProblem(400, 'Bad Request', 'the cursor is malformed', { code: 'VALIDATION_FAILED', errors: [{ path: 'query.cursor', message: 'malformed cursor' }] });
}
