/**
 * The form of each cycle command: which fields its body has (the request
 * schemas of src/api/cycle-schemas.ts, `cycleActionBodies`) and where on the
 * cycle page it belongs. Whether a form is shown at all is never decided
 * here: the page renders a form only for a command the API lists in the
 * view's `availableActions`. Values are sent as typed, without client-side
 * rules, so the API's field errors are what the user sees.
 */
import type { cycleActionBodies } from '../../../../src/api/cycle-schemas';
import type { DMAIC_PHASES, FISHBONE_CATEGORIES } from '../../../../src/domain/cycle';
import type { CycleCommandType, CycleDetail } from './types';

/** 6M, in the domain's order (the type check keeps the list equal to the domain's). */
export const FISHBONE = ['people', 'method', 'equipment', 'materials', 'measurement', 'environment'] as const satisfies typeof FISHBONE_CATEGORIES;
export const DMAIC = ['define', 'measure', 'analyze', 'improve', 'control'] as const satisfies typeof DMAIC_PHASES;
export const PDCA = ['plan', 'do', 'check', 'act'] as const;

/** Where a command's form sits on the page. */
export type Section = 'gate' | 'items' | 'artefacts' | 'measurements' | 'phase' | 'close';

export interface Option {
  value: string;
  /** Shown as is (ids, titles); otherwise `labelPrefix + value` is translated. */
  text?: string;
}

interface BaseField {
  key: string;
  optional?: boolean;
}
export interface ScalarField extends BaseField {
  kind: 'text' | 'textarea' | 'number' | 'datetime' | 'select' | 'lines' | 'users' | 'checks';
  /** select/checks: the choices (may come from the cycle: its open action items, its root causes). */
  options?: readonly string[] | ((c: CycleDetail) => Option[]);
  labelPrefix?: string;
  min?: number;
  max?: number;
  step?: string;
}
export interface RowsField extends BaseField {
  kind: 'rows';
  columns: ScalarField[];
}
export interface DataField extends BaseField {
  kind: 'data';
}
export type Field = ScalarField | RowsField | DataField;

export interface ActionSpec {
  section: Section;
  fields: Field[];
  /** The body around the fields (update_charter sends `{ charter: {...} }`). */
  wrap?: string;
}

const openItems = (c: CycleDetail): Option[] => c.actions.filter((a) => a.status === 'open').map((a) => ({ value: a.id, text: `${a.id} · ${a.title}` }));
const rootCauses = (c: CycleDetail): Option[] => c.artefacts.rootCauses.map((r) => ({ value: r.id, text: `${r.id} · ${r.cause}` }));
const unverifiedCauses = (c: CycleDetail): Option[] => c.artefacts.rootCauses.filter((r) => !r.verified).map((r) => ({ value: r.id, text: `${r.id} · ${r.cause}` }));

const rating = (key: string): ScalarField => ({ key, kind: 'number', min: 1, max: 10, step: '1' });

