/**
 * Apache ECharts in a React component: one instance per element, options set
 * as data changes, resized with its container, disposed on unmount. Only the
 * chart types and components the app uses are registered (tree-shaken bundle).
 */
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, MarkPointComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, LineChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, MarkLineComponent, MarkPointComponent, MarkAreaComponent, DataZoomComponent, SVGRenderer]);

export type ChartOption = EChartsCoreOption;

export interface ChartProps {
  option: ChartOption;
  /** Accessible name of the chart (the figure's caption); the data should also be available as a table. */
  label: string;
  height?: number;
  /** Click on a data point (drill-down). */
  onClick?: (params: { name: string; seriesName?: string; dataIndex: number; value: unknown; data: unknown }) => void;
  testId?: string;
}

export function Chart({ option, label, height = 320, onClick, testId }: ChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;

  useEffect(() => {
    if (!el.current) return;
    // SVG: crisp at any zoom, and the marks are in the DOM (tests can count them).
    const c = echarts.init(el.current, undefined, { renderer: 'svg' });
    chart.current = c;
    c.on('click', (p) => clickRef.current?.(p as never));
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el.current);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={el} className="chart" role="img" aria-label={label} data-testid={testId} style={{ height }} />;
}
