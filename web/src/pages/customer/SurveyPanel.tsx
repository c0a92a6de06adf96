/**
 * A survey invitation: the questions of the campaign's survey (texts already
 * in the customer's language), answered on a phone. "Save and continue
 * later" stores what is there (PUT complete=false) and the same link brings
 * it back; "Submit" (complete=true) asks the API to check that everything is
 * answered and freezes the response. A submitted response, a closed campaign
 * and one not open yet are read-only, with a thank-you or the reason.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { KANO_ANSWERS, SERVQUAL_DIMENSIONS, type KanoAnswer, type ServqualDimension, type SurveyAnswers } from '../../../../src/domain/survey';
import { Loading } from '../../components/States';
import { formatDateTime } from '../../format';
import { customerApi, isLinkProblem, linkKey, useCustomerWrite } from './customer-api';
import { FieldProblem, LinkProblem, WriteProblem, fieldInvalid, useEditsSinceSubmit } from './Problems';
import { numberChoices, ScaleGroup } from './ScaleGroup';
import type { SurveyInvitationView } from './types';

export function SurveyPanel({ token }: { token: string }) {
  const { t } = useTranslation('customer');
  const key = [...linkKey(token), 'survey'];
  const qc = useQueryClient();
  // Not polled: the answers being typed live in the form, and only the customer changes them.
  const query = useQuery({ queryKey: key, queryFn: () => customerApi.get<SurveyInvitationView>(token, '/customer-link/survey') });
  if (query.isPending) return <Loading label={t('loading')} />;
  // A link revoked or expired while the page is open shows as such at the next read, not as stale data.
  if (query.error && (!query.data || isLinkProblem(query.error))) return <LinkProblem error={query.error} />;
  const view = query.data!;
  return (
    <div data-testid="customer-survey" data-kind={view.kind} data-status={view.status} data-complete={view.complete}>
      <h1>{view.title}</h1>
      {view.intro && <p className="customer-text">{view.intro}</p>}
      {view.complete ? (
        <p className="customer-thanks" role="status" data-testid="customer-survey-thanks">
          {t('survey.thanks')}
        </p>
      ) : view.status === 'closed' ? (
        <p className="customer-notice" role="status" data-testid="customer-survey-closed">
          {t('survey.closed')}
        </p>
      ) : view.status === 'scheduled' ? (
        <p className="customer-notice" role="status" data-testid="customer-survey-scheduled">
          {t('survey.scheduled')}
        </p>
      ) : (
        <p className="customer-hint">{t('survey.openUntil', { date: formatDateTime(view.closesAt) })}</p>
      )}
      {/* Keyed by the invitation: the form starts from the saved answers once, then holds what is typed. */}
      <SurveyForm key={view.invitationId} token={token} view={view} onSaved={(v) => qc.setQueryData(key, v)} />
    </div>
  );
}

// ------------------------------------------------------------------ drafts

type ServqualDraft = { expectations: Record<string, number>; perceptions: Record<string, number>; importance: Partial<Record<ServqualDimension, string>> };
type KanoDraft = Record<string, { functional?: KanoAnswer; dysfunctional?: KanoAnswer; performance?: number }>;
interface Draft {
  servqual: ServqualDraft;
  kano: KanoDraft;
  rating?: number;
  score?: number;
  comment: string;
}

function draftOf(answers: SurveyAnswers | null): Draft {
  const d: Draft = { servqual: { expectations: {}, perceptions: {}, importance: {} }, kano: {}, comment: '' };
  if (!answers) return d;
  switch (answers.kind) {
    case 'servqual':
      d.servqual = {
        expectations: { ...answers.expectations },
        perceptions: { ...answers.perceptions },
        importance: Object.fromEntries(Object.entries(answers.importance ?? {}).map(([k, v]) => [k, String(v)])),
      };
      break;
    case 'kano':
      d.kano = structuredClone(answers.answers);
      break;
    case 'csat':
      d.rating = answers.rating;
      d.comment = answers.comment ?? '';
      break;
    case 'nps':
      d.score = answers.score;
      d.comment = answers.comment ?? '';
      break;
  }
  return d;
}

/** The points SERVQUAL's importance allocation shares out (Parasuraman, Zeithaml & Berry 1988). */
const IMPORTANCE_POINTS = 100;
const pointsTotal = (points: Partial<Record<ServqualDimension, number>>) => Object.values(points).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);

