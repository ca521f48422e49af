import { afterEach, describe, expect, it } from '@jest/globals';
import { renderJunit } from '../../src/junit.js';
import { runReport } from '../../src/run-report.js';
import {
  createTempDirs,
  FIXED_NOW,
  STATUSES_CATALOGUE,
  STATUSES_ROOT,
} from '../support/fixtures.js';

describe('renderJunit', () => {
  const temp = createTempDirs();
  afterEach(() => temp.cleanup());

  const xml = () =>
    renderJunit(
      runReport({
        root: STATUSES_ROOT,
        catalogue: STATUSES_CATALOGUE,
        out: temp.make('site'),
        historyDir: null,
        commit: 'c',
        now: () => FIXED_NOW,
      }).report,
    );

  it('has one suite per finding and one case per test, with properties', () => {
    const text = xml();
    expect(
      text.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="chatbox findings" tests="15" failures="7"',
      ),
    ).toBe(true);
    expect(text.match(/<testsuite /g)).toHaveLength(7);
    expect(text).toContain(
      '<testsuite name="Finding 01: Fixture finding resolved by two tests" tests="3" failures="0" skipped="0" time="1.424">',
    );
    expect(text).toContain('<property name="status" value="false-positive"/>');
    expect(text).toContain(
      '<testcase classname="findings.01" name="ProductionIssue01_SessionCleanup" time="0.012"/>',
    );
  });

  it('reports failures with their message and skipped tests as skipped', () => {
    const text = xml();
    expect(text).toMatch(
      /<testcase classname="findings.02" name="ProductionIssue02_SessionIDConsistency" time="0.030">\n\s+<failure message="Error: expect\(received\).toBe\(expected\)" type="failed">/,
    );
    expect(text).toContain('Expected: 0\nReceived: 3');
    expect(text).toMatch(
      /name="ProductionIssue06_NeverWritten" time="0.000">\n\s+<skipped message="did not run"\/>/,
    );
  });

  it('adds catalogue drift errors as failures of their own suite', () => {
    const text = xml();
    expect(text).toContain('<testsuite name="Catalogue drift" tests="5" failures="5"');
    expect(text).toContain('name="unknown-finding ProductionIssue25_Ghost"');
    expect(text).toContain('name="invalid-input apps/gamma/reports/production.json"');
    expect(text).toContain('name="no-results 03"');
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    const report = runReport({
      root: STATUSES_ROOT,
      catalogue: STATUSES_CATALOGUE,
      out: temp.make('site'),
      historyDir: null,
      now: () => FIXED_NOW,
    }).report;
    const hostile = {
      ...report,
      drift: [],
      findings: [{ ...report.findings[0]!, title: 'a <b> & "c"\u0007' }],
    };
    expect(renderJunit(hostile)).toContain('name="Finding 01: a &lt;b&gt; &amp; &quot;c&quot;"');
  });
});
