/**
 * A new campaign (POST /surveys): which survey and version, a title, the
 * service area its results feed, when it opens, reminds and closes, and who
 * is asked — a CSV file (read in the browser as text and sent as
 * `audience: { source: 'csv', csv }`; the API parses and checks it, naming a
 * bad row as `body.audience.csv.rows.<n>.<column>`) or the customers of the
 * area's complaints closed in a period, sampled. Empty dates take the API's
 * defaults (opens now; reminder at the midpoint); "no reminder" sends null.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, newIdempotencyKey } from '../../api';
import { FieldErrors, Loading, ProblemView } from '../../components/States';
import { formatNumber } from '../../format';
import { isoOf } from './text';
import type { AreaList, CampaignView, SurveyDefinitionDetail, SurveyDefinitionView } from './types';

type AudienceSource = 'csv' | 'closed_complaints';

interface Values {
  surveyId: string;
  surveyVersion: string;
  title: string;
  areaId: string;
  startsAt: string;
  remindAt: string;
  noReminder: boolean;
  endsAt: string;
  source: AudienceSource;
  from: string;
  to: string;
  sampleSize: string;
  seed: string;
}

/** The request body as typed (numbers parsed; empty optional fields left out). */
function bodyOf(v: Values, csv: string | null): Record<string, unknown> {
  const num = (s: string) => (s.trim() === '' ? s : Number(s));
  const startsAt = isoOf(v.startsAt);
  const remindAt = isoOf(v.remindAt);
  return {
    surveyId: v.surveyId,
    ...(v.surveyVersion ? { surveyVersion: Number(v.surveyVersion) } : {}),
    title: v.title.trim(),
    areaId: v.areaId,
    ...(startsAt ? { startsAt } : {}),
    ...(v.noReminder ? { remindAt: null } : remindAt ? { remindAt } : {}),
    endsAt: isoOf(v.endsAt),
    audience:
      v.source === 'csv'
        ? { source: 'csv', csv: csv ?? '' }
        : { source: 'closed_complaints', from: v.from, to: v.to, sampleSize: num(v.sampleSize), ...(v.seed.trim() ? { seed: v.seed.trim() } : {}) },
  };
}