/** The importance points typed so far (blank boxes left out). */
function importancePoints(importance: ServqualDraft['importance']): Partial<Record<ServqualDimension, number>> {
  const out: Partial<Record<ServqualDimension, number>> = {};
  for (const dim of SERVQUAL_DIMENSIONS) {
    const raw = importance[dim]?.trim();
    if (raw) out[dim] = Number(raw);
  }
  return out;
}

/**
 * The answers to send. Importance points go when they add up to 100, or with
 * a submission (where the API names what is wrong): a partial save keeps
 * every other answer instead of being refused over an unfinished allocation.
 */
function answersOf(view: SurveyInvitationView, d: Draft, complete: boolean): SurveyAnswers {
  const comment = d.comment.trim() ? { comment: d.comment.trim() } : {};
  switch (view.kind) {
    case 'servqual': {
      const points = importancePoints(d.servqual.importance);
      const send = Object.keys(points).length > 0 && (complete || pointsTotal(points) === IMPORTANCE_POINTS);
      return { kind: 'servqual', expectations: d.servqual.expectations, perceptions: d.servqual.perceptions, ...(send ? { importance: points } : {}) };
    }
    case 'kano':
      return { kind: 'kano', answers: d.kano };
    case 'csat':
      return { kind: 'csat', ...(d.rating !== undefined ? { rating: d.rating } : {}), ...comment };
    case 'nps':
      return { kind: 'nps', ...(d.score !== undefined ? { score: d.score } : {}), ...comment };
  }
}

// ------------------------------------------------------------------ the form

function SurveyForm({ token, view, onSaved }: { token: string; view: SurveyInvitationView; onSaved(view: SurveyInvitationView): void }) {
  const { t } = useTranslation('customer');
  const [draft, setDraft] = useState<Draft>(() => draftOf(view.answers));
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const write = useCustomerWrite(
    token,
    (body: { answers: SurveyAnswers; complete: boolean }, key) => customerApi.put<SurveyInvitationView>(token, '/customer-link/survey/response', body, key),
    (next) => {
      setSavedAt(next.complete ? null : Date.now());
      onSaved(next);
    },
  );
  const { edited, edit, submitted } = useEditsSinceSubmit();
  const readOnly = view.complete || view.status !== 'open';
  const send = (complete: boolean) => {
    setSavedAt(null);
    submitted();
    write.mutate({ answers: answersOf(view, draft, complete), complete });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send(true);
  };
  const error = write.error;
  const q = view.questions;

  let questions: ReactNode = null;
  let fields: string[] = ['answers', 'comment'];
  if (view.kind === 'servqual' && 'items' in q) {
    fields = [...fields, 'expectations', 'perceptions', 'importance', ...q.items.map((i) => i.id)];
    questions = (
      <ServqualQuestions
        items={q.items}
        askImportance={q.askImportance}
        draft={draft.servqual}
        onChange={(servqual, question) => {
          setDraft({ ...draft, servqual });
          edit(question);
        }}
        error={error}
        edited={edited}
      />
    );
  } else if (view.kind === 'kano' && 'features' in q) {
    fields = [...fields, ...q.features.map((f) => f.id)];
    questions = (
      <KanoQuestions
        features={q.features}
        draft={draft.kano}
        onChange={(kano, feature) => {
          setDraft({ ...draft, kano });
          edit(feature);
        }}
        error={error}
        edited={edited}
      />
    );
  } else if ((view.kind === 'csat' || view.kind === 'nps') && 'question' in q) {
    const csat = view.kind === 'csat';
    const field = csat ? 'rating' : 'score';
    fields = [...fields, field];
    const ends: [string, string] = csat ? [t('rating.low'), t('rating.high')] : [t('nps.low'), t('nps.high')];
    questions = (
      <>
        <ScaleGroup
          name="survey-single"
          testId="survey-single"
          legend={q.question}
          choices={csat ? numberChoices(1, 5, ends) : numberChoices(0, 10, ends)}
          value={csat ? draft.rating : draft.score}
          onChange={(v) => {
            setDraft(csat ? { ...draft, rating: v } : { ...draft, score: v });
            edit(field);
          }}
          ends={csat ? [`1 = ${ends[0]}`, `5 = ${ends[1]}`] : [`0 = ${ends[0]}`, `10 = ${ends[1]}`]}
          invalid={fieldInvalid(error, field, edited)}
          errorId="survey-single-error"
          error={<FieldProblem error={error} edited={edited} field={field} id="survey-single-error" message={t('survey.missing')} />}
        />
        <div className="customer-field">
          <label htmlFor="survey-comment">
            {t('rating.comment')} <span className="customer-optional">{t('form.optional')}</span>
          </label>
          <textarea id="survey-comment" data-testid="survey-comment" rows={3} maxLength={2000} value={draft.comment} onChange={(e) => {
              setDraft({ ...draft, comment: e.target.value });
              edit('comment');
            }}
          />
          <FieldProblem error={error} edited={edited} field="comment" id="survey-comment-error" />
        </div>
      </>
    );
  }

  return (
    <form className="customer-form customer-survey-form" onSubmit={submit} noValidate data-testid="customer-survey-form">
      {/* A disabled fieldset makes every answer read-only at once (after submitting, or once the campaign is not open). */}
      <fieldset className="customer-plain" disabled={readOnly}>
        <legend className="visually-hidden">{view.title}</legend>
        {questions}
      </fieldset>
      {!readOnly && (
        <>
          <WriteProblem error={error} edited={edited} fields={fields} testId="customer-survey-problem" />
          {savedAt !== null && (
            <p className="customer-saved" role="status" data-testid="customer-survey-saved">
              {t('survey.saved', { date: formatDateTime(view.closesAt) })}
            </p>
          )}
          <div className="customer-buttons">
            <button type="button" className="secondary" disabled={write.isPending} onClick={() => send(false)} data-testid="customer-survey-save">
              {t('survey.save')}
            </button>
            <button type="submit" className="customer-primary" disabled={write.isPending} data-testid="customer-survey-submit">
              {write.isPending ? t('action.sending') : t('survey.submit')}
            </button>
          </div>
        </>
      )}
    </form>
  );
}

