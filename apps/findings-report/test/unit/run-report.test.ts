import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitCommit } from '../../src/git-commit.js';
import { loadHistory } from '../../src/history.js';
import { runReport, type RunReportOptions } from '../../src/run-report.js';
import { setTestStatus } from '../support/edit-results.js';
import {
  copyFixture,
  createTempDirs,
  FIXED_NOW,
  FULL_RUN_ROOT,
  STATUSES_CATALOGUE,
  STATUSES_ROOT,
} from '../support/fixtures.js';

const WEBSOCKET_RESULTS = ['packages', 'websocket', 'reports', 'test.json'];
const SLOW_CONSUMER = 'ProductionIssue14_SlowConsumer';

describe('runReport', () => {
  const temp = createTempDirs();
  afterEach(() => temp.cleanup());

  function run(options: RunReportOptions) {
    return runReport({ now: () => FIXED_NOW, resolveCommit: () => 'fixture-commit', ...options });
  }

  it('derives every status from the fixture results and writes the three outputs', () => {
    const out = temp.make('site');
    const result = run({
      root: STATUSES_ROOT,
      catalogue: STATUSES_CATALOGUE,
      out,
      historyDir: temp.make('history'),
      commit: 'c1',
    });
    const { report } = result;
    expect(report.findings.map((f) => [f.id, f.status])).toEqual([
      ['01', 'resolved'],
      ['02', 'regressed'],
      ['03', 'untested'],
      ['04', 'open'],
      ['05', 'false-positive'],
      ['06', 'untested'],
    ]);
    expect(report.totals).toMatchObject({
      findings: 6,
      resolved: 1,
      regressed: 1,
      untested: 2,
      open: 1,
      'false-positive': 1,
    });
    expect(report.commit).toBe('c1');
    expect(report.generatedAt).toBe(FIXED_NOW.toISOString());
    expect(result.exit.code).toBe(1);
    expect(JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(report)),
    );
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('id="finding-06"');
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain(
      '<testsuite name="Finding 02: Fixture finding whose test fails"',
    );
    expect(result.summary).toContain('REGRESSED  02');
  });

  it('marks code links that are not in the checkout', () => {
    const { report } = run({
      root: STATUSES_ROOT,
      catalogue: STATUSES_CATALOGUE,
      out: temp.make('site'),
      historyDir: null,
    });
    expect(report.findings[0]?.code).toEqual([
      { path: 'packages/alpha/', exists: true },
      { path: 'packages/alpha/src/missing.ts', exists: false },
    ]);
  });

  it('lists every package with its coverage and production test counts', () => {
    const { report } = run({ root: FULL_RUN_ROOT, out: temp.make('site'), historyDir: null });
    const ratelimit = report.packages.find((p) => p.name === '@chatbox/ratelimit');
    expect(ratelimit).toMatchObject({
      dir: 'packages/ratelimit',
      coverage: { linesPct: 78.4, branchesPct: 71 },
      production: { passed: 2, failed: 0, skipped: 0 },
    });
    expect(report.packages.find((p) => p.name === '@chatbox/testkit')).toMatchObject({
      coverage: null,
      production: { passed: 0, failed: 0, skipped: 0 },
    });
    expect(report.benchmark?.scenarios).toHaveLength(2);
  });

  it('keeps a history across runs: trend, new failures and passes, and flaky tests within one commit', () => {
    const root = copyFixture(FULL_RUN_ROOT, temp.make('repo'));
    const historyDir = temp.make('history');
    const options = { root, out: temp.make('site'), historyDir };

    const first = run({ ...options, commit: 'aaa' });
    expect(first.report.findings[13]?.status).toBe('regressed');
    expect(first.report.changes).toMatchObject({
      previousRun: null,
      newFailures: [],
      newPasses: [],
    });

    setTestStatus(join(root, ...WEBSOCKET_RESULTS), SLOW_CONSUMER, 'passed');
    const second = run({ ...options, commit: 'aaa' });
    expect(second.report.findings[13]).toMatchObject({
      status: 'resolved',
      previousStatus: 'regressed',
    });
    expect(second.report.changes).toMatchObject({
      previousRun: { commit: 'aaa' },
      newPasses: [SLOW_CONSUMER],
      newFailures: [],
    });
    expect(second.report.changes.flaky).toEqual(expect.arrayContaining([SLOW_CONSUMER]));

    setTestStatus(join(root, ...WEBSOCKET_RESULTS), SLOW_CONSUMER, 'failed');
    const third = run({ ...options, commit: 'bbb' });
    expect(third.report.changes.newFailures).toEqual([SLOW_CONSUMER]);
    expect(third.report.changes.flaky).not.toContain(SLOW_CONSUMER);
    expect(third.report.findings[13]?.trend.map((p) => [p.commit, p.status, p.passed])).toEqual([
      ['aaa', 'regressed', 1],
      ['aaa', 'resolved', 2],
      ['bbb', 'regressed', 1],
    ]);
    expect(
      third.report.packages
        .find((p) => p.name === '@chatbox/websocket')
        ?.trend.map((p) => p.failed),
    ).toEqual([1, 0, 1]);
    expect(third.report.history.runs).toBe(3);
    expect(loadHistory(join(historyDir, 'history.json')).runs.map((r) => r.commit)).toEqual([
      'aaa',
      'aaa',
      'bbb',
    ]);
  });

  it('marks a test Jest retried before it passed as flaky', () => {
    const { report } = run({ root: FULL_RUN_ROOT, out: temp.make('site'), historyDir: null });
    expect(report.changes.flaky).toEqual(['ProductionIssue09_MongoDBRetry']);
  });

  it('reads and writes no history when it is off', () => {
    const { report, files } = run({
      root: FULL_RUN_ROOT,
      out: temp.make('site'),
      historyDir: null,
    });
    expect(report.history).toEqual({ runs: 1, file: null });
    expect(files.history).toBeNull();
  });

  it('fails the gate for untested findings unless they are accepted; a regression always fails', () => {
    const root = copyFixture(FULL_RUN_ROOT, temp.make('repo'));
    setTestStatus(join(root, ...WEBSOCKET_RESULTS), SLOW_CONSUMER, 'passed');
    const strict = run({ root, historyDir: null });
    expect(strict.exit).toEqual({ code: 1, reasons: ['1 untested', '1 drift error'] });
    expect(run({ root, historyDir: null, allowUntested: true }).exit).toEqual({
      code: 0,
      reasons: [],
    });
    setTestStatus(join(root, ...WEBSOCKET_RESULTS), SLOW_CONSUMER, 'failed');
    expect(run({ root, historyDir: null, allowUntested: true }).exit).toEqual({
      code: 1,
      reasons: ['1 regressed'],
    });
  });

  it('finds the root from the working directory and writes site/ and the history there by default', () => {
    const root = copyFixture(FULL_RUN_ROOT, temp.make('repo'));
    const { files, report } = runReport({
      cwd: join(root, 'packages', 'session'),
      now: () => FIXED_NOW,
      resolveCommit: () => null,
    });
    expect(files.html).toBe(join(root, 'site', 'index.html'));
    expect(existsSync(join(root, '.findings-history', 'history.json'))).toBe(true);
    expect(report.commit).toBeNull();
    expect(report.history.file).toBe('.findings-history/history.json');
    expect(readFileSync(files.html, 'utf8')).toContain('href="../packages/router/"');
  });

  it('refuses a root that does not exist and an output it cannot write', () => {
    expect(() => run({ root: join(temp.make('gone'), 'nothing') })).toThrow(
      expect.objectContaining({ code: 'ERR_REPORT_ROOT_NOT_FOUND' }),
    );
    const blocked = join(temp.make('blocked'), 'site');
    writeFileSync(blocked, 'a file where the folder should be');
    expect(() => run({ root: FULL_RUN_ROOT, out: blocked, historyDir: null })).toThrow(
      expect.objectContaining({ code: 'ERR_REPORT_WRITE_FAILED' }),
    );
  });
});

describe('gitCommit', () => {
  const temp = createTempDirs();
  afterEach(() => temp.cleanup());

  it('is null outside a git checkout', () => {
    expect(gitCommit(temp.make('not-git'))).toBeNull();
  });

  it('is a full hash inside one', () => {
    expect(gitCommit(process.cwd())).toMatch(/^[0-9a-f]{40}$/);
  });
});
