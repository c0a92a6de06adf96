/**
 * The actions the API lists for the caller on this complaint (`actions` of
 * GET /complaints/:id: the permission matrix and the reducer's preconditions
 * decided them), each with its own small form whose fields are those of the
 * action's body schema (`actionBodies` in src/api/schemas.ts). Nothing here
 * decides what is allowed: an unknown action still gets a plain button, and
 * the API's refusal (problem+json) is shown next to the fields it names.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SEVERITIES } from '../../../../src/domain/sla-policy';
import { CSAT_REASON_CODES, LOW_CSAT_MAX } from '../../../../src/domain/customer';
import { ApiError, api, newIdempotencyKey } from '../../api';
import { FieldErrors, ProblemView } from '../../components/States';
import type { ActionBody, ActionName, AreaView, AvailableAction, ComplaintDetail } from './types';

type FieldKind = 'text' | 'textarea' | 'select' | 'checkbox' | 'checkboxes';
interface FieldSpec {
  /** The body field (also the last segment of the API's error path). */
  name: string;
  kind: FieldKind;
  required?: boolean;
  options?: { value: string; label: string }[];
  hint?: string;
}
type Values = Record<string, string | boolean>;

interface FormSpec {
  fields: FieldSpec[];
  body(v: Values): Record<string, unknown>;
}

const str = (v: Values, k: string) => (typeof v[k] === 'string' ? (v[k] as string) : '');
/** Optional text: left out when blank (the API refuses an empty string). */
const opt = (v: Values, k: string) => (str(v, k).trim() ? { [k]: str(v, k) } : {});

function specs(t: TFunction<'agent'>, c: ComplaintDetail, causes: { code: string; label: string }[]): Partial<Record<ActionName, FormSpec>> {
  const ratings = [1, 2, 3, 4, 5].map((r) => ({ value: String(r), label: String(r) }));
  const reason: FieldSpec = { name: 'reason', kind: 'textarea', required: true };
  const message: FieldSpec = { name: 'message', kind: 'textarea', required: true };
  const comment: FieldSpec = { name: 'comment', kind: 'textarea' };
  // Reason codes are required for a low rating (1-LOW_CSAT_MAX) and refused otherwise; the API names the field.
  const reasons: FieldSpec = { name: 'reasons', kind: 'checkboxes', hint: t('field.reasonsHint', { max: LOW_CSAT_MAX }), options: CSAT_REASON_CODES.map((r) => ({ value: r, label: t(`reason.${r}`) })) };
  // Asked only where the complaint's policy asks for NPS; otherwise the API refuses it.
  const nps: FieldSpec = { name: 'nps', kind: 'select', options: [{ value: '', label: t('field.noNps') }, ...Array.from({ length: 11 }, (_, i) => ({ value: String(i), label: String(i) }))] };
  const feedback = (v: Values) => ({
    ...(str(v, 'reasons') ? { reasons: str(v, 'reasons').split(',') as (typeof CSAT_REASON_CODES)[number][] } : {}),
    ...(str(v, 'nps') ? { nps: Number(str(v, 'nps')) } : {}),
  });
  return {
    acknowledge: { fields: [], body: (): ActionBody<'acknowledge'> => ({}) },
    add_note: {
      fields: [{ name: 'text', kind: 'textarea', required: true }, { name: 'visibility', kind: 'checkbox', hint: t('field.publicHint') }],
      body: (v): ActionBody<'add_note'> => ({ text: str(v, 'text'), visibility: v.visibility === true ? 'public' : 'internal' }),
    },
    request_info: { fields: [message], body: (v): ActionBody<'request_info'> => ({ message: str(v, 'message') }) },
    customer_replied: { fields: [message], body: (v): ActionBody<'customer_replied'> => ({ message: str(v, 'message') }) },
    transfer: {
      fields: [{ name: 'toAgentId', kind: 'text', required: true }, reason],
      body: (v): ActionBody<'transfer'> => ({ toAgentId: str(v, 'toAgentId').trim(), reason: str(v, 'reason') }),
    },
    change_severity: {
      fields: [{ name: 'severity', kind: 'select', required: true, options: SEVERITIES.filter((s) => s !== c.severity).map((s) => ({ value: s, label: s })) }, reason],
      body: (v): ActionBody<'change_severity'> => ({ severity: str(v, 'severity') as ActionBody<'change_severity'>['severity'], reason: str(v, 'reason') }),
    },
    resolve: {
      fields: [
        { name: 'summary', kind: 'textarea', required: true },
        // Only when the area has a cause catalog: the API refuses a cause otherwise.
        ...(causes.length ? [{ name: 'cause', kind: 'select' as const, required: true, options: [{ value: '', label: t('field.choose') }, ...causes.map((x) => ({ value: x.code, label: x.label }))] }] : []),
        { name: 'tags', kind: 'text', hint: t('field.tagsHint') },
      ],
      body: (v): ActionBody<'resolve'> => {
        const tags = str(v, 'tags')
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
        return { summary: str(v, 'summary'), ...(str(v, 'cause') ? { cause: str(v, 'cause') } : {}), ...(tags.length ? { tags } : {}) };
      },
    },
    reopen: { fields: [reason], body: (v): ActionBody<'reopen'> => ({ reason: str(v, 'reason') }) },
    close: {
      fields: [{ name: 'rating', kind: 'select', options: [{ value: '', label: t('field.noRating') }, ...ratings] }, reasons, nps, comment],
      body: (v): ActionBody<'close'> => ({ ...(str(v, 'rating') ? { rating: Number(str(v, 'rating')) } : {}), ...feedback(v), ...opt(v, 'comment') }),
    },
    cancel: {
      fields: [
        { name: 'reason', kind: 'select', required: true, options: (['duplicate', 'withdrawn'] as const).map((r) => ({ value: r, label: t(`cancelReason.${r}`) })) },
        { name: 'duplicateOf', kind: 'text' },
        { name: 'note', kind: 'textarea' },
      ],
      body: (v): ActionBody<'cancel'> => ({ reason: (str(v, 'reason') || 'duplicate') as 'duplicate' | 'withdrawn', ...opt(v, 'duplicateOf'), ...opt(v, 'note') }),
    },
    record_csat: {
      fields: [{ name: 'rating', kind: 'select', required: true, options: [{ value: '', label: t('field.choose') }, ...ratings] }, reasons, nps, comment],
      // No rating chosen: sent without one, and the API names the missing field.
      body: (v) => ({ ...(str(v, 'rating') ? { rating: Number(str(v, 'rating')) } : {}), ...feedback(v), ...opt(v, 'comment') }) as ActionBody<'record_csat'>,
    },
  };
}

