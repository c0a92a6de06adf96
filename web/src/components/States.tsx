/**
 * Loading, empty and error states shared by every page: a failed request shows
 * what the API said (status, title, detail, field errors), never a blank page.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError } from '../api';

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      {label ?? t('state.loading')}
    </p>
  );
}

export function Empty({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  return <p className="state state-empty">{children ?? t('state.empty')}</p>;
}

/** The API's problem (or any error) as a readable alert. */
export function ProblemView({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  const problem = error instanceof ApiError ? error : null;
  const status = problem?.status ?? 0;
  const heading =
    title ??
    (status === 401
      ? t('problem.unauthorized')
      : status === 403
        ? t('problem.forbidden')
        : status === 404
          ? t('problem.notFound')
          : status === 0 && problem
            ? t('problem.network')
            : (problem?.problem.title ?? t('problem.generic')));
  return (
    <div className="problem" role="alert">
      <strong>{heading}</strong>
      {status > 0 && <span className="problem-status"> ({status}{problem?.code ? ` ${problem.code}` : ''})</span>}
      {(problem?.problem.detail ?? (error as Error).message) && <p>{problem?.problem.detail ?? (error as Error).message}</p>}
      {problem && problem.errors.length > 0 && (
        <ul className="problem-fields">
          {problem.errors.map((e, i) => (
            <li key={i}>
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
      {status === 401 && (
        <p>
          <Link to="/sign-in">{t('problem.signInAgain')}</Link>
        </p>
      )}
      {problem?.problem.requestId && <p className="problem-request">{t('problem.requestId', { id: problem.problem.requestId })}</p>}
    </div>
  );
}

/** The messages the API gave for one form field (match by the last path segment). */
export function FieldErrors({ error, field, id }: { error: unknown; field: string; id?: string }) {
  if (!(error instanceof ApiError)) return null;
  const messages = error.fieldErrors(field);
  if (!messages.length) return null;
  return (
    <span className="field-error" id={id} role="alert">
      {messages.join('; ')}
    </span>
  );
}

/** The usual trio for a react-query result. */
export function QueryState({ query, empty, children }: { query: { isPending: boolean; error: unknown }; empty?: boolean; children: ReactNode }) {
  if (query.isPending) return <Loading />;
  if (query.error) return <ProblemView error={query.error} />;
  if (empty) return <Empty />;
  return <>{children}</>;
}