/** One form per command type; the type check keeps it complete. */
export const ACTION_SPECS: Record<CycleCommandType, ActionSpec> & Record<keyof typeof cycleActionBodies, ActionSpec> = {
  submit_gate: { section: 'gate', fields: [{ key: 'comment', kind: 'textarea', optional: true }] },
  sign_gate: {
    section: 'gate',
    fields: [
      { key: 'decision', kind: 'select', options: ['approve', 'reject'], labelPrefix: 'decision.' },
      { key: 'comment', kind: 'textarea' },
      { key: 'reasons', kind: 'lines', optional: true },
    ],
  },
  add_action: {
    section: 'items',
    fields: [
      { key: 'title', kind: 'text' },
      { key: 'assigneeId', kind: 'text' },
      { key: 'dueAt', kind: 'datetime' },
    ],
  },
  complete_action: {
    section: 'items',
    fields: [
      { key: 'actionId', kind: 'select', options: openItems },
      { key: 'note', kind: 'text', optional: true },
    ],
  },
  record_measurements: {
    section: 'measurements',
    fields: [
      {
        key: 'measurements',
        kind: 'rows',
        columns: [
          { key: 'value', kind: 'number', step: 'any' },
          { key: 'at', kind: 'datetime', optional: true },
          { key: 'sampleSize', kind: 'number', optional: true, min: 1, step: '1' },
          { key: 'note', kind: 'text', optional: true },
        ],
      },
    ],
  },
  add_five_whys: {
    section: 'artefacts',
    fields: [
      { key: 'problem', kind: 'text' },
      { key: 'whys', kind: 'lines' },
      { key: 'rootCause', kind: 'text' },
    ],
  },
  add_fishbone_cause: {
    section: 'artefacts',
    fields: [
      { key: 'category', kind: 'select', options: FISHBONE, labelPrefix: 'fishbone.' },
      { key: 'cause', kind: 'text' },
    ],
  },
  add_countermeasure: {
    section: 'artefacts',
    fields: [
      { key: 'description', kind: 'textarea' },
      { key: 'rootCause', kind: 'text', optional: true },
    ],
  },
  update_charter: {
    section: 'artefacts',
    wrap: 'charter',
    fields: [
      { key: 'problem', kind: 'textarea' },
      { key: 'businessCase', kind: 'textarea' },
      { key: 'scopeIn', kind: 'lines' },
      { key: 'scopeOut', kind: 'lines' },
      { key: 'ctqs', kind: 'rows', columns: [{ key: 'name', kind: 'text' }, { key: 'measure', kind: 'text' }, { key: 'specification', kind: 'text' }] },
      {
        key: 'sipoc',
        kind: 'rows',
        columns: [
          { key: 'supplier', kind: 'text' },
          { key: 'input', kind: 'text' },
          { key: 'process', kind: 'text' },
          { key: 'output', kind: 'text' },
          { key: 'customer', kind: 'text' },
        ],
      },
      { key: 'milestones', kind: 'rows', columns: [{ key: 'phase', kind: 'select', options: DMAIC, labelPrefix: 'phase.' }, { key: 'due', kind: 'datetime' }] },
    ],
  },
  set_data_collection_plan: {
    section: 'artefacts',
    fields: [
      {
        key: 'items',
        kind: 'rows',
        columns: [
          { key: 'metric', kind: 'text' },
          { key: 'operationalDefinition', kind: 'text' },
          { key: 'source', kind: 'text' },
          { key: 'sampleSize', kind: 'number', min: 1, step: '1' },
          { key: 'frequency', kind: 'text' },
        ],
      },
    ],
  },
  set_baseline: { section: 'artefacts', fields: [{ key: 'data', kind: 'data', optional: true }] },
  set_defect_categories: {
    section: 'artefacts',
    fields: [{ key: 'categories', kind: 'rows', columns: [{ key: 'category', kind: 'text' }, { key: 'count', kind: 'number', min: 0, step: '1' }] }],
  },
  add_root_cause: { section: 'artefacts', fields: [{ key: 'cause', kind: 'text' }] },
  verify_root_cause: {
    section: 'artefacts',
    fields: [
      { key: 'rootCauseId', kind: 'select', options: unverifiedCauses },
      { key: 'evidence', kind: 'textarea' },
    ],
  },
  add_solution: {
    section: 'artefacts',
    fields: [
      { key: 'description', kind: 'textarea' },
      { key: 'rootCauseIds', kind: 'checks', options: rootCauses, optional: true },
    ],
  },
  add_fmea_row: {
    section: 'artefacts',
    fields: [
      { key: 'failureMode', kind: 'text' },
      { key: 'effect', kind: 'text' },
      { key: 'cause', kind: 'text' },
      rating('severity'),
      rating('occurrence'),
      rating('detection'),
      { key: 'recommendedAction', kind: 'text', optional: true },
    ],
  },
  set_pilot_data: { section: 'artefacts', fields: [{ key: 'data', kind: 'data', optional: true }] },
  set_control_plan: {
    section: 'artefacts',
    fields: [
      { key: 'metric', kind: 'text' },
      { key: 'improvedData', kind: 'lines', optional: true },
      { key: 'reactionPlan', kind: 'textarea' },
      { key: 'processOwnerId', kind: 'text' },
    ],
  },
  run_check: { section: 'phase', fields: [] },
  review_check: { section: 'phase', fields: [{ key: 'comment', kind: 'textarea' }] },
  standardize: {
    section: 'phase',
    fields: [
      { key: 'standard', kind: 'textarea' },
      { key: 'trainees', kind: 'users' },
    ],
  },
  iterate: {
    section: 'phase',
    fields: [
      { key: 'learnings', kind: 'textarea' },
      { key: 'deadline', kind: 'datetime', optional: true },
    ],
  },
  abandon: { section: 'close', fields: [{ key: 'reason', kind: 'textarea' }] },
};

