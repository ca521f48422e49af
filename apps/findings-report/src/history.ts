import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as v from 'valibot';
import { errorMessage } from './error-message.js';
import { ReportError } from './errors.js';
import { FINDING_STATUSES } from './report-model.js';

export const HISTORY_FILE_NAME = 'history.json';
// Enough for months of CI runs while keeping the file CI carries small.
export const DEFAULT_HISTORY_LIMIT_RUNS = 200;

const outcomeSchema = v.picklist(['passed', 'failed', 'not-run']);

const runSchema = v.object({
  commit: v.nullable(v.string()),
  time: v.string(),
  findings: v.record(
    v.string(),
    v.object({
      status: v.picklist(FINDING_STATUSES),
      tests: v.record(v.string(), outcomeSchema),
    }),
  ),
  packages: v.record(v.string(), v.object({ passed: v.number(), failed: v.number() })),
});

const historySchema = v.object({ version: v.literal(1), runs: v.array(runSchema) });

export type HistoryRun = v.InferOutput<typeof runSchema>;
export type History = v.InferOutput<typeof historySchema>;

export function emptyHistory(): History {
  return { version: 1, runs: [] };
}

/** Reads the history file; a missing file is an empty history, a corrupt one an error (never silently dropped). */
export function loadHistory(path: string): History {
  if (!existsSync(path)) return emptyHistory();
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new ReportError(
      'ERR_REPORT_HISTORY_INVALID',
      `cannot read the history ${path}: ${errorMessage(cause)}`,
      { cause },
    );
  }
  const parsed = v.safeParse(historySchema, raw);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new ReportError(
      'ERR_REPORT_HISTORY_INVALID',
      `the history ${path} is invalid (${v.getDotPath(issue) ?? 'root'}: ${issue.message}); move it away to start a new one`,
    );
  }
  return parsed.output;
}

export function appendRun(
  history: History,
  run: HistoryRun,
  limitRuns = DEFAULT_HISTORY_LIMIT_RUNS,
): History {
  return { version: 1, runs: [...history.runs, run].slice(-limitRuns) };
}

/** Writes through a temporary file and a rename, so an interrupted run never leaves half a history. */
export function saveHistory(path: string, history: History): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, `${JSON.stringify(history, null, 1)}\n`);
    renameSync(temporary, path);
  } catch (cause) {
    rmSync(temporary, { force: true });
    throw new ReportError(
      'ERR_REPORT_WRITE_FAILED',
      `cannot write the history ${path}: ${errorMessage(cause)}`,
      { cause },
    );
  }
}
