import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { errorMessage } from './error-message.js';
import type { Drift, Figure } from './report-model.js';
import { toRepoPath } from './workspace.js';

const figureSchema = v.looseObject({
  finding: v.pipe(v.union([v.string(), v.number()]), v.transform(String), v.regex(/^\d{1,2}$/)),
  name: v.pipe(v.string(), v.minLength(1)),
  value: v.pipe(v.number(), v.finite()),
  unit: v.optional(v.string(), ''),
  package: v.optional(v.string()),
  recordedAt: v.optional(v.string()),
});
// A file holds one figure; an array is accepted too, for a test that records several at once.
const fileSchema = v.union([figureSchema, v.array(figureSchema)]);

export interface ReadFiguresOptions {
  readonly root: string;
  readonly packageDir: string;
  readonly packageName: string;
}

export interface ReadFigures {
  readonly figures: readonly Figure[];
  readonly problems: readonly Drift[];
}

export function readFigures(options: ReadFiguresOptions): ReadFigures {
  const dir = join(options.packageDir, 'reports', 'figures');
  if (!existsSync(dir)) return { figures: [], problems: [] };
  const figures: Figure[] = [];
  const problems: Drift[] = [];
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch (cause) {
    const file = toRepoPath(options.root, dir);
    return {
      figures: [],
      problems: [
        {
          kind: 'invalid-input',
          level: 'warning',
          message: `${file}: ${errorMessage(cause)}`,
          finding: null,
          test: null,
          file,
        },
      ],
    };
  }
  for (const name of files) {
    const path = join(dir, name);
    const file = toRepoPath(options.root, path);
    try {
      const parsed = v.parse(fileSchema, JSON.parse(readFileSync(path, 'utf8')));
      for (const raw of Array.isArray(parsed) ? parsed : [parsed]) {
        figures.push({
          finding: raw.finding.padStart(2, '0'),
          name: raw.name,
          value: raw.value,
          unit: raw.unit,
          package: raw.package ?? options.packageName,
          recordedAt: raw.recordedAt ?? null,
        });
      }
    } catch (cause) {
      const message = `${file}: not a recorded figure (${errorMessage(cause)})`;
      problems.push({
        kind: 'invalid-input',
        level: 'warning',
        message,
        finding: null,
        test: null,
        file,
      });
    }
  }
  return { figures: latestOnly(figures), problems };
}

// A figure re-recorded by a later run replaces the earlier one of the same name.
function latestOnly(figures: readonly Figure[]): Figure[] {
  const byKey = new Map<string, Figure>();
  for (const figure of figures) {
    const key = `${figure.package}\u0000${figure.finding}\u0000${figure.name}`;
    const seen = byKey.get(key);
    if (seen === undefined || (figure.recordedAt ?? '') >= (seen.recordedAt ?? ''))
      byKey.set(key, figure);
  }
  return [...byKey.values()];
}
