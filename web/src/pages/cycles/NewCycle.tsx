/**
 * Start a cycle: the body of POST /cycles (createCycleBody in
 * src/api/cycle-schemas.ts): type, title, problem statement, area, sponsor,
 * team, approvers and a SMART goal. Sent as typed; the API's field errors
 * (e.g. `body.goal.deadline`, `sponsorId` equal to the owner) appear next to
 * the fields. One Idempotency-Key per submission: a double click creates one cycle.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import type { CreateCycleBody } from '../../../../src/api/cycle-schemas';
import { api, newIdempotencyKey } from '../../api';
import { FieldErrors, ProblemView } from '../../components/States';
import type { CycleDetail } from './types';

type Values = Record<
  'type' | 'title' | 'problemStatement' | 'area' | 'sponsorId' | 'team' | 'approvers' | 'metric' | 'unit' | 'direction' | 'metricType' | 'baseline' | 'target' | 'deadline' | 'complaintIds',
  string
>;

const INITIAL: Values = {
  type: 'pdca',
  title: '',
  problemStatement: '',
  area: '',
  sponsorId: '',
  team: '',
  approvers: '',
  metric: '',
  unit: '',
  direction: 'lower_is_better',
  metricType: 'continuous',
  baseline: '',
  target: '',
  deadline: '',
  complaintIds: '',
};

const ids = (s: string) => s.split(/[\s,;]+/).filter(Boolean);
const num = (s: string) => (s.trim() === '' ? null : Number(s));
const instant = (s: string) => {
  const d = new Date(s);
  return s === '' ? null : Number.isNaN(d.getTime()) ? s : d.toISOString();
};

/** The request body (input side of createCycleBody; defaults are the API's). */
function bodyOf(v: Values): Partial<Record<keyof CreateCycleBody, unknown>> {
  const approvers = ids(v.approvers);
  const complaintIds = ids(v.complaintIds);
  return {
    type: v.type,
    title: v.title.trim(),
    problemStatement: v.problemStatement.trim(),
    area: v.area.trim(),
    sponsorId: v.sponsorId.trim(),
    team: ids(v.team),
    goal: { metric: v.metric.trim(), unit: v.unit.trim(), direction: v.direction, metricType: v.metricType, baseline: num(v.baseline), target: num(v.target), deadline: instant(v.deadline) },
    ...(approvers.length ? { settings: { approvers } } : {}),
    ...(complaintIds.length ? { evidence: { complaintIds } } : {}),
  };
}

export default function NewCycle() {
  const { t } = useTranslation('cycles');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [v, setV] = useState<Values>(INITIAL);
  const key = useRef('');
  const create = useMutation({
    mutationFn: (body: unknown) => api.post<CycleDetail>('/cycles', body, { idempotencyKey: key.current }),
    onSuccess: (cycle) => {
      void queryClient.invalidateQueries({ queryKey: ['cycles'] });
      void navigate(`/cycles/${encodeURIComponent(cycle.id)}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (create.isPending) return;
    key.current = newIdempotencyKey();
    create.mutate(bodyOf(v));
  };
  const field = (name: keyof Values, kind: 'text' | 'textarea' | 'number' | 'datetime-local' = 'text', opts: { optional?: boolean; errorField?: string; hint?: boolean } = {}) => {
    const id = `new-cycle-${name}`;
    const onChange = (e: { target: { value: string } }) => setV((old) => ({ ...old, [name]: e.target.value }));
    const common = { id, name, value: v[name], onChange, 'aria-describedby': `${id}-error`, 'aria-required': !opts.optional || undefined };
    return (
      <label htmlFor={id} className={kind === 'textarea' ? 'cycle-wide' : undefined}>
        <span>
          {t(`new.${name}`)}
          {opts.optional ? ` (${t('form.optional')})` : ''}
        </span>
        {kind === 'textarea' ? <textarea {...common} rows={3} /> : <input {...common} type={kind} step={kind === 'number' ? 'any' : undefined} />}
        {opts.hint && <span className="cycle-hint">{t(`new.${name}Hint`)}</span>}
        <FieldErrors error={create.error} field={opts.errorField ?? name} id={`${id}-error`} />
      </label>
    );
  };
  const select = (name: 'type' | 'direction' | 'metricType', options: readonly string[], prefix: string) => (
    <label htmlFor={`new-cycle-${name}`}>
      <span>{t(`new.${name}`)}</span>
      <select id={`new-cycle-${name}`} name={name} value={v[name]} onChange={(e) => setV((old) => ({ ...old, [name]: e.target.value }))}>
        {options.map((o) => (
          <option key={o} value={o}>
            {t(`${prefix}${o}`)}
          </option>
        ))}
      </select>
      <FieldErrors error={create.error} field={name} />
    </label>
  );
  return (
    <section>
      <p>
        <Link to="/cycles">{t('cycle.backToBoard')}</Link>
      </p>
      <h1>{t('new.heading')}</h1>
      <form onSubmit={submit} noValidate data-testid="new-cycle-form">
        <fieldset>
          <legend>{t('new.about')}</legend>
          {select('type', ['pdca', 'dmaic'], 'type.')}
          {field('title')}
          {field('area')}
          {field('problemStatement', 'textarea')}
        </fieldset>
        <fieldset>
          <legend>{t('new.people')}</legend>
          {field('sponsorId')}
          {field('team', 'text', { optional: true, hint: true })}
          {field('approvers', 'text', { optional: true, hint: true })}
        </fieldset>
        <fieldset>
          <legend>{t('new.goal')}</legend>
          {field('metric')}
          {field('unit')}
          {select('direction', ['lower_is_better', 'higher_is_better'], 'direction.')}
          {select('metricType', ['continuous', 'proportion'], 'metricType.')}
          {field('baseline', 'number')}
          {field('target', 'number')}
          {field('deadline', 'datetime-local')}
        </fieldset>
        <fieldset>
          <legend>{t('new.evidence')}</legend>
          {field('complaintIds', 'text', { optional: true, hint: true })}
        </fieldset>
        {create.error ? <ProblemView error={create.error} /> : null}
        <div className="form-row">
          <button type="submit" disabled={create.isPending} data-testid="create-cycle">
            {create.isPending ? t('form.sending') : t('new.submit')}
          </button>
          <Link to="/cycles">{t('new.cancel')}</Link>
        </div>
      </form>
    </section>
  );
}
