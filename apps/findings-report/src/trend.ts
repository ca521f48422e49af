import type { EvaluatedFinding, EvaluatedTest } from './evaluate.js';
import type { HistoryRun } from './history.js';
import type { FindingStatus, PackageTrendPoint, TestChange, TrendPoint } from './report-model.js';

// The sparkline shows this many runs, the current one included.
export const DEFAULT_TREND_RUNS = 12;

export interface PackageCounts {
  readonly passed: number;
  readonly failed: number;
}

export interface HistoryRunInput {
  readonly findings: readonly EvaluatedFinding[];
  readonly packages: ReadonlyMap<string, PackageCounts>;
  readonly commit: string | null;
  readonly time: string;
}

/** What this run adds to the history: per finding its status and per test its outcome. */
export function toHistoryRun(input: HistoryRunInput): HistoryRun {
  const findings: HistoryRun['findings'] = {};
  for (const finding of input.findings) {
    const tests: Record<string, EvaluatedTest['outcome']> = {};
    for (const test of finding.tests) tests[test.name] = test.outcome;
    findings[finding.entry.id] = { status: finding.status, tests };
  }
  const packages: HistoryRun['packages'] = {};
  for (const [name, counts] of input.packages)
    packages[name] = { passed: counts.passed, failed: counts.failed };
  return { commit: input.commit, time: input.time, findings, packages };
}

/** Compared with the previous run: a failure that was not failing, or a pass that was failing. */
export function testChange(
  findingId: string,
  test: EvaluatedTest,
  previous: HistoryRun | null,
): TestChange | null {
  if (previous === null) return null;
  const before = previous.findings[findingId]?.tests[test.name];
  if (test.outcome === 'failed' && before !== 'failed') return 'new-failure';
  if (test.outcome === 'passed' && before === 'failed') return 'new-pass';
  return null;
}

/**
 * Flaky: it both failed and passed for the same commit (across this run and earlier runs of that
 * commit), or Jest retried it within this run. Without a commit only retries can tell.
 */
export function isFlaky(
  findingId: string,
  test: EvaluatedTest,
  commit: string | null,
  history: readonly HistoryRun[],
): boolean {
  if (test.outcome === 'passed' && test.runs.some((run) => run.retried)) return true;
  if (commit === null) return false;
  const outcomes = new Set<string>(test.outcome === 'not-run' ? [] : [test.outcome]);
  for (const run of history) {
    if (run.commit !== commit) continue;
    const outcome = run.findings[findingId]?.tests[test.name];
    if (outcome === 'passed' || outcome === 'failed') outcomes.add(outcome);
  }
  return outcomes.has('passed') && outcomes.has('failed');
}

/** The finding's last runs, oldest first; `runs` already ends with the current run. */
export function findingTrend(
  findingId: string,
  listedTests: readonly string[],
  runs: readonly HistoryRun[],
  limit = DEFAULT_TREND_RUNS,
): TrendPoint[] {
  const points: TrendPoint[] = [];
  for (const run of runs.slice(-limit)) {
    const entry = run.findings[findingId];
    if (entry === undefined) continue;
    const passed = listedTests.filter((name) => entry.tests[name] === 'passed').length;
    points.push({
      time: run.time,
      commit: run.commit,
      status: entry.status,
      passed,
      total: listedTests.length,
    });
  }
  return points;
}

export function packageTrend(
  name: string,
  runs: readonly HistoryRun[],
  limit = DEFAULT_TREND_RUNS,
): PackageTrendPoint[] {
  return runs.slice(-limit).flatMap((run) => {
    const counts = run.packages[name];
    return counts === undefined
      ? []
      : [{ time: run.time, passed: counts.passed, failed: counts.failed }];
  });
}

export function previousStatus(
  findingId: string,
  previous: HistoryRun | null,
): FindingStatus | null {
  return previous?.findings[findingId]?.status ?? null;
}
