/**
 * The customer's view of their complaint: where it is, the conversation
 * (the agent's public replies and the customer's own), and what the API says
 * they may do now (`actions`): reply, confirm or reopen a resolution, rate.
 * Once closed it is read-only, with the rating they gave.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Loading } from '../../components/States';
import { formatDateTime } from '../../format';
import { customerApi, isLinkProblem, linkKey, useCustomerWrite } from './customer-api';
import { FieldProblem, fieldInvalid, LinkProblem, useEditsSinceSubmit, WriteProblem } from './Problems';
import { RatingForm } from './RatingForm';
import { StatusSteps } from './StatusSteps';
import type { CustomerAction, CustomerComplaintView } from './types';

/** The complaint changes on the staff side: read it again now and then (the link's rate limit allows far more). */
const REFRESH_MS = 30_000;

export function ComplaintPanel({ token }: { token: string }) {
  const { t } = useTranslation('customer');
  const key = [...linkKey(token), 'complaint'];
  const qc = useQueryClient();
  const query = useQuery({ queryKey: key, queryFn: () => customerApi.get<CustomerComplaintView>(token, '/customer-link/complaint'), refetchInterval: REFRESH_MS });
  if (query.isPending) return <Loading label={t('loading')} />;
  // A link revoked or expired while the page is open shows as such at the next read, not as stale data.
  if (query.error && (!query.data || isLinkProblem(query.error))) return <LinkProblem error={query.error} />;
  const c = query.data!;
  const adopt = (view: CustomerComplaintView) => qc.setQueryData(key, view);
  const can = (a: CustomerAction) => c.actions.includes(a);

  return (
    <div data-testid="customer-complaint" data-status={c.status} data-complaint-id={c.complaintId}>
      <h1>{t('complaint.title')}</h1>
      <p className="customer-meta">
        {t('complaint.reference', { id: c.complaintId })} · {t('complaint.since', { date: formatDateTime(c.createdAt) })}
      </p>
      <section className="customer-card" aria-labelledby="customer-status-heading">
        <h2 id="customer-status-heading">{t('complaint.statusHeading')}</h2>
        <StatusSteps status={c.status} />
        <p data-testid="customer-status-text">{t(`status.${c.status}`, { defaultValue: t('status.unknown') })}</p>
        {c.status === 'resolved' && c.confirmBy && <p className="customer-hint">{t('complaint.autoClose', { date: formatDateTime(c.confirmBy) })}</p>}
      </section>

      {c.resolution && (
        <section className="customer-card" aria-labelledby="customer-resolution-heading" data-testid="customer-resolution">
          <h2 id="customer-resolution-heading">{t('complaint.resolutionHeading')}</h2>
          <p className="customer-text">{c.resolution.summary}</p>
          <p className="customer-meta">{formatDateTime(c.resolution.at)}</p>
        </section>
      )}

      {c.status === 'resolved' && (can('confirm') || can('reopen')) && <SolvedQuestion token={token} view={c} onDone={adopt} />}

      {can('rate') && !can('confirm') && (
        <section className="customer-card" aria-labelledby="customer-rate-heading" data-testid="customer-rate">
          <h2 id="customer-rate-heading">{t('rate.heading')}</h2>
          <p>{t('rate.intro')}</p>
          <RatingForm token={token} view={c} mode="rate" onDone={adopt} />
        </section>
      )}

      {c.csat && <GivenRating view={c} />}
      {c.status === 'closed' && (
        <p className="customer-thanks" data-testid="customer-closed">
          {c.csat ? t('complaint.closedThanks') : t('complaint.closed')}
        </p>
      )}

      <section className="customer-card" aria-labelledby="customer-messages-heading">
        <h2 id="customer-messages-heading">{t('messages.heading')}</h2>
        <Messages view={c} />
        {can('reply') && <ReplyForm token={token} onDone={adopt} />}
      </section>
    </div>
  );
}

/** The customer's description first, then the public conversation, oldest first. */
function Messages({ view }: { view: CustomerComplaintView }) {
  const { t } = useTranslation('customer');
  return (
    <ol className="customer-messages" data-testid="customer-messages">
      <li className="customer-message customer-message-customer">
        <p className="customer-message-who">
          {t('messages.yourComplaint')} · {formatDateTime(view.createdAt)}
        </p>
        <p className="customer-text">{view.description}</p>
      </li>
      {view.messages.map((m) => (
        <li key={m.seq} className={`customer-message customer-message-${m.from}`} data-testid="customer-message" data-from={m.from}>
          <p className="customer-message-who">
            {t(`messages.from.${m.from}`)} · {formatDateTime(m.at)}
          </p>
          <p className="customer-text">{m.text}</p>
        </li>
      ))}
    </ol>
  );
}

function ReplyForm({ token, onDone }: { token: string; onDone(view: CustomerComplaintView): void }) {
  const { t } = useTranslation('customer');
  const [message, setMessage] = useState('');
  const write = useCustomerWrite(
    token,
    (body: { message: string }, key) => customerApi.post<CustomerComplaintView>(token, '/customer-link/reply', body, key),
    (view) => {
      setMessage('');
      onDone(view);
    },
  );
  const { edited, edit, submitted } = useEditsSinceSubmit();
  const invalid = fieldInvalid(write.error, 'message', edited);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    submitted();
    write.mutate({ message });
  };
  return (
    <form className="customer-form" onSubmit={submit} noValidate data-testid="customer-reply-form">
      <div className="customer-field">
        <label htmlFor="customer-reply">{t('reply.label')}</label>
        <textarea
          id="customer-reply"
          data-testid="customer-reply"
          rows={4}
          maxLength={5000}
          value={message}
          onChange={(e) => {
            setMessage(e.target.value);
            edit('message');
          }}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? 'customer-reply-error' : undefined}
        />
        <FieldProblem error={write.error} edited={edited} field="message" id="customer-reply-error" />
      </div>
      <WriteProblem error={write.error} edited={edited} fields={['message']} testId="customer-reply-problem" />
      <button type="submit" className="customer-primary" disabled={write.isPending} data-testid="customer-reply-submit">
        {write.isPending ? t('action.sending') : t('action.reply')}
      </button>
    </form>
  );
}

