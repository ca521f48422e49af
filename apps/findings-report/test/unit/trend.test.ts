import { describe, expect, it } from '@jest/globals';
import type { EvaluatedTest } from '../../src/evaluate.js';
import type { HistoryRun } from '../../src/history.js';
import type { FindingStatus, TestOutcome } from '../../src/report-model.js';
import {
  findingTrend,
  isFlaky,
  packageTrend,
  previousStatus,
  testChange,
  toHistoryRun,
} from '../../src/trend.js';

const NAME = 'ProductionIssue09_MongoDBRetry';

function test(outcome: TestOutcome, retried = false): EvaluatedTest {
  const status = outcome === 'not-run' ? 'skipped' : outcome;
  const runs = [
    {
      fullName: NAME,
      status,
      durationMs: 5,
      failureMessages: [],
      package: '@chatbox/storage',
      source: 's',
      ranAt: 't',
      retried,
    },
  ] as const;
  return { name: NAME, listed: true, outcome, durationMs: 5, runs };
}

function run(
  commit: string | null,
  outcome: TestOutcome | undefined,
  status: FindingStatus = 'resolved',
  time = '2026-11-01T00:00:00.000Z',
): HistoryRun {
  return {
    commit,
    time,
    findings: { '09': { status, tests: outcome === undefined ? {} : { [NAME]: outcome } } },
    packages: {
      '@chatbox/storage': {
        passed: outcome === 'passed' ? 1 : 0,
        failed: outcome === 'failed' ? 1 : 0,
      },
    },
  };
}

describe('flaky marking', () => {
  it('marks a test that failed and passed within the same commit', () => {
    expect(isFlaky('09', test('passed'), 'abc', [run('abc', 'failed')])).toBe(true);
    expect(isFlaky('09', test('failed'), 'abc', [run('abc', 'passed')])).toBe(true);
    expect(
      isFlaky('09', test('not-run'), 'abc', [run('abc', 'passed'), run('abc', 'failed')]),
    ).toBe(true);
  });

  it('does not mark a test whose outcome changed between commits', () => {
    expect(isFlaky('09', test('passed'), 'def', [run('abc', 'failed')])).toBe(false);
    expect(
      isFlaky('09', test('passed'), 'abc', [run('abc', 'passed'), run('abc', 'not-run')]),
    ).toBe(false);
  });

  it('marks a test that Jest had to retry before it passed, even without a commit', () => {
    expect(isFlaky('09', test('passed', true), null, [])).toBe(true);
    expect(isFlaky('09', test('failed', true), null, [])).toBe(false);
    expect(isFlaky('09', test('passed'), null, [run(null, 'failed')])).toBe(false);
  });
});

describe('changes since the previous run', () => {
  it('marks a new failure and a new pass against the previous run only', () => {
    expect(testChange('09', test('failed'), run('a', 'passed'))).toBe('new-failure');
    expect(testChange('09', test('failed'), run('a', undefined))).toBe('new-failure');
    expect(testChange('09', test('failed'), run('a', 'failed'))).toBeNull();
    expect(testChange('09', test('passed'), run('a', 'failed'))).toBe('new-pass');
    expect(testChange('09', test('passed'), run('a', 'passed'))).toBeNull();
    expect(testChange('09', test('failed'), null)).toBeNull();
  });

  it('reads the previous status of a finding', () => {
    expect(previousStatus('09', run('a', 'failed', 'regressed'))).toBe('regressed');
    expect(previousStatus('10', run('a', 'failed'))).toBeNull();
    expect(previousStatus('09', null)).toBeNull();
  });
});

describe('trend', () => {
  const runs = [
    run('a', 'passed', 'resolved', '2026-11-01T00:00:00.000Z'),
    run('b', 'failed', 'regressed', '2026-11-02T00:00:00.000Z'),
    { ...run('c', undefined), findings: {} },
    run('d', 'passed', 'resolved', '2026-11-04T00:00:00.000Z'),
  ];

  it('gives the finding one point per run that knew it, oldest first', () => {
    expect(findingTrend('09', [NAME], runs)).toEqual([
      { time: '2026-11-01T00:00:00.000Z', commit: 'a', status: 'resolved', passed: 1, total: 1 },
      { time: '2026-11-02T00:00:00.000Z', commit: 'b', status: 'regressed', passed: 0, total: 1 },
      { time: '2026-11-04T00:00:00.000Z', commit: 'd', status: 'resolved', passed: 1, total: 1 },
    ]);
  });

  it('keeps only the last runs', () => {
    expect(findingTrend('09', [NAME], runs, 2).map((p) => p.commit)).toEqual(['d']);
    expect(packageTrend('@chatbox/storage', runs, 3).map((p) => [p.passed, p.failed])).toEqual([
      [0, 1],
      [0, 0],
      [1, 0],
    ]);
    expect(packageTrend('@chatbox/unknown', runs)).toEqual([]);
  });

  it('records a run as statuses per finding, outcomes per test and counts per package', () => {
    const entry = { id: '09', tests: [NAME] };
    const record = toHistoryRun({
      findings: [
        { entry: entry as never, status: 'regressed', tests: [test('failed')], figures: [] },
      ],
      packages: new Map([['@chatbox/storage', { passed: 0, failed: 1 }]]),
      commit: 'abc',
      time: '2026-11-05T00:00:00.000Z',
    });
    expect(record).toEqual({
      commit: 'abc',
      time: '2026-11-05T00:00:00.000Z',
      findings: { '09': { status: 'regressed', tests: { [NAME]: 'failed' } } },
      packages: { '@chatbox/storage': { passed: 0, failed: 1 } },
    });
  });
});
