/**
 * A saved version's content, read-only: the question, the SERVQUAL items by
 * dimension, or the Kano features, with both languages side by side (a
 * missing translation shows as "—": customers then read the English).
 */
import { useTranslation } from 'react-i18next';
import type { LocalizedText, SurveyContent } from './types';

function Both({ text }: { text: LocalizedText | undefined }) {
  if (!text) return <>—</>;
  return (
    <>
      <span lang="en">{text.en}</span>
      <br />
      <span lang="zh-CN">{text['zh-CN'] ?? '—'}</span>
    </>
  );
}

export function ContentView({ content }: { content: SurveyContent }) {
  const { t } = useTranslation('surveys');
  switch (content.kind) {
    case 'csat':
    case 'nps':
      return (
        <dl className="admin-dl" data-testid="definition-question">
          <dt>{t('editor.question')}</dt>
          <dd>
            <Both text={content.question} />
          </dd>
        </dl>
      );
    case 'servqual':
      return (
        <>
          <p>{content.askImportance ? t('definition.asksImportance') : t('definition.noImportance')}</p>
          <table data-testid="definition-items">
            <caption>{t('definition.items', { count: content.items.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('definition.itemId')}</th>
                <th scope="col">{t('editor.dimension')}</th>
                <th scope="col">{t('definition.text')}</th>
              </tr>
            </thead>
            <tbody>
              {content.items.map((i) => (
                <tr key={i.id} data-testid={`definition-item-${i.id}`}>
                  <th scope="row">{i.id}</th>
                  <td>{t(`dimension.${i.dimension}`)}</td>
                  <td>
                    <Both text={i.text} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      );
    case 'kano':
      return (
        <table data-testid="definition-features">
          <caption>{t('definition.features', { count: content.features.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('definition.featureId')}</th>
              <th scope="col">{t('editor.functional')}</th>
              <th scope="col">{t('editor.dysfunctional')}</th>
              <th scope="col">{t('editor.performance')}</th>
            </tr>
          </thead>
          <tbody>
            {content.features.map((f) => (
              <tr key={f.id} data-testid={`definition-feature-${f.id}`}>
                <th scope="row">{f.id}</th>
                <td>
                  <Both text={f.functional} />
                </td>
                <td>
                  <Both text={f.dysfunctional} />
                </td>
                <td>
                  <Both text={f.performance} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      );
  }
}