function initialValues(spec: FormSpec): Values {
  return Object.fromEntries(spec.fields.map((f) => [f.name, f.kind === 'checkbox' ? false : f.kind === 'select' && f.required && f.options?.[0]?.value ? f.options[0].value : '']));
}

/** One action's request: an Idempotency-Key per submission (a double click sends the same key), the caches refreshed after. */
function useAction(complaintId: string, action: AvailableAction) {
  const qc = useQueryClient();
  const key = useRef<string | null>(null);
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => {
      key.current ??= newIdempotencyKey();
      return api.post<ComplaintDetail>(action.path, body, { idempotencyKey: key.current });
    },
    onSettled: () => {
      key.current = null;
    },
    onSuccess: (detail) => {
      // The reply is the complaint after the action with the caller's next actions (without the cycles list).
      qc.setQueryData<ComplaintDetail>(['complaint', complaintId], (old) => ({ ...detail, improvementCycles: detail.improvementCycles ?? old?.improvementCycles }));
      void qc.invalidateQueries({ queryKey: ['complaint', complaintId] });
      void qc.invalidateQueries({ queryKey: ['complaints'] });
    },
  });
}

function ActionForm({ complaint, action, spec }: { complaint: ComplaintDetail; action: AvailableAction; spec: FormSpec }) {
  const { t } = useTranslation('agent');
  const m = useAction(complaint.id, action);
  const [values, setValues] = useState<Values>(() => initialValues(spec));
  const [open, setOpen] = useState(false);
  const base = `action-${action.name}`;
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    m.mutate(spec.body(values), {
      onSuccess: () => {
        setValues(initialValues(spec));
        setOpen(false);
      },
    });
  };
  const label = t(`action.${action.name}`, { defaultValue: action.name });

  if (spec.fields.length === 0) {
    return (
      <div className="complaint-action" data-testid={base}>
        <button type="button" onClick={() => submit()} disabled={m.isPending} data-testid={`${base}-submit`}>
          {m.isPending ? t('action.pending') : label}
        </button>
        <ProblemView error={m.error} />
      </div>
    );
  }

  return (
    <details className="complaint-action" data-testid={base} open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary data-testid={`${base}-open`}>{label}</summary>
      <form onSubmit={submit} noValidate>
        {spec.fields.map((f) => {
          const id = `${base}-${f.name}`;
          const errId = `${id}-error`;
          const invalid = m.error instanceof ApiError && m.error.fieldErrors(f.name).length > 0;
          const common = { id, 'data-testid': id, 'aria-invalid': invalid ? true : undefined, 'aria-describedby': invalid ? errId : f.hint ? `${id}-hint` : undefined, required: f.required };
          const fieldLabel = t(`field.${f.name}`);
          if (f.kind === 'checkboxes') {
            // Several values of one field, kept as a comma-separated string in the form state.
            const chosen = str(values, f.name).split(',').filter(Boolean);
            const toggle = (value: string, on: boolean) => {
              const next = on ? [...chosen, value] : chosen.filter((x) => x !== value);
              setValues({ ...values, [f.name]: next.join(',') });
            };
            return (
              <fieldset key={f.name} className="complaint-field" data-testid={id} aria-invalid={invalid ? true : undefined} aria-describedby={invalid ? errId : f.hint ? `${id}-hint` : undefined}>
                <legend>{fieldLabel}</legend>
                {(f.options ?? []).map((o) => (
                  <div key={o.value} className="complaint-check">
                    <input type="checkbox" id={`${id}-${o.value}`} data-testid={`${id}-${o.value}`} checked={chosen.includes(o.value)} onChange={(e) => toggle(o.value, e.target.checked)} />
                    <label htmlFor={`${id}-${o.value}`}>{o.label}</label>
                  </div>
                ))}
                {f.hint && (
                  <span id={`${id}-hint`} className="complaint-hint">
                    {f.hint}
                  </span>
                )}
                <FieldErrors error={m.error} field={f.name} id={errId} />
              </fieldset>
            );
          }
          if (f.kind === 'checkbox') {
            return (
              <div key={f.name} className="complaint-field complaint-check">
                <input type="checkbox" {...common} checked={values[f.name] === true} onChange={(e) => setValues({ ...values, [f.name]: e.target.checked })} />
                <label htmlFor={id}>{t('field.public')}</label>
                {f.hint && <span id={`${id}-hint`} className="complaint-hint"> {f.hint}</span>}
                <FieldErrors error={m.error} field={f.name} id={errId} />
              </div>
            );
          }
          return (
            <div key={f.name} className="complaint-field">
              <label htmlFor={id}>
                {fieldLabel}
                {f.required && <span aria-hidden="true"> *</span>}
              </label>
              {f.kind === 'textarea' ? (
                <textarea {...common} rows={3} value={str(values, f.name)} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />
              ) : f.kind === 'select' ? (
                <select {...common} value={str(values, f.name)} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}>
                  {(f.options ?? []).map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              ) : (
                <input type="text" {...common} value={str(values, f.name)} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />
              )}
              {f.hint && (
                <span id={`${id}-hint`} className="complaint-hint">
                  {f.hint}
                </span>
              )}
              <FieldErrors error={m.error} field={f.name} id={errId} />
            </div>
          );
        })}
        <ProblemView error={m.error} />
        <button type="submit" disabled={m.isPending} data-testid={`${base}-submit`}>
          {m.isPending ? t('action.pending') : label}
        </button>
      </form>
    </details>
  );
}

