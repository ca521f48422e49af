import { escapeMarkup as x } from '../escape.js';
import type { Figure, FindingReport, TestEvidence, TestRun, TrendPoint } from '../report-model.js';
import { DEFAULT_TREND_RUNS } from '../trend.js';
import {
  formatDuration,
  formatNumber,
  formatTime,
  OUTCOME_LABELS,
  plural,
  STATUS_LABELS,
} from './format.js';
import { sparkline } from './sparkline.js';

const COLUMNS = 7;
const MAX_RUNS_SHOWN = 5;

export interface RenderFindingsOptions {
  readonly findings: readonly FindingReport[];
  /** From the page to the repository root, for code links ('../' when the page is in site/). */
  readonly rootHref: string;
}

export function renderFindingsTable({ findings, rootHref }: RenderFindingsOptions): string {
  return `<div class="table-scroll"><table class="findings" id="findings-table">
<caption class="visually-hidden">Every finding with its status, severity, package, tests and trend</caption>
<thead><tr><th scope="col">#</th><th scope="col">Finding</th><th scope="col">Package</th><th scope="col">Severity</th><th scope="col">Status</th><th scope="col">Tests</th><th scope="col">Trend</th></tr></thead>
${findings.map((finding) => findingBody(finding, rootHref)).join('\n')}
<tbody id="no-match" hidden><tr><td colspan="${COLUMNS}" class="empty">No finding matches these filters.</td></tr></tbody>
</table></div>`;
}

