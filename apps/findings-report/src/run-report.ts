import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReport } from './build-report.js';
import { loadCatalogue } from './catalogue.js';
import { errorMessage } from './error-message.js';
import { ReportError } from './errors.js';
import { exitStatusOf, type ExitStatus } from './exit-status.js';
import { gitCommit } from './git-commit.js';
import { appendRun, emptyHistory, HISTORY_FILE_NAME, loadHistory, saveHistory } from './history.js';
import { renderPage } from './html/render-page.js';
import { renderJunit } from './junit.js';
import type { Report } from './report-model.js';
import { formatSummary } from './summary.js';
import { displayPath, findRoot } from './workspace.js';
import { readWorkspaceInputs } from './workspace-inputs.js';

export const DEFAULT_OUT_DIR = 'site';
export const DEFAULT_HISTORY_DIR = '.findings-history';
// Beside src/ and dist/ alike, so the built CLI and the tests find the same file.
export const DEFAULT_CATALOGUE_PATH = fileURLToPath(
  new URL('../catalogue/findings.yaml', import.meta.url),
);

export interface RunReportOptions {
  /** Repository root; found from `cwd` when absent. */
  readonly root?: string;
  readonly cwd?: string;
  readonly out?: string;
  /** History directory, or null for no history at all. */
  readonly historyDir?: string | null;
  readonly commit?: string;
  readonly catalogue?: string;
  readonly allowUntested?: boolean;
  readonly now?: () => Date;
  readonly resolveCommit?: (root: string) => string | null;
}

export interface RunReportResult {
  readonly report: Report;
  readonly exit: ExitStatus;
  readonly summary: string;
  readonly files: {
    readonly html: string;
    readonly json: string;
    readonly junit: string;
    readonly history: string | null;
  };
}

/** Reads every input, writes site/index.html, findings.json and junit.xml, appends the history. */
export function runReport(options: RunReportOptions = {}): RunReportResult {
  const cwd = options.cwd ?? process.cwd();
  const root = options.root === undefined ? findRoot(cwd) : resolve(cwd, options.root);
  if (!existsSync(root))
    throw new ReportError('ERR_REPORT_ROOT_NOT_FOUND', `the root ${root} does not exist`);
  const outDir = resolve(cwd, options.out ?? join(root, DEFAULT_OUT_DIR));
  const historyPath =
    options.historyDir === null
      ? null
      : join(
          resolve(cwd, options.historyDir ?? join(root, DEFAULT_HISTORY_DIR)),
          HISTORY_FILE_NAME,
        );
  const allowUntested = options.allowUntested ?? false;

  const catalogue = loadCatalogue({
    path: resolve(cwd, options.catalogue ?? DEFAULT_CATALOGUE_PATH),
  });
  const inputs = readWorkspaceInputs(root);
  const history = historyPath === null ? emptyHistory() : loadHistory(historyPath);
  const { report, run } = buildReport({
    ...inputs,
    catalogue,
    history,
    historyFile: historyPath === null ? null : displayPath(root, historyPath),
    commit: options.commit ?? (options.resolveCommit ?? gitCommit)(root),
    now: (options.now ?? (() => new Date()))(),
    codeExists: (repoPath) => existsSync(join(root, repoPath)),
  });
  const exit = exitStatusOf(report, { allowUntested });

  const files = {
    html: join(outDir, 'index.html'),
    json: join(outDir, 'findings.json'),
    junit: join(outDir, 'junit.xml'),
    history: historyPath,
  };
  const rootFromOut = relative(outDir, root).split(sep).join('/');
  writeOutput(
    outDir,
    files.html,
    renderPage({ report, exit, rootHref: rootFromOut === '' ? '' : `${rootFromOut}/` }),
  );
  writeOutput(outDir, files.json, `${JSON.stringify(report, null, 2)}\n`);
  writeOutput(outDir, files.junit, renderJunit(report));
  if (historyPath !== null) saveHistory(historyPath, appendRun(history, run));

  const written = [files.html, files.json, files.junit].map((path) => displayPath(root, path));
  return { report, exit, summary: formatSummary({ report, exit, written, allowUntested }), files };
}

function writeOutput(dir: string, path: string, content: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, content);
  } catch (cause) {
    throw new ReportError(
      'ERR_REPORT_WRITE_FAILED',
      `cannot write ${path}: ${errorMessage(cause)}`,
      { cause },
    );
  }
}
