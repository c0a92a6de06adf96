/**
 * The cycle page's charts (ECharts through components/Chart): the control
 * chart of the measurements with its centre line, limits and Western Electric
 * signals, the Pareto chart (bars and cumulative line), and the capability
 * histogram with the spec limits. Each chart has its data as a table too.
 */
import { getInstanceByDom } from 'echarts/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Chart, type ChartOption } from '../../components/Chart';
import { formatDateTime, formatNumber } from '../../format';
import type { MeasurementChartData } from './measurement-chart';

const BAD = '#b42318';
const ACCENT = '#0b5cad';
const MUTED = '#4f5965';

/**
 * Control chart of the measurements. The container carries
 * `data-testid="measurement-chart"`, and `data-points` (the number of points
 * plotted) once ECharts has painted them (a bench waits for it), and
 * `data-signals` (signal points marked).
 */
export function ControlChart({ data, unit }: { data: MeasurementChartData; unit: string }) {
  const { t } = useTranslation('cycles');
  const box = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState<number | null>(null);
  const option = useMemo<ChartOption>(() => {
    const pts = data.points;
    const x = pts.map((p) => String(p.seq));
    const constantLimits = data.kind === 'imr' && data.status === 'ok';
    const first = pts.find((p) => p.center !== null);
    const signals = pts.flatMap((p, i) => (p.rules.length ? [{ value: [i, p.value], rules: p.rules }] : []));
    const line = (name: string, values: (number | null)[], dashed = true) => ({
      name,
      type: 'line',
      data: values,
      step: 'middle',
      symbol: 'none',
      lineStyle: { color: BAD, type: dashed ? 'dashed' : 'solid', width: 1 },
      itemStyle: { color: BAD },
      silent: true,
    });
    const markLine =
      data.status === 'ok' && first
        ? {
            symbol: 'none',
            silent: true,
            label: { position: 'insideEndTop', formatter: '{b}: {c}' },
            data: [
              { name: t('chart.center'), yAxis: round(first.center!), lineStyle: { color: MUTED, type: 'solid' } },
              ...(constantLimits
                ? [
                    { name: t('chart.ucl'), yAxis: round(first.ucl!), lineStyle: { color: BAD, type: 'dashed' } },
                    { name: t('chart.lcl'), yAxis: round(first.lcl!), lineStyle: { color: BAD, type: 'dashed' } },
                  ]
                : []),
            ],
          }
        : undefined;
    return {
      animation: false,
      grid: { left: 56, right: 96, top: 36, bottom: pts.length > 60 ? 72 : 40 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: x, name: t('chart.seq'), nameLocation: 'middle', nameGap: 26 },
      yAxis: { type: 'value', scale: true, name: unit },
      dataZoom: pts.length > 60 ? [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }] : [],
      series: [
        {
          name: t('chart.measurements'),
          type: 'line',
          data: pts.map((p) => p.value),
          showSymbol: pts.length <= 200,
          symbolSize: 5,
          lineStyle: { color: ACCENT, width: 1.5 },
          itemStyle: { color: ACCENT },
          markLine,
        },
        ...(data.status === 'ok' && !constantLimits ? [line(t('chart.ucl'), pts.map((p) => p.ucl)), line(t('chart.lcl'), pts.map((p) => p.lcl))] : []),
        {
          name: t('chart.signals'),
          type: 'scatter',
          data: signals,
          symbol: 'triangle',
          symbolSize: 14,
          itemStyle: { color: BAD, borderColor: '#000', borderWidth: 1 },
          z: 5,
        },
      ],
    };
  }, [data, t, unit]);

  useEffect(() => {
    // ECharts paints on its next frame; flush it so `data-points` means "drawn".
    const el = box.current?.querySelector('.chart') as HTMLElement | null;
    const chart = el ? getInstanceByDom(el) : undefined;
    chart?.getZr().flush();
    setDrawn(chart ? data.points.length : null);
  }, [option, data.points.length]);

  const signalCount = data.points.filter((p) => p.rules.length > 0).length;
  return (
    <div ref={box} data-testid="measurement-chart" data-points={drawn ?? undefined} data-signals={signalCount}>
      <Chart option={option} label={t('chart.controlLabel', { n: data.points.length, signals: signalCount })} height={360} />
    </div>
  );
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

export interface ParetoDatum {
  category: string;
  count: number;
  percentage: number;
  cumulativePercentage: number;
  vital: boolean;
}

