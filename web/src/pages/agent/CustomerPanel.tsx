/**
 * The complaint's customer: their contact (from the detail view's
 * `customerContact`, kept outside the workflow and the audit trail so it can
 * be erased; older complaints still carry name and email in `customer`),
 * their own link (issue it to hand over another way, copy it, revoke it — for
 * roles with `customer.link`), what they said about the service (CSAT with
 * reason codes, NPS) and the follow-ups a low rating opened (`followup.read`).
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { scopeOf } from '../../../../src/domain/permissions';
import { api, newIdempotencyKey } from '../../api';
import { Loading, ProblemView } from '../../components/States';
import { formatDateTime } from '../../format';
import { useUser } from '../../session';
import type { FollowUpView, IssuedCustomerLink, RevokedCustomerLink } from '../surveys/types';
import type { ComplaintDetail } from './types';

const FOLLOW_UP_REFRESH_MS = 15_000;

export function CustomerPanel({ complaint: c }: { complaint: ComplaintDetail }) {
  const { t } = useTranslation('agent');
  const user = useUser();
  const contact = c.customerContact;
  const name = contact ? contact.name : (c.customer.name ?? null);
  const email = contact ? contact.email : (c.customer.email ?? null);
  const erased = contact?.erased ?? false;
  const canLink = scopeOf(user.role, 'customer.link') !== null;
  const canReadFollowUps = scopeOf(user.role, 'followup.read') !== null;

  return (
    <div data-testid="customer-panel">
      <dl className="complaint-dl" data-testid="customer-contact" data-erased={erased}>
        <dt>{t('field.customerId')}</dt>
        <dd data-testid="customer-id">{c.customer.id}</dd>
        <dt>{t('field.customerName')}</dt>
        <dd data-testid="customer-name">{erased ? <span className="badge muted">{t('customer.erased')}</span> : (name ?? '—')}</dd>
        <dt>{t('field.email')}</dt>
        <dd data-testid="customer-email">{erased ? <span className="badge muted">{t('customer.erased')}</span> : email ? <a href={`mailto:${email}`}>{email}</a> : '—'}</dd>
        <dt>{t('customer.language')}</dt>
        <dd data-testid="customer-language">{contact ? t(`customer.languageName.${contact.language}`, { defaultValue: contact.language }) : '—'}</dd>
      </dl>
      {erased && <p className="complaint-hint">{t('customer.erasedHint')}</p>}

      {canLink && <CustomerLink complaintId={c.id} />}

      <h3>{t('customer.feedback')}</h3>
      {c.csat ? (
        <dl className="complaint-dl" data-testid="customer-csat" data-rating={c.csat.rating}>
          <dt>{t('field.csat')}</dt>
          <dd>
            {c.csat.rating}/5 · {formatDateTime(c.csat.at)}
            {c.csat.recordedBy && ` · ${t('customer.recordedBy', { by: c.csat.recordedBy })}`}
          </dd>
          {c.csat.reasons.length > 0 && (
            <>
              <dt>{t('customer.reasons')}</dt>
              <dd data-testid="customer-csat-reasons">{c.csat.reasons.map((r) => t(`surveys:reason.${r}`, { defaultValue: r })).join(', ')}</dd>
            </>
          )}
          {c.csat.comment && (
            <>
              <dt>{t('field.comment')}</dt>
              <dd>{c.csat.comment}</dd>
            </>
          )}
          {c.csat.nps !== null && (
            <>
              <dt>{t('customer.nps')}</dt>
              <dd data-testid="customer-nps">{c.csat.nps}/10</dd>
            </>
          )}
        </dl>
      ) : (
        <p className="state state-empty">{t('customer.noFeedback')}</p>
      )}

      {canReadFollowUps && <ComplaintFollowUps complaintId={c.id} />}
    </div>
  );
}

function CustomerLink({ complaintId }: { complaintId: string }) {
  const { t } = useTranslation('agent');
  const urlId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [issued, setIssued] = useState<IssuedCustomerLink | null>(null);
  const [revoked, setRevoked] = useState<RevokedCustomerLink | null>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const key = useRef('');
  const path = `/complaints/${encodeURIComponent(complaintId)}/customer-link`;
  const issue = useMutation({
    mutationFn: () => api.post<IssuedCustomerLink>(path, {}, { idempotencyKey: key.current }),
    onSuccess: (link) => {
      setIssued(link);
      setRevoked(null);
      setCopied(null);
    },
  });
  const revoke = useMutation({
    mutationFn: () => api.post<RevokedCustomerLink>(`${path}/revoke`, {}, { idempotencyKey: key.current }),
    onSuccess: (r) => {
      setRevoked(r);
      setIssued(null);
    },
  });
  const run = (m: typeof issue | typeof revoke) => {
    if (issue.isPending || revoke.isPending) return;
    key.current = newIdempotencyKey();
    m.mutate();
  };
  const copy = async () => {
    if (!issued) return;
    try {
      await navigator.clipboard.writeText(issued.url);
      setCopied(true);
    } catch {
      // No clipboard permission: select the text so Ctrl+C copies it.
      input.current?.select();
      setCopied(false);
    }
  };

  return (
    <section aria-labelledby={`${urlId}-h`} data-testid="customer-link">
      <h3 id={`${urlId}-h`}>{t('customer.link')}</h3>
      <p className="complaint-hint">{t('customer.linkHint')}</p>
      <div className="form-row">
        <button type="button" onClick={() => run(issue)} disabled={issue.isPending} data-testid="customer-link-issue">
          {t('customer.getLink')}
        </button>
        <button type="button" className="secondary" onClick={() => run(revoke)} disabled={revoke.isPending} data-testid="customer-link-revoke">
          {t('customer.revokeLink')}
        </button>
      </div>
      {issued && (
        <div className="panel" data-testid="customer-link-issued" data-link-id={issued.linkId}>
          <label htmlFor={urlId}>
            {t('customer.linkUrl')}
            <input id={urlId} ref={input} readOnly value={issued.url} size={60} onFocus={(e) => e.target.select()} data-testid="customer-link-url" />
          </label>
          <div className="form-row">
            <button type="button" className="secondary" onClick={() => void copy()} data-testid="customer-link-copy">
              {t('customer.copy')}
            </button>
            <span role="status" aria-live="polite">
              {copied === true ? t('customer.copied') : copied === false ? t('customer.copyManually') : ''}
            </span>
          </div>
          <p data-testid="customer-link-expires" data-value={issued.expiresAt}>
            {t('customer.expires', { at: formatDateTime(issued.expiresAt) })}
          </p>
        </div>
      )}
      {revoked && (
        <p role="status" data-testid="customer-link-revoked" data-link-id={revoked.linkId}>
          {t('customer.revoked', { at: formatDateTime(revoked.revokedAt) })}
        </p>
      )}
      {issue.error ? <ProblemView error={issue.error} /> : null}
      {revoke.error ? <ProblemView error={revoke.error} title={t('customer.noLiveLink')} /> : null}
    </section>
  );
}

function ComplaintFollowUps({ complaintId }: { complaintId: string }) {
  const { t } = useTranslation('agent');
  const q = useQuery({
    queryKey: ['follow-ups', 'complaint', complaintId],
    queryFn: ({ signal }) => api.get<{ items: FollowUpView[] }>(`/follow-ups?complaintId=${encodeURIComponent(complaintId)}`, { signal }),
    refetchInterval: FOLLOW_UP_REFRESH_MS,
  });
  return (
    <section aria-labelledby="customer-followups-h" data-testid="customer-follow-ups">
      <h3 id="customer-followups-h">{t('customer.followUps')}</h3>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ProblemView error={q.error} />
      ) : q.data.items.length === 0 ? (
        <p className="state state-empty">{t('customer.noFollowUps')}</p>
      ) : (
        <ul>
          {q.data.items.map((f) => (
            <li key={f.followUpId} data-testid="customer-follow-up" data-status={f.status}>
              <span className={`badge ${f.status === 'open' ? 'warn' : 'ok'}`}>{t(`surveys:followUps.status.${f.status}`)}</span> {t('customer.followUpLine', { rating: f.rating, at: formatDateTime(f.createdAt) })}
              {f.reasons.length > 0 && ` · ${f.reasons.map((r) => t(`surveys:reason.${r}`, { defaultValue: r })).join(', ')}`}
              {f.outcome && ` · ${f.outcome}`} · <Link to={`/follow-ups?status=${f.status}`}>{t('customer.allFollowUps')}</Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