export default function NewCampaign() {
  const { t } = useTranslation('surveys');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const [v, setV] = useState<Values>({
    surveyId: params.get('survey') ?? '',
    surveyVersion: '',
    title: '',
    areaId: '',
    startsAt: '',
    remindAt: '',
    noReminder: false,
    endsAt: '',
    source: 'csv',
    from: '',
    to: '',
    sampleSize: '100',
    seed: '',
  });
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const definitions = useQuery({ queryKey: ['survey-definitions'], queryFn: ({ signal }) => api.get<{ items: SurveyDefinitionView[] }>('/survey-definitions', { signal }) });
  const areas = useQuery({ queryKey: ['service-areas'], queryFn: () => api.get<AreaList>('/service-areas') });
  const surveyId = v.surveyId || definitions.data?.items[0]?.surveyId || '';
  const definition = useQuery({
    queryKey: ['survey-definitions', surveyId, 'latest'],
    queryFn: ({ signal }) => api.get<SurveyDefinitionDetail>(`/survey-definitions/${encodeURIComponent(surveyId)}`, { signal }),
    enabled: surveyId !== '',
  });
  const areaId = v.areaId || areas.data?.items[0]?.areaId || '';
  const key = useRef('');
  const create = useMutation({
    mutationFn: (body: unknown) => api.post<CampaignView>('/surveys', body, { idempotencyKey: key.current }),
    onSuccess: (campaign) => {
      void queryClient.invalidateQueries({ queryKey: ['surveys'] });
      void navigate(`/surveys/${encodeURIComponent(campaign.campaignId)}`);
    },
  });
  const set = <K extends keyof Values>(k: K, value: Values[K]) => setV((old) => ({ ...old, [k]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (create.isPending) return;
    key.current = newIdempotencyKey();
    create.mutate(bodyOf({ ...v, surveyId, areaId }, csv?.text ?? null));
  };
  const readFile = (file: File | undefined) => {
    setFileError(null);
    if (!file) return setCsv(null);
    file.text().then(
      (text) => setCsv({ name: file.name, text }),
      (err: unknown) => {
        setCsv(null);
        setFileError((err as Error).message);
      },
    );
  };
  const rows = csv ? csv.text.split(/\r?\n/).filter((l) => l.trim() !== '').length - 1 : 0;
  const err = create.error;

  const dateField = (name: 'startsAt' | 'remindAt' | 'endsAt', hint?: string, disabled?: boolean) => (
    <label htmlFor={`campaign-${name}`}>
      {t(`campaign.${name}`)}
      <input id={`campaign-${name}`} type="datetime-local" value={v[name]} onChange={(e) => set(name, e.target.value)} disabled={disabled} aria-describedby={`campaign-${name}-error`} data-testid={`campaign-${name}`} />
      {hint && <span className="complaint-hint">{hint}</span>}
      <FieldErrors error={err} field={name} id={`campaign-${name}-error`} />
    </label>
  );

  if (definitions.isPending || areas.isPending) return <Loading />;
  return (
    <div className="surveys">
      <p>
        <Link to="/surveys">← {t('back')}</Link>
      </p>
      <h1>{t('campaigns.new')}</h1>
      {definitions.error ? <ProblemView error={definitions.error} /> : null}
      {areas.error ? <ProblemView error={areas.error} /> : null}
      <form onSubmit={submit} noValidate data-testid="campaign-new-form" aria-label={t('campaigns.new')}>
        <fieldset>
          <legend>{t('campaign.what')}</legend>
          <div className="form-row">
            <label htmlFor="campaign-survey">
              {t('campaign.survey')}
              <select id="campaign-survey" value={surveyId} onChange={(e) => setV((old) => ({ ...old, surveyId: e.target.value, surveyVersion: '' }))} data-testid="campaign-survey" aria-describedby="campaign-survey-error">
                {definitions.data?.items.map((d) => (
                  <option key={d.surveyId} value={d.surveyId}>
                    {d.title} ({t(`kind.${d.kind}`)})
                  </option>
                ))}
              </select>
              <FieldErrors error={err} field="surveyId" id="campaign-survey-error" />
            </label>
            <label htmlFor="campaign-version">
              {t('campaign.version')}
              <select id="campaign-version" value={v.surveyVersion} onChange={(e) => set('surveyVersion', e.target.value)} data-testid="campaign-version" aria-describedby="campaign-version-error">
                <option value="">{t('campaign.latestVersion', { v: definition.data?.version ?? '…' })}</option>
                {[...(definition.data?.versions ?? [])]
                  .sort((a, b) => b.version - a.version)
                  .map((x) => (
                    <option key={x.version} value={x.version}>
                      {t('definition.versionN', { v: x.version })}
                    </option>
                  ))}
              </select>
              <FieldErrors error={err} field="surveyVersion" id="campaign-version-error" />
            </label>
            <label htmlFor="campaign-title">
              {t('campaign.title')}
              <input id="campaign-title" value={v.title} onChange={(e) => set('title', e.target.value)} size={40} aria-required aria-describedby="campaign-title-error" data-testid="campaign-title" />
              <FieldErrors error={err} field="title" id="campaign-title-error" />
            </label>
            <label htmlFor="campaign-area">
              {t('campaign.area')}
              <select id="campaign-area" value={areaId} onChange={(e) => set('areaId', e.target.value)} data-testid="campaign-area" aria-describedby="campaign-area-error">
                {areas.data?.items.map((a) => (
                  <option key={a.areaId} value={a.areaId}>
                    {a.name}
                  </option>
                ))}
              </select>
              <FieldErrors error={err} field="areaId" id="campaign-area-error" />
            </label>
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('campaign.when')}</legend>
          <div className="form-row">
            {dateField('startsAt', t('campaign.startsAtHint'))}
            {dateField('remindAt', t('campaign.remindAtHint'), v.noReminder)}
            <label className="admin-check">
              <input type="checkbox" checked={v.noReminder} onChange={(e) => set('noReminder', e.target.checked)} data-testid="campaign-no-reminder" />
              {t('campaign.noReminder')}
            </label>
            {dateField('endsAt')}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('campaign.audience')}</legend>
          <div className="form-row" role="radiogroup" aria-label={t('campaign.audience')}>
            {(['csv', 'closed_complaints'] as const).map((s) => (
              <label key={s} className="admin-check">
                <input type="radio" name="campaign-source" value={s} checked={v.source === s} onChange={() => set('source', s)} data-testid={`campaign-source-${s}`} />
                {t(`campaign.source.${s}`)}
              </label>
            ))}
          </div>
          {v.source === 'csv' ? (
            <>
              <label htmlFor="campaign-csv">
                {t('campaign.csvFile')}
                <input id="campaign-csv" type="file" accept=".csv,text/csv,text/plain" onChange={(e) => readFile(e.target.files?.[0])} aria-describedby="campaign-csv-hint campaign-csv-error" data-testid="campaign-csv" />
              </label>
              <p className="complaint-hint" id="campaign-csv-hint">
                {t('campaign.csvHint')}
              </p>
              {csv && (
                <p data-testid="campaign-csv-read">
                  {t('campaign.csvRead', { name: csv.name, rows: formatNumber(Math.max(rows, 0), 0) })}
                </p>
              )}
              {fileError && (
                <p className="field-error" role="alert">
                  {fileError}
                </p>
              )}
              <FieldErrors error={err} field="csv" id="campaign-csv-error" />
            </>
          ) : (
            <div className="form-row">
              <label htmlFor="campaign-from">
                {t('campaign.closedFrom')}
                <input id="campaign-from" type="date" value={v.from} onChange={(e) => set('from', e.target.value)} aria-describedby="campaign-from-error" data-testid="campaign-from" />
                <FieldErrors error={err} field="from" id="campaign-from-error" />
              </label>
              <label htmlFor="campaign-to">
                {t('campaign.closedTo')}
                <input id="campaign-to" type="date" value={v.to} onChange={(e) => set('to', e.target.value)} aria-describedby="campaign-to-error" data-testid="campaign-to" />
                <FieldErrors error={err} field="to" id="campaign-to-error" />
              </label>
              <label htmlFor="campaign-sample">
                {t('campaign.sampleSize')}
                <input id="campaign-sample" type="number" min={1} value={v.sampleSize} onChange={(e) => set('sampleSize', e.target.value)} aria-describedby="campaign-sample-error" data-testid="campaign-sample" />
                <FieldErrors error={err} field="sampleSize" id="campaign-sample-error" />
              </label>
              <label htmlFor="campaign-seed">
                {t('campaign.seed')}
                <input id="campaign-seed" value={v.seed} onChange={(e) => set('seed', e.target.value)} aria-describedby="campaign-seed-hint" />
                <span className="complaint-hint" id="campaign-seed-hint">
                  {t('campaign.seedHint')}
                </span>
              </label>
            </div>
          )}
        </fieldset>
        <div className="form-row">
          <button type="submit" disabled={create.isPending} data-testid="campaign-create">
            {t('campaign.create')}
          </button>
        </div>
        {err ? <ProblemView error={err} /> : null}
      </form>
    </div>
  );
}
