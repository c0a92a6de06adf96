/**
 * One campaign: status, dates, counts and response rate (GET /surveys/:id,
 * re-read while it is not closed), "close now" for `survey.write`
 * (POST /surveys/:id/close: the results become final), the results
 * (GET /surveys/:id/results: live until the close, final after) and their
 * Markdown and CSV exports. The exports are plain links to the API path: the
 * browser sends the session cookie with a GET, which the API accepts.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { scopeOf } from '../../../../src/domain/permissions';
import { api, newIdempotencyKey } from '../../api';
import { Loading, ProblemView } from '../../components/States';
import { formatDateTime, formatNumber, formatPercent } from '../../format';
import { useUser } from '../../session';
import { Results } from './Results';
import { StatusBadge } from './SurveysHome';
import type { AreaList, CampaignView, SurveyResultsView } from './types';

const LIVE_REFRESH_MS = 5000;
const COUNTS = ['invited', 'emailed', 'reminded', 'responded', 'completed'] as const;

export default function CampaignPage() {
  const { t } = useTranslation('surveys');
  const { id = '' } = useParams();
  const user = useUser();
  const canWrite = scopeOf(user.role, 'survey.write') !== null;
  const path = `/surveys/${encodeURIComponent(id)}`;
  const campaign = useQuery({
    queryKey: ['surveys', id],
    queryFn: ({ signal }) => api.get<CampaignView>(path, { signal }),
    refetchInterval: (q) => (q.state.data?.status === 'closed' ? false : LIVE_REFRESH_MS),
  });
  const closed = campaign.data?.status === 'closed';
  const results = useQuery({
    queryKey: ['surveys', id, 'results', closed],
    queryFn: ({ signal }) => api.get<SurveyResultsView>(`${path}/results`, { signal }),
    enabled: campaign.data !== undefined && campaign.data.status !== 'scheduled',
    refetchInterval: (q) => (q.state.data?.final ? false : LIVE_REFRESH_MS * 2),
  });
  const areas = useQuery({ queryKey: ['service-areas'], queryFn: () => api.get<AreaList>('/service-areas'), retry: false });

  if (campaign.isPending) return <Loading />;
  if (!campaign.data) return <ProblemView error={campaign.error} />;
  const c = campaign.data;
  const areaName = areas.data?.items.find((a) => a.areaId === c.areaId)?.name ?? c.areaId;
  return (
    <div className="surveys" data-testid="campaign-page" data-status={c.status}>
      <p>
        <Link to="/surveys">← {t('back')}</Link>
      </p>
      <h1>
        {c.title} <span className="complaint-category">{t(`kind.${c.kind}`)}</span> <StatusBadge status={c.status} />
      </h1>
      {campaign.error ? <ProblemView error={campaign.error} title={t('campaign.refreshFailed')} /> : null}
      <div className="grid">
        <section className="panel" aria-labelledby="campaign-about-h">
          <h2 id="campaign-about-h">{t('campaign.about')}</h2>
          <dl className="admin-dl">
            <dt>{t('campaign.survey')}</dt>
            <dd>
              <Link to={`/survey-definitions/${encodeURIComponent(c.surveyId)}?v=${c.surveyVersion}`}>{t('campaign.surveyVersion', { id: c.surveyId, v: c.surveyVersion })}</Link>
            </dd>
            <dt>{t('campaign.area')}</dt>
            <dd>{areaName}</dd>
            <dt>{t('campaign.startsAt')}</dt>
            <dd>{formatDateTime(c.startsAt)}</dd>
            <dt>{t('campaign.remindAt')}</dt>
            <dd>{c.remindAt ? formatDateTime(c.remindAt) : t('campaign.noReminder')}</dd>
            <dt>{t('campaign.endsAt')}</dt>
            <dd>{formatDateTime(c.endsAt)}</dd>
            <dt>{t('campaign.closedAt')}</dt>
            <dd data-testid="campaign-closed-at">{formatDateTime(c.closedAt)}</dd>
            <dt>{t('campaign.created')}</dt>
            <dd>
              {formatDateTime(c.createdAt)} · {c.createdBy}
            </dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="campaign-counts-h">
          <h2 id="campaign-counts-h">{t('campaign.counts')}</h2>
          <table data-testid="campaign-counts">
            <caption className="visually-hidden">{t('campaign.counts')}</caption>
            <tbody>
              {COUNTS.map((k) => (
                <tr key={k}>
                  <th scope="row">{t(`counts.${k}`)}</th>
                  <td data-testid={`campaign-count-${k}`} data-value={c.counts[k]}>
                    {formatNumber(c.counts[k], 0)}
                  </td>
                </tr>
              ))}
              <tr>
                <th scope="row">{t('counts.responseRate')}</th>
                <td data-testid="campaign-response-rate" data-value={results.data?.responseRate ?? ''}>
                  {formatPercent(results.data?.responseRate)}
                </td>
              </tr>
            </tbody>
          </table>
          {canWrite && c.status !== 'closed' && <CloseNow campaign={c} />}
        </section>
      </div>

      <section aria-labelledby="campaign-results-h">
        <h2 id="campaign-results-h">{t('results.title')}</h2>
        {c.status === 'scheduled' ? (
          <p className="state state-empty">{t('results.notOpen', { at: formatDateTime(c.startsAt) })}</p>
        ) : results.isPending ? (
          <Loading />
        ) : results.error ? (
          <ProblemView error={results.error} />
        ) : (
          <>
            <p className="admin-note" data-testid="results-final" data-final={results.data.final}>
              {results.data.final ? t('results.final', { at: formatDateTime(results.data.computedAt) }) : t('results.live', { at: formatDateTime(results.data.computedAt) })}
            </p>
            <p>
              <a className="audit-button-link" href={`${path}/results?format=md`} download data-testid="results-export-md">
                {t('results.exportMd')}
              </a>
              <a className="audit-button-link" href={`${path}/results?format=csv`} download data-testid="results-export-csv">
                {t('results.exportCsv')}
              </a>
            </p>
            <Results scores={results.data.scores} />
          </>
        )}
      </section>
    </div>
  );
}

/** Close the campaign now, after a confirmation: late answers are then refused and the results become final. */
function CloseNow({ campaign }: { campaign: CampaignView }) {
  const { t } = useTranslation('surveys');
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [key, setKey] = useState(newIdempotencyKey);
  const close = useMutation({
    mutationFn: () => api.post<CampaignView>(`/surveys/${encodeURIComponent(campaign.campaignId)}/close`, {}, { idempotencyKey: key }),
    onSettled: () => setKey(newIdempotencyKey()),
    onSuccess: (updated) => {
      qc.setQueryData(['surveys', campaign.campaignId], updated);
      void qc.invalidateQueries({ queryKey: ['surveys'] });
      setAsking(false);
    },
  });
  return (
    <div>
      {!asking ? (
        <button type="button" onClick={() => setAsking(true)} data-testid="campaign-close">
          {t('campaign.closeNow')}
        </button>
      ) : (
        <div role="group" aria-labelledby="campaign-close-q" className="cycle-meaning">
          <p id="campaign-close-q">{t('campaign.closeQuestion', { completed: campaign.counts.completed, invited: campaign.counts.invited })}</p>
          <div className="form-row">
            <button type="button" disabled={close.isPending} onClick={() => close.mutate()} data-testid="campaign-close-confirm">
              {t('campaign.closeConfirm')}
            </button>
            <button type="button" className="secondary" onClick={() => setAsking(false)}>
              {t('common:action.cancel')}
            </button>
          </div>
        </div>
      )}
      {close.error ? <ProblemView error={close.error} /> : null}
    </div>
  );
}