/** "Is it solved?": yes confirms (with the rating), no reopens (with a reason) while the reopen window lasts. */
function SolvedQuestion({ token, view, onDone }: { token: string; view: CustomerComplaintView; onDone(view: CustomerComplaintView): void }) {
  const { t } = useTranslation('customer');
  const [answer, setAnswer] = useState<'yes' | 'no' | null>(null);
  const can = (a: CustomerAction) => view.actions.includes(a);
  return (
    <section className="customer-card customer-solved" aria-labelledby="customer-solved-heading" data-testid="customer-solved">
      <h2 id="customer-solved-heading">{t('solved.question')}</h2>
      <div className="customer-choice-buttons">
        {can('confirm') && (
          <button type="button" className={answer === 'yes' ? 'customer-primary' : 'secondary'} aria-expanded={answer === 'yes'} aria-controls="customer-confirm-part" onClick={() => setAnswer('yes')} data-testid="customer-solved-yes">
            {t('solved.yes')}
          </button>
        )}
        {can('reopen') && (
          <button type="button" className={answer === 'no' ? 'customer-primary' : 'secondary'} aria-expanded={answer === 'no'} aria-controls="customer-reopen-part" onClick={() => setAnswer('no')} data-testid="customer-solved-no">
            {t('solved.no')}
          </button>
        )}
      </div>
      {can('reopen') && view.reopenBy && <p className="customer-hint">{t('solved.reopenUntil', { date: formatDateTime(view.reopenBy) })}</p>}
      {answer === 'yes' && (
        <div id="customer-confirm-part">
          <p>{t('solved.confirmIntro')}</p>
          <RatingForm token={token} view={view} mode="confirm" onDone={onDone} />
        </div>
      )}
      {answer === 'no' && (
        <div id="customer-reopen-part">
          <ReopenForm token={token} onDone={onDone} />
        </div>
      )}
    </section>
  );
}

function ReopenForm({ token, onDone }: { token: string; onDone(view: CustomerComplaintView): void }) {
  const { t } = useTranslation('customer');
  const [reason, setReason] = useState('');
  const write = useCustomerWrite(token, (body: { reason: string }, key) => customerApi.post<CustomerComplaintView>(token, '/customer-link/reopen', body, key), onDone);
  const { edited, edit, submitted } = useEditsSinceSubmit();
  const invalid = fieldInvalid(write.error, 'reason', edited);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    submitted();
    write.mutate({ reason });
  };
  return (
    <form className="customer-form" onSubmit={submit} noValidate data-testid="customer-reopen-form">
      <div className="customer-field">
        <label htmlFor="customer-reopen-reason">
          {t('reopen.label')} <span aria-hidden="true">*</span>
        </label>
        <textarea
          id="customer-reopen-reason"
          data-testid="customer-reopen-reason"
          rows={3}
          maxLength={2000}
          required
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
            edit('reason');
          }}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? 'customer-reopen-reason-error' : undefined}
        />
        <FieldProblem error={write.error} edited={edited} field="reason" id="customer-reopen-reason-error" />
      </div>
      <WriteProblem error={write.error} edited={edited} fields={['reason']} testId="customer-reopen-problem" />
      <button type="submit" className="customer-primary" disabled={write.isPending} data-testid="customer-reopen-submit">
        {write.isPending ? t('action.sending') : t('action.reopen')}
      </button>
    </form>
  );
}

/** The rating the customer gave, read-only. */
function GivenRating({ view }: { view: CustomerComplaintView }) {
  const { t } = useTranslation('customer');
  const csat = view.csat!;
  return (
    <section className="customer-card" aria-labelledby="customer-given-heading" data-testid="customer-given-rating" data-rating={csat.rating}>
      <h2 id="customer-given-heading">{t('given.heading')}</h2>
      <p className="customer-given-stars">
        <span aria-hidden="true">{'★'.repeat(csat.rating) + '☆'.repeat(Math.max(0, 5 - csat.rating))}</span>
        <span> {t('rating.stars', { count: csat.rating })}</span>
      </p>
      <dl className="customer-facts">
        {csat.reasons.length > 0 && (
          <>
            <dt>{t('given.reasons')}</dt>
            <dd data-testid="customer-given-reasons">{csat.reasons.map((r) => t(`reason.${r}`, { defaultValue: r })).join(t('list.separator'))}</dd>
          </>
        )}
        {csat.comment && (
          <>
            <dt>{t('given.comment')}</dt>
            <dd className="customer-text">{csat.comment}</dd>
          </>
        )}
        {csat.nps !== null && (
          <>
            <dt>{t('given.nps')}</dt>
            <dd>{csat.nps}</dd>
          </>
        )}
        <dt>{t('given.at')}</dt>
        <dd>{formatDateTime(csat.at)}</dd>
      </dl>
    </section>
  );
}
