/**
 * One cycle command as a form: the fields of its body (action-specs.ts), sent
 * to the path the API listed for it, with an Idempotency-Key per submission.
 * The reply is the cycle after the command (with the actions available next),
 * so the page shows it at once. A refusal shows the API's problem, its field
 * errors next to the fields, and, for a gate, the artefacts it says are missing.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, newIdempotencyKey } from '../../api';
import { FieldErrors, ProblemView } from '../../components/States';
import { type ActionSpec, type Field, type FormValues, type Option, type RowValue, type RowsField, type ScalarField, bodyOf, emptyRow, initialValues } from './action-specs';
import type { AvailableAction, CycleDetail } from './types';

export function ActionForm({ cycle, action, spec, intro }: { cycle: CycleDetail; action: AvailableAction; spec: ActionSpec; intro?: (values: FormValues) => ReactNode }) {
  const { t } = useTranslation('cycles');
  const queryClient = useQueryClient();
  const [values, setValues] = useState<FormValues>(() => initialValues(spec, cycle));
  const key = useRef<string>('');
  const formId = useId();
  const mutation = useMutation({
    mutationFn: (body: Record<string, unknown>) => api.post<CycleDetail>(action.path, body, { idempotencyKey: key.current }),
    onSuccess: (next) => {
      queryClient.setQueryData(['cycle', cycle.id], next);
      void queryClient.invalidateQueries({ queryKey: ['cycle-report', cycle.id] });
      void queryClient.invalidateQueries({ queryKey: ['cycles'] });
      setValues(initialValues(spec, next));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mutation.isPending) return;
    key.current = newIdempotencyKey();
    mutation.mutate(bodyOf(spec, values));
  };
  const set = (k: string, v: FormValues[string]) => setValues((old) => ({ ...old, [k]: v }));
  const missing = mutation.error instanceof ApiError ? ((mutation.error.problem as { missing?: unknown }).missing as string[] | undefined) : undefined;
  const title = t(`action.${action.name}`, { defaultValue: action.name.replace(/_/g, ' ') });
  return (
    <form className="cycle-action" onSubmit={submit} noValidate aria-labelledby={`${formId}-title`} data-testid={`action-${action.name}`}>
      <h4 id={`${formId}-title`}>{title}</h4>
      {intro?.(values)}
      {spec.fields.map((f) => (
        <FieldInput key={f.key} field={f} cycle={cycle} value={values[f.key]!} onChange={(v) => set(f.key, v)} error={mutation.error} idBase={formId} />
      ))}
      <div className="form-row">
        <button type="submit" disabled={mutation.isPending} data-testid={`submit-${action.name}`}>
          {mutation.isPending ? t('form.sending') : title}
        </button>
      </div>
      {mutation.error ? <ProblemView error={mutation.error} /> : null}
      {missing && missing.length > 0 && (
        <div className="cycle-missing" role="status" data-testid="refusal-missing">
          <strong>{t('gate.missing')}</strong>
          <ul>
            {missing.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      )}
      {mutation.isSuccess && (
        <p className="cycle-done" role="status">
          {t('form.done')}
        </p>
      )}
    </form>
  );
}

function optionsOf(f: ScalarField, cycle: CycleDetail): Option[] {
  if (typeof f.options === 'function') return f.options(cycle);
  return (f.options ?? []).map((value) => ({ value }));
}

function FieldInput({ field, cycle, value, onChange, error, idBase }: { field: Field; cycle: CycleDetail; value: FormValues[string]; onChange: (v: FormValues[string]) => void; error: unknown; idBase: string }) {
  const { t } = useTranslation('cycles');
  const id = `${idBase}-${field.key}`;
  const label = `${t(`field.${field.key}`)}${field.optional ? ` (${t('form.optional')})` : ''}`;
  const errId = `${id}-error`;
  const hint = t(`hint.${field.key}`, { defaultValue: '' });
  if (field.kind === 'rows') return <RowsInput field={field} cycle={cycle} rows={value as RowValue[]} onChange={onChange} error={error} id={id} label={label} />;
  if (field.kind === 'data') return <DataInput cycle={cycle} row={(value as RowValue[])[0]!} onChange={(r) => onChange([r])} error={error} id={id} label={label} />;
  if (field.kind === 'checks') {
    const chosen = value as string[];
    const opts = optionsOf(field, cycle);
    return (
      <fieldset>
        <legend>{label}</legend>
        {opts.length === 0 && <span className="cycle-muted">{t('form.noChoices')}</span>}
        {opts.map((o) => (
          <label key={o.value} className="cycle-check">
            <input type="checkbox" checked={chosen.includes(o.value)} onChange={(e) => onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((x) => x !== o.value))} />
            {o.text ?? t(`${field.labelPrefix ?? ''}${o.value}`)}
          </label>
        ))}
        <FieldErrors error={error} field={field.key} />
      </fieldset>
    );
  }
  return (
    <label htmlFor={id} className={field.kind === 'textarea' || field.kind === 'lines' ? 'cycle-wide' : undefined}>
      <span>{label}</span>
      <ScalarInput field={field} cycle={cycle} id={id} value={value as string} onChange={onChange} describedBy={errId} />
      {hint && <span className="cycle-hint">{hint}</span>}
      <FieldErrors error={error} field={field.key} id={errId} />
    </label>
  );
}

function ScalarInput({ field, cycle, id, value, onChange, describedBy, label }: { field: ScalarField; cycle: CycleDetail; id?: string; value: string; onChange: (v: string) => void; describedBy?: string; label?: string }) {
  const { t } = useTranslation('cycles');
  const common = { id, value, 'aria-describedby': describedBy, 'aria-label': label, 'aria-required': !field.optional || undefined, name: field.key };
  switch (field.kind) {
    case 'textarea':
      return <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />;
    case 'lines':
      return <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />;
    case 'number':
      return <input {...common} type="number" inputMode="decimal" min={field.min} max={field.max} step={field.step ?? 'any'} onChange={(e) => onChange(e.target.value)} />;
    case 'datetime':
      return <input {...common} type="datetime-local" onChange={(e) => onChange(e.target.value)} />;
    case 'select':
      return (
        <select {...common} onChange={(e) => onChange(e.target.value)}>
          {optionsOf(field, cycle).map((o) => (
            <option key={o.value} value={o.value}>
              {o.text ?? t(`${field.labelPrefix ?? ''}${o.value}`)}
            </option>
          ))}
        </select>
      );
    default:
      return <input {...common} type="text" onChange={(e) => onChange(e.target.value)} />;
  }
}

/** A table of rows (CTQs, SIPOC, milestones, measurements...), each cell labelled by its column. */
function RowsInput({ field, cycle, rows, onChange, error, id, label }: { field: RowsField; cycle: CycleDetail; rows: RowValue[]; onChange: (v: RowValue[]) => void; error: unknown; id: string; label: string }) {
  const { t } = useTranslation('cycles');
  const setCell = (i: number, k: string, v: string) => onChange(rows.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
  return (
    <fieldset className="cycle-rows">
      <legend>{label}</legend>
      <table>
        <thead>
          <tr>
            {field.columns.map((c) => (
              <th key={c.key} scope="col">
                {t(`field.${c.key}`)}
                {c.optional ? ` (${t('form.optional')})` : ''}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">{t('form.rowActions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {field.columns.map((c) => (
                <td key={c.key}>
                  <ScalarInput field={c} cycle={cycle} id={`${id}-${i}-${c.key}`} value={r[c.key] ?? ''} onChange={(v) => setCell(i, c.key, v)} label={`${t(`field.${c.key}`)} ${i + 1}`} />
                </td>
              ))}
              <td>
                <button type="button" className="secondary" onClick={() => onChange(rows.filter((_, j) => j !== i))} disabled={rows.length === 1}>
                  {t('form.removeRow', { n: i + 1 })}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="secondary" onClick={() => onChange([...rows, emptyRow(field)])}>
        {t('form.addRow')}
      </button>
      <FieldErrors error={error} field={field.key} />
    </fieldset>
  );
}

/** Baseline or pilot data: continuous values with optional spec limits, discrete defects, or (bound metric) the data itself. */
function DataInput({ cycle, row, onChange, error, id, label }: { cycle: CycleDetail; row: RowValue; onChange: (r: RowValue) => void; error: unknown; id: string; label: string }) {
  const { t } = useTranslation('cycles');
  const kinds = cycle.binding ? ['bound', 'continuous', 'discrete'] : ['continuous', 'discrete'];
  const set = (k: string) => (e: { target: { value: string } }) => onChange({ ...row, [k]: e.target.value });
  const num = (k: string) => (
    <label htmlFor={`${id}-${k}`}>
      <span>{t(`field.${k}`)}</span>
      <input id={`${id}-${k}`} type="number" step="any" value={row[k] ?? ''} onChange={set(k)} />
      <FieldErrors error={error} field={k} />
    </label>
  );
  return (
    <fieldset>
      <legend>{label}</legend>
      <label htmlFor={`${id}-kind`}>
        <span>{t('field.kind')}</span>
        <select id={`${id}-kind`} value={row.kind} onChange={set('kind')}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`dataKind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      {row.kind === 'continuous' && (
        <>
          <label htmlFor={`${id}-values`} className="cycle-wide">
            <span>{t('field.values')}</span>
            <textarea id={`${id}-values`} rows={3} value={row.values ?? ''} onChange={set('values')} />
            <span className="cycle-hint">{t('hint.values')}</span>
            <FieldErrors error={error} field="values" />
          </label>
          {num('lsl')}
          {num('usl')}
        </>
      )}
      {row.kind === 'discrete' && (
        <>
          {num('defects')}
          {num('units')}
          {num('opportunitiesPerUnit')}
        </>
      )}
      <FieldErrors error={error} field="data" />
    </fieldset>
  );
}
