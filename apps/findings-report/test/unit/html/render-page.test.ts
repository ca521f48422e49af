import { afterEach, describe, expect, it } from '@jest/globals';
import { renderPage } from '../../../src/html/render-page.js';
import type { FindingReport, Report } from '../../../src/report-model.js';
import { runReport } from '../../../src/run-report.js';
import {
  createTempDirs,
  FIXED_NOW,
  STATUSES_CATALOGUE,
  STATUSES_ROOT,
} from '../../support/fixtures.js';

const PASSING = { code: 0, reasons: [] } as const;

describe('renderPage', () => {
  const temp = createTempDirs();
  afterEach(() => temp.cleanup());
  const fixtureReport = (): Report =>
    runReport({
      root: STATUSES_ROOT,
      catalogue: STATUSES_CATALOGUE,
      out: temp.make('site'),
      historyDir: null,
      commit: 'c',
      now: () => FIXED_NOW,
    }).report;
  const page = (report: Report = fixtureReport()) =>
    renderPage({ report, exit: { code: 1, reasons: ['1 regressed'] }, rootHref: '../' });

  it('is one self-contained document that can load nothing from anywhere', () => {
    const html = page();
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain(
      `content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:;`,
    );
    expect(html).not.toMatch(/\b(?:src|href)="(?:https?:)?\/\//);
    expect(html).not.toMatch(/<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=/);
    expect(html.match(/<main\b/g)).toHaveLength(1);
  });

  it('lists every finding with its status before any script runs, filters hidden until then', () => {
    const html = page();
    expect(
      html.match(/<tbody class="finding" id="finding-\d\d" data-status="[a-z-]+"/g),
    ).toHaveLength(6);
    expect(html).toContain('<form class="filters" id="filters" hidden');
    expect(html).not.toMatch(/<tbody class="finding"[^>]*hidden/);
    expect(html).toContain(
      '<span class="badge status status-false-positive">False positive</span>',
    );
    expect(html).toContain('<option value="untested">Untested (2)</option>');
    expect(html).toContain('<option value="@chatbox/beta">@chatbox/beta (4)</option>');
  });

  it('shows the evidence: outcomes, durations, failure messages, figures and code links', () => {
    const html = page();
    expect(html).toContain('<span class="badge outcome outcome-not-run">Did not run</span>');
    expect(html).toContain('<td class="num">1.40 s</td>');
    expect(html).toContain('Expected: 0\nReceived: 3');
    expect(html).toContain('<td>heap growth after sweep</td><td class="num">1.5 MiB</td>');
    expect(html).toContain('<a href="../packages/alpha/"><code>packages/alpha/</code></a>');
    expect(html).toContain(
      '<code>packages/alpha/src/missing.ts</code> <span class="missing">(not in this checkout)</span>',
    );
    expect(html).toContain('<span class="flag flag-warn">not in catalogue</span>');
  });

  it('folds a long list of Jest tests under one name, failures first', () => {
    const report = fixtureReport();
    const finding = report.findings[0]!;
    const run = finding.tests[0]!.runs[0]!;
    const runs = Array.from({ length: 7 }, (_, i) => ({
      ...run,
      fullName: `case ${i}`,
      status: i === 6 ? ('failed' as const) : ('passed' as const),
    }));
    const html = page({
      ...report,
      findings: [{ ...finding, tests: [{ ...finding.tests[0]!, runs }] }],
    });
    const list = html.slice(html.indexOf('<ul class="runs">'));
    expect(list.indexOf('case 6')).toBeLessThan(list.indexOf('case 0'));
    expect(html).toContain('<details class="more-runs"><summary>2 more Jest tests</summary>');
    expect(html.match(/<li><span class="run-status/g)).toHaveLength(7);
  });

  it('says once where the Jest tests of a name came from, or per test when they differ', () => {
    const html = page();
    expect(html).toContain(
      '<p class="run-origin">@chatbox/alpha · packages/alpha/reports/test.json · 2026-11-28 21:07 UTC</p>',
    );
    const report = fixtureReport();
    const finding = report.findings[0]!;
    const run = finding.tests[0]!.runs[0]!;
    const runs = [
      run,
      {
        ...run,
        fullName: 'elsewhere',
        package: '@chatbox/beta',
        source: 'packages/beta/reports/test.json',
        retried: true,
      },
    ];
    const mixed = page({
      ...report,
      findings: [{ ...finding, tests: [{ ...finding.tests[0]!, runs }] }],
    });
    expect(mixed).not.toContain('class="run-origin"');
    expect(mixed).toContain(
      'elsewhere <span class="muted">· @chatbox/beta · packages/beta/reports/test.json · 2026-11-28 21:07 UTC · retried</span>',
    );
  });

  it('explains each verdict in its own words', () => {
    const html = page();
    expect(html).toContain('<h3>How chatbox resolves it</h3>');
    expect(html).toContain(
      '<h3>Why the claim does not hold</h3><p>The entry point does start the server; the review read an older file.</p>',
    );
    expect(html).toContain('<h3>Why it is still open</h3>');
  });

  it('escapes everything that comes from results and the catalogue', () => {
    const report = fixtureReport();
    const hostile: FindingReport = {
      ...report.findings[0]!,
      title: '<script>alert(1)</script>',
      claim: '"><img src=x onerror=alert(1)>',
    };
    const html = page({ ...report, findings: [hostile] });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('says plainly when there is no benchmark, no drift, no history and no results', () => {
    const report = fixtureReport();
    const html = renderPage({
      report: {
        ...report,
        drift: [],
        benchmark: null,
        inputs: [],
        findings: [],
        totals: { ...report.totals, findings: 0 },
      },
      exit: PASSING,
      rootHref: '',
    });
    expect(html).toContain('No benchmark run');
    expect(html).toContain('no drift');
    expect(html).toContain('History is off for this run');
    expect(html).toContain('No Jest results were found.');
    expect(html).toContain('Gate passing');
    expect(html).not.toContain('class="totals"');
  });

  it('shows a benchmark file without scenarios', () => {
    const report = fixtureReport();
    const benchmark = {
      file: 'bench/results/latest.json',
      node: null,
      commit: null,
      startedAt: null,
      machine: {},
      scenarios: [],
    };
    expect(renderPage({ report: { ...report, benchmark }, exit: PASSING, rootHref: '' })).toContain(
      'The benchmark file lists no scenarios.',
    );
  });

  it('tells the first run in a history from a comparison with the previous one', () => {
    const report = fixtureReport();
    expect(
      renderPage({
        report: { ...report, history: { runs: 1, file: 'h.json' } },
        exit: PASSING,
        rootHref: '',
      }),
    ).toContain('first run in the history');
    const compared = {
      ...report,
      changes: {
        ...report.changes,
        previousRun: { time: '2026-11-27T10:00:00.000Z', commit: null },
        newFailures: ['ProductionIssue02_SessionIDConsistency'],
      },
    };
    const html = renderPage({ report: compared, exit: PASSING, rootHref: '' });
    expect(html).toContain(
      'Compared with the run of 2026-11-27 10:00 UTC (commit <code>unknown</code>)',
    );
    expect(html).toContain(
      '<dt>New failures <span class="count">1</span></dt><dd><span class="flag flag-bad">ProductionIssue02_SessionIDConsistency</span></dd>',
    );
  });
});
