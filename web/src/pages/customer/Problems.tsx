/**
 * The API's refusals said in the customer's language: a link that does not
 * work (invalid, expired, revoked, or none at all) fills the page; a refused
 * write shows beside its form, with each field's problem next to the field
 * until the customer changes that field. Never raw JSON, never a blank page.
 */
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { formatDateTime } from '../../format';

/** Why the link does not open anything, as a translation key under `link.`. */
function linkReason(error: unknown): 'invalid' | 'expired' | 'revoked' | 'rateLimited' | 'network' | 'failed' {
  if (!(error instanceof ApiError)) return error === null ? 'invalid' : 'failed';
  if (error.status === 401) return 'invalid';
  if (error.status === 410) return error.code === 'LINK_REVOKED' ? 'revoked' : 'expired';
  if (error.status === 429) return 'rateLimited';
  if (error.status === 0) return 'network';
  return 'failed';
}

const retrySeconds = (error: unknown) => (error instanceof ApiError && error.retryAfterSeconds ? error.retryAfterSeconds : 60);
const retryTime = (error: unknown) => formatDateTime(Date.now() + retrySeconds(error) * 1000);

/** The whole page when the link opens nothing; `error` null means the page was opened without a link. */
export function LinkProblem({ error }: { error: unknown }) {
  const { t } = useTranslation('customer');
  const reason = linkReason(error);
  return (
    <section className="customer-problem" role="alert" data-testid="customer-link-problem" data-reason={reason}>
      <h1>{t(`link.${reason}.title`)}</h1>
      <p>{t(`link.${reason}.body`, { seconds: retrySeconds(error), time: retryTime(error) })}</p>
      {(reason === 'network' || reason === 'rateLimited' || reason === 'failed') && (
        <p>
          <button type="button" onClick={() => window.location.reload()}>
            {t('action.tryAgain')}
          </button>
        </p>
      )}
    </section>
  );
}

/** The same matching as ApiError.fieldErrors: `body.answers.expectations.q1` names `q1`, `expectations` and `answers`. */
const namesField = (path: string, field: string) => path === field || path.endsWith(`.${field}`) || path.includes(`.${field}.`);

/**
 * The fields changed since the last submission: a field's refusal stays
 * beside it until the customer changes it (a stale "please answer" next to
 * an answered question would mislead), and is back if the next submission
 * is refused again.
 */
export function useEditsSinceSubmit() {
  const [edited, setEdited] = useState<ReadonlySet<string>>(() => new Set());
  const edit = useCallback((field: string) => setEdited((s) => (s.has(field) ? s : new Set(s).add(field))), []);
  const submitted = useCallback(() => setEdited(new Set()), []);
  return { edited, edit, submitted };
}

/** Whether the API's refusal names `field` (and the field was not changed since). */
export function fieldInvalid(error: unknown, field: string, edited?: ReadonlySet<string>): boolean {
  return error instanceof ApiError && !edited?.has(field) && error.fieldErrors(field).length > 0;
}

/** The problem of the API's field errors that name `field` (the last segment of their path), in the customer's language. */
export function FieldProblem({ error, field, id, message, edited }: { error: unknown; field: string; id: string; message?: string; edited?: ReadonlySet<string> }) {
  const { t } = useTranslation('customer');
  if (!fieldInvalid(error, field, edited)) return null;
  return (
    <span className="field-error" id={id} role="alert" data-testid={id}>
      {message ?? t(`fieldError.${field}`, { defaultValue: t('fieldError.generic') })}
    </span>
  );
}

/**
 * A refused write, under its form. Field errors are shown by the fields
 * (this says to look at them, until every one was changed); one that names
 * no field of the form (which should not happen) is listed here in the
 * API's own words, marked as English.
 */
export function WriteProblem({ error, fields, testId, edited }: { error: unknown; fields: string[]; testId: string; edited?: ReadonlySet<string> }) {
  const { t } = useTranslation('customer');
  if (!error) return null;
  let message: string;
  let stray: string[] = [];
  if (!(error instanceof ApiError)) message = t('write.failed');
  else if (error.status === 0) message = t('write.network');
  else if (error.status === 429) message = t('write.rateLimited', { seconds: retrySeconds(error), time: retryTime(error) });
  else if (error.status === 400 || error.status === 422) {
    if (error.errors.length) {
      const open = error.errors.filter((e) => !fields.some((f) => edited?.has(f) && namesField(e.path, f)));
      if (open.length === 0) return null;
      message = t('write.fields');
      stray = open.filter((e) => !fields.some((f) => namesField(e.path, f))).map((e) => e.message);
    } else message = t(`write.code.${error.code ?? ''}`, { defaultValue: t('write.refused') });
  } else if (error.status === 409) message = t(`write.code.${error.code ?? ''}`, { defaultValue: t('write.conflict') });
  else if (error.status === 401 || error.status === 410) message = t('write.linkGone');
  else message = t('write.failed');
  return (
    <div className="problem" role="alert" data-testid={testId} data-status={error instanceof ApiError ? error.status : 0} data-code={error instanceof ApiError ? (error.code ?? '') : ''}>
      <p>{message}</p>
      {stray.length > 0 && (
        <ul lang="en">
          {stray.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
