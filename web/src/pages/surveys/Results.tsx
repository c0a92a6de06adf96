/**
 * A campaign's results as the API scored them (GET /surveys/:id/results):
 * nothing is recomputed here. SERVQUAL: the gap per dimension with its 95 %
 * CI, expectation against perception, every item, the overall scores and the
 * largest negative gap called out. Kano: per feature the category
 * distribution, the category by majority, Berger's coefficients, and
 * must-be features rated low flagged. NPS and CSAT: the score and how the
 * answers spread. Each chart has the same figures in a table beside it;
 * cells carry their raw value in `data-value`.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { KANO_CATEGORIES } from '../../../../src/domain/survey';
import { Chart } from '../../components/Chart';
import { formatNumber, formatPercent } from '../../format';
import { csatChart, kanoCoefficientChart, kanoDistributionChart, npsChart, servqualExpectationChart, servqualGapChart } from './charts';
import { localized } from './text';
import type { CsatResults, KanoResults, MeanCi, NpsResults, ServqualResults, SurveyScores } from './types';

const num = (n: number | null | undefined, digits = 2) => formatNumber(n, digits);

function Ci({ ci }: { ci: MeanCi }) {
  const { t } = useTranslation('surveys');
  if (ci.ciLow === null || ci.ciHigh === null) return <span className="admin-note">{t('results.noCi')}</span>;
  return (
    <span data-low={ci.ciLow} data-high={ci.ciHigh}>
      [{num(ci.ciLow)}, {num(ci.ciHigh)}]
    </span>
  );
}

/** A mean with its value for tests. */
function Mean({ ci, testId }: { ci: MeanCi; testId?: string }) {
  return (
    <span data-testid={testId} data-value={ci.mean ?? ''}>
      {num(ci.mean)}
    </span>
  );
}

export function Results({ scores }: { scores: SurveyScores }) {
  switch (scores.kind) {
    case 'servqual':
      return <ServqualView r={scores} />;
    case 'kano':
      return <KanoView r={scores} />;
    case 'nps':
      return <NpsView r={scores} />;
    case 'csat':
      return <CsatView r={scores} />;
  }
}

