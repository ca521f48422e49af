import type { Catalogue } from './catalogue-schema.js';
import type { CollectedResults } from './collect-results.js';
import { evaluateFindings, type EvaluatedFinding } from './evaluate.js';
import type { History, HistoryRun } from './history.js';
import {
  FINDING_STATUSES,
  type BenchReport,
  type CoverageFigures,
  type Drift,
  type Figure,
  type FindingReport,
  type FindingStatus,
  type PackageReport,
  type Report,
} from './report-model.js';
import {
  findingTrend,
  isFlaky,
  packageTrend,
  previousStatus,
  testChange,
  toHistoryRun,
  type PackageCounts,
} from './trend.js';

// The review's success criterion, also enforced by every package's Jest config.
export const COVERAGE_TARGET_PCT = 80;

export interface PackageInput {
  readonly name: string;
  readonly dir: string;
  readonly coverage: CoverageFigures | null;
}

export interface BuildReportInput {
  readonly catalogue: Catalogue;
  readonly collected: CollectedResults;
  readonly packages: readonly PackageInput[];
  readonly figures: readonly Figure[];
  readonly benchmark: BenchReport | null;
  /** Problems met while reading coverage, figures and benchmarks. */
  readonly problems: readonly Drift[];
  readonly history: History;
  readonly historyFile: string | null;
  readonly commit: string | null;
  readonly now: Date;
  readonly codeExists: (repoPath: string) => boolean;
}

export interface BuiltReport {
  readonly report: Report;
  /** This run, as it is appended to the history. */
  readonly run: HistoryRun;
}

/** Everything the page, findings.json, the JUnit file and the summary show: a pure function of the inputs. */
export function buildReport(input: BuildReportInput): BuiltReport {
  const evaluation = evaluateFindings({
    findings: input.catalogue.findings,
    results: input.collected.results,
    figures: input.figures,
  });
  const counts = packageCounts(input);
  const time = input.now.toISOString();
  const run = toHistoryRun({
    findings: evaluation.findings,
    packages: counts,
    commit: input.commit,
    time,
  });
  const past = input.history.runs;
  const previous = past.at(-1) ?? null;
  const runs = [...past, run];

  const findings = evaluation.findings.map((finding) =>
    toFindingReport(finding, { input, previous, runs }),
  );
  // Errors first: they are what fails the gate.
  const drift = [...input.collected.problems, ...input.problems, ...evaluation.drift].sort(
    (a, b) => levelRank(a) - levelRank(b),
  );
  const tests = findings.flatMap((finding) => finding.tests);

  const report: Report = {
    schemaVersion: 1,
    generatedAt: time,
    commit: input.commit,
    coverageTargetPct: COVERAGE_TARGET_PCT,
    totals: totalsOf(findings, drift),
    findings,
    packages: input.packages.map((pkg): PackageReport => {
      const production = counts.get(pkg.name) ?? { passed: 0, failed: 0, skipped: 0 };
      return {
        name: pkg.name,
        dir: pkg.dir,
        coverage: pkg.coverage,
        production,
        trend: packageTrend(pkg.name, runs),
      };
    }),
    drift,
    changes: {
      previousRun: previous === null ? null : { time: previous.time, commit: previous.commit },
      newFailures: tests.filter((test) => test.change === 'new-failure').map((test) => test.name),
      newPasses: tests.filter((test) => test.change === 'new-pass').map((test) => test.name),
      flaky: tests.filter((test) => test.flaky).map((test) => test.name),
    },
    history: { runs: runs.length, file: input.historyFile },
    benchmark: input.benchmark,
    inputs: input.collected.inputs,
  };
  return { report, run };
}

function totalsOf(findings: readonly FindingReport[], drift: readonly Drift[]): Report['totals'] {
  const byStatus = Object.fromEntries(FINDING_STATUSES.map((status) => [status, 0])) as Record<
    FindingStatus,
    number
  >;
  for (const finding of findings) byStatus[finding.status] += 1;
  const tests = findings.flatMap((finding) => finding.tests);
  return {
    ...byStatus,
    findings: findings.length,
    tests: {
      passed: tests.filter((test) => test.outcome === 'passed').length,
      failed: tests.filter((test) => test.outcome === 'failed').length,
      notRun: tests.filter((test) => test.outcome === 'not-run').length,
    },
    drift: {
      errors: drift.filter((item) => item.level === 'error').length,
      warnings: drift.filter((item) => item.level === 'warning').length,
    },
  };
}

interface FindingContext {
  readonly input: BuildReportInput;
  readonly previous: HistoryRun | null;
  readonly runs: readonly HistoryRun[];
}

function toFindingReport(
  finding: EvaluatedFinding,
  { input, previous, runs }: FindingContext,
): FindingReport {
  const { entry } = finding;
  return {
    id: entry.id,
    title: entry.title,
    packages: entry.packages,
    severity: entry.severity,
    claim: entry.claim,
    verdict: entry.verdict,
    reason: entry.reason ?? null,
    rationale: entry.rationale,
    status: finding.status,
    previousStatus: previousStatus(entry.id, previous),
    tests: finding.tests.map((test) => ({
      ...test,
      flaky: isFlaky(entry.id, test, input.commit, input.history.runs),
      change: testChange(entry.id, test, previous),
    })),
    figures: finding.figures,
    code: entry.code.map((path) => ({ path, exists: input.codeExists(path) })),
    trend: findingTrend(entry.id, entry.tests, runs),
  };
}

// Jest tests, not catalogue names: one Jest test carrying two tokens still counts once.
function packageCounts(input: BuildReportInput): Map<string, PackageCounts & { skipped: number }> {
  const counts = new Map<string, { passed: number; failed: number; skipped: number }>();
  for (const result of input.collected.results) {
    const entry = counts.get(result.package) ?? { passed: 0, failed: 0, skipped: 0 };
    entry[result.assertion.status] += 1;
    counts.set(result.package, entry);
  }
  return counts;
}

function levelRank(drift: Drift): number {
  return drift.level === 'error' ? 0 : 1;
}
