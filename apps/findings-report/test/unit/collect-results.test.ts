import { describe, expect, it } from '@jest/globals';
import { collectResults } from '../../src/collect-results.js';
import { discoverPackages } from '../../src/workspace.js';
import { STATUSES_ROOT } from '../support/fixtures.js';

describe('collectResults', () => {
  const collected = collectResults({
    root: STATUSES_ROOT,
    packages: discoverPackages(STATUSES_ROOT),
  });
  const statusOf = (fullName: string) =>
    collected.results.find((result) => result.assertion.fullName.startsWith(fullName));

  it('keeps only tests that carry a production token', () => {
    expect(collected.results.every((result) => result.tokens.length > 0)).toBe(true);
    expect(statusOf('alpha does ordinary')).toBeUndefined();
  });

  it('takes a test present in both files from the newer run', () => {
    // production.json (older) has MemoryGrowth failing and SessionIDConsistency passing; test.json (newer) the reverse.
    expect(statusOf('ProductionIssue01_MemoryGrowth')).toMatchObject({
      source: 'packages/alpha/reports/test.json',
      assertion: { status: 'passed' },
    });
    expect(statusOf('ProductionIssue02_SessionIDConsistency')?.assertion.status).toBe('failed');
    expect(collected.results.filter((result) => result.package === '@chatbox/alpha')).toHaveLength(
      4,
    );
  });

  it('describes each file it read, with crashed suites', () => {
    expect(
      collected.inputs.map((input) => [input.file, input.kind, input.productionTests]),
    ).toEqual([
      ['packages/alpha/reports/production.json', 'production', 3],
      ['packages/alpha/reports/test.json', 'test', 4],
      ['packages/beta/reports/test.json', 'test', 5],
    ]);
    expect(collected.inputs[2]?.failedSuites).toEqual([
      {
        name: '/repo/packages/beta/test/production/crashed.test.ts',
        message: expect.stringContaining('Test suite failed to run'),
      },
    ]);
    expect(collected.inputs[0]?.startedAt).toBe(new Date(1795900000000).toISOString());
  });

  it('reports an unreadable results file as an input error', () => {
    expect(collected.problems).toEqual([
      expect.objectContaining({
        kind: 'invalid-input',
        level: 'error',
        file: 'apps/gamma/reports/production.json',
      }),
    ]);
  });
});
