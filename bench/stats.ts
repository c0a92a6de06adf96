/** Small numeric and formatting helpers for the benchmark report. */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank: the smallest value with at least p% of the sample at or below it.
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** Renders rows of [label, value] as an aligned two-column block under a heading. */
export function section(title: string, rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length), 10);
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  return [`\n== ${title} ${'='.repeat(Math.max(3, 74 - title.length))}`, ...lines].join('\n');
}

/** Renders a table with a header row; columns are right-aligned except the first. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
