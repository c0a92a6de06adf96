/**
 * Service areas: the parts of the service a quality manager is accountable
 * for ("billing support"), which complaints belong to each, who owns its
 * process, the causes an agent picks from when resolving, and its quality
 * objectives (targets on KPIs of src/domain/kpi.ts). Versioned like SLA
 * policies; a complaint freezes the area it matched at intake.
 */
import { KPI_IDS, isKpiId, kpiTargetProblem } from './kpi';
import type { Channel } from './sla-policy';

export const COMPARATORS = ['>=', '<='] as const;
export type Comparator = (typeof COMPARATORS)[number];

/** A target on a KPI, e.g. first-response attainment >= 0.95 (shares are 0..1). */
export interface QualityObjective {
  /** A KPI id of src/domain/kpi.ts. */
  kpi: string;
  comparator: Comparator;
  target: number;
}

export const REVIEW_FREQUENCIES = ['weekly', 'monthly', 'quarterly'] as const;
export type ReviewFrequency = (typeof REVIEW_FREQUENCIES)[number];

export interface Cause {
  code: string;
  label: string;
}

/** What a service area version says, independent of how it is stored. */
export interface ServiceAreaDefinition {
  name: string;
  /** Which complaints belong to it; an empty or absent list matches anything. */
  match: { categories?: string[]; channels?: Channel[]; queues?: string[] };
  processOwnerId: string;
  /** The calendar whose time zone decides the area's days, weeks and months. */
  calendarId: string;
  /** What the service volume counts, e.g. "transactions". */
  volumeUnit: string;
  causes: Cause[];
  objectives: QualityObjective[];
  review: { frequency: ReviewFrequency; reviewerIds: string[] };
}

export interface ServiceAreaVersion extends ServiceAreaDefinition {
  areaId: string;
  version: number;
}

/** What a complaint keeps of its area at intake (kept if the catalog changes later). */
export interface ServiceAreaRef {
  areaId: string;
  version: number;
  name: string;
  /** IANA zone of the area's calendar at intake. */
  timeZone: string;
  /** The cause codes an agent may pick when resolving. */
  causes: string[];
}

export interface AreaMatchInput {
  category: string;
  channel: Channel;
  queue: string;
}

/**
 * Picks the service area of a complaint among the latest version of each
 * area, like `selectPolicy`: every non-empty match list must contain the
 * complaint's value; the most specific area wins (naming the category counts
 * more than the channel, which counts more than the queue); ties go to the
 * lowest areaId so the choice is stable.
 */
export function selectArea<A extends Pick<ServiceAreaVersion, 'areaId' | 'match'>>(areas: readonly A[], input: AreaMatchInput): A | null {
  let best: { area: A; score: number } | null = null;
  for (const area of areas) {
    const { categories = [], channels = [], queues = [] } = area.match;
    if (categories.length > 0 && !categories.includes(input.category)) continue;
    if (channels.length > 0 && !channels.includes(input.channel)) continue;
    if (queues.length > 0 && !queues.includes(input.queue)) continue;
    const score = (categories.length > 0 ? 4 : 0) + (channels.length > 0 ? 2 : 0) + (queues.length > 0 ? 1 : 0);
    if (!best || score > best.score || (score === best.score && area.areaId < best.area.areaId)) best = { area, score };
  }
  return best?.area ?? null;
}

/** What a complaint freezes of its area at intake: the version, and the calendar's time zone at that moment. */
export function areaRef(area: ServiceAreaVersion, timeZone: string): ServiceAreaRef {
  return { areaId: area.areaId, version: area.version, name: area.name, timeZone, causes: area.causes.map((c) => c.code) };
}

/** The values that occur more than once, each once, in first-seen order. */
function duplicates<T>(values: readonly T[]): T[] {
  const seen = new Set<T>();
  const dup = new Set<T>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

/**
 * Business rules an area definition must satisfy beyond its shape; empty =
 * valid. Each problem names the field, relative to the definition
 * (`objectives.1.target`).
 */
export function serviceAreaProblems(def: ServiceAreaDefinition): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  for (const key of ['categories', 'channels', 'queues'] as const) {
    for (const v of duplicates<string>(def.match[key] ?? [])) problems.push({ path: `match.${key}`, message: `${v} is listed twice` });
  }
  for (const code of duplicates(def.causes.map((c) => c.code))) problems.push({ path: 'causes', message: `cause code ${code} is listed twice` });
  const objectiveKeys = def.objectives.map((o) => `${o.kpi} ${o.comparator}`);
  for (const key of duplicates(objectiveKeys)) problems.push({ path: 'objectives', message: `more than one objective ${key}` });
  def.objectives.forEach((o, i) => {
    if (!isKpiId(o.kpi)) {
      problems.push({ path: `objectives.${i}.kpi`, message: `unknown KPI ${o.kpi} (known: ${KPI_IDS.join(', ')})` });
      return;
    }
    const targetProblem = kpiTargetProblem(o.kpi, o.target);
    if (targetProblem) problems.push({ path: `objectives.${i}.target`, message: targetProblem });
  });
  // A floor above a ceiling on the same KPI can never be met.
  for (const floor of def.objectives.filter((o) => o.comparator === '>=')) {
    const ceiling = def.objectives.find((o) => o.kpi === floor.kpi && o.comparator === '<=');
    if (ceiling && floor.target > ceiling.target) problems.push({ path: 'objectives', message: `${floor.kpi} cannot be >= ${floor.target} and <= ${ceiling.target}` });
  }
  for (const id of duplicates(def.review.reviewerIds)) problems.push({ path: 'review.reviewerIds', message: `${id} is listed twice` });
  return problems;
}