export function ParetoChart({ rows }: { rows: ParetoDatum[] }) {
  const { t } = useTranslation('cycles');
  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      grid: { left: 48, right: 56, top: 36, bottom: 64 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: rows.map((r) => r.category), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
      yAxis: [
        { type: 'value', name: t('chart.count') },
        { type: 'value', name: '%', min: 0, max: 100, splitLine: { show: false } },
      ],
      series: [
        { name: t('chart.count'), type: 'bar', data: rows.map((r) => ({ value: r.count, itemStyle: { color: r.vital ? ACCENT : '#8fb3d9' } })) },
        {
          name: t('chart.cumulative'),
          type: 'line',
          yAxisIndex: 1,
          data: rows.map((r) => round(r.cumulativePercentage)),
          itemStyle: { color: BAD },
          markLine: { symbol: 'none', silent: true, data: [{ yAxis: 80, name: '80 %' }], lineStyle: { color: MUTED, type: 'dotted' }, label: { formatter: '80 %' } },
        },
      ],
    }),
    [rows, t],
  );
  return <Chart option={option} label={t('chart.paretoLabel', { n: rows.length })} height={300} />;
}

export interface CapabilityInput {
  values: number[];
  lsl: number | null;
  usl: number | null;
  mean: number;
}

/** Histogram of the values (√n bins, 5 to 30) with LSL, USL and the mean as vertical lines. */
export function CapabilityChart({ input, unit }: { input: CapabilityInput; unit: string }) {
  const { t } = useTranslation('cycles');
  const option = useMemo<ChartOption>(() => {
    const { values, lsl, usl, mean } = input;
    const lo = Math.min(...values, lsl ?? Infinity);
    const hi = Math.max(...values, usl ?? -Infinity);
    const bins = Math.min(30, Math.max(5, Math.round(Math.sqrt(values.length))));
    const width = (hi - lo) / bins || 1;
    const counts = new Array<number>(bins).fill(0);
    for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]! += 1;
    const lines = [
      ...(lsl !== null ? [{ name: t('chart.lsl'), xAxis: lsl, lineStyle: { color: BAD } }] : []),
      ...(usl !== null ? [{ name: t('chart.usl'), xAxis: usl, lineStyle: { color: BAD } }] : []),
      { name: t('chart.mean'), xAxis: round(mean), lineStyle: { color: MUTED, type: 'dashed' } },
    ];
    return {
      animation: false,
      grid: { left: 48, right: 24, top: 36, bottom: 40 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', min: lo - width, max: hi + width, name: unit },
      yAxis: { type: 'value', name: t('chart.count'), minInterval: 1 },
      series: [
        {
          name: t('chart.count'),
          type: 'bar',
          barWidth: '95%',
          data: counts.map((c, i) => [round(lo + (i + 0.5) * width), c]),
          itemStyle: { color: '#8fb3d9' },
          markLine: { symbol: 'none', silent: true, label: { formatter: '{b}' }, data: lines },
        },
      ],
    };
  }, [input, t, unit]);
  return <Chart option={option} label={t('chart.capabilityLabel', { n: input.values.length })} height={280} />;
}

/** The signal points as a table: the same data the chart marks. */
export function SignalTable({ data }: { data: MeasurementChartData }) {
  const { t } = useTranslation('cycles');
  const signals = data.points.filter((p) => p.rules.length > 0);
  if (!signals.length) return <p className="state state-empty">{t('chart.noSignals')}</p>;
  return (
    <table data-testid="signal-table">
      <caption className="visually-hidden">{t('chart.signalsCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('chart.seq')}</th>
          <th scope="col">{t('field.at')}</th>
          <th scope="col">{t('chart.stage')}</th>
          <th scope="col">{t('field.value')}</th>
          <th scope="col">{t('chart.rules')}</th>
          <th scope="col">{t('chart.side')}</th>
        </tr>
      </thead>
      <tbody>
        {signals.map((p) => (
          <tr key={p.seq} data-seq={p.seq}>
            <td>{p.seq}</td>
            <td>{formatDateTime(p.at)}</td>
            <td>{t(`stage.${p.stage}`, { defaultValue: p.stage })}</td>
            <td>{formatNumber(p.value, 4)}</td>
            <td>{p.rules.map((r) => t(`rule.${r}`)).join('; ')}</td>
            <td>{p.worse ? <span className="badge bad">{t('chart.worse')}</span> : <span className="badge ok">{t('chart.better')}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

