/**
 * Reads the Prometheus text exposition format (version 0.0.4) as scraped over HTTP, for tests of
 * the API's and the worker's /metrics. Generic on purpose: no metric of ours is known here.
 */

export interface Sample {
  /** The sample's own name (`x_bucket`, `x_sum`, `x_count` for histograms). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** `# TYPE` of each metric family. */
  types: Record<string, string>;
  /** `# HELP` of each metric family. */
  help: Record<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/y;

function unescapeLabel(v: string): string {
  return v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** Go's ParseFloat, which Prometheus uses, takes NaN and Inf in any case (prom-client writes `Nan`). */
function parseValue(v: string): number {
  if (/^\+?inf$/i.test(v)) return Infinity;
  if (/^-inf$/i.test(v)) return -Infinity;
  if (/^nan$/i.test(v)) return NaN;
  const n = Number(v);
  if (Number.isNaN(n)) throw new Error(`not a sample value: ${v}`);
  return n;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex;
    const m = LABEL.exec(text);
    if (!m || LABEL.lastIndex === start) throw new Error(`malformed labels in: ${line}`);
    labels[m[1]!] = unescapeLabel(m[2]!);
  }
  return labels;
}

/** Parses a whole scrape; throws on a line that is neither a comment nor a sample. */
export function parseExposition(text: string): Exposition {
  const out: Exposition = { samples: [], types: {}, help: {} };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (m) (m[1] === 'TYPE' ? out.types : out.help)[m[2]!] = m[3]!;
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    out.samples.push({ name: m[1]!, labels: m[2] ? parseLabels(m[2], line) : {}, value: parseValue(m[3]!) });
  }
  return out;
}

/** The samples named `name` whose labels include every label in `match`. */
export function samplesOf(exposition: Exposition, name: string, match: Record<string, string> = {}): Sample[] {
  return exposition.samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

/** The value of the one sample named `name` matching `match`; undefined when there is none; throws when several match. */
export function sampleValue(exposition: Exposition, name: string, match: Record<string, string> = {}): number | undefined {
  const found = samplesOf(exposition, name, match);
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(match)}`);
  return found[0]?.value;
}

/** GETs a /metrics URL and parses it (status and content type checked by the caller through `res`). */
export async function scrape(url: string, headers: Record<string, string> = {}): Promise<{ status: number; contentType: string; text: string; exposition: Exposition | null }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  return { status: res.status, contentType, text, exposition: res.ok && contentType.startsWith('text/plain') ? parseExposition(text) : null };
}
