import { UNTESTED_DRIFT, type ExitStatus } from './exit-status.js';
import { plural, shortCommit } from './html/format.js';
import type { FindingReport, Report } from './report-model.js';

// One screen: the findings needing attention first, then what changed, then where the files are.
const MAX_FINDING_LINES = 10;
const MAX_DRIFT_LINES = 4;

export interface SummaryInput {
  readonly report: Report;
  readonly exit: ExitStatus;
  readonly written: readonly string[];
  readonly allowUntested: boolean;
}

export function formatSummary({ report, exit, written, allowUntested }: SummaryInput): string {
  const { totals } = report;
  const lines = [
    `chatbox findings · commit ${shortCommit(report.commit)} · ${report.generatedAt} · ${plural(report.history.runs, 'run')} in history`,
    `${totals.findings} findings: ${totals.resolved} resolved · ${totals.regressed} regressed · ${totals.untested} untested · ${totals.open} open · ${totals['false-positive']} false-positive`,
    `tests: ${totals.tests.passed} passed · ${totals.tests.failed} failed · ${totals.tests.notRun} not run    drift: ${totals.drift.errors} error(s) · ${totals.drift.warnings} warning(s)`,
  ];
  const attention = report.findings.filter(
    (finding) => finding.status === 'regressed' || finding.status === 'untested',
  );
  if (attention.length > 0) lines.push('');
  for (const finding of attention.slice(0, MAX_FINDING_LINES)) lines.push(findingLine(finding));
  if (attention.length > MAX_FINDING_LINES)
    lines.push(`  … and ${attention.length - MAX_FINDING_LINES} more`);

  const { changes } = report;
  if (changes.newFailures.length + changes.newPasses.length + changes.flaky.length > 0) {
    lines.push(
      '',
      `new failures: ${listOrNone(changes.newFailures)}`,
      `new passes: ${listOrNone(changes.newPasses)}`,
      `flaky: ${listOrNone(changes.flaky)}`,
    );
  }
  // Missing results are already told by the untested finding lines above.
  const drift = report.drift.filter((item) => !UNTESTED_DRIFT.has(item.kind));
  if (drift.length > 0) {
    lines.push('', 'drift:');
    for (const item of drift.slice(0, MAX_DRIFT_LINES))
      lines.push(`  ${item.level === 'error' ? 'error  ' : 'warning'} ${item.message}`);
    if (drift.length > MAX_DRIFT_LINES)
      lines.push(`  … and ${drift.length - MAX_DRIFT_LINES} more (see the report)`);
  }
  lines.push('', `wrote ${written.join(', ')}`);
  const untested =
    totals.untested > 0 || report.drift.some((item) => UNTESTED_DRIFT.has(item.kind));
  lines.push(exitLine(exit, allowUntested, untested));
  return `${lines.join('\n')}\n`;
}

function findingLine(finding: FindingReport): string {
  const head = `  ${finding.status.toUpperCase().padEnd(9)}  ${finding.id}  ${finding.title}`;
  const listed = finding.tests.filter((test) => test.listed);
  const failed = finding.tests.filter((test) => test.outcome === 'failed');
  if (failed.length > 0) {
    return `${head} · failed: ${failed.map((test) => `${test.name}${test.change === 'new-failure' ? ' (new)' : ''}`).join(', ')}`;
  }
  const ran = listed.filter((test) => test.outcome !== 'not-run').length;
  return `${head} · ${ran}/${listed.length} tests ran`;
}

function listOrNone(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}

function exitLine(exit: ExitStatus, allowUntested: boolean, untested: boolean): string {
  if (exit.code === 0)
    return allowUntested && untested
      ? 'OK (exit 0, untested findings accepted by --allow-untested)'
      : 'OK (exit 0)';
  const hint = !allowUntested && untested ? '; --allow-untested accepts untested findings' : '';
  return `FAIL (exit ${exit.code}): ${exit.reasons.join(', ')}${hint}`;
}
