import type { DriftKind, Report } from './report-model.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS_FAILING = 1;
export const EXIT_USAGE_OR_INPUT = 2;

/** Drift that only says "no result yet": relaxed together with untested findings. */
export const UNTESTED_DRIFT: ReadonlySet<DriftKind> = new Set(['no-results', 'test-not-run']);

export interface ExitPolicy {
  /** Accept untested findings (and the drift that only says a test did not run). Regressions still fail. */
  readonly allowUntested: boolean;
}

export interface ExitStatus {
  readonly code: typeof EXIT_OK | typeof EXIT_FINDINGS_FAILING;
  readonly reasons: readonly string[];
}

export function exitStatusOf(report: Report, policy: ExitPolicy): ExitStatus {
  const reasons: string[] = [];
  if (report.totals.regressed > 0) reasons.push(`${report.totals.regressed} regressed`);
  if (!policy.allowUntested && report.totals.untested > 0)
    reasons.push(`${report.totals.untested} untested`);
  const errors = report.drift.filter(
    (item) => item.level === 'error' && (!policy.allowUntested || !UNTESTED_DRIFT.has(item.kind)),
  );
  if (errors.length > 0)
    reasons.push(`${errors.length} drift ${errors.length === 1 ? 'error' : 'errors'}`);
  return { code: reasons.length === 0 ? EXIT_OK : EXIT_FINDINGS_FAILING, reasons };
}
