import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { errorMessage } from './error-message.js';
import type { CoverageFigures, Drift } from './report-model.js';
import { toRepoPath } from './workspace.js';

// istanbul's json-summary: `pct` is a number, or the string "Unknown" when nothing was counted.
const pctSchema = v.looseObject({ pct: v.unknown() });
const summarySchema = v.looseObject({
  total: v.looseObject({ lines: pctSchema, branches: pctSchema }),
});

export interface ReadCoverageOptions {
  readonly root: string;
  readonly packageDir: string;
}

export type ReadCoverage = {
  readonly coverage: CoverageFigures | null;
  readonly problem: Drift | null;
};

export function readCoverage(options: ReadCoverageOptions): ReadCoverage {
  const path = join(options.packageDir, 'reports', 'coverage', 'coverage-summary.json');
  if (!existsSync(path)) return { coverage: null, problem: null };
  const file = toRepoPath(options.root, path);
  try {
    const parsed = v.parse(summarySchema, JSON.parse(readFileSync(path, 'utf8')));
    return {
      coverage: {
        linesPct: pctOf(parsed.total.lines.pct),
        branchesPct: pctOf(parsed.total.branches.pct),
      },
      problem: null,
    };
  } catch (cause) {
    const message = `${file}: not an istanbul json-summary (${errorMessage(cause)})`;
    return {
      coverage: null,
      problem: {
        kind: 'invalid-input',
        level: 'warning',
        message,
        finding: null,
        test: null,
        file,
      },
    };
  }
}

function pctOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
