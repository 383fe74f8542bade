import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';
import type { SeriesBucket, StatsResponse } from '../../src/proxy/api';
import { formatTokens } from '../../src/shared/format';
import { element, themeColor } from './dom';
import { timeline } from './viewModel';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, DoughnutController, ArcElement, Legend, Tooltip);

const PALETTE = ['charts-blue', 'charts-green', 'charts-orange', 'charts-purple', 'charts-yellow', 'charts-red'];

/** Tokens sent vs saved over time, and savings by content kind and by tool. */
export class SavingsCharts {
  readonly root = element('section', { className: 'charts', ariaLabel: 'Savings charts' });
  private readonly timelineCanvas = element('canvas', {
    id: 'timeline-chart',
    role: 'img',
    ariaLabel: 'Tokens sent and saved over time',
  });
  private readonly kindCanvas = element('canvas', {
    id: 'kind-chart',
    role: 'img',
    ariaLabel: 'Tokens saved by content kind',
  });
  private readonly toolCanvas = element('canvas', { id: 'tool-chart', role: 'img', ariaLabel: 'Tokens saved by tool' });
  private timelineChart: Chart<'bar'> | undefined;
  private kindChart: Chart<'doughnut'> | undefined;
  private toolChart: Chart<'doughnut'> | undefined;
  private readonly bucketSelect: HTMLElement & { value: string };

  constructor(bucket: SeriesBucket, onBucket: (bucket: SeriesBucket) => void) {
    this.bucketSelect = element(
      'vscode-single-select',
      { id: 'bucket', ariaLabel: 'Time range' },
      element('vscode-option', { value: 'hour' }, 'Last 24 hours'),
      element('vscode-option', { value: 'day' }, 'Last 30 days'),
    ) as HTMLElement & { value: string };
    this.bucketSelect.value = bucket;
    this.bucketSelect.addEventListener('change', () => onBucket(this.bucketSelect.value as SeriesBucket));
    this.root.append(
      element(
        'div',
        { className: 'chart wide' },
        element('div', { className: 'chart-head' }, element('h2', {}, 'Tokens sent and saved'), this.bucketSelect),
        element('div', { className: 'canvas-box' }, this.timelineCanvas),
      ),
      element(
        'div',
        { className: 'chart' },
        element('h2', {}, 'Saved by content kind'),
        element('div', { className: 'canvas-box' }, this.kindCanvas),
      ),
      element(
        'div',
        { className: 'chart' },
        element('h2', {}, 'Saved by tool'),
        element('div', { className: 'canvas-box' }, this.toolCanvas),
      ),
    );
  }

  update(stats: StatsResponse): void {
    const text = themeColor('foreground', '#888');
    const lines = themeColor('widget-border', 'rgba(128,128,128,0.3)');
    Chart.defaults.color = text;
    Chart.defaults.borderColor = lines;
    const series = timeline(stats.series.points, stats.series.bucket, Date.now());
    this.timelineCanvas.dataset.points = String(stats.series.points.length);
    this.timelineChart =
      this.timelineChart ??
      new Chart(this.timelineCanvas, {
        type: 'bar',
        data: { labels: [], datasets: [] },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: {
            x: { stacked: true },
            y: {
              stacked: true,
              beginAtZero: true,
              suggestedMax: 1_000,
              ticks: { precision: 0, callback: (value) => formatTokens(Number(value)) },
            },
          },
          plugins: {
            tooltip: {
              callbacks: { label: (item) => `${item.dataset.label}: ${formatTokens(Number(item.raw))} tokens` },
            },
          },
        },
      });
    // Scales keep the colours they were built with, so a theme change sets them again.
    for (const scale of Object.values(this.timelineChart.options.scales ?? {})) {
      if (!scale) continue;
      scale.ticks = { ...scale.ticks, color: text };
      scale.grid = { ...scale.grid, color: lines };
    }
    this.timelineChart.data.labels = series.labels;
    this.timelineChart.data.datasets = [
      { label: 'Sent', data: series.sent, backgroundColor: themeColor('charts-blue', '#3794ff') },
      { label: 'Saved', data: series.saved, backgroundColor: themeColor('charts-green', '#89d185') },
    ];
    this.timelineChart.update();
    this.kindChart = this.doughnut(this.kindChart, this.kindCanvas, stats.byKind);
    this.toolChart = this.doughnut(this.toolChart, this.toolCanvas, stats.byTool);
  }

  private doughnut(
    chart: Chart<'doughnut'> | undefined,
    canvas: HTMLCanvasElement,
    savings: StatsResponse['byKind'],
  ): Chart<'doughnut'> {
    canvas.dataset.points = String(savings.length);
    const box = canvas.parentElement as HTMLElement;
    box.classList.toggle('no-data', savings.length === 0);
    const result =
      chart ??
      new Chart(canvas, {
        type: 'doughnut',
        data: { labels: [], datasets: [] },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: {
            legend: { position: 'right' },
            tooltip: {
              callbacks: { label: (item) => `${item.label}: ${formatTokens(Number(item.raw))} tokens saved` },
            },
          },
        },
      });
    result.data.labels = savings.map((entry) => entry.key);
    result.data.datasets = [
      {
        data: savings.map((entry) => Math.max(0, entry.tokensSaved)),
        backgroundColor: savings.map((_, i) => themeColor(PALETTE[i % PALETTE.length], '#888')),
        borderWidth: 0,
      },
    ];
    result.update();
    return result;
  }
}
