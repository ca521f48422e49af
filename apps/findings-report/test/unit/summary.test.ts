import { afterEach, describe, expect, it } from '@jest/globals';
import type { Report } from '../../src/report-model.js';
import { runReport } from '../../src/run-report.js';
import { formatSummary } from '../../src/summary.js';
import {
  createTempDirs,
  FIXED_NOW,
  FULL_RUN_ROOT,
  STATUSES_CATALOGUE,
  STATUSES_ROOT,
} from '../support/fixtures.js';

describe('formatSummary', () => {
  const temp = createTempDirs();
  afterEach(() => temp.cleanup());
  const build = (root: string, catalogue?: string): Report =>
    runReport({
      root,
      out: temp.make('site'),
      historyDir: null,
      commit: 'c0ffee',
      now: () => FIXED_NOW,
      ...(catalogue === undefined ? {} : { catalogue }),
    }).report;

  it('leads with the totals, then the findings needing attention, then drift other than missing results', () => {
    const report = build(STATUSES_ROOT, STATUSES_CATALOGUE);
    const text = formatSummary({
      report,
      exit: { code: 1, reasons: ['1 regressed'] },
      written: ['site/index.html'],
      allowUntested: false,
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'chatbox findings · commit c0ffee · 2026-11-28T22:00:00.000Z · 1 run in history',
    );
    expect(lines[1]).toBe(
      '6 findings: 1 resolved · 1 regressed · 2 untested · 1 open · 1 false-positive',
    );
    expect(text).toContain(
      '  REGRESSED  02  Fixture finding whose test fails · failed: ProductionIssue02_SessionIDConsistency\n',
    );
    expect(text).toContain('  UNTESTED   03  Fixture finding without results · 0/1 tests ran\n');
    expect(text).toContain(
      '  UNTESTED   06  Fixture finding with a test that did not run · 1/3 tests ran\n',
    );
    expect(text).toContain(
      'error   ProductionIssue25_Ghost has a result, but the catalogue has no finding 25',
    );
    expect(text).not.toContain('has no test result');
    expect(text).toContain('… and 2 more (see the report)');
    expect(text).toContain('flaky: ProductionIssue06_FrameSizeLimit');
    expect(
      text.endsWith(
        'wrote site/index.html\nFAIL (exit 1): 1 regressed; --allow-untested accepts untested findings\n',
      ),
    ).toBe(true);
  });

  it('caps the finding lines to stay on one screen', () => {
    const report = build(FULL_RUN_ROOT);
    const many = {
      ...report,
      findings: report.findings.map((f) => ({ ...f, status: 'untested' as const })),
    };
    const text = formatSummary({
      report: many,
      exit: { code: 1, reasons: ['19 untested'] },
      written: [],
      allowUntested: true,
    });
    expect(text).toContain('… and 9 more');
    expect(text.split('\n').length).toBeLessThanOrEqual(30);
    expect(text).toContain('FAIL (exit 1): 19 untested\n');
  });

  it('says OK when the gate passes', () => {
    const report = build(FULL_RUN_ROOT);
    expect(
      formatSummary({ report, exit: { code: 0, reasons: [] }, written: [], allowUntested: false }),
    ).toMatch(/OK \(exit 0\)\n$/);
  });

  it('suggests --allow-untested only when something is untested', () => {
    const report = build(FULL_RUN_ROOT);
    const tested = { ...report, drift: [], totals: { ...report.totals, untested: 0 } };
    const exit = { code: 1, reasons: ['1 regressed'] } as const;
    expect(formatSummary({ report: tested, exit, written: [], allowUntested: false })).toMatch(
      /FAIL \(exit 1\): 1 regressed\n$/,
    );
    expect(
      formatSummary({
        report: tested,
        exit: { code: 0, reasons: [] },
        written: [],
        allowUntested: true,
      }),
    ).toMatch(/OK \(exit 0\)\n$/);
  });
});