/** Fields whose text is a list of numbers (one per line, or separated by commas/spaces). */
const NUMBER_LISTS = new Set(['improvedData']);

// ------------------------------------------------------------ form values

export type RowValue = Record<string, string>;
export type FormValue = string | string[] | RowValue[];
export type FormValues = Record<string, FormValue>;

export function emptyRow(f: RowsField): RowValue {
  return Object.fromEntries(f.columns.map((c) => [c.key, c.kind === 'select' ? firstOption(c) : '']));
}

function firstOption(f: ScalarField): string {
  return Array.isArray(f.options) ? (f.options[0] as string) : '';
}

export function initialValues(spec: ActionSpec, cycle: CycleDetail): FormValues {
  const v: FormValues = {};
  for (const f of spec.fields) {
    if (f.kind === 'rows') v[f.key] = [emptyRow(f)];
    else if (f.kind === 'data') v[f.key] = [{ kind: cycle.binding ? 'bound' : 'continuous', values: '', lsl: '', usl: '', defects: '', units: '', opportunitiesPerUnit: '' }];
    else if (f.kind === 'checks') v[f.key] = [];
    else if (f.kind === 'select') {
      const opts = typeof f.options === 'function' ? f.options(cycle) : (f.options ?? []).map((value) => ({ value }));
      v[f.key] = opts[0]?.value ?? '';
    } else v[f.key] = '';
  }
  return v;
}

const numberList = (s: string): number[] =>
  s
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(Number);

/** A datetime-local value (the user's own time zone) as an ISO instant; anything unparsable is sent as typed, for the API to name. */
function instant(v: string): string {
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}

/** One scalar as the API expects it; `undefined` leaves an optional field out. Empty required fields are sent empty so the API names them. */
function scalar(f: ScalarField, raw: FormValue): unknown {
  if (f.kind === 'checks') return (raw as string[]).length || !f.optional ? raw : undefined;
  const s = typeof raw === 'string' ? raw.trim() : '';
  if (f.kind === 'lines') {
    const lines = s.split('\n').map((l) => l.trim()).filter(Boolean);
    if (!lines.length && f.optional) return undefined;
    return NUMBER_LISTS.has(f.key) ? lines.flatMap(numberList) : lines;
  }
  if (f.kind === 'users') {
    const ids = s.split(/[\s,;]+/).filter(Boolean);
    return ids.length || !f.optional ? ids : undefined;
  }
  if (s === '') return f.optional ? undefined : f.kind === 'number' || f.kind === 'datetime' ? null : '';
  if (f.kind === 'number') return Number(s);
  if (f.kind === 'datetime') return instant(s);
  return s;
}

function dataInput(row: RowValue): unknown {
  if (row.kind === 'bound') return undefined;
  const n = (x: string | undefined) => (x === undefined || x.trim() === '' ? undefined : Number(x));
  if (row.kind === 'discrete') return { kind: 'discrete', defects: n(row.defects) ?? null, units: n(row.units) ?? null, opportunitiesPerUnit: n(row.opportunitiesPerUnit) ?? null };
  return { kind: 'continuous', values: numberList(row.values ?? ''), ...(n(row.lsl) !== undefined ? { lsl: n(row.lsl) } : {}), ...(n(row.usl) !== undefined ? { usl: n(row.usl) } : {}) };
}

/** The request body of a form. */
export function bodyOf(spec: ActionSpec, values: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of spec.fields) {
    let v: unknown;
    if (f.kind === 'rows') {
      const rows = (values[f.key] as RowValue[]).filter((r) => Object.entries(r).some(([k, x]) => x.trim() !== '' && f.columns.find((c) => c.key === k)?.kind !== 'select'));
      v = rows.map((r) => {
        const out: Record<string, unknown> = {};
        for (const c of f.columns) {
          const x = scalar(c, r[c.key] ?? '');
          if (x !== undefined) out[c.key] = x;
        }
        return out;
      });
    } else if (f.kind === 'data') v = dataInput((values[f.key] as RowValue[])[0]!);
    else v = scalar(f, values[f.key]!);
    if (v !== undefined) body[f.key] = v;
  }
  return spec.wrap ? { [spec.wrap]: body } : body;
}
