/**
 * A new survey definition (POST /survey-definitions, version 1): title,
 * optional intro, kind and content. A SERVQUAL survey starts from the 22
 * standard items (the request leaves `items` out and the API fills them in);
 * its definition page then shows them, and their wording can be adapted in a
 * new version. One Idempotency-Key per submission.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { SURVEY_KINDS } from '../../../../src/domain/survey';
import { api, newIdempotencyKey } from '../../api';
import { FieldErrors, ProblemView } from '../../components/States';
import { ContentEditor, type ContentDraft, type TextDraft, contentOf, emptyDraft, localizedOf } from './ContentEditor';
import type { SurveyDefinitionView, SurveyKind } from './types';

export default function NewDefinition() {
  const { t } = useTranslation('surveys');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState('');
  const [intro, setIntro] = useState<TextDraft>({ en: '', zh: '' });
  const [draft, setDraft] = useState<ContentDraft>(() => emptyDraft('servqual'));
  const key = useRef('');
  const create = useMutation({
    mutationFn: (body: unknown) => api.post<SurveyDefinitionView>('/survey-definitions', body, { idempotencyKey: key.current }),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['survey-definitions'] });
      void navigate(`/survey-definitions/${encodeURIComponent(saved.surveyId)}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (create.isPending) return;
    key.current = newIdempotencyKey();
    create.mutate({ title: title.trim(), ...(intro.en.trim() || intro.zh.trim() ? { intro: localizedOf(intro) } : {}), content: contentOf(draft) });
  };

  return (
    <div className="surveys">
      <p>
        <Link to="/surveys">← {t('back')}</Link>
      </p>
      <h1>{t('definitions.new')}</h1>
      <form onSubmit={submit} noValidate data-testid="definition-new-form" aria-label={t('definitions.new')}>
        <div className="form-row">
          <label htmlFor="definition-title">
            {t('definitions.surveyTitle')}
            <input id="definition-title" value={title} onChange={(e) => setTitle(e.target.value)} size={48} aria-required aria-describedby="definition-title-error" data-testid="definition-title" />
            <FieldErrors error={create.error} field="title" id="definition-title-error" />
          </label>
          <label htmlFor="definition-kind">
            {t('definitions.kind')}
            <select id="definition-kind" value={draft.kind} onChange={(e) => setDraft(emptyDraft(e.target.value as SurveyKind))} data-testid="definition-kind">
              {SURVEY_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kind.${k}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <p className="admin-note">{t(`kindHint.${draft.kind}`)}</p>
        <div className="form-row">
          <label htmlFor="definition-intro-en">
            {t('definitions.intro')} · {t('editor.english')}
            <textarea id="definition-intro-en" lang="en" rows={2} cols={48} value={intro.en} onChange={(e) => setIntro({ ...intro, en: e.target.value })} />
          </label>
          <label htmlFor="definition-intro-zh">
            {t('definitions.intro')} · {t('editor.chinese')}
            <textarea id="definition-intro-zh" lang="zh-CN" rows={2} cols={48} value={intro.zh} onChange={(e) => setIntro({ ...intro, zh: e.target.value })} />
          </label>
        </div>
        <ContentEditor draft={draft} onChange={setDraft} error={create.error} />
        <div className="form-row">
          <button type="submit" disabled={create.isPending} data-testid="definition-create">
            {t('definitions.create')}
          </button>
        </div>
        {create.error ? <ProblemView error={create.error} /> : null}
      </form>
    </div>
  );
}