function ServqualView({ r }: { r: ServqualResults }) {
  const { t, i18n } = useTranslation('surveys');
  const dim = (d: string) => t(`dimension.${d}`);
  const gapChart = useMemo(() => servqualGapChart(r, dim, { gap: t('results.gap'), ci: t('results.ci') }), [r, t]);
  const epChart = useMemo(() => servqualExpectationChart(r, dim, { expectation: t('results.expectation'), perception: t('results.perception') }), [r, t]);
  const largest = r.largestNegativeGap ? r.dimensions.find((d) => d.dimension === r.largestNegativeGap) : undefined;
  return (
    <div data-testid="results-servqual">
      <p className="panel" data-testid="results-largest-gap" data-dimension={r.largestNegativeGap ?? ''}>
        {largest ? <strong>{t('results.largestGap', { dimension: dim(largest.dimension), gap: num(largest.gap.mean) })}</strong> : t('results.noNegativeGap')}
      </p>
      <dl className="admin-dl">
        <dt>{t('results.respondents')}</dt>
        <dd data-testid="results-respondents" data-value={r.respondents}>
          {formatNumber(r.respondents, 0)}
        </dd>
        <dt>{t('results.overallUnweighted')}</dt>
        <dd data-testid="results-overall-unweighted" data-value={r.overall.unweighted ?? ''}>
          {num(r.overall.unweighted)}
        </dd>
        <dt>{t('results.overallWeighted')}</dt>
        <dd data-testid="results-overall-weighted" data-value={r.overall.weighted ?? ''}>
          {r.overall.weighted === null ? t('results.noImportance') : num(r.overall.weighted)}
        </dd>
      </dl>
      <div className="grid">
        <figure style={{ margin: 0 }}>
          <Chart option={gapChart} label={t('results.gapChart')} testId="results-gap-chart" height={300} />
          <figcaption className="admin-note">{t('results.gapChartNote')}</figcaption>
        </figure>
        <figure style={{ margin: 0 }}>
          <Chart option={epChart} label={t('results.epChart')} testId="results-ep-chart" height={300} />
          <figcaption className="admin-note">{t('results.epChart')}</figcaption>
        </figure>
      </div>
      <table data-testid="results-dimensions">
        <caption>{t('results.byDimension')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('editor.dimension')}</th>
            <th scope="col">{t('results.expectation')}</th>
            <th scope="col">{t('results.perception')}</th>
            <th scope="col">{t('results.gap')}</th>
            <th scope="col">{t('results.ci')}</th>
            <th scope="col">{t('results.importance')}</th>
          </tr>
        </thead>
        <tbody>
          {r.dimensions.map((d) => (
            <tr key={d.dimension} data-testid={`results-dimension-${d.dimension}`} className={d.dimension === r.largestNegativeGap ? 'audit-break-row' : undefined}>
              <th scope="row">{dim(d.dimension)}</th>
              <td>
                <Mean ci={d.expectation} testId={`results-e-${d.dimension}`} />
              </td>
              <td>
                <Mean ci={d.perception} testId={`results-p-${d.dimension}`} />
              </td>
              <td>
                <Mean ci={d.gap} testId={`results-gap-${d.dimension}`} />
              </td>
              <td>
                <Ci ci={d.gap} />
              </td>
              <td>{d.importance === null ? '—' : num(d.importance, 1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table data-testid="results-items">
        <caption>{t('results.byItem')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('definition.itemId')}</th>
            <th scope="col">{t('editor.dimension')}</th>
            <th scope="col">{t('definition.text')}</th>
            <th scope="col">{t('results.expectationShort')}</th>
            <th scope="col">{t('results.perceptionShort')}</th>
            <th scope="col">{t('results.gap')}</th>
            <th scope="col">{t('results.ci')}</th>
          </tr>
        </thead>
        <tbody>
          {r.items.map((i) => (
            <tr key={i.itemId} data-testid={`results-item-${i.itemId}`}>
              <th scope="row">{i.itemId}</th>
              <td>{dim(i.dimension)}</td>
              <td>{localized(i.text, i18n.language)}</td>
              <td>
                <Mean ci={i.expectation} />
              </td>
              <td>
                <Mean ci={i.perception} />
              </td>
              <td>
                <Mean ci={i.gap} testId={`results-item-gap-${i.itemId}`} />
              </td>
              <td>
                <Ci ci={i.gap} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function KanoView({ r }: { r: KanoResults }) {
  const { t, i18n } = useTranslation('surveys');
  const cat = (c: string) => t(`kano.${c}`);
  const distribution = useMemo(() => kanoDistributionChart(r, cat), [r, t]);
  const coefficients = useMemo(() => kanoCoefficientChart(r, { satisfaction: t('results.satisfaction'), dissatisfaction: t('results.dissatisfactionSize') }), [r, t]);
  const flagged = r.features.filter((f) => f.flagged);
  return (
    <div data-testid="results-kano">
      {flagged.length > 0 ? (
        <div className="audit-why" role="note" data-testid="results-kano-flagged">
          <strong>{t('results.flaggedTitle')}</strong>
          <ul>
            {flagged.map((f) => (
              <li key={f.featureId} data-testid={`results-flag-${f.featureId}`}>
                {t('results.flagged', { id: f.featureId, text: localized(f.text, i18n.language), performance: num(f.performance?.mean ?? null) })}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="panel">{t('results.noFlag')}</p>
      )}
      <p>
        {t('results.respondents')}: <span data-testid="results-respondents" data-value={r.respondents}>{formatNumber(r.respondents, 0)}</span>
      </p>
      <div className="grid">
        <figure style={{ margin: 0 }}>
          <Chart option={distribution} label={t('results.kanoChart')} testId="results-kano-chart" height={Math.max(220, 60 + r.features.length * 40)} />
          <figcaption className="admin-note">{t('results.kanoChart')}</figcaption>
        </figure>
        <figure style={{ margin: 0 }}>
          <Chart option={coefficients} label={t('results.coefficientChart')} testId="results-kano-scatter" height={300} />
          <figcaption className="admin-note">{t('results.coefficientNote')}</figcaption>
        </figure>
      </div>
      <div className="audit-table-wrap" tabIndex={0} role="region" aria-label={t('results.byFeature')}>
        <table data-testid="results-features">
          <caption>{t('results.byFeature')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('definition.featureId')}</th>
              <th scope="col">{t('definition.text')}</th>
              <th scope="col">{t('results.category')}</th>
              {KANO_CATEGORIES.map((c) => (
                <th scope="col" key={c}>
                  {cat(c)}
                </th>
              ))}
              <th scope="col">{t('results.satisfaction')}</th>
              <th scope="col">{t('results.dissatisfaction')}</th>
              <th scope="col">{t('results.performance')}</th>
            </tr>
          </thead>
          <tbody>
            {r.features.map((f) => (
              <tr key={f.featureId} data-testid={`results-feature-${f.featureId}`} data-flagged={f.flagged} className={f.flagged ? 'audit-break-row' : undefined}>
                <th scope="row">
                  {f.featureId} {f.flagged && <span className="badge bad">{t('results.flag')}</span>}
                </th>
                <td style={{ minWidth: '16rem' }}>{localized(f.text, i18n.language)}</td>
                <td data-testid={`results-category-${f.featureId}`} data-value={f.category ?? ''}>
                  {f.category ? cat(f.category) : '—'}
                </td>
                {KANO_CATEGORIES.map((c) => (
                  <td key={c}>{formatNumber(f.distribution[c], 0)}</td>
                ))}
                <td data-value={f.satisfaction ?? ''}>{num(f.satisfaction)}</td>
                <td data-value={f.dissatisfaction ?? ''}>{num(f.dissatisfaction)}</td>
                <td>{f.performance ? <Mean ci={f.performance} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function NpsView({ r }: { r: NpsResults }) {
  const { t } = useTranslation('surveys');
  const names = { promoters: t('results.promoters'), passives: t('results.passives'), detractors: t('results.detractors') };
  const option = useMemo(() => npsChart(r, names), [r, t]);
  return (
    <div data-testid="results-nps">
      <p className="panel">
        <strong>
          {t('results.nps')}: <span data-testid="results-nps-score" data-value={r.score ?? ''}>{num(r.score, 1)}</span>
        </strong>
      </p>
      <div className="grid">
        <table data-testid="results-nps-table">
          <caption>{t('results.npsBands')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('results.band')}</th>
              <th scope="col">{t('results.count')}</th>
            </tr>
          </thead>
          <tbody>
            {(['promoters', 'passives', 'detractors'] as const).map((b) => (
              <tr key={b}>
                <th scope="row">{names[b]}</th>
                <td data-testid={`results-nps-${b}`} data-value={r[b]}>
                  {formatNumber(r[b], 0)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Chart option={option} label={t('results.npsBands')} testId="results-nps-chart" height={140} />
      </div>
    </div>
  );
}

function CsatView({ r }: { r: CsatResults }) {
  const { t } = useTranslation('surveys');
  const option = useMemo(() => csatChart(r, t('results.count')), [r, t]);
  return (
    <div data-testid="results-csat">
      <p className="panel">
        <strong>
          {t('results.csatMean')}: <Mean ci={r.rating} testId="results-csat-mean" />
        </strong>{' '}
        <Ci ci={r.rating} /> · {t('results.satisfiedShare')}: <span data-value={r.satisfiedShare ?? ''}>{formatPercent(r.satisfiedShare)}</span>
      </p>
      <div className="grid">
        <table data-testid="results-csat-table">
          <caption>{t('results.csatDistribution')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('results.rating')}</th>
              <th scope="col">{t('results.count')}</th>
            </tr>
          </thead>
          <tbody>
            {r.distribution.map((n, i) => (
              <tr key={i}>
                <th scope="row">{i + 1}</th>
                <td data-value={n}>{formatNumber(n, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Chart option={option} label={t('results.csatDistribution')} testId="results-csat-chart" height={220} />
      </div>
    </div>
  );
}
