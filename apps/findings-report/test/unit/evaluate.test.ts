import { describe, expect, it } from '@jest/globals';
import { loadCatalogue } from '../../src/catalogue.js';
import { collectResults } from '../../src/collect-results.js';
import { evaluateFindings } from '../../src/evaluate.js';
import type { Figure } from '../../src/report-model.js';
import { discoverPackages } from '../../src/workspace.js';
import { STATUSES_CATALOGUE, STATUSES_ROOT } from '../support/fixtures.js';

const figure = (finding: string): Figure => ({
  finding,
  name: `figure ${finding}`,
  value: 1,
  unit: 'x',
  package: '@chatbox/alpha',
  recordedAt: null,
});

describe('evaluateFindings', () => {
  const catalogue = loadCatalogue({ path: STATUSES_CATALOGUE });
  const { results } = collectResults({
    root: STATUSES_ROOT,
    packages: discoverPackages(STATUSES_ROOT),
  });
  const evaluation = evaluateFindings({
    findings: catalogue.findings,
    results,
    figures: [figure('01'), figure('30')],
  });
  const finding = (id: string) => evaluation.findings.find((f) => f.entry.id === id)!;
  const driftOf = (kind: string) => evaluation.drift.filter((item) => item.kind === kind);

  it.each([
    ['01', 'resolved', 'every listed test passed'],
    ['02', 'regressed', 'a listed test failed'],
    ['03', 'untested', 'no test ran'],
    ['04', 'open', 'the catalogue says open (its failing test shows it)'],
    ['05', 'false-positive', 'the catalogue says the claim does not hold'],
    ['06', 'untested', 'one listed test passed, one was skipped, one never ran'],
  ])('finding %s is %s when %s', (id, status) => {
    expect(finding(id).status).toBe(status);
  });

  it('gives each test its outcome, duration and runs', () => {
    const [cleanup, growth, extra] = finding('01').tests;
    expect(cleanup).toMatchObject({
      name: 'ProductionIssue01_SessionCleanup',
      listed: true,
      outcome: 'passed',
      durationMs: 12,
    });
    expect(growth).toMatchObject({ outcome: 'passed', durationMs: 1400 });
    expect(growth?.runs[0]).toMatchObject({
      package: '@chatbox/alpha',
      source: 'packages/alpha/reports/test.json',
      retried: false,
    });
    expect(extra).toMatchObject({
      name: 'ProductionIssue01_ExtraCheck',
      listed: false,
      outcome: 'passed',
    });
    expect(finding('06').tests.map((t) => [t.name, t.outcome, t.durationMs])).toEqual([
      ['ProductionIssue06_FrameSizeLimit', 'passed', 40],
      ['ProductionIssue06_SlowConsumerCut', 'not-run', null],
      ['ProductionIssue06_NeverWritten', 'not-run', null],
    ]);
    expect(finding('06').tests[0]?.runs[0]?.retried).toBe(true);
  });

  it('counts a failing test that the catalogue does not list', () => {
    const extraFailing = results.map((r) =>
      r.tokens[0]?.name === 'ProductionIssue01_ExtraCheck'
        ? { ...r, assertion: { ...r.assertion, status: 'failed' as const } }
        : r,
    );
    const again = evaluateFindings({
      findings: catalogue.findings,
      results: extraFailing,
      figures: [],
    });
    expect(again.findings[0]?.status).toBe('regressed');
  });

  it('flags a catalogued finding with no result at all', () => {
    expect(driftOf('no-results')).toEqual([
      expect.objectContaining({
        level: 'error',
        finding: '03',
        message: expect.stringContaining('ProductionIssue03_ConnectionReplacement'),
      }),
    ]);
  });

  it('flags each listed test that did not run when others of the finding did', () => {
    expect(driftOf('test-not-run').map((item) => item.test)).toEqual([
      'ProductionIssue06_SlowConsumerCut',
      'ProductionIssue06_NeverWritten',
    ]);
  });

  it('flags a result for a finding the catalogue does not have', () => {
    expect(driftOf('unknown-finding')).toEqual([
      expect.objectContaining({ level: 'error', finding: '25', test: 'ProductionIssue25_Ghost' }),
    ]);
  });

  it('warns about a result for a known finding under a name the catalogue does not list', () => {
    expect(driftOf('unlisted-test')).toEqual([
      expect.objectContaining({
        level: 'warning',
        finding: '01',
        test: 'ProductionIssue01_ExtraCheck',
      }),
    ]);
  });

  it('files figures under their finding and warns about figures for unknown ones', () => {
    expect(finding('01').figures.map((f) => f.name)).toEqual(['figure 01']);
    expect(driftOf('unknown-figure')).toEqual([
      expect.objectContaining({ level: 'warning', finding: '30' }),
    ]);
  });

  it('truncates a very long failure message', () => {
    const long = results.map((r) =>
      r.assertion.status === 'failed'
        ? { ...r, assertion: { ...r.assertion, failureMessages: ['x'.repeat(10_000)] } }
        : r,
    );
    const message = evaluateFindings({ findings: catalogue.findings, results: long, figures: [] })
      .findings[1]?.tests[0]?.runs[0]?.failureMessages[0];
    expect(message?.length).toBeLessThan(4_100);
    expect(message?.endsWith('…')).toBe(true);
  });
});
