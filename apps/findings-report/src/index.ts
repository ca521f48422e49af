export { main } from './cli.js';
export type { CliIo } from './cli.js';
export { parseCliArgs, USAGE } from './cli-args.js';
export type { CliArgs } from './cli-args.js';
export {
  runReport,
  DEFAULT_OUT_DIR,
  DEFAULT_HISTORY_DIR,
  DEFAULT_CATALOGUE_PATH,
} from './run-report.js';
export type { RunReportOptions, RunReportResult } from './run-report.js';
export { buildReport, COVERAGE_TARGET_PCT } from './build-report.js';
export type { BuildReportInput, BuiltReport, PackageInput } from './build-report.js';
export { loadCatalogue } from './catalogue.js';
export type { LoadCatalogueOptions } from './catalogue.js';
export type { Catalogue, CatalogueEntry } from './catalogue-schema.js';
export {
  exitStatusOf,
  EXIT_OK,
  EXIT_FINDINGS_FAILING,
  EXIT_USAGE_OR_INPUT,
} from './exit-status.js';
export type { ExitPolicy, ExitStatus } from './exit-status.js';
export {
  loadHistory,
  saveHistory,
  appendRun,
  emptyHistory,
  HISTORY_FILE_NAME,
  DEFAULT_HISTORY_LIMIT_RUNS,
} from './history.js';
export type { History, HistoryRun } from './history.js';
export { renderPage } from './html/render-page.js';
export type { RenderPageOptions } from './html/render-page.js';
export { renderJunit } from './junit.js';
export { formatSummary } from './summary.js';
export { ReportError, isReportError } from './errors.js';
export type { ReportErrorCode } from './errors.js';
export { FINDING_STATUSES, SEVERITIES, VERDICTS } from './report-model.js';
export type {
  BenchReport,
  Drift,
  DriftKind,
  Figure,
  FindingReport,
  FindingStatus,
  PackageReport,
  Report,
  Severity,
  TestEvidence,
  TestOutcome,
  TestRun,
  TrendPoint,
  Verdict,
} from './report-model.js';
