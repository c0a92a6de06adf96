/**
 * Follow-ups: the supervisor callbacks a low satisfaction rating opened
 * (GET /follow-ups?status=open|done; the tab in the URL). An open one shows
 * the complaint, the rating and reason codes and how long it has waited; a
 * role with `followup.act` completes it with what came of the call
 * (POST /follow-ups/:id/complete, audited). Done ones show the outcome.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { scopeOf } from '../../../../src/domain/permissions';
import { api, newIdempotencyKey, query } from '../../api';
import { Empty, FieldErrors, Loading, ProblemView } from '../../components/States';
import { formatDateTime, formatDuration } from '../../format';
import { useUser } from '../../session';
import { useNow } from '../agent/useNow';
import type { FollowUpView } from '../surveys/types';

const REFRESH_MS = 15_000;
const TABS = ['open', 'done'] as const;
type Tab = (typeof TABS)[number];

export default function FollowUps() {
  const { t } = useTranslation('surveys');
  const user = useUser();
  const canAct = scopeOf(user.role, 'followup.act') !== null;
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('status') === 'done' ? 'done' : 'open';
  const list = useQuery({
    queryKey: ['follow-ups', tab],
    queryFn: ({ signal }) => api.get<{ items: FollowUpView[] }>(`/follow-ups${query({ status: tab })}`, { signal }),
    refetchInterval: REFRESH_MS,
  });

  return (
    <div className="follow-ups">
      <h1>{t('followUps.title')}</h1>
      <p className="admin-note">{t('followUps.intro')}</p>
      <div role="tablist" aria-label={t('followUps.tabs')} className="form-row">
        {TABS.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={tab === s}
            className={tab === s ? undefined : 'secondary'}
            onClick={() => setParams(new URLSearchParams({ status: s }), { replace: true })}
            data-testid={`follow-ups-tab-${s}`}
          >
            {t(`followUps.tab.${s}`)}
          </button>
        ))}
      </div>
      <section role="tabpanel" aria-label={t(`followUps.tab.${tab}`)}>
        {list.isPending ? (
          <Loading />
        ) : list.error ? (
          <ProblemView error={list.error} />
        ) : list.data.items.length === 0 ? (
          <Empty>{t(`followUps.empty.${tab}`)}</Empty>
        ) : (
          <FollowUpTable items={list.data.items} tab={tab} canAct={canAct} />
        )}
      </section>
    </div>
  );
}

function FollowUpTable({ items, tab, canAct }: { items: FollowUpView[]; tab: Tab; canAct: boolean }) {
  const { t } = useTranslation('surveys');
  const now = useNow(tab === 'open');
  return (
    <table data-testid="follow-ups-table" data-status={tab}>
      <caption className="visually-hidden">{t(`followUps.tab.${tab}`)}</caption>
      <thead>
        <tr>
          <th scope="col">{t('followUps.complaint')}</th>
          <th scope="col">{t('followUps.rating')}</th>
          <th scope="col">{t('followUps.reasons')}</th>
          <th scope="col">{tab === 'open' ? t('followUps.age') : t('followUps.completed')}</th>
          <th scope="col">{tab === 'open' ? t('followUps.complete') : t('followUps.outcome')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((f) => (
          <tr key={f.followUpId} data-testid={`follow-up-${f.followUpId}`} data-complaint-id={f.complaintId} data-status={f.status}>
            <th scope="row">
              <Link to={`/complaints/${encodeURIComponent(f.complaintId)}`}>{f.complaintId}</Link>
              <br />
              <span className="admin-note">{t('followUps.customer', { id: f.customerId })}</span>
            </th>
            <td data-value={f.rating}>{f.rating}/5</td>
            <td>{f.reasons.map((r) => t(`reason.${r}`, { defaultValue: r })).join(', ') || '—'}</td>
            {tab === 'open' ? (
              <td>
                <time dateTime={f.createdAt} title={formatDateTime(f.createdAt)}>
                  {formatDuration(now - Date.parse(f.createdAt))}
                </time>
              </td>
            ) : (
              <td>
                {formatDateTime(f.completedAt)} · {f.completedBy ?? '—'}
              </td>
            )}
            <td>{tab === 'open' ? canAct ? <CompleteForm followUp={f} /> : '—' : <span data-testid="follow-up-outcome">{f.outcome}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CompleteForm({ followUp }: { followUp: FollowUpView }) {
  const { t } = useTranslation('surveys');
  const qc = useQueryClient();
  const [outcome, setOutcome] = useState('');
  const key = useRef('');
  const complete = useMutation({
    mutationFn: (body: { outcome: string }) => api.post<FollowUpView>(`/follow-ups/${encodeURIComponent(followUp.followUpId)}/complete`, body, { idempotencyKey: key.current }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['follow-ups'] }),
  });
  const id = `follow-up-outcome-${followUp.followUpId}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (complete.isPending) return;
    key.current = newIdempotencyKey();
    complete.mutate({ outcome: outcome.trim() });
  };
  return (
    <form onSubmit={submit} noValidate aria-label={t('followUps.completeFor', { id: followUp.complaintId })} data-testid="follow-up-complete-form">
      <label htmlFor={id}>
        {t('followUps.outcome')}
        <textarea id={id} rows={2} cols={36} value={outcome} onChange={(e) => setOutcome(e.target.value)} aria-describedby={`${id}-error`} data-testid="follow-up-outcome-input" />
        <FieldErrors error={complete.error} field="outcome" id={`${id}-error`} />
      </label>
      <button type="submit" disabled={complete.isPending} data-testid="follow-up-complete">
        {t('followUps.complete')}
      </button>
      {complete.error ? <ProblemView error={complete.error} /> : null}
    </form>
  );
}