/** The cause catalog (codes with labels) of the area version the complaint froze at intake. */
function useCauses(c: ComplaintDetail, needed: boolean): { code: string; label: string }[] {
  const area = c.serviceArea;
  const q = useQuery({
    queryKey: ['service-area', area?.areaId, area?.version],
    queryFn: () => api.get<AreaView>(`/service-areas/${encodeURIComponent(area!.areaId)}?version=${area!.version}`),
    enabled: needed && !!area && area.causes.length > 0,
    staleTime: Infinity,
  });
  if (!area) return [];
  const labels = new Map((q.data?.causes ?? []).map((x) => [x.code, x.label]));
  // The complaint's own list decides which codes count; the area only lends the labels.
  return area.causes.map((code) => ({ code, label: labels.get(code) ?? code }));
}

export function ActionPanel({ complaint }: { complaint: ComplaintDetail }) {
  const { t } = useTranslation('agent');
  const causes = useCauses(complaint, complaint.availableActions.some((a) => a.name === 'resolve'));
  const all = specs(t, complaint, causes);
  if (complaint.availableActions.length === 0) return <p className="state state-empty" data-testid="no-actions">{t('actions.none')}</p>;
  return (
    <ul className="complaint-actions" data-testid="complaint-actions">
      {complaint.availableActions.map((a) => (
        <li key={a.name}>
          <ActionForm complaint={complaint} action={a} spec={all[a.name as ActionName] ?? { fields: [], body: () => ({}) }} />
        </li>
      ))}
    </ul>
  );
}
