import { BENCH_RESULTS_PATH } from '../bench.js';
import { escapeMarkup as x } from '../escape.js';
import type { BenchFigure, BenchReport } from '../report-model.js';
import { formatNumber, formatTime, shortCommit } from './format.js';

export function renderBenchmark(benchmark: BenchReport | null): string {
  if (benchmark === null) {
    return `<p class="muted">No benchmark run: <code>${x(BENCH_RESULTS_PATH)}</code> was not found. Run <code>pnpm bench</code> to produce it.</p>`;
  }
  const machine = Object.entries(benchmark.machine)
    .map(([key, value]) => `${x(key)}: ${x(value)}`)
    .join(' · ');
  const meta = [
    `Started ${x(formatTime(benchmark.startedAt))}`,
    `commit <code>${x(shortCommit(benchmark.commit))}</code>`,
    benchmark.node === null ? '' : `Node ${x(benchmark.node)}`,
    machine,
  ].filter((part) => part !== '');
  const scenarios = benchmark.scenarios.map(
    (scenario) => `<h3>${x(scenario.name)}</h3>
<div class="table-scroll"><table class="bench"><thead><tr><th scope="col">Figure</th><th scope="col" class="num">Min</th><th scope="col" class="num">Median</th><th scope="col" class="num">Max</th><th scope="col" class="num">Baseline median</th><th scope="col" class="num">Ratio</th><th scope="col">Target</th></tr></thead>
<tbody>${scenario.figures.map(figureRow).join('')}</tbody></table></div>`,
  );
  return `<p class="meta-line">${meta.join(' · ')}</p>${scenarios.length === 0 ? '<p class="muted">The benchmark file lists no scenarios.</p>' : scenarios.join('\n')}`;
}

function figureRow(figure: BenchFigure): string {
  const unit = figure.unit === '' ? '' : ` ${x(figure.unit)}`;
  const cell = (value: number | null): string =>
    `<td class="num">${value === null ? '–' : `${x(formatNumber(value))}${unit}`}</td>`;
  const target =
    figure.target === null && figure.met === null
      ? '<span class="muted">–</span>'
      : `${figure.met === null ? '' : `<span class="badge outcome outcome-${figure.met ? 'passed' : 'failed'}">${figure.met ? 'Met' : 'Missed'}</span> `}${x(figure.target ?? '')}`;
  return `<tr><th scope="row">${x(figure.name)}</th>${cell(figure.min)}${cell(figure.median)}${cell(figure.max)}${cell(figure.baseline?.median ?? null)}<td class="num">${
    figure.ratio === null ? '–' : `${x(formatNumber(figure.ratio))}×`
  }</td><td>${target}</td></tr>`;
}