// ------------------------------------------------------------------ SERVQUAL

function ServqualQuestions({
  items,
  askImportance,
  draft,
  onChange,
  error,
  edited,
}: {
  items: { id: string; dimension: ServqualDimension; text: string }[];
  askImportance: boolean;
  draft: ServqualDraft;
  /** The new answers and the question changed (an item id, or `importance`). */
  onChange(d: ServqualDraft, question: string): void;
  error: unknown;
  edited: ReadonlySet<string>;
}) {
  const { t } = useTranslation('customer');
  const agree: [string, string] = [t('servqual.disagree'), t('servqual.agree')];
  const answered = items.reduce((n, i) => n + (draft.expectations[i.id] !== undefined ? 1 : 0) + (draft.perceptions[i.id] !== undefined ? 1 : 0), 0);
  return (
    <>
      <p className="customer-text">{t('servqual.intro')}</p>
      <p className="customer-hint" data-testid="servqual-progress">
        {t('servqual.progress', { answered, total: items.length * 2 })}
      </p>
      <ol className="customer-items">
        {items.map((item, index) => {
          const base = `servqual-${item.id}`;
          const invalid = fieldInvalid(error, item.id, edited);
          return (
            <li key={item.id} className={`customer-item${invalid ? ' customer-item-invalid' : ''}`} data-testid={base} data-item-id={item.id}>
              <fieldset className="customer-plain" aria-describedby={invalid ? `${base}-error` : undefined}>
                <legend className="customer-item-text">
                  <span className="customer-item-number">{index + 1}.</span> {item.text}
                </legend>
                <ScaleGroup
                  name={`${base}-e`}
                  testId={`${base}-expectation`}
                  legend={t('servqual.expectation')}
                  choices={numberChoices(1, 7, agree)}
                  value={draft.expectations[item.id]}
                  onChange={(v) => onChange({ ...draft, expectations: { ...draft.expectations, [item.id]: v } }, item.id)}
                  ends={[`1 = ${agree[0]}`, `7 = ${agree[1]}`]}
                />
                <ScaleGroup
                  name={`${base}-p`}
                  testId={`${base}-perception`}
                  legend={t('servqual.perception')}
                  choices={numberChoices(1, 7, agree)}
                  value={draft.perceptions[item.id]}
                  onChange={(v) => onChange({ ...draft, perceptions: { ...draft.perceptions, [item.id]: v } }, item.id)}
                  ends={[`1 = ${agree[0]}`, `7 = ${agree[1]}`]}
                />
                <FieldProblem error={error} edited={edited} field={item.id} id={`${base}-error`} message={t('servqual.itemMissing')} />
              </fieldset>
            </li>
          );
        })}
      </ol>
      {askImportance && <ImportanceAllocation draft={draft} onChange={(d) => onChange(d, 'importance')} error={error} edited={edited} />}
    </>
  );
}

