import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
} from 'chart.js';
import type { ChartSpec } from '../../src/common/protocol/calculator';
import { el } from './vscodeApi';

// Only the parts of Chart.js the views draw: bars, lines and points on linear and category axes.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip, Legend);

/** The theme's chart colours (VS Code sets them for light, dark and high contrast themes). */
function palette(): { foreground: string; lines: string; series: string[] } {
  const style = getComputedStyle(document.body);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    foreground: read('--vscode-charts-foreground', read('--vscode-foreground', '#616161')),
    lines: read('--vscode-charts-lines', 'rgba(128, 128, 128, 0.4)'),
    series: [
      read('--vscode-charts-blue', '#1a85ff'),
      read('--vscode-charts-orange', '#d18616'),
      read('--vscode-charts-green', '#388a34'),
      read('--vscode-charts-purple', '#652d90'),
      read('--vscode-charts-red', '#e51400'),
      read('--vscode-charts-yellow', '#bf8803'),
    ],
  };
}

function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (!hex) return color;
  const n = parseInt(hex[1]!, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function configuration(spec: ChartSpec): ChartConfiguration {
  const colors = palette();
  const datasets: ChartDataset[] = spec.series.map((series, index) => {
    const color = colors.series[index % colors.series.length]!;
    if (spec.kind === 'bar') {
      if (series.style === 'points') {
        return {
          type: 'line',
          label: series.label,
          data: series.data as Array<number | null>,
          showLine: false,
          pointRadius: 5,
          pointHoverRadius: 6,
          pointStyle: 'rectRot',
          backgroundColor: colors.foreground,
          borderColor: colors.foreground,
        } as ChartDataset;
      }
      const marked = series.marked;
      return {
        type: 'bar',
        label: series.label,
        data: series.data as Array<number | null>,
        backgroundColor: marked ? marked.map((mark) => (mark ? color : withAlpha(color, 0.55))) : color,
        borderColor: colors.foreground,
        borderWidth: marked ? marked.map((mark) => (mark ? 2 : 0)) : 0,
      } as ChartDataset;
    }
    const points = (series.data as Array<[number, number] | null>).filter((point): point is [number, number] => point !== null).map(([x, y]) => ({ x, y }));
    return series.style === 'line'
      ? ({
          type: 'scatter',
          label: series.label,
          data: points,
          showLine: true,
          pointRadius: 0,
          borderColor: color,
          backgroundColor: color,
          borderWidth: 2,
        } as ChartDataset)
      : ({
          type: 'scatter',
          label: series.label,
          data: points,
          pointRadius: 5,
          pointHoverRadius: 6,
          borderColor: colors.foreground,
          backgroundColor: color,
        } as ChartDataset);
  });
  const axis = (title: string, range?: readonly [number, number]) => ({
    title: { display: true, text: title, color: colors.foreground },
    ticks: { color: colors.foreground },
    grid: { color: colors.lines },
    ...(range ? { min: range[0], max: range[1] } : {}),
  });
  return {
    type: spec.kind === 'bar' ? 'bar' : 'scatter',
    data: { ...(spec.labels ? { labels: spec.labels } : {}), datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: spec.series.length > 1, labels: { color: colors.foreground } },
        tooltip: { enabled: true },
      },
      scales: {
        x: { ...axis(spec.xLabel), ...(spec.kind === 'xy' ? { type: 'linear' as const } : {}) },
        y: axis(spec.yLabel, spec.yRange),
      },
    },
  } as ChartConfiguration;
}

/**
 * A chart as a figure: the canvas (read by screen readers as its summary) and a caption with the
 * summary and the note, so the numbers are there in words too.
 */
export function chartFigure(spec: ChartSpec, charts: Chart[]): HTMLElement {
  const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `${spec.title}. ${spec.summary}`, 'data-chart': spec.id } });
  const frame = el('div', { className: 'chart-frame' }, canvas);
  const caption = el('figcaption', {}, el('strong', { text: spec.title }), el('span', { text: ` ${spec.summary}` }));
  if (spec.note) caption.append(el('span', { className: 'muted', text: ` ${spec.note}` }));
  const figure = el('figure', { className: 'chart' }, frame, caption);
  // Drawn once the figure is in the page (Chart.js measures its container).
  queueMicrotask(() => charts.push(new Chart(canvas, configuration(spec))));
  return figure;
}

/** Redraws charts in the new theme's colours when VS Code switches theme (it changes body's class). */
export function followTheme(redraw: () => void): void {
  new MutationObserver(redraw).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
