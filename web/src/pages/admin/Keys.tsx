/**
 * API keys of a user: list (never the key, only its prefix), issue (the key
 * is shown once, in this page's memory only: never in storage, gone when the
 * admin hides it or leaves the page), revoke. GET/POST /admin/users/:id/keys,
 * POST /admin/keys/:keyId/revoke.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api, newIdempotencyKey } from '../../api';
import { Empty, FieldErrors, Loading, ProblemView } from '../../components/States';
import { formatDateTime } from '../../format';
import type { IssuedKey, KeyList, KeyView } from './types';
import { useUserPages } from './Users';

export default function Keys() {
  const { t } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const userId = params.get('user') ?? '';
  const users = useUserPages();
  const all = users.data?.pages.flatMap((p) => p.items) ?? [];
  const id = useId();

  return (
    <div className="admin">
      <h1>{t('keys.title')}</h1>
      {users.error ? (
        <ProblemView error={users.error} />
      ) : users.isPending ? (
        <Loading />
      ) : (
        <>
          <label htmlFor={`${id}-user`}>
            {t('keys.user')}
            <select
              id={`${id}-user`}
              value={userId}
              data-testid="admin-keys-user"
              onChange={(e) => {
                const next = new URLSearchParams(params);
                if (e.target.value) next.set('user', e.target.value);
                else next.delete('user');
                setParams(next, { replace: true });
              }}
            >
              <option value="">{t('keys.chooseUser')}</option>
              {all.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.id})
                </option>
              ))}
            </select>
          </label>
          {users.hasNextPage && (
            <button type="button" className="secondary" onClick={() => void users.fetchNextPage()}>
              {t('keys.moreUsers')}
            </button>
          )}
          {userId ? <UserKeys key={userId} userId={userId} /> : <Empty>{t('keys.pickUser')}</Empty>}
        </>
      )}
    </div>
  );
}

function UserKeys({ userId }: { userId: string }) {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const id = useId();
  const keys = useQuery({ queryKey: ['admin', 'keys', userId], queryFn: () => api.get<KeyList>(`/admin/users/${encodeURIComponent(userId)}/keys`) });
  const [label, setLabel] = useState('');
  // Empty: the API's default lifetime (admin-schemas KEY_DAYS); the API bounds it and names the field when refused.
  const [days, setDays] = useState('');
  const [idem, setIdem] = useState(newIdempotencyKey);
  // The issued key lives only in this mutation's state (memory), until hidden or the page is left.
  const issue = useMutation({
    mutationFn: (body: { label?: string; expiresInDays?: number }) => api.post<IssuedKey>(`/admin/users/${encodeURIComponent(userId)}/keys`, body, { idempotencyKey: idem }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['admin', 'keys', userId] });
      setLabel('');
    },
    // A double click shares the key (the API issues once: 409 names the first key); a new submission gets a new one.
    onSettled: () => setIdem(newIdempotencyKey()),
  });
  const revoke = useMutation({
    mutationFn: (keyId: string) => api.post<KeyView>(`/admin/keys/${encodeURIComponent(keyId)}/revoke`, {}, { idempotencyKey: newIdempotencyKey() }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['admin', 'keys', userId] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    issue.mutate({ ...(label.trim() ? { label: label.trim() } : {}), ...(days.trim() ? { expiresInDays: Number(days) } : {}) });
  };

  return (
    <>
      <form className="panel" onSubmit={submit} aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>{t('keys.issueTitle', { id: userId })}</h2>
        <div className="form-row">
          <label htmlFor={`${id}-label`}>
            {t('keys.label')}
            <input id={`${id}-label`} value={label} onChange={(e) => setLabel(e.target.value)} data-testid="admin-key-label" aria-describedby={`${id}-label-err`} />
            <FieldErrors error={issue.error} field="label" id={`${id}-label-err`} />
          </label>
          <label htmlFor={`${id}-days`}>
            {t('keys.expiresInDays')}
            <input id={`${id}-days`} type="number" inputMode="numeric" placeholder={t('keys.defaultDays')} value={days} onChange={(e) => setDays(e.target.value)} aria-describedby={`${id}-days-err`} />
            <FieldErrors error={issue.error} field="expiresInDays" id={`${id}-days-err`} />
          </label>
          <button type="submit" disabled={issue.isPending} data-testid="admin-key-issue">
            {t('keys.issue')}
          </button>
        </div>
        {issue.error ? <ProblemView error={issue.error} /> : null}
      </form>
      {issue.data && (
        <div className="panel admin-secret" role="status" data-testid="admin-key-issued">
          <h2>{t('keys.issuedTitle')}</h2>
          <p>{t('keys.issuedOnce')}</p>
          <p>
            <code data-testid="admin-key-value">{issue.data.key}</code>
          </p>
          <p>{t('keys.issuedMeta', { keyId: issue.data.keyId, expires: formatDateTime(issue.data.expiresAt) })}</p>
          <button type="button" onClick={() => issue.reset()} data-testid="admin-key-hide">
            {t('keys.hide')}
          </button>
        </div>
      )}
      <h2>{t('keys.listTitle', { id: userId })}</h2>
      {keys.isPending ? (
        <Loading />
      ) : keys.error ? (
        <ProblemView error={keys.error} />
      ) : keys.data.items.length === 0 ? (
        <Empty>{t('keys.none')}</Empty>
      ) : (
        <table data-testid="admin-keys-table">
          <caption className="visually-hidden">{t('keys.listTitle', { id: userId })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('keys.keyId')}</th>
              <th scope="col">{t('keys.prefix')}</th>
              <th scope="col">{t('keys.label')}</th>
              <th scope="col">{t('keys.created')}</th>
              <th scope="col">{t('keys.expires')}</th>
              <th scope="col">{t('keys.status')}</th>
              <th scope="col">{t('keys.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.items.map((k) => (
              <tr key={k.keyId} data-testid={`admin-key-${k.keyId}`}>
                <td>
                  <code>{k.keyId}</code>
                </td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.label ?? '—'}</td>
                <td>{formatDateTime(k.createdAt)}</td>
                <td>{formatDateTime(k.expiresAt)}</td>
                <td>
                  <span className={`badge ${k.status === 'active' ? 'ok' : 'muted'}`} data-testid={`admin-key-status-${k.keyId}`}>
                    {t(`keys.state.${k.status}`)}
                  </span>
                  {k.revokedAt && <> {formatDateTime(k.revokedAt)}</>}
                </td>
                <td>
                  {k.status === 'active' && (
                    <button type="button" className="secondary" disabled={revoke.isPending} onClick={() => revoke.mutate(k.keyId)} data-testid={`admin-key-revoke-${k.keyId}`}>
                      {t('keys.revoke')}
                      <span className="visually-hidden"> {k.keyId}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoke.error ? <ProblemView error={revoke.error} /> : null}
    </>
  );
}
