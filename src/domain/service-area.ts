/**
 * Service areas: the parts of the service a quality manager is accountable
 * for ("billing support"), which complaints belong to each, who owns its
 * process, the causes an agent picks from when resolving, and its quality
 * objectives (targets on KPIs of src/domain/kpi.ts). Versioned like SLA
 * policies; a complaint freezes the area it matched at intake.
 */
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
