import { MAX_IMPORT_ROWS, volumeImportBody } from '../../src/api/area-schemas';
import { parseCsvTable } from '../../src/api/csv';
import { fieldErrors } from '../../src/api/problem';

const rowsOf = (text: string) => {
  const r = parseCsvTable(text);
  if (!r.ok) throw new Error(`expected a table, got ${r.message}`);
  return r.value.rows;
};
const problemOf = (text: string) => {
  const r = parseCsvTable(text);
  if (r.ok) throw new Error('expected a problem');
  return { path: r.path, message: r.message };
};

describe('parseCsvTable', () => {
  it('given CRLF or LF lines, with or without a final line break, when parsed, then each record is an object keyed by the header', () => {
    const expected = [
      { day: '2026-01-01', volume: '120' },
      { day: '2026-01-02', volume: '0' },
    ];
    expect(rowsOf('day,volume\r\n2026-01-01,120\r\n2026-01-02,0\r\n')).toEqual(expected);
    expect(rowsOf('day,volume\n2026-01-01,120\n2026-01-02,0')).toEqual(expected);
  });

  it('given a byte order mark and blank lines at the end (as spreadsheets write), when parsed, then both are ignored', () => {
    expect(rowsOf('\uFEFFday,volume\r\n2026-01-01,7\r\n\r\n\r\n')).toEqual([{ day: '2026-01-01', volume: '7' }]);
  });

  it('given quoted fields with commas, doubled quotes and line breaks, when parsed, then they are read whole', () => {
    expect(rowsOf('a,b\r\n"x, y","say ""hi""\nnow"\r\n')).toEqual([{ a: 'x, y', b: 'say "hi"\nnow' }]);
  });

  it('given a row with more or fewer fields than the header, when parsed, then the problem names that row (counted from 0 after the header)', () => {
    expect(problemOf('day,volume\r\n2026-01-01,1\r\n2026-01-02,2,3\r\n')).toEqual({ path: ['rows', 1], message: 'row 1 has 3 field(s); the header has 2 (day,volume)' });
    expect(problemOf('day,volume\r\n2026-01-01\r\n').path).toEqual(['rows', 0]);
    // A blank line in the middle is a record with one empty field.
    expect(problemOf('day,volume\r\n\r\n2026-01-01,1\r\n').path).toEqual(['rows', 0]);
  });

  it('given stray or unclosed quotes and bare carriage returns, when parsed, then each is refused with the row it is in', () => {
    expect(problemOf('day,volume\r\n2026-01-01,1"2\r\n').path).toEqual(['rows', 0]);
    expect(problemOf('day,volume\r\n2026-01-01,"12\r\n').path).toEqual(['rows', 0]);
    expect(problemOf('day,volume\r\n2026-01-01,"1"2\r\n').path).toEqual(['rows', 0]);
    expect(problemOf('day,volume\r2026-01-01,1\r\n').path).toEqual([]);
  });

  it('given an empty body or a header with an empty or repeated column, when parsed, then the file itself is refused', () => {
    expect(problemOf('')).toEqual({ path: [], message: expect.stringMatching(/empty/) });
    expect(problemOf('  \r\n').path).toEqual([]);
    expect(problemOf('day,\r\n2026-01-01,1\r\n').message).toMatch(/empty column name/);
    expect(problemOf('day,day\r\n2026-01-01,1\r\n').message).toMatch(/twice/);
  });

  it('given a column named __proto__, when parsed, then it is an own field of the row and the prototype is untouched', () => {
    const [row] = rowsOf('day,__proto__\r\n2026-01-01,x\r\n');
    expect(Object.hasOwn(row!, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });
});

describe('volumeImportBody (the parsed CSV of a volume import)', () => {
  const check = (text: string) => {
    const r = volumeImportBody.safeParse({ rows: rowsOf(text) });
    return r.success ? { ok: true as const, data: r.data } : { ok: false as const, errors: fieldErrors(r.error) };
  };

  it('given whole numbers on real days, when validated, then volumes become numbers', () => {
    expect(check('day,volume\r\n2024-02-29,2000\r\n2026-01-01,0\r\n')).toEqual({ ok: true, data: { rows: [{ day: '2024-02-29', volume: 2000 }, { day: '2026-01-01', volume: 0 }] } });
  });

  it('given bad cells, when validated, then each is named rows.<n>.<column>', () => {
    const r = check('day,volume\r\n2026-02-30,1\r\n2026-03-01,-4\r\n2026-03-02,1.5\r\n2026-03-03,1e3\r\n2026-03-04, 7\r\n2026-03-05,\r\n');
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.errors.map((e) => e.path)).toEqual(['rows.0.day', 'rows.1.volume', 'rows.2.volume', 'rows.3.volume', 'rows.4.volume', 'rows.5.volume']);
  });

  it('given a missing or an extra column, when validated, then the column is named on the row', () => {
    const missing = check('day\r\n2026-01-01\r\n');
    expect(missing.ok === false && missing.errors.map((e) => e.path)).toEqual(['rows.0.volume']);
    const extra = check('day,volume,note\r\n2026-01-01,1,x\r\n');
    expect(extra.ok === false && extra.errors).toEqual([{ path: 'rows.0.note', message: 'unknown field' }]);
  });

  it(`given a header only, or more than ${MAX_IMPORT_ROWS} rows, when validated, then rows is refused`, () => {
    const none = check('day,volume\r\n');
    expect(none.ok === false && none.errors.map((e) => e.path)).toEqual(['rows']);
    const days = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `${new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10)},1`);
    const tooMany = check(`day,volume\r\n${days.join('\r\n')}\r\n`);
    expect(tooMany.ok === false && tooMany.errors.map((e) => e.path)).toEqual(['rows']);
  });
});
