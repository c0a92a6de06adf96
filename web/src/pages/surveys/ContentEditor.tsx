/**
 * The editor of a survey definition's content, shared by "new definition"
 * and "new version": CSAT/NPS question text, SERVQUAL items (text editable,
 * dimension fixed once an item exists: the API refuses a move, and results
 * key on it), Kano features (functional, dysfunctional and optional
 * performance questions). Every text in English (required) and Simplified
 * Chinese (optional: the customer's page falls back to English). The draft is
 * sent as typed; the API validates it and its field errors show on the row
 * they name (`body.content.items.<n>...`).
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { SERVQUAL_DIMENSIONS, type ServqualDimension } from '../../../../src/domain/survey';
import { errorsUnder } from './text';
import type { LocalizedText, SurveyContent, SurveyKind } from './types';

export interface TextDraft {
  en: string;
  zh: string;
}

export interface ItemDraft {
  id: string;
  dimension: ServqualDimension;
  text: TextDraft;
  /** In a saved version: its dimension cannot change. */
  saved: boolean;
}

export interface FeatureDraft {
  id: string;
  functional: TextDraft;
  dysfunctional: TextDraft;
  /** Empty English text: no performance question. */
  performance: TextDraft;
  saved: boolean;
}

export type ContentDraft =
  | { kind: 'csat' | 'nps'; question: TextDraft }
  | { kind: 'servqual'; askImportance: boolean; /** null: the 22 standard items (the API fills them in). */ items: ItemDraft[] | null }
  | { kind: 'kano'; features: FeatureDraft[] };

const emptyText = (): TextDraft => ({ en: '', zh: '' });
export const textDraft = (t: LocalizedText | null | undefined): TextDraft => ({ en: t?.en ?? '', zh: t?.['zh-CN'] ?? '' });
/** Only the languages filled in (English is required: an empty one is sent for the API to name). */
export const localizedOf = (t: TextDraft): LocalizedText => ({ en: t.en.trim(), ...(t.zh.trim() ? { 'zh-CN': t.zh.trim() } : {}) });

/** A first id of the form `<prefix><n>` not used yet (ids are slugs: a-z, 0-9, - and _). */
function freshId(prefix: string, taken: string[]): string {
  for (let n = 1; ; n++) if (!taken.includes(`${prefix}${n}`)) return `${prefix}${n}`;
}

export function newFeature(taken: string[]): FeatureDraft {
  return { id: freshId('feature', taken), functional: emptyText(), dysfunctional: emptyText(), performance: emptyText(), saved: false };
}

export function emptyDraft(kind: SurveyKind): ContentDraft {
  switch (kind) {
    case 'csat':
    case 'nps':
      return { kind, question: emptyText() };
    case 'servqual':
      return { kind, askImportance: false, items: null };
    case 'kano':
      return { kind, features: [newFeature([])] };
  }
}

/** The draft of a saved version (for its next version). */
export function draftOf(content: SurveyContent): ContentDraft {
  switch (content.kind) {
    case 'csat':
    case 'nps':
      return { kind: content.kind, question: textDraft(content.question) };
    case 'servqual':
      return { kind: 'servqual', askImportance: content.askImportance, items: content.items.map((i) => ({ id: i.id, dimension: i.dimension, text: textDraft(i.text), saved: true })) };
    case 'kano':
      return {
        kind: 'kano',
        features: content.features.map((f) => ({ id: f.id, functional: textDraft(f.functional), dysfunctional: textDraft(f.dysfunctional), performance: textDraft(f.performance), saved: true })),
      };
  }
}

