import { escapeMarkup as x } from './escape.js';
import type { Drift, FindingReport, Report, TestEvidence } from './report-model.js';

// One <testsuite> per finding, one <testcase> per test: CI systems that show JUnit show the
// evidence per finding. Catalogue drift errors are failures in a suite of their own.
export function renderJunit(report: Report): string {
  const suites = report.findings.map(findingSuite);
  const driftErrors = report.drift.filter((item) => item.level === 'error');
  if (driftErrors.length > 0) suites.push(driftSuite(driftErrors));
  const tests =
    report.findings.reduce((sum, finding) => sum + finding.tests.length, 0) + driftErrors.length;
  const failures = report.totals.tests.failed + driftErrors.length;
  const seconds = report.findings.reduce((sum, finding) => sum + findingSeconds(finding), 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="chatbox findings" tests="${tests}" failures="${failures}" skipped="${report.totals.tests.notRun}" time="${seconds.toFixed(3)}" timestamp="${x(report.generatedAt)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function findingSuite(finding: FindingReport): string {
  const failures = finding.tests.filter((test) => test.outcome === 'failed').length;
  const skipped = finding.tests.filter((test) => test.outcome === 'not-run').length;
  const properties = [
    ['status', finding.status],
    ['verdict', finding.verdict],
    ['severity', finding.severity],
    ['packages', finding.packages.join(' ')],
  ]
    .map(([name = '', value = '']) => `      <property name="${x(name)}" value="${x(value)}"/>`)
    .join('\n');
  return [
    `  <testsuite name="Finding ${x(finding.id)}: ${x(finding.title)}" tests="${finding.tests.length}" failures="${failures}" skipped="${skipped}" time="${findingSeconds(finding).toFixed(3)}">`,
    `    <properties>\n${properties}\n    </properties>`,
    ...finding.tests.map((test) => testCase(finding, test)),
    '  </testsuite>',
  ].join('\n');
}

function testCase(finding: FindingReport, test: TestEvidence): string {
  const open = `    <testcase classname="findings.${x(finding.id)}" name="${x(test.name)}" time="${((test.durationMs ?? 0) / 1000).toFixed(3)}"`;
  switch (test.outcome) {
    case 'passed':
      return `${open}/>`;
    case 'not-run':
      return `${open}>\n      <skipped message="did not run"/>\n    </testcase>`;
    case 'failed': {
      const failed = test.runs.filter((run) => run.status === 'failed');
      const body = failed
        .map((run) => `${run.fullName} (${run.package})\n${run.failureMessages.join('\n')}`)
        .join('\n\n');
      const message = failed[0]?.failureMessages[0]?.split('\n')[0] ?? 'failed';
      return `${open}>\n      <failure message="${x(message)}" type="failed">${x(body)}</failure>\n    </testcase>`;
    }
  }
}

function driftSuite(errors: readonly Drift[]): string {
  const cases = errors.map(
    (item, index) =>
      `    <testcase classname="findings.drift" name="${x(`${item.kind} ${item.test ?? item.finding ?? item.file ?? index + 1}`)}">\n      <failure message="${x(item.message)}" type="${x(item.kind)}"/>\n    </testcase>`,
  );
  return [
    `  <testsuite name="Catalogue drift" tests="${errors.length}" failures="${errors.length}" skipped="0" time="0">`,
    ...cases,
    '  </testsuite>',
  ].join('\n');
}

function findingSeconds(finding: FindingReport): number {
  return finding.tests.reduce((sum, test) => sum + (test.durationMs ?? 0), 0) / 1000;
}
