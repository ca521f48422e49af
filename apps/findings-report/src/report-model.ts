// The shape of `site/findings.json`; the HTML page, the JUnit file and the summary all render it.

export const FINDING_STATUSES = [
  'resolved',
  'regressed',
  'untested',
  'open',
  'false-positive',
] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const VERDICTS = ['resolved', 'false-positive', 'open'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The result of one catalogued test name, over every Jest test that carries it. */
export type TestOutcome = 'passed' | 'failed' | 'not-run';

/** One Jest test (assertion result) whose name carries a `ProductionIssueNN_<Name>` token. */
export interface TestRun {
  readonly fullName: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly durationMs: number | null;
  readonly failureMessages: readonly string[];
  readonly package: string;
  /** Repo-relative path of the results file the run came from. */
  readonly source: string;
  /** When that results file's run started (ISO). */
  readonly ranAt: string;
  /** Jest ran it more than once (retries): an earlier attempt failed. */
  readonly retried: boolean;
}

export type TestChange = 'new-failure' | 'new-pass';

export interface TestEvidence {
  readonly name: string;
  /** Named in the catalogue (an unlisted one is drift, but its result still counts). */
  readonly listed: boolean;
  readonly outcome: TestOutcome;
  readonly durationMs: number | null;
  readonly runs: readonly TestRun[];
  readonly flaky: boolean;
  readonly change: TestChange | null;
}

export interface Figure {
  readonly finding: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly package: string;
  readonly recordedAt: string | null;
}

export interface TrendPoint {
  readonly time: string;
  readonly commit: string | null;
  readonly status: FindingStatus;
  readonly passed: number;
  readonly total: number;
}

export interface CodeLink {
  readonly path: string;
  readonly exists: boolean;
}

export interface FindingReport {
  readonly id: string;
  readonly title: string;
  readonly packages: readonly string[];
  readonly severity: Severity;
  readonly claim: string;
  readonly verdict: Verdict;
  readonly reason: string | null;
  readonly rationale: string;
  readonly status: FindingStatus;
  readonly previousStatus: FindingStatus | null;
  readonly tests: readonly TestEvidence[];
  readonly figures: readonly Figure[];
  readonly code: readonly CodeLink[];
  readonly trend: readonly TrendPoint[];
}

export interface CoverageFigures {
  readonly linesPct: number | null;
  readonly branchesPct: number | null;
}

export interface PackageTrendPoint {
  readonly time: string;
  readonly passed: number;
  readonly failed: number;
}

export interface PackageReport {
  readonly name: string;
  readonly dir: string;
  readonly coverage: CoverageFigures | null;
  readonly production: {
    readonly passed: number;
    readonly failed: number;
    readonly skipped: number;
  };
  readonly trend: readonly PackageTrendPoint[];
}

export type DriftKind =
  | 'no-results'
  | 'test-not-run'
  | 'unknown-finding'
  | 'unlisted-test'
  | 'invalid-input'
  | 'unknown-figure';

export interface Drift {
  readonly kind: DriftKind;
  readonly level: 'error' | 'warning';
  readonly message: string;
  readonly finding: string | null;
  readonly test: string | null;
  readonly file: string | null;
}

export interface BenchFigure {
  readonly name: string;
  readonly unit: string;
  readonly min: number | null;
  readonly median: number | null;
  readonly max: number | null;
  readonly baseline: {
    readonly min: number | null;
    readonly median: number | null;
    readonly max: number | null;
  } | null;
  readonly ratio: number | null;
  readonly target: string | null;
  readonly met: boolean | null;
}

export interface BenchReport {
  readonly file: string;
  readonly node: string | null;
  readonly commit: string | null;
  readonly startedAt: string | null;
  readonly machine: Readonly<Record<string, string>>;
  readonly scenarios: readonly {
    readonly name: string;
    readonly figures: readonly BenchFigure[];
  }[];
}

export interface ResultInput {
  readonly file: string;
  readonly package: string;
  readonly kind: 'production' | 'test';
  readonly startedAt: string;
  readonly productionTests: number;
  /** Suites that crashed before their tests ran (their tests are missing from the file). */
  readonly failedSuites: readonly { readonly name: string; readonly message: string }[];
}

export interface Report {
  readonly schemaVersion: 1;
  readonly generatedAt: string;
  readonly commit: string | null;
  readonly coverageTargetPct: number;
  readonly totals: Readonly<Record<FindingStatus, number>> & {
    readonly findings: number;
    readonly tests: { readonly passed: number; readonly failed: number; readonly notRun: number };
    readonly drift: { readonly errors: number; readonly warnings: number };
  };
  readonly findings: readonly FindingReport[];
  readonly packages: readonly PackageReport[];
  readonly drift: readonly Drift[];
  readonly changes: {
    readonly previousRun: { readonly time: string; readonly commit: string | null } | null;
    readonly newFailures: readonly string[];
    readonly newPasses: readonly string[];
    readonly flaky: readonly string[];
  };
  readonly history: { readonly runs: number; readonly file: string | null };
  readonly benchmark: BenchReport | null;
  readonly inputs: readonly ResultInput[];
}