/** The `content` of the request body. */
export function contentOf(d: ContentDraft): Record<string, unknown> {
  switch (d.kind) {
    case 'csat':
    case 'nps':
      return { kind: d.kind, question: localizedOf(d.question) };
    case 'servqual':
      return { kind: 'servqual', askImportance: d.askImportance, ...(d.items ? { items: d.items.map((i) => ({ id: i.id, dimension: i.dimension, text: localizedOf(i.text) })) } : {}) };
    case 'kano':
      return {
        kind: 'kano',
        features: d.features.map((f) => ({
          id: f.id,
          functional: localizedOf(f.functional),
          dysfunctional: localizedOf(f.dysfunctional),
          ...(f.performance.en.trim() || f.performance.zh.trim() ? { performance: localizedOf(f.performance) } : {}),
        })),
      };
  }
}

/** English and Chinese inputs for one text. */
function TextFields({ label, value, onChange, testId, multiline }: { label: string; value: TextDraft; onChange: (t: TextDraft) => void; testId: string; multiline?: boolean }) {
  const { t } = useTranslation('surveys');
  const id = useId();
  const input = (lang: 'en' | 'zh', text: string) => {
    const props = {
      id: `${id}-${lang}`,
      value: value[lang],
      lang: lang === 'en' ? 'en' : 'zh-CN',
      onChange: (e: { target: { value: string } }) => onChange({ ...value, [lang]: e.target.value }),
      'data-testid': `${testId}-${lang}`,
      'aria-required': lang === 'en' || undefined,
    };
    return (
      <label htmlFor={`${id}-${lang}`}>
        {label} · {text}
        {multiline ? <textarea {...props} rows={2} cols={48} /> : <input {...props} size={48} />}
      </label>
    );
  };
  return (
    <div className="form-row">
      {input('en', t('editor.english'))}
      {input('zh', t('editor.chinese'))}
    </div>
  );
}

function RowErrors({ error, prefix }: { error: unknown; prefix: string }) {
  const messages = errorsUnder(error, prefix);
  if (!messages.length) return null;
  return (
    <p className="field-error" role="alert">
      {messages.join('; ')}
    </p>
  );
}

export function ContentEditor({ draft, onChange, error }: { draft: ContentDraft; onChange: (d: ContentDraft) => void; error: unknown }) {
  const { t } = useTranslation('surveys');
  switch (draft.kind) {
    case 'csat':
    case 'nps':
      return (
        <fieldset data-testid="editor-question">
          <legend>{t('editor.question')}</legend>
          <p className="admin-note">{t(`editor.questionHint.${draft.kind}`)}</p>
          <TextFields label={t('editor.questionText')} value={draft.question} onChange={(question) => onChange({ ...draft, question })} testId="editor-question" multiline />
          <RowErrors error={error} prefix="body.content.question" />
        </fieldset>
      );
    case 'servqual':
      return <ServqualEditor draft={draft} onChange={onChange} error={error} />;
    case 'kano':
      return <KanoEditor draft={draft} onChange={onChange} error={error} />;
  }
}