/** 100 points across the five dimensions, with a running total (the API checks the sum on submit). */
function ImportanceAllocation({ draft, onChange, error, edited }: { draft: ServqualDraft; onChange(d: ServqualDraft): void; error: unknown; edited: ReadonlySet<string> }) {
  const { t } = useTranslation('customer');
  const points = importancePoints(draft.importance);
  const total = pointsTotal(points);
  const invalid = fieldInvalid(error, 'importance', edited);
  return (
    <fieldset className="customer-importance" data-testid="servqual-importance" aria-describedby={`servqual-importance-hint${invalid ? ' servqual-importance-error' : ''}`}>
      <legend>{t('servqual.importance.legend')}</legend>
      <p className="customer-hint" id="servqual-importance-hint">
        {t('servqual.importance.hint')}
      </p>
      {SERVQUAL_DIMENSIONS.map((dim) => (
        <div key={dim} className="customer-points">
          <label htmlFor={`servqual-importance-${dim}`}>{t(`servqual.dimension.${dim}`)}</label>
          <input
            id={`servqual-importance-${dim}`}
            data-testid={`servqual-importance-${dim}`}
            type="number"
            inputMode="numeric"
            min={0}
            max={100}
            step={1}
            value={draft.importance[dim] ?? ''}
            onChange={(e) => onChange({ ...draft, importance: { ...draft.importance, [dim]: e.target.value } })}
          />
        </div>
      ))}
      <p className={`customer-total${total === IMPORTANCE_POINTS ? ' customer-total-ok' : ''}`} aria-live="polite" data-testid="servqual-importance-total" data-total={total}>
        {total === IMPORTANCE_POINTS ? t('servqual.importance.complete') : t('servqual.importance.total', { total })}
      </p>
      <FieldProblem error={error} edited={edited} field="importance" id="servqual-importance-error" />
    </fieldset>
  );
}

// ------------------------------------------------------------------ Kano

function KanoQuestions({
  features,
  draft,
  onChange,
  error,
  edited,
}: {
  features: { id: string; functional: string; dysfunctional: string; performance: string | null }[];
  draft: KanoDraft;
  /** The new answers and the feature whose answer changed. */
  onChange(d: KanoDraft, feature: string): void;
  error: unknown;
  edited: ReadonlySet<string>;
}) {
  const { t } = useTranslation('customer');
  const answers = KANO_ANSWERS.map((a) => ({ value: a, label: t(`kano.answer.${a}`) }));
  const set = (id: string, part: Partial<KanoDraft[string]>) => onChange({ ...draft, [id]: { ...draft[id], ...part } }, id);
  return (
    <>
      <p className="customer-text">{t('kano.intro')}</p>
      <ol className="customer-items">
        {features.map((f, index) => {
          const base = `kano-${f.id}`;
          const invalid = fieldInvalid(error, f.id, edited);
          return (
            <li key={f.id} className={`customer-item${invalid ? ' customer-item-invalid' : ''}`} data-testid={base}>
              <h2 className="customer-item-text">{t('kano.feature', { n: index + 1, total: features.length })}</h2>
              <ScaleGroup name={`${base}-f`} testId={`${base}-functional`} layout="column" legend={f.functional} choices={answers} value={draft[f.id]?.functional} onChange={(v) => set(f.id, { functional: v })} />
              <ScaleGroup name={`${base}-d`} testId={`${base}-dysfunctional`} layout="column" legend={f.dysfunctional} choices={answers} value={draft[f.id]?.dysfunctional} onChange={(v) => set(f.id, { dysfunctional: v })} />
              {f.performance && (
                <ScaleGroup
                  name={`${base}-p`}
                  testId={`${base}-performance`}
                  legend={f.performance}
                  choices={numberChoices(1, 7, [t('kano.poorly'), t('kano.well')])}
                  value={draft[f.id]?.performance}
                  onChange={(v) => set(f.id, { performance: v })}
                  ends={[`1 = ${t('kano.poorly')}`, `7 = ${t('kano.well')}`]}
                />
              )}
              <FieldProblem error={error} edited={edited} field={f.id} id={`${base}-error`} message={t('kano.featureMissing')} />
            </li>
          );
        })}
      </ol>
    </>
  );
}
