/**
 * The customer's rating of how the complaint was handled: 1-5 stars, the
 * reason codes (required) when the rating is low, a comment, and the NPS
 * question where the complaint's policy asks it. Used to confirm a
 * resolution (rating optional) and to rate a closed complaint (rating
 * required). The thresholds and the codes come from the API's view.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { customerApi, useCustomerWrite } from './customer-api';
import { FieldProblem, fieldInvalid, useEditsSinceSubmit, WriteProblem } from './Problems';
import { numberChoices, ScaleGroup } from './ScaleGroup';
import type { CustomerComplaintView } from './types';

export interface FeedbackBody {
  rating?: number;
  reasons?: string[];
  comment?: string;
  nps?: number;
}

const FIELDS = ['rating', 'reasons', 'comment', 'nps'];

export function RatingForm({ token, view, mode, onDone }: { token: string; view: CustomerComplaintView; mode: 'confirm' | 'rate'; onDone(view: CustomerComplaintView): void }) {
  const { t } = useTranslation('customer');
  const [rating, setRating] = useState<number | undefined>(undefined);
  const [reasons, setReasons] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [nps, setNps] = useState<number | undefined>(undefined);
  const write = useCustomerWrite(token, (body: FeedbackBody, key) => customerApi.post<CustomerComplaintView>(token, `/customer-link/${mode}`, body, key), onDone);
  const { edited, edit, submitted } = useEditsSinceSubmit();
  const err = write.error;
  const low = rating !== undefined && rating <= view.lowRatingMax;
  const base = `customer-${mode}`;

  function submit(e: FormEvent) {
    e.preventDefault();
    submitted();
    // Reasons belong to a low rating only: ticked ones are kept on screen but not sent with a higher rating.
    write.mutate({
      ...(rating !== undefined ? { rating } : {}),
      ...(low && reasons.length ? { reasons } : {}),
      ...(comment.trim() ? { comment: comment.trim() } : {}),
      ...(view.askNps && nps !== undefined ? { nps } : {}),
    });
  }

  const starEnds: [string, string] = [t('rating.low'), t('rating.high')];
  return (
    <form className="customer-form" onSubmit={submit} noValidate data-testid={`${base}-form`}>
      <ScaleGroup
        name={`${base}-rating`}
        testId={`${base}-rating`}
        legend={
          <>
            {t('rating.question')}
            {mode === 'confirm' ? <span className="customer-optional"> {t('form.optional')}</span> : <span aria-hidden="true"> *</span>}
          </>
        }
        choices={numberChoices(1, 5, starEnds).map((c) => ({
          ...c,
          label: (
            <>
              <span className="customer-star" aria-hidden="true">
                ★
              </span>
              {c.value}
            </>
          ),
          srText: [t('rating.stars', { count: c.value }), c.srText].filter(Boolean).join(', '),
        }))}
        value={rating}
        onChange={(v) => {
          setRating(v);
          edit('rating');
        }}
        ends={[`1 = ${starEnds[0]}`, `5 = ${starEnds[1]}`]}
        invalid={fieldInvalid(err, 'rating', edited)}
        errorId={`${base}-rating-error`}
        error={<FieldProblem error={err} edited={edited} field="rating" id={`${base}-rating-error`} />}
      />
      {low && (
        <fieldset className="customer-reasons" data-testid={`${base}-reasons`} aria-describedby={fieldInvalid(err, 'reasons', edited) ? `${base}-reasons-error` : `${base}-reasons-hint`}>
          <legend>
            {t('rating.reasonsQuestion')} <span aria-hidden="true">*</span>
          </legend>
          <p className="customer-hint" id={`${base}-reasons-hint`}>
            {t('rating.reasonsHint')}
          </p>
          {view.reasonCodes.map((code) => (
            <label key={code} className="customer-check" data-testid={`${base}-reason-${code}`}>
              <input type="checkbox" checked={reasons.includes(code)} onChange={(e) => {
                  setReasons(e.target.checked ? [...reasons, code] : reasons.filter((r) => r !== code));
                  edit('reasons');
                }} />
              <span>{t(`reason.${code}`, { defaultValue: code })}</span>
            </label>
          ))}
          <FieldProblem error={err} edited={edited} field="reasons" id={`${base}-reasons-error`} />
        </fieldset>
      )}
      {view.askNps && (
        <ScaleGroup
          name={`${base}-nps`}
          testId={`${base}-nps`}
          legend={
            <>
              {t('nps.question')} <span className="customer-optional">{t('form.optional')}</span>
            </>
          }
          choices={numberChoices(0, 10, [t('nps.low'), t('nps.high')])}
          value={nps}
          onChange={(v) => {
            setNps(v);
            edit('nps');
          }}
          ends={[`0 = ${t('nps.low')}`, `10 = ${t('nps.high')}`]}
          invalid={fieldInvalid(err, 'nps', edited)}
          errorId={`${base}-nps-error`}
          error={<FieldProblem error={err} edited={edited} field="nps" id={`${base}-nps-error`} />}
        />
      )}
      <div className="customer-field">
        <label htmlFor={`${base}-comment`}>
          {t('rating.comment')} <span className="customer-optional">{t('form.optional')}</span>
        </label>
        <textarea
          id={`${base}-comment`}
          data-testid={`${base}-comment`}
          rows={3}
          maxLength={2000}
          value={comment}
          onChange={(e) => {
            setComment(e.target.value);
            edit('comment');
          }}
          aria-invalid={fieldInvalid(err, 'comment', edited) || undefined}
          aria-describedby={fieldInvalid(err, 'comment', edited) ? `${base}-comment-error` : undefined}
        />
        <FieldProblem error={err} edited={edited} field="comment" id={`${base}-comment-error`} />
      </div>
      <WriteProblem error={err} edited={edited} fields={FIELDS} testId={`${base}-problem`} />
      <button type="submit" className="customer-primary" disabled={write.isPending} data-testid={`${base}-submit`}>
        {write.isPending ? t('action.sending') : t(`action.${mode}`)}
      </button>
    </form>
  );
}
