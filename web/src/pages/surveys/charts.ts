/**
 * ECharts options of the survey results (pure: data in, option out). Every
 * chart sits beside a table holding the same figures, which is what screen
 * readers and tests read. Error bars are mark lines from the lower to the
 * upper bound of the 95 % confidence interval the API computed.
 */
import type { ChartOption } from '../../components/Chart';
import type { CsatResults, KanoResults, MeanCi, NpsResults, ServqualResults } from './types';

const NEGATIVE = '#b42318';
const POSITIVE = '#1a7f37';
const EXPECTATION = '#57606a';
const PERCEPTION = '#0b5cad';
/** Kano categories in the order of the stacked bars, with colours that stay apart for common colour-vision deficiencies. */
export const KANO_COLOURS: Record<string, string> = {
  must_be: '#b42318',
  one_dimensional: '#0b5cad',
  attractive: '#1a7f37',
  indifferent: '#8c959f',
  reverse: '#9a6700',
  questionable: '#6e40c9',
};

const round = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);

/** Mark-line pairs from ciLow to ciHigh at each category (none where the interval is unknown, n < 2). */
function errorBars(labels: string[], cis: MeanCi[]) {
  return labels.flatMap((label, i) => {
    const ci = cis[i];
    if (!ci || ci.ciLow === null || ci.ciHigh === null) return [];
    return [[{ coord: [label, round(ci.ciLow)] }, { coord: [label, round(ci.ciHigh)] }]];
  });
}

/** Gap (P − E) per dimension: a bar (red when negative) with its 95 % CI. */
export function servqualGapChart(r: ServqualResults, label: (dimension: string) => string, names: { gap: string; ci: string }): ChartOption {
  const labels = r.dimensions.map((d) => label(d.dimension));
  // The axis spans every bound, so no error bar is clipped (ECharts drops a mark line that leaves the grid).
  const values = r.dimensions.flatMap((d) => [d.gap.mean, d.gap.ciLow, d.gap.ciHigh]).filter((v): v is number => v !== null);
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 16, top: 24, bottom: 40 },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', name: names.gap, min: Math.floor(Math.min(0, ...values)), max: Math.ceil(Math.max(0, ...values)) },
    series: [
      {
        name: names.gap,
        type: 'bar',
        barMaxWidth: 48,
        data: r.dimensions.map((d) => ({ value: round(d.gap.mean), itemStyle: { color: (d.gap.mean ?? 0) < 0 ? NEGATIVE : POSITIVE } })),
        markLine: {
          silent: true,
          // Caps: a flat bar at each end of the interval.
          symbol: ['rect', 'rect'],
          symbolSize: [14, 2],
          label: { show: false },
          lineStyle: { color: '#1b1f24', type: 'solid', width: 2 },
          data: errorBars(labels, r.dimensions.map((d) => d.gap)),
        },
      },
    ],
  };
}

/** Mean expectation and mean perception per dimension (the 7-point scale). */
export function servqualExpectationChart(r: ServqualResults, label: (dimension: string) => string, names: { expectation: string; perception: string }): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 32, bottom: 40 },
    xAxis: { type: 'category', data: r.dimensions.map((d) => label(d.dimension)) },
    yAxis: { type: 'value', min: 1, max: 7 },
    series: [
      { name: names.expectation, type: 'bar', itemStyle: { color: EXPECTATION }, data: r.dimensions.map((d) => round(d.expectation.mean)) },
      { name: names.perception, type: 'bar', itemStyle: { color: PERCEPTION }, data: r.dimensions.map((d) => round(d.perception.mean)) },
    ],
  };
}

/** Per feature, the answers' Kano categories stacked (horizontal bars). */
export function kanoDistributionChart(r: KanoResults, categoryLabel: (c: string) => string): ChartOption {
  const categories = Object.keys(KANO_COLOURS);
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 110, right: 16, top: 48, bottom: 24 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: r.features.map((f) => f.featureId), inverse: true },
    series: categories.map((c) => ({
      name: categoryLabel(c),
      type: 'bar',
      stack: 'answers',
      itemStyle: { color: KANO_COLOURS[c] },
      data: r.features.map((f) => f.distribution[c as keyof typeof f.distribution] ?? 0),
    })),
  };
}

/** Berger's coefficients: satisfaction (x) against the size of dissatisfaction (y), one point per feature. */
export function kanoCoefficientChart(r: KanoResults, names: { satisfaction: string; dissatisfaction: string }): ChartOption {
  return {
    tooltip: { trigger: 'item' },
    grid: { left: 56, right: 80, top: 24, bottom: 48 },
    xAxis: { type: 'value', min: 0, max: 1, name: names.satisfaction, nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', min: 0, max: 1, name: names.dissatisfaction, nameLocation: 'middle', nameGap: 36 },
    series: [
      {
        type: 'scatter',
        symbolSize: 12,
        label: { show: true, position: 'right', formatter: (p: { data: { name: string } }) => p.data.name },
        data: r.features.filter((f) => f.satisfaction !== null && f.dissatisfaction !== null).map((f) => ({ name: f.featureId, value: [round(f.satisfaction), round(Math.abs(f.dissatisfaction!))], itemStyle: { color: f.flagged ? NEGATIVE : PERCEPTION } })),
        markLine: { silent: true, symbol: ['none', 'none'], label: { show: false }, lineStyle: { color: '#8c959f', type: 'dashed' }, data: [{ xAxis: 0.5 }, { yAxis: 0.5 }] },
      },
    ],
  };
}

/** Promoters, passives and detractors as one stacked bar. */
export function npsChart(r: NpsResults, names: { promoters: string; passives: string; detractors: string }): ChartOption {
  const part = (name: string, value: number, color: string) => ({ name, type: 'bar', stack: 'nps', itemStyle: { color }, data: [value], barMaxWidth: 40 });
  return {
    tooltip: { trigger: 'item' },
    legend: { top: 0 },
    grid: { left: 16, right: 16, top: 32, bottom: 24, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: ['NPS'], show: false },
    series: [part(names.detractors, r.detractors, NEGATIVE), part(names.passives, r.passives, '#8c959f'), part(names.promoters, r.promoters, POSITIVE)],
  };
}

/** How many rated 1 to 5. */
export function csatChart(r: CsatResults, name: string): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 16, top: 16, bottom: 32 },
    xAxis: { type: 'category', data: ['1', '2', '3', '4', '5'] },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ name, type: 'bar', data: r.distribution, itemStyle: { color: PERCEPTION } }],
  };
}