function ServqualEditor({ draft, onChange, error }: { draft: Extract<ContentDraft, { kind: 'servqual' }>; onChange: (d: ContentDraft) => void; error: unknown }) {
  const { t } = useTranslation('surveys');
  const items = draft.items;
  const setItem = (i: number, item: ItemDraft) => onChange({ ...draft, items: items!.map((x, j) => (j === i ? item : x)) });
  return (
    <fieldset data-testid="editor-servqual">
      <legend>{t('editor.servqualItems')}</legend>
      <label className="admin-check">
        <input type="checkbox" checked={draft.askImportance} onChange={(e) => onChange({ ...draft, askImportance: e.target.checked })} data-testid="editor-ask-importance" />
        {t('editor.askImportance')}
      </label>
      {items === null ? (
        <p className="admin-note" data-testid="editor-standard-items">
          {t('editor.standardItems')}
        </p>
      ) : (
        <>
          <p className="admin-note">{t('editor.itemsHint')}</p>
          <ol style={{ paddingLeft: 0, listStyle: 'none' }}>
            {items.map((item, i) => (
              <li key={item.id} data-testid={`editor-item-${item.id}`} className="panel">
                <p>
                  <strong>{item.id}</strong> ·{' '}
                  {item.saved ? (
                    <span data-testid={`editor-item-dimension-${item.id}`}>
                      {t(`dimension.${item.dimension}`)} <span className="admin-note">({t('editor.dimensionFixed')})</span>
                    </span>
                  ) : (
                    <label>
                      {t('editor.dimension')}
                      <select value={item.dimension} onChange={(e) => setItem(i, { ...item, dimension: e.target.value as ServqualDimension })} data-testid={`editor-item-dimension-${item.id}`}>
                        {SERVQUAL_DIMENSIONS.map((d) => (
                          <option key={d} value={d}>
                            {t(`dimension.${d}`)}
                          </option>
                        ))}
                      </select>
                    </label>
                  )}
                </p>
                <TextFields label={t('editor.itemText', { id: item.id })} value={item.text} onChange={(text) => setItem(i, { ...item, text })} testId={`editor-item-text-${item.id}`} multiline />
                <button type="button" className="secondary" onClick={() => onChange({ ...draft, items: items.filter((_, j) => j !== i) })} data-testid={`editor-item-remove-${item.id}`}>
                  {t('editor.removeItem', { id: item.id })}
                </button>
                <RowErrors error={error} prefix={`body.content.items.${i}`} />
              </li>
            ))}
          </ol>
          <button
            type="button"
            className="secondary"
            onClick={() => onChange({ ...draft, items: [...items, { id: freshId('custom', items.map((x) => x.id)), dimension: 'reliability', text: emptyText(), saved: false }] })}
            data-testid="editor-item-add"
          >
            {t('editor.addItem')}
          </button>
        </>
      )}
      <RowErrors error={error} prefix="body.content.items" />
    </fieldset>
  );
}

function KanoEditor({ draft, onChange, error }: { draft: Extract<ContentDraft, { kind: 'kano' }>; onChange: (d: ContentDraft) => void; error: unknown }) {
  const { t } = useTranslation('surveys');
  const features = draft.features;
  const setFeature = (i: number, f: FeatureDraft) => onChange({ ...draft, features: features.map((x, j) => (j === i ? f : x)) });
  return (
    <fieldset data-testid="editor-kano">
      <legend>{t('editor.kanoFeatures')}</legend>
      <p className="admin-note">{t('editor.kanoHint')}</p>
      <ol style={{ paddingLeft: 0, listStyle: 'none' }}>
        {features.map((f, i) => (
          <li key={f.id} data-testid={`editor-feature-${f.id}`} className="panel">
            <p>
              <strong>{f.id}</strong>
            </p>
            <TextFields label={t('editor.functional')} value={f.functional} onChange={(functional) => setFeature(i, { ...f, functional })} testId={`editor-feature-functional-${f.id}`} />
            <TextFields label={t('editor.dysfunctional')} value={f.dysfunctional} onChange={(dysfunctional) => setFeature(i, { ...f, dysfunctional })} testId={`editor-feature-dysfunctional-${f.id}`} />
            <TextFields label={t('editor.performance')} value={f.performance} onChange={(performance) => setFeature(i, { ...f, performance })} testId={`editor-feature-performance-${f.id}`} />
            <button type="button" className="secondary" onClick={() => onChange({ ...draft, features: features.filter((_, j) => j !== i) })} data-testid={`editor-feature-remove-${f.id}`}>
              {t('editor.removeFeature', { id: f.id })}
            </button>
            <RowErrors error={error} prefix={`body.content.features.${i}`} />
          </li>
        ))}
      </ol>
      <button type="button" className="secondary" onClick={() => onChange({ ...draft, features: [...features, newFeature(features.map((x) => x.id))] })} data-testid="editor-feature-add">
        {t('editor.addFeature')}
      </button>
      <RowErrors error={error} prefix="body.content.features" />
    </fieldset>
  );
}
