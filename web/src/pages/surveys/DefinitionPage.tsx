/**
 * One survey definition: its versions (GET /survey-definitions/:id), any
 * version read-only (GET .../versions/:version; the shown one in the URL as
 * `?v=`), and, for `survey.write`, an editor that saves the next version from
 * the one shown (PUT /survey-definitions/:id). Campaigns keep the version
 * they were started with, so an edit never changes a running survey.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { scopeOf } from '../../../../src/domain/permissions';
import { api, newIdempotencyKey } from '../../api';
import { FieldErrors, Loading, ProblemView } from '../../components/States';
import { formatDateTime } from '../../format';
import { useUser } from '../../session';
import { ContentEditor, type ContentDraft, type TextDraft, contentOf, draftOf, localizedOf, textDraft } from './ContentEditor';
import { ContentView } from './ContentView';
import { localized } from './text';
import type { SurveyDefinitionDetail, SurveyDefinitionView } from './types';

export default function DefinitionPage() {
  const { t, i18n } = useTranslation('surveys');
  const { id = '' } = useParams();
  const user = useUser();
  const canWrite = scopeOf(user.role, 'survey.write') !== null;
  const [params, setParams] = useSearchParams();
  const base = `/survey-definitions/${encodeURIComponent(id)}`;
  const latest = useQuery({ queryKey: ['survey-definitions', id, 'latest'], queryFn: ({ signal }) => api.get<SurveyDefinitionDetail>(base, { signal }) });
  const wanted = Number(params.get('v')) || undefined;
  const shownVersion = wanted ?? latest.data?.version;
  const shown = useQuery({
    queryKey: ['survey-definitions', id, shownVersion],
    queryFn: ({ signal }) => api.get<SurveyDefinitionView>(`${base}/versions/${shownVersion}`, { signal }),
    enabled: shownVersion !== undefined,
  });
  const [editing, setEditing] = useState(false);

  if (latest.isPending) return <Loading />;
  if (latest.error) return <ProblemView error={latest.error} />;
  const d = latest.data;
  const versions = [...d.versions].sort((a, b) => b.version - a.version);
  return (
    <div className="surveys" data-testid="definition-page">
      <p>
        <Link to="/surveys">← {t('back')}</Link>
      </p>
      <h1>
        {d.title} <span className="complaint-category">{t(`kind.${d.kind}`)}</span>
      </h1>
      {d.intro && <p>{localized(d.intro, i18n.language)}</p>}
      <p>
        <span data-testid="definition-latest-version" data-version={d.version}>
          {t('definition.latest', { v: d.version })}
        </span>
        {canWrite && (
          <>
            {' · '}
            <Link to={`/surveys/new?survey=${encodeURIComponent(d.surveyId)}`} data-testid="definition-new-campaign">
              {t('campaigns.newFrom')}
            </Link>
          </>
        )}
      </p>

      <section aria-labelledby="definition-versions-h">
        <h2 id="definition-versions-h">{t('definition.versions')}</h2>
        <table data-testid="definition-versions">
          <caption className="visually-hidden">{t('definition.versions')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('definitions.version')}</th>
              <th scope="col">{t('definitions.saved')}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} data-testid={`definition-version-${v.version}`}>
                <th scope="row">
                  <a
                    href={`?v=${v.version}`}
                    aria-current={v.version === shownVersion ? 'true' : undefined}
                    onClick={(e) => {
                      e.preventDefault();
                      setParams(new URLSearchParams({ v: String(v.version) }), { replace: true });
                      setEditing(false);
                    }}
                  >
                    {t('definition.versionN', { v: v.version })}
                  </a>
                </th>
                <td>
                  {formatDateTime(v.createdAt)} · {v.createdBy}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="definition-shown-h" className="panel">
        <h2 id="definition-shown-h">{t('definition.shown', { v: shownVersion })}</h2>
        {shown.isPending ? (
          <Loading />
        ) : shown.error ? (
          <ProblemView error={shown.error} />
        ) : (
          <>
            <p className="admin-note" data-testid="definition-shown-meta" data-version={shown.data.version}>
              {t('definition.savedBy', { v: shown.data.version, at: formatDateTime(shown.data.createdAt), by: shown.data.createdBy })}
            </p>
            {canWrite && !editing && (
              <p>
                <button type="button" onClick={() => setEditing(true)} data-testid="definition-edit">
                  {t('definition.editFrom', { v: shown.data.version })}
                </button>
              </p>
            )}
            {canWrite && editing ? (
              <VersionForm
                from={shown.data}
                nextVersion={d.version + 1}
                onDone={(v) => {
                  setEditing(false);
                  setParams(new URLSearchParams({ v: String(v) }), { replace: true });
                }}
                onCancel={() => setEditing(false)}
              />
            ) : (
              <ContentView content={shown.data.content} />
            )}
          </>
        )}
      </section>
    </div>
  );
}

function VersionForm({ from, nextVersion, onDone, onCancel }: { from: SurveyDefinitionView; nextVersion: number; onDone: (version: number) => void; onCancel: () => void }) {
  const { t } = useTranslation('surveys');
  const qc = useQueryClient();
  const [title, setTitle] = useState(from.title);
  const [intro, setIntro] = useState<TextDraft>(textDraft(from.intro));
  const [draft, setDraft] = useState<ContentDraft>(() => draftOf(from.content));
  const key = useRef('');
  const save = useMutation({
    mutationFn: (body: unknown) => api.put<SurveyDefinitionView>(`/survey-definitions/${encodeURIComponent(from.surveyId)}`, body, { idempotencyKey: key.current }),
    onSuccess: (saved) => {
      void qc.invalidateQueries({ queryKey: ['survey-definitions'] });
      onDone(saved.version);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (save.isPending) return;
    key.current = newIdempotencyKey();
    save.mutate({ title: title.trim(), ...(intro.en.trim() || intro.zh.trim() ? { intro: localizedOf(intro) } : {}), content: contentOf(draft) });
  };
  return (
    <form onSubmit={submit} noValidate data-testid="definition-version-form" aria-label={t('definition.editTitle', { v: nextVersion })}>
      <h3>{t('definition.editTitle', { v: nextVersion })}</h3>
      <p className="admin-note">{t('definition.editNote', { from: from.version })}</p>
      <div className="form-row">
        <label htmlFor="version-title">
          {t('definitions.surveyTitle')}
          <input id="version-title" value={title} onChange={(e) => setTitle(e.target.value)} size={48} aria-describedby="version-title-error" data-testid="version-title" />
          <FieldErrors error={save.error} field="title" id="version-title-error" />
        </label>
      </div>
      <div className="form-row">
        <label htmlFor="version-intro-en">
          {t('definitions.intro')} · {t('editor.english')}
          <textarea id="version-intro-en" lang="en" rows={2} cols={48} value={intro.en} onChange={(e) => setIntro({ ...intro, en: e.target.value })} />
        </label>
        <label htmlFor="version-intro-zh">
          {t('definitions.intro')} · {t('editor.chinese')}
          <textarea id="version-intro-zh" lang="zh-CN" rows={2} cols={48} value={intro.zh} onChange={(e) => setIntro({ ...intro, zh: e.target.value })} />
        </label>
      </div>
      <ContentEditor draft={draft} onChange={setDraft} error={save.error} />
      <div className="form-row">
        <button type="submit" disabled={save.isPending} data-testid="definition-save">
          {t('definition.save', { v: nextVersion })}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('common:action.cancel')}
        </button>
      </div>
      {save.error ? <ProblemView error={save.error} /> : null}
    </form>
  );
}
