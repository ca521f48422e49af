import { afterEach, describe, expect, it } from '@jest/globals';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJestResults, stripAnsi } from '../../src/jest-results.js';
import { createTempDirs, STATUSES_ROOT } from '../support/fixtures.js';

describe('readJestResults', () => {
  const temp = createTempDirs();
  afterEach(() => temp.cleanup());

  function resultsFile(content: unknown): string {
    const path = join(temp.make('results'), 'test.json');
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  it('reads suites, assertions and the run start from a Jest --json file', () => {
    const read = readJestResults(join(STATUSES_ROOT, 'packages', 'beta', 'reports', 'test.json'));
    if (!read.ok) throw new Error(read.error);
    expect(read.results.startTimeMs).toBe(1795900030000);
    const [production, crashed] = read.results.suites;
    expect(production?.crashed).toBe(false);
    expect(production?.assertions.map((a) => a.status)).toEqual([
      'failed',
      'passed',
      'passed',
      'skipped',
      'passed',
    ]);
    expect(production?.assertions[0]?.failureMessages[0]).toMatch(
      /^Error: expect\(received\)\.toBe\(expected\)/,
    );
    expect(production?.assertions[2]?.invocations).toBe(2);
    expect(crashed).toMatchObject({ crashed: true, assertions: [] });
    expect(crashed?.message).toContain('SyntaxError');
  });

  it('falls back to the file time without a startTime, and to the title without a fullName', () => {
    const path = resultsFile({
      testResults: [
        { name: 'x', assertionResults: [{ title: 'ProductionIssue01_A works', status: 'todo' }] },
      ],
    });
    utimesSync(path, new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
    const read = readJestResults(path);
    if (!read.ok) throw new Error(read.error);
    expect(read.results.startTimeMs).toBe(Date.parse('2026-01-02T03:04:05Z'));
    expect(read.results.suites[0]?.assertions[0]).toEqual({
      fullName: 'ProductionIssue01_A works',
      title: 'ProductionIssue01_A works',
      status: 'skipped',
      durationMs: null,
      failureMessages: [],
      invocations: 1,
    });
  });

  it('reports a file that is not JSON, or not Jest results, without throwing', () => {
    expect(readJestResults(resultsFile('{ nope'))).toMatchObject({
      ok: false,
      error: expect.stringContaining('JSON'),
    });
    expect(readJestResults(resultsFile({ testResults: 'x' }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('testResults'),
    });
    expect(readJestResults(resultsFile([]))).toMatchObject({
      ok: false,
      error: expect.stringContaining('not a Jest JSON results file'),
    });
    expect(readJestResults(join(temp.make('missing'), 'none.json'))).toMatchObject({ ok: false });
  });

  it('strips terminal colour codes from messages', () => {
    expect(stripAnsi('\u001b[31mred\u001b[39m and \u001b[1;2mbold\u001b[0m')).toBe('red and bold');
  });
});
