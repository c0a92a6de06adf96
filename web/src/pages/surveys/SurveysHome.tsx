/**
 * Surveys: the definitions (latest version of each, GET /survey-definitions)
 * and the campaigns (newest first, GET /surveys) with their status, dates and
 * counts. Creating either is offered only to roles with `survey.write` (the
 * permission matrix the API judges with); everyone with `survey.read` reads.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { scopeOf } from '../../../../src/domain/permissions';
import { api } from '../../api';
import { Empty, Loading, ProblemView } from '../../components/States';
import { formatDateTime, formatNumber } from '../../format';
import { useUser } from '../../session';
import type { AreaList, CampaignView, SurveyDefinitionView } from './types';

const CAMPAIGN_REFRESH_MS = 10_000;

export function StatusBadge({ status }: { status: CampaignView['status'] }) {
  const { t } = useTranslation('surveys');
  const tone = status === 'open' ? 'ok' : status === 'scheduled' ? 'warn' : 'muted';
  return (
    <span className={`badge ${tone}`} data-testid="campaign-status" data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}

export default function SurveysHome() {
  const { t } = useTranslation('surveys');
  const user = useUser();
  const canWrite = scopeOf(user.role, 'survey.write') !== null;
  const definitions = useQuery({ queryKey: ['survey-definitions'], queryFn: ({ signal }) => api.get<{ items: SurveyDefinitionView[] }>('/survey-definitions', { signal }) });
  const campaigns = useQuery({ queryKey: ['surveys'], queryFn: ({ signal }) => api.get<{ items: CampaignView[] }>('/surveys', { signal }), refetchInterval: CAMPAIGN_REFRESH_MS });
  const areas = useQuery({ queryKey: ['service-areas'], queryFn: () => api.get<AreaList>('/service-areas'), retry: false });
  const areaName = (id: string) => areas.data?.items.find((a) => a.areaId === id)?.name ?? id;

  return (
    <div className="surveys">
      <h1>{t('title')}</h1>
      <p className="admin-note">{t('intro')}</p>

      <section aria-labelledby="surveys-definitions-h">
        <h2 id="surveys-definitions-h">{t('definitions.title')}</h2>
        {canWrite && (
          <p>
            <Link to="/survey-definitions/new" className="cycle-button" data-testid="surveys-new-definition">
              {t('definitions.new')}
            </Link>
          </p>
        )}
        {definitions.isPending ? (
          <Loading />
        ) : definitions.error ? (
          <ProblemView error={definitions.error} />
        ) : definitions.data.items.length === 0 ? (
          <Empty>{t('definitions.empty')}</Empty>
        ) : (
          <table data-testid="surveys-definitions">
            <caption className="visually-hidden">{t('definitions.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('definitions.survey')}</th>
                <th scope="col">{t('definitions.kind')}</th>
                <th scope="col">{t('definitions.version')}</th>
                <th scope="col">{t('definitions.saved')}</th>
              </tr>
            </thead>
            <tbody>
              {definitions.data.items.map((d) => (
                <tr key={d.surveyId} data-testid={`surveys-definition-${d.surveyId}`}>
                  <th scope="row">
                    <Link to={`/survey-definitions/${encodeURIComponent(d.surveyId)}`}>{d.title}</Link>
                  </th>
                  <td>{t(`kind.${d.kind}`)}</td>
                  <td>{d.version}</td>
                  <td>
                    {formatDateTime(d.createdAt)} · {d.createdBy}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="surveys-campaigns-h">
        <h2 id="surveys-campaigns-h">{t('campaigns.title')}</h2>
        {canWrite && (
          <p>
            <Link to="/surveys/new" className="cycle-button" data-testid="surveys-new-campaign">
              {t('campaigns.new')}
            </Link>
          </p>
        )}
        {campaigns.isPending ? (
          <Loading />
        ) : campaigns.error ? (
          <ProblemView error={campaigns.error} />
        ) : campaigns.data.items.length === 0 ? (
          <Empty>{t('campaigns.empty')}</Empty>
        ) : (
          <table data-testid="surveys-campaigns">
            <caption className="visually-hidden">{t('campaigns.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('campaigns.campaign')}</th>
                <th scope="col">{t('definitions.kind')}</th>
                <th scope="col">{t('campaigns.status')}</th>
                <th scope="col">{t('campaigns.area')}</th>
                <th scope="col">{t('campaigns.period')}</th>
                <th scope="col">{t('counts.invited')}</th>
                <th scope="col">{t('counts.completed')}</th>
              </tr>
            </thead>
            <tbody>
              {campaigns.data.items.map((c) => (
                <tr key={c.campaignId} data-testid={`surveys-campaign-${c.campaignId}`}>
                  <th scope="row">
                    <Link to={`/surveys/${encodeURIComponent(c.campaignId)}`}>{c.title}</Link>
                  </th>
                  <td>{t(`kind.${c.kind}`)}</td>
                  <td>
                    <StatusBadge status={c.status} />
                  </td>
                  <td>{areaName(c.areaId)}</td>
                  <td>
                    {formatDateTime(c.startsAt)} – {formatDateTime(c.endsAt)}
                  </td>
                  <td>{formatNumber(c.counts.invited, 0)}</td>
                  <td>{formatNumber(c.counts.completed, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
