/**
 * The cycle views as the API sends them, typed from the API's own code (type
 * imports only: nothing of it lands in the bundle). The API builds a view from
 * the domain's CycleState with `isoInstants` (src/api/views.ts): every
 * epoch-ms instant under a key `at`, `due`, `dueAt`, `deadline`, `*At` or
 * `*Since` becomes an ISO 8601 string. `Iso<T>` says the same at type level.
 */
import type { AvailableAction } from '../../../../src/contracts/actions';
import type { ActionItem, CycleCommandType, CycleState, Measurement, Phase, Signature } from '../../../../src/domain/cycle';
import type { cycleReport, cycleStatistics, gateStatus } from '../../../../src/domain/cycle-report';

type IsoKey<K> = K extends 'at' | 'due' | 'dueAt' | 'deadline' | `${string}At` | `${string}Since` ? true : false;

/** A value after `isoInstants`: instants under time keys are ISO strings. */
export type Iso<T> = T extends readonly (infer U)[]
  ? Iso<U>[]
  : T extends object
    ? { [K in keyof T]: IsoKey<K> extends true ? (T[K] extends number ? string : T[K] extends number | null ? string | null : Iso<T[K]>) : Iso<T[K]> }
    : T;

type Base = Iso<Omit<CycleState, 'cycleId' | 'measurements' | 'nextSeq'>>;

/** An item of `GET /cycles` (no measurements, no statistics, no missing list). */
export type CycleListItem = Base & {
  id: string;
  overdue: boolean;
  gate: Iso<Omit<ReturnType<typeof gateStatus>, 'missing'>>;
  measurementCount: number;
};

/** `GET /cycles/:id` and the 200 replies of its actions. */
export type CycleDetail = Base & {
  id: string;
  overdue: boolean;
  gate: Iso<ReturnType<typeof gateStatus>>;
  measurementCount: number;
  measurements: Iso<Measurement>[];
  statistics: Iso<ReturnType<typeof cycleStatistics>>;
  /** What the caller may do now (the API judges it; the page only shows it). */
  availableActions: AvailableAction[];
};

export type CycleReport = Iso<ReturnType<typeof cycleReport>>;
export type CycleActionItem = Iso<ActionItem>;
export type CycleSignature = Iso<Signature>;
export type CycleMeasurement = Iso<Measurement>;
export type { AvailableAction, CycleCommandType, Phase };

export interface CyclePage {
  items: CycleListItem[];
  nextCursor: string | null;
}
