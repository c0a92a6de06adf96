import {
  CSV_COLUMNS,
  CSV_HEADER,
  MalformedAuditEventError,
  type StoredAuditEvent,
  auditEventView,
  csvField,
  csvLine,
  csvRecord,
  exportFileName,
  ndjsonLine,
} from '../../src/domain/audit-export';
import { parseCsv } from '../helpers/csv';

const AT = new Date('2025-03-04T05:06:07.089Z');
const RECORDED = new Date('2025-03-04T05:06:08.000Z');

function stored(overrides: Partial<StoredAuditEvent> = {}): StoredAuditEvent {
  return {
    _id: 'complaint:c_1:2',
    stream: 'complaint:c_1',
    seq: 2,
    entityType: 'complaint',
    entityId: 'c_1',
    action: 'acknowledge',
    actor: { id: 'alice', role: 'agent' },
    at: AT,
    before: { status: 'open', dueAt: 1_700_000_000_000 },
    after: { status: 'acknowledged' },
    details: { note: 'hello' },
    prevHash: 'a'.repeat(64),
    hash: 'b'.repeat(64),
    recordedAt: RECORDED,
    ...overrides,
  };
}

describe('audit event view', () => {
  it('given a stored event, when viewed, then instants are ISO strings and before/after/details are passed as stored (no epoch-ms rewriting)', () => {
    expect(auditEventView(stored())).toEqual({
      id: 'complaint:c_1:2',
      stream: 'complaint:c_1',
      seq: 2,
      entityType: 'complaint',
      entityId: 'c_1',
      action: 'acknowledge',
      actor: { id: 'alice', role: 'agent' },
      at: '2025-03-04T05:06:07.089Z',
      before: { status: 'open', dueAt: 1_700_000_000_000 },
      after: { status: 'acknowledged' },
      details: { note: 'hello' },
      prevHash: 'a'.repeat(64),
      hash: 'b'.repeat(64),
      recordedAt: '2025-03-04T05:06:08.000Z',
    });
  });

  it('given an event without hash fields, before/after or details, when viewed, then they are null (details {}) as the hash treats them', () => {
    const { prevHash: _p, hash: _h, before: _b, after: _a, details: _d, recordedAt: _r, ...bare } = stored();
    expect(auditEventView(bare)).toMatchObject({ prevHash: null, hash: null, before: null, after: null, details: {}, recordedAt: null });
  });

  it('given a stored instant that is not a valid date, when viewed, then it is refused rather than guessed', () => {
    expect(() => auditEventView(stored({ recordedAt: 'yesterday' as unknown as Date }))).toThrow(MalformedAuditEventError);
    expect(() => auditEventView(stored({ at: new Date(Number.NaN) }))).toThrow(/complaint:c_1:2: at is not a valid date/);
  });
});

describe('CSV fields (RFC 4180)', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['line1\nline2', '"line1\nline2"'],
    ['cr\rhere', '"cr\rhere"'],
    ['crlf\r\nhere', '"crlf\r\nhere"'],
    ['ünïcödé ✓ 😀', 'ünïcödé ✓ 😀'],
    ['😀,"x"', '"😀,""x"""'],
    ['', ''],
    [' padded ', ' padded '],
  ])('given %j, when encoded, then it is %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('given null, undefined or a number, when encoded, then null/undefined are the empty field and numbers are their decimal text', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(42)).toBe('42');
    expect(csvField(-1.5)).toBe('-1.5');
  });

  it('given fields, when made a record, then they are comma-joined and end with CRLF', () => {
    expect(csvRecord(['a', 'b,c', null, 3])).toBe('a,"b,c",,3\r\n');
  });

  it('given the header, when written, then it names every column once, in order', () => {
    expect(CSV_HEADER).toBe('id,stream,seq,at,entityType,entityId,action,actorId,actorRole,prevHash,hash,recordedAt,before,after,details\r\n');
    expect(new Set(CSV_COLUMNS).size).toBe(CSV_COLUMNS.length);
  });
});

describe('CSV and NDJSON lines', () => {
  const tricky = stored({
    details: { text: 'comma, "quotes", newline\nand CRLF\r\nend', emoji: '😀', nested: { n: null, list: [1, 'two'] } },
    before: null,
    prevHash: null,
  });

  it('given an event with commas, quotes, newlines, unicode and nulls in its data, when written as CSV, then a parser reads back exactly the same fields', () => {
    const view = auditEventView(tricky);
    const rows = parseCsv(CSV_HEADER + csvLine(view));
    expect(rows).toHaveLength(2);
    const [header, row] = rows as [string[], string[]];
    expect(header).toEqual([...CSV_COLUMNS]);
    const record = Object.fromEntries(header.map((h, i) => [h, row[i]]));
    expect(record).toEqual({
      id: 'complaint:c_1:2',
      stream: 'complaint:c_1',
      seq: '2',
      at: '2025-03-04T05:06:07.089Z',
      entityType: 'complaint',
      entityId: 'c_1',
      action: 'acknowledge',
      actorId: 'alice',
      actorRole: 'agent',
      prevHash: '',
      hash: 'b'.repeat(64),
      recordedAt: '2025-03-04T05:06:08.000Z',
      before: 'null',
      after: '{"status":"acknowledged"}',
      details: JSON.stringify(tricky.details),
    });
    expect(JSON.parse(record.details!)).toEqual(tricky.details);
  });

  it('given the same event, when written as NDJSON, then it is exactly one line that parses back to the view', () => {
    const view = auditEventView(tricky);
    const line = ndjsonLine(view);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\r\n]/);
    expect(JSON.parse(line)).toEqual(view);
  });

  it('given a time, when naming the export file, then it is audit-<UTC stamp>.<ext> without characters file systems refuse', () => {
    expect(exportFileName('ndjson', new Date('2025-01-02T03:04:05.678Z'))).toBe('audit-20250102T030405Z.ndjson');
    expect(exportFileName('csv', new Date('2025-01-02T03:04:05.678Z'))).toBe('audit-20250102T030405Z.csv');
  });
});

describe('the test CSV parser', () => {
  it('given quoted fields with CRLF inside and an empty last field, when parsed, then records split only on unquoted line ends', () => {
    expect(parseCsv('a,"b\r\nc",\r\n"x""y",,z\r\n')).toEqual([
      ['a', 'b\r\nc', ''],
      ['x"y', '', 'z'],
    ]);
  });

  it('given a quote inside an unquoted field or an unterminated quoted field, when parsed, then it is rejected', () => {
    expect(() => parseCsv('a"b\r\n')).toThrow();
    expect(() => parseCsv('"open\r\n')).toThrow();
  });
});