function findingBody(finding: FindingReport, rootHref: string): string {
  const was = finding.previousStatus === finding.status ? null : finding.previousStatus;
  return `<tbody class="finding" id="finding-${x(finding.id)}" data-status="${x(finding.status)}" data-severity="${x(finding.severity)}" data-packages="${x(finding.packages.join(' '))}">
<tr class="finding-row">
<th scope="row" class="id">${x(finding.id)}</th>
<td class="what"><span class="title">${x(finding.title)}</span><p class="claim"><span class="claim-label">Review claim:</span> ${x(finding.claim)}</p></td>
<td class="pkgs">${finding.packages.map((name) => `<span class="pkg" title="${x(name)}">${x(name.replace(/^@chatbox\//, ''))}</span>`).join(' ')}</td>
<td><span class="badge sev sev-${x(finding.severity)}">${x(capitalise(finding.severity))}</span></td>
<td class="status-cell"><span class="badge status status-${x(finding.status)}">${x(STATUS_LABELS[finding.status])}</span>${
    was === null ? '' : `<span class="was">was ${x(STATUS_LABELS[was].toLowerCase())}</span>`
  }</td>
<td class="tests">${testsSummary(finding.tests)}</td>
<td class="trend">${trendSparkline(finding.trend)}</td>
</tr>
<tr class="detail-row"><td colspan="${COLUMNS}"><details><summary>Evidence, rationale and code for finding ${x(finding.id)}</summary>
<div class="detail-grid"><div>${explanation(finding)}${codeLinks(finding, rootHref)}</div><div>${evidence(finding.tests)}${figures(finding.figures)}</div></div>
</details></td></tr>
</tbody>`;
}

function testsSummary(tests: readonly TestEvidence[]): string {
  const listed = tests.filter((test) => test.listed);
  const passed = listed.filter((test) => test.outcome === 'passed').length;
  const flags = [
    tests.some((test) => test.change === 'new-failure')
      ? '<span class="flag flag-bad">new failure</span>'
      : '',
    tests.some((test) => test.change === 'new-pass')
      ? '<span class="flag flag-good">new pass</span>'
      : '',
    tests.some((test) => test.flaky) ? '<span class="flag flag-warn">flaky</span>' : '',
  ].join('');
  const count =
    listed.length === 0
      ? '<span class="muted">none listed</span>'
      : `<span class="count">${passed}/${listed.length}</span> passed`;
  return `${count}${flags === '' ? '' : `<span class="flags">${flags}</span>`}`;
}

function trendSparkline(trend: readonly TrendPoint[]): string {
  const label = `Last ${plural(trend.length, 'run')}: ${trend.map((point) => STATUS_LABELS[point.status].toLowerCase()).join(', ')}`;
  const points = trend.map((point) => ({
    ratio: point.total === 0 ? (point.status === 'regressed' ? 0 : 1) : point.passed / point.total,
    tone: `tone-${point.status}`,
  }));
  return sparkline({ points, label, slots: DEFAULT_TREND_RUNS });
}

function explanation(finding: FindingReport): string {
  switch (finding.verdict) {
    case 'resolved':
      return `<h3>How chatbox resolves it</h3><p>${x(finding.rationale)}</p>`;
    case 'false-positive':
      return `<h3>Why the claim does not hold</h3><p>${x(finding.reason ?? '')}</p><h3>How chatbox is built</h3><p>${x(finding.rationale)}</p>`;
    case 'open':
      return `<h3>Why it is still open</h3><p>${x(finding.rationale)}</p>`;
  }
}

function codeLinks(finding: FindingReport, rootHref: string): string {
  if (finding.code.length === 0) return '';
  const items = finding.code.map((link) =>
    link.exists
      ? `<li><a href="${x(rootHref + link.path)}"><code>${x(link.path)}</code></a></li>`
      : `<li><code>${x(link.path)}</code> <span class="missing">(not in this checkout)</span></li>`,
  );
  return `<h3>Code</h3><ul class="code-links">${items.join('')}</ul>`;
}

function evidence(tests: readonly TestEvidence[]): string {
  if (tests.length === 0)
    return '<h3>Evidence</h3><p class="muted">No production test is listed for this finding.</p>';
  const rows = tests.map((test) => {
    const failures = test.runs.flatMap((run) =>
      run.failureMessages.map((message) => ({ name: run.fullName, message })),
    );
    const runs = runList(test.runs);
    const notes = [
      test.listed ? '' : '<span class="flag flag-warn">not in catalogue</span>',
      test.flaky ? '<span class="flag flag-warn">flaky</span>' : '',
    ].join('');
    return `<tr><td><code class="test-name">${x(test.name)}</code>${notes}${runs}</td>
<td><span class="badge outcome outcome-${x(test.outcome)}">${x(OUTCOME_LABELS[test.outcome])}</span></td><td class="num">${x(formatDuration(test.durationMs))}</td></tr>${
      failures.length > 0
        ? `<tr class="failure"><td colspan="3">${failures.map((f) => `<p class="failure-of">${x(f.name)}</p><pre>${x(f.message)}</pre>`).join('')}</td></tr>`
        : ''
    }`;
  });
  return `<h3>Evidence</h3><table class="evidence"><thead><tr><th scope="col">Test</th><th scope="col">Result</th><th scope="col" class="num">Duration</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

// A name can gather dozens of Jest tests (one describe, many its): failures first, the rest folded,
// and where they all came from said once when it is the same file.
function runList(runs: readonly TestRun[]): string {
  if (runs.length === 0) return '';
  const origin = (run: TestRun): string =>
    `${run.package} · ${run.source} · ${formatTime(run.ranAt)}`;
  const shared = runs.every((run) => origin(run) === origin(runs[0]!)) ? origin(runs[0]!) : null;
  const ordered = [...runs].sort(
    (a, b) => Number(b.status === 'failed') - Number(a.status === 'failed'),
  );
  const item = (run: TestRun): string => {
    const meta = [shared === null ? origin(run) : '', run.retried ? 'retried' : '']
      .filter((part) => part !== '')
      .join(' · ');
    return `<li><span class="run-status run-${x(run.status)}" aria-hidden="true"></span>${x(run.fullName)}${meta === '' ? '' : ` <span class="muted">· ${x(meta)}</span>`}</li>`;
  };
  const head = shared === null ? '' : `<p class="run-origin">${x(shared)}</p>`;
  const shown = ordered.slice(0, MAX_RUNS_SHOWN).map(item).join('');
  const folded = ordered.slice(MAX_RUNS_SHOWN);
  if (folded.length === 0) return `${head}<ul class="runs">${shown}</ul>`;
  return `${head}<ul class="runs">${shown}</ul><details class="more-runs"><summary>${plural(folded.length, 'more Jest test')}</summary><ul class="runs">${folded.map(item).join('')}</ul></details>`;
}

function figures(list: readonly Figure[]): string {
  if (list.length === 0) return '';
  const rows = list.map(
    (figure) =>
      `<tr><td>${x(figure.name)}</td><td class="num">${x(formatNumber(figure.value))} ${x(figure.unit)}</td><td>${x(figure.package)}</td><td class="when">${x(formatTime(figure.recordedAt))}</td></tr>`,
  );
  return `<h3>Figures recorded by the tests</h3><table class="figures"><thead><tr><th scope="col">Figure</th><th scope="col" class="num">Value</th><th scope="col">Package</th><th scope="col">Recorded</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
