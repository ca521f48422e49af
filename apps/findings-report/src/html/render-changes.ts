import { escapeMarkup as x } from '../escape.js';
import type { Report } from '../report-model.js';
import { formatTime, plural, shortCommit } from './format.js';

export function renderChanges(report: Report): string {
  const { changes } = report;
  const against =
    changes.previousRun === null
      ? `<p class="muted">${report.history.file === null ? 'History is off for this run' : 'This is the first run in the history'}: nothing to compare with.</p>`
      : `<p class="meta-line">Compared with the run of ${x(formatTime(changes.previousRun.time))} (commit <code>${x(shortCommit(changes.previousRun.commit))}</code>); ${plural(report.history.runs, 'run')} in the history.</p>`;
  return `${against}<dl class="changes">
${group('New failures', changes.newFailures, 'flag-bad')}
${group('New passes', changes.newPasses, 'flag-good')}
${group('Flaky tests', changes.flaky, 'flag-warn')}
</dl>`;
}

export function renderInputs(report: Report): string {
  if (report.inputs.length === 0) return '<p class="muted">No Jest results were found.</p>';
  const rows = report.inputs.map((input) => {
    const crashed = input.failedSuites
      .map(
        (suite) =>
          `<p class="failure-of">${x(suite.name)} failed to run</p><pre>${x(suite.message)}</pre>`,
      )
      .join('');
    return `<tr><td><code>${x(input.file)}</code>${crashed}</td><td>${x(input.package)}</td><td>${x(formatTime(input.startedAt))}</td><td class="num">${input.productionTests}</td></tr>`;
  });
  return `<div class="table-scroll"><table class="inputs"><thead><tr><th scope="col">Results file</th><th scope="col">Package</th><th scope="col">Run started</th><th scope="col" class="num">Production tests</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function group(title: string, names: readonly string[], tone: string): string {
  const body =
    names.length === 0
      ? '<dd class="muted">None</dd>'
      : names.map((name) => `<dd><span class="flag ${tone}">${x(name)}</span></dd>`).join('');
  return `<div class="change-group"><dt>${x(title)} <span class="count">${names.length}</span></dt>${body}</div>`;
}
