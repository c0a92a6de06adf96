/**
 * A strict reader for `text/csv` request bodies (RFC 4180): a header row
 * naming the columns, then one record per line, fields separated by commas,
 * a field either unquoted (no comma, quote, CR or LF) or quoted with inner
 * quotes doubled. Lines end with CRLF or LF; a UTF-8 byte order mark and
 * blank lines at the very end are ignored (spreadsheets write both).
 *
 * Hand-written rather than a dependency: no CSV parser is installed, the
 * format is small, and strictness is the point (a stray quote is an error
 * naming its row, never a silently merged field). Each record becomes an
 * object keyed by the header's column names, so the route's zod schema
 * validates `rows.<n>.<column>` like any JSON body field.
 */

export interface CsvTable {
  rows: Record<string, string>[];
}

export type CsvResult = { ok: true; value: CsvTable } | { ok: false; path: (string | number)[]; message: string };

/** Splits text into records of raw fields; on a problem, `record` is the 0-based index of the record it is in (0 = the header). */
function records(text: string): { ok: true; records: string[][] } | { ok: false; record: number; message: string } {
  const out: string[][] = [];
  let record: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) return { ok: false, record: out.length, message: 'a quoted field is not closed' };
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        field += text[i];
        i += 1;
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        return { ok: false, record: out.length, message: 'a quoted field must be followed by a comma or the end of the line' };
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        if (text[i] === '"') return { ok: false, record: out.length, message: 'a quote inside an unquoted field (quote the whole field and double inner quotes)' };
        field += text[i];
        i += 1;
      }
    }
    record.push(field);
    if (i >= text.length) {
      out.push(record);
      return { ok: true, records: out };
    }
    if (text[i] === ',') {
      i += 1;
      continue;
    }
    // End of line: CRLF or LF; a bare CR is not a line ending.
    if (text[i] === '\r') {
      if (text[i + 1] !== '\n') return { ok: false, record: out.length, message: 'a carriage return without a line feed' };
      i += 1;
    }
    i += 1;
    out.push(record);
    record = [];
    if (i >= text.length) return { ok: true, records: out };
  }
}

/** Parses a CSV body into `{ rows }`, or says what is wrong and where (`rows.<n>` for a record, [] for the file or header). */
export function parseCsvTable(body: string): CsvResult {
  const text = body.startsWith('\uFEFF') ? body.slice(1) : body;
  if (text.trim() === '') return { ok: false, path: [], message: 'the CSV body is empty: send a header row, then one row per record' };
  const parsed = records(text);
  if (!parsed.ok) return { ok: false, path: parsed.record === 0 ? [] : ['rows', parsed.record - 1], message: parsed.message };
  const all = parsed.records;
  while (all.length > 1 && all[all.length - 1]!.length === 1 && all[all.length - 1]![0] === '') all.pop();
  const [header, ...data] = all as [string[], ...string[][]];
  if (header.some((name) => name === '')) return { ok: false, path: [], message: 'the header row has an empty column name' };
  if (new Set(header).size !== header.length) return { ok: false, path: [], message: 'the header row names a column twice' };
  const rows: Record<string, string>[] = [];
  for (const [n, fields] of data.entries()) {
    if (fields.length !== header.length) {
      return { ok: false, path: ['rows', n], message: `row ${n} has ${fields.length} field(s); the header has ${header.length} (${header.join(',')})` };
    }
    // fromEntries defines own properties: a column named __proto__ is just an unknown field.
    rows.push(Object.fromEntries(header.map((name, k) => [name, fields[k]!])));
  }
  return { ok: true, value: { rows } };
}
