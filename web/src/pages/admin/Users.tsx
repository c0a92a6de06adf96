/**
 * Users: the accounts, their role and queues, disabling, creating with a
 * sign-in password and resetting it (GET/POST /admin/users, PUT
 * /admin/users/:id and /admin/users/:id/password). Passwords go to the API
 * and nowhere else: never kept after the request, never in storage.
 */
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ROLES } from '../../../../src/domain/actors';
import { api, newIdempotencyKey, query } from '../../api';
import { Empty, FieldErrors, Loading, ProblemView } from '../../components/States';
import { formatDateTime } from '../../format';
import type { PasswordSet, UserList, UserView } from './types';

/** "a, b" -> ['a', 'b'] (the API validates each queue). */
export const splitList = (s: string): string[] =>
  s
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

export function useUserPages(role?: string) {
  return useInfiniteQuery({
    queryKey: ['admin', 'users', role ?? null],
    queryFn: ({ pageParam }) => api.get<UserList>(`/admin/users${query({ role, limit: 50, cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export default function Users() {
  const { t } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const role = params.get('role') ?? '';
  const users = useUserPages(role || undefined);
  const [editing, setEditing] = useState<string | null>(null);
  const items = users.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div className="admin">
      <h1>{t('users.title')}</h1>
      {users.error ? (
        <ProblemView error={users.error} />
      ) : (
        <>
          <CreateUser />
          <h2>{t('users.list')}</h2>
          <label>
            {t('users.roleFilter')}
            <select
              value={role}
              onChange={(e) => {
                const next = new URLSearchParams(params);
                if (e.target.value) next.set('role', e.target.value);
                else next.delete('role');
                setParams(next, { replace: true });
              }}
            >
              <option value="">{t('users.allRoles')}</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`common:role.${r}`)}
                </option>
              ))}
            </select>
          </label>
          {users.isPending ? (
            <Loading />
          ) : items.length === 0 ? (
            <Empty />
          ) : (
            <table data-testid="admin-users-table">
              <caption className="visually-hidden">{t('users.list')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('users.id')}</th>
                  <th scope="col">{t('users.name')}</th>
                  <th scope="col">{t('users.role')}</th>
                  <th scope="col">{t('users.queues')}</th>
                  <th scope="col">{t('users.state')}</th>
                  <th scope="col">{t('users.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((u) => (
                  <UserRow key={u.id} user={u} editing={editing === u.id} onToggle={() => setEditing(editing === u.id ? null : u.id)} />
                ))}
              </tbody>
            </table>
          )}
          {users.hasNextPage && (
            <button type="button" className="secondary" disabled={users.isFetchingNextPage} onClick={() => void users.fetchNextPage()}>
              {t('common:action.next')}
            </button>
          )}
        </>
      )}
    </div>
  );
}

function UserRow({ user: u, editing, onToggle }: { user: UserView; editing: boolean; onToggle: () => void }) {
  const { t } = useTranslation('admin');
  const panel = useId();
  return (
    <>
      <tr data-testid={`admin-user-${u.id}`}>
        <td>{u.id}</td>
        <td>{u.name}</td>
        <td>{t(`common:role.${u.role}`, { defaultValue: u.role })}</td>
        <td>{u.queues.join(', ') || '—'}</td>
        <td>{u.disabledAt ? <span className="badge bad">{t('users.disabledSince', { at: formatDateTime(u.disabledAt) })}</span> : <span className="badge ok">{t('users.active')}</span>}</td>
        <td>
          <button type="button" className="secondary" aria-expanded={editing} aria-controls={panel} onClick={onToggle} data-testid={`admin-edit-${u.id}`}>
            {t('users.edit')}
            <span className="visually-hidden"> {u.id}</span>
          </button>{' '}
          <Link to={`/admin/keys?user=${encodeURIComponent(u.id)}`}>
            {t('users.keys')}
            <span className="visually-hidden"> {u.id}</span>
          </Link>
        </td>
      </tr>
      {editing && (
        <tr id={panel}>
          <td colSpan={6}>
            <div className="grid">
              <EditUser user={u} />
              <ResetPassword user={u} />
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

function CreateUser() {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const id = useId();
  const [form, setForm] = useState({ id: '', name: '', role: 'agent', queues: 'general', password: '' });
  const [key, setKey] = useState(newIdempotencyKey);
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => api.post<UserView>('/admin/users', body, { idempotencyKey: key }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['admin', 'users'] });
      setForm({ id: '', name: '', role: 'agent', queues: 'general', password: '' });
    },
    // A double click shares the key (applied once); the next submission, after an answer, gets a new one.
    onSettled: () => setKey(newIdempotencyKey()),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ id: form.id.trim(), name: form.name, role: form.role, queues: splitList(form.queues), ...(form.password ? { password: form.password } : {}) });
  };
  const field = (name: keyof typeof form, label: string, props: Record<string, unknown> = {}) => (
    <label htmlFor={`${id}-${name}`}>
      {label}
      <input id={`${id}-${name}`} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })} data-testid={`admin-new-${name}`} aria-describedby={`${id}-${name}-err`} {...props} />
      <FieldErrors error={create.error} field={name} id={`${id}-${name}-err`} />
    </label>
  );
  return (
    <form className="panel" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('users.create')}</h2>
      <div className="form-row">
        {field('id', t('users.id'), { required: true, autoComplete: 'off' })}
        {field('name', t('users.name'), { required: true })}
        <RoleSelect id={`${id}-role`} value={form.role} onChange={(role) => setForm({ ...form, role })} testId="admin-new-role" error={create.error} />
        {field('queues', t('users.queuesHint'))}
        {field('password', t('users.password'), { type: 'password', autoComplete: 'new-password' })}
        <button type="submit" disabled={create.isPending} data-testid="admin-new-submit">
          {t('users.createButton')}
        </button>
      </div>
      <p className="admin-note">{t('users.passwordHint')}</p>
      {create.isSuccess && (
        <p role="status" data-testid="admin-new-done">
          {t('users.created', { id: create.data.id })}
        </p>
      )}
      {create.error ? <ProblemView error={create.error} /> : null}
    </form>
  );
}

function RoleSelect({ id, value, onChange, testId, error }: { id: string; value: string; onChange: (role: string) => void; testId: string; error: unknown }) {
  const { t } = useTranslation('admin');
  return (
    <label htmlFor={id}>
      {t('users.role')}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`common:role.${r}`)}
          </option>
        ))}
      </select>
      <FieldErrors error={error} field="role" />
    </label>
  );
}

function EditUser({ user }: { user: UserView }) {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const id = useId();
  const [form, setForm] = useState({ name: user.name, role: user.role, queues: user.queues.join(', '), disabled: user.disabledAt !== null });
  const save = useMutation({
    mutationFn: () => api.put<UserView>(`/admin/users/${encodeURIComponent(user.id)}`, { name: form.name, role: form.role, queues: splitList(form.queues), disabled: form.disabled }, { idempotencyKey: newIdempotencyKey() }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['admin', 'users'] }),
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
      aria-labelledby={`${id}-h`}
      data-testid={`admin-edit-form-${user.id}`}
    >
      <h3 id={`${id}-h`}>{t('users.editTitle', { id: user.id })}</h3>
      <div className="form-row">
        <label htmlFor={`${id}-name`}>
          {t('users.name')}
          <input id={`${id}-name`} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          <FieldErrors error={save.error} field="name" />
        </label>
        <RoleSelect id={`${id}-role`} value={form.role} onChange={(role) => setForm({ ...form, role })} testId="admin-edit-role" error={save.error} />
        <label htmlFor={`${id}-queues`}>
          {t('users.queuesHint')}
          <input id={`${id}-queues`} value={form.queues} onChange={(e) => setForm({ ...form, queues: e.target.value })} data-testid="admin-edit-queues" />
          <FieldErrors error={save.error} field="queues" />
        </label>
        <label htmlFor={`${id}-disabled`} className="admin-check">
          <input id={`${id}-disabled`} type="checkbox" checked={form.disabled} onChange={(e) => setForm({ ...form, disabled: e.target.checked })} data-testid="admin-edit-disabled" />
          {t('users.disabled')}
        </label>
        <button type="submit" disabled={save.isPending} data-testid="admin-edit-save">
          {t('common:action.save')}
        </button>
      </div>
      {save.isSuccess && <p role="status">{t('users.saved')}</p>}
      {save.error ? <ProblemView error={save.error} /> : null}
    </form>
  );
}

function ResetPassword({ user }: { user: UserView }) {
  const { t } = useTranslation('admin');
  const id = useId();
  const [password, setPassword] = useState('');
  const reset = useMutation({
    mutationFn: (pw: string) => api.put<PasswordSet>(`/admin/users/${encodeURIComponent(user.id)}/password`, { password: pw }, { idempotencyKey: newIdempotencyKey() }),
    onSuccess: () => setPassword(''),
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        reset.mutate(password);
      }}
      aria-labelledby={`${id}-h`}
      data-testid={`admin-password-form-${user.id}`}
    >
      <h3 id={`${id}-h`}>{t('users.resetTitle', { id: user.id })}</h3>
      <div className="form-row">
        <label htmlFor={`${id}-pw`}>
          {t('users.newPassword')}
          <input id={`${id}-pw`} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby={`${id}-pw-err`} data-testid="admin-reset-password" />
          <FieldErrors error={reset.error} field="password" id={`${id}-pw-err`} />
        </label>
        <button type="submit" disabled={reset.isPending} data-testid="admin-reset-submit">
          {t('users.resetButton')}
        </button>
      </div>
      <p className="admin-note">{t('users.resetHint')}</p>
      {reset.isSuccess && (
        <p role="status" data-testid="admin-reset-done">
          {t('users.resetDone', { id: user.id, count: reset.data.sessionsEnded })}
        </p>
      )}
      {reset.error ? <ProblemView error={reset.error} /> : null}
    </form>
  );
}
