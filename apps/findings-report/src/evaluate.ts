import type { CatalogueEntry } from './catalogue-schema.js';
import type { ProductionResult } from './collect-results.js';
import type { Drift, Figure, FindingStatus, TestOutcome, TestRun } from './report-model.js';

// A failure message is evidence, not a log: the head of it says what broke.
export const MAX_FAILURE_MESSAGE_CHARS = 4_000;

export interface EvaluatedTest {
  readonly name: string;
  readonly listed: boolean;
  readonly outcome: TestOutcome;
  readonly durationMs: number | null;
  readonly runs: readonly TestRun[];
}

export interface EvaluatedFinding {
  readonly entry: CatalogueEntry;
  readonly status: FindingStatus;
  readonly tests: readonly EvaluatedTest[];
  readonly figures: readonly Figure[];
}

export interface EvaluateInput {
  readonly findings: readonly CatalogueEntry[];
  readonly results: readonly ProductionResult[];
  readonly figures: readonly Figure[];
}

export interface Evaluation {
  readonly findings: readonly EvaluatedFinding[];
  readonly drift: readonly Drift[];
}

/** Derives each finding's status from the latest results, and every way catalogue and results disagree. */
export function evaluateFindings(input: EvaluateInput): Evaluation {
  const runsByTest = groupRunsByTest(input.results);
  const known = new Set(input.findings.map((entry) => entry.id));
  const drift: Drift[] = [];
  const findings = input.findings.map((entry) => {
    const listed = new Set(entry.tests);
    const unlisted = [...runsByTest.keys()]
      .filter((name) => !listed.has(name) && runsByTest.get(name)?.finding === entry.id)
      .sort();
    const tests = [
      ...entry.tests.map((name) => evaluateTest(name, true, runsByTest)),
      ...unlisted.map((name) => evaluateTest(name, false, runsByTest)),
    ];
    drift.push(...findingDrift(entry, tests));
    return {
      entry,
      status: statusOf(entry, tests),
      tests,
      figures: input.figures.filter((figure) => figure.finding === entry.id),
    };
  });
  for (const [name, { finding }] of runsByTest) {
    if (!known.has(finding)) {
      drift.push(
        driftOf(
          'unknown-finding',
          'error',
          `${name} has a result, but the catalogue has no finding ${finding}`,
          finding,
          name,
        ),
      );
    }
  }
  for (const figure of input.figures) {
    if (!known.has(figure.finding)) {
      const message = `${figure.package} recorded "${figure.name}" for finding ${figure.finding}, which the catalogue does not have`;
      drift.push(driftOf('unknown-figure', 'warning', message, figure.finding, null));
    }
  }
  return { findings, drift };
}

function statusOf(entry: CatalogueEntry, tests: readonly EvaluatedTest[]): FindingStatus {
  switch (entry.verdict) {
    case 'open':
    case 'false-positive':
      return entry.verdict;
    case 'resolved':
      if (tests.some((test) => test.outcome === 'failed')) return 'regressed';
      if (tests.some((test) => test.listed && test.outcome === 'not-run')) return 'untested';
      return 'resolved';
  }
}

function findingDrift(entry: CatalogueEntry, tests: readonly EvaluatedTest[]): Drift[] {
  const drift: Drift[] = [];
  if (entry.tests.length > 0 && tests.every((test) => test.outcome === 'not-run')) {
    const message = `finding ${entry.id} has no test result: none of ${entry.tests.join(', ')} ran`;
    drift.push(driftOf('no-results', 'error', message, entry.id, null));
  } else {
    for (const test of tests.filter((t) => t.listed && t.outcome === 'not-run')) {
      drift.push(
        driftOf(
          'test-not-run',
          'error',
          `${test.name} is listed for finding ${entry.id} but did not run`,
          entry.id,
          test.name,
        ),
      );
    }
  }
  for (const test of tests.filter((t) => !t.listed)) {
    const message = `${test.name} has a result for finding ${entry.id} but is not listed in the catalogue`;
    drift.push(driftOf('unlisted-test', 'warning', message, entry.id, test.name));
  }
  return drift;
}

function evaluateTest(
  name: string,
  listed: boolean,
  runsByTest: ReadonlyMap<string, { runs: TestRun[] }>,
): EvaluatedTest {
  const runs = runsByTest.get(name)?.runs ?? [];
  const ran = runs.filter((run) => run.status !== 'skipped');
  const outcome: TestOutcome =
    ran.length === 0 ? 'not-run' : ran.some((run) => run.status === 'failed') ? 'failed' : 'passed';
  const durations = ran.map((run) => run.durationMs).filter((ms): ms is number => ms !== null);
  return {
    name,
    listed,
    outcome,
    durationMs: durations.length === 0 ? null : durations.reduce((a, b) => a + b, 0),
    runs,
  };
}

function groupRunsByTest(
  results: readonly ProductionResult[],
): Map<string, { finding: string; runs: TestRun[] }> {
  const byTest = new Map<string, { finding: string; runs: TestRun[] }>();
  for (const result of results) {
    const run = toTestRun(result);
    for (const token of result.tokens) {
      const entry = byTest.get(token.name) ?? { finding: token.finding, runs: [] };
      entry.runs.push(run);
      byTest.set(token.name, entry);
    }
  }
  return byTest;
}

function toTestRun(result: ProductionResult): TestRun {
  const { assertion } = result;
  return {
    fullName: assertion.fullName,
    status: assertion.status,
    durationMs: assertion.durationMs,
    failureMessages: assertion.failureMessages.map((message) =>
      message.length > MAX_FAILURE_MESSAGE_CHARS
        ? `${message.slice(0, MAX_FAILURE_MESSAGE_CHARS)}\n…`
        : message,
    ),
    package: result.package,
    source: result.source,
    ranAt: new Date(result.startTimeMs).toISOString(),
    retried: assertion.invocations > 1,
  };
}

function driftOf(
  kind: Drift['kind'],
  level: Drift['level'],
  message: string,
  finding: string | null,
  test: string | null,
): Drift {
  return { kind, level, message, finding, test, file: null };
}
