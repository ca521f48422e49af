import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { TestkitError } from './errors.js';

const FINDING_PATTERN = /^(0[1-9]|1[0-9])$/;

export interface FigureRecord {
  readonly finding: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly package: string;
  readonly recordedAt: string;
}

export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function packageNameOf(dir: string): string {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name?: unknown;
    };
    return typeof parsed.name === 'string' ? parsed.name : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Writes <cwd>/reports/figures/<finding>-<slug>.json (overwriting: one file per figure per run) for
 * the findings report, and prints one `[figure]` line to stdout.
 */
export function recordFigure(finding: string, name: string, value: number, unit: string): void {
  if (!FINDING_PATTERN.test(finding)) {
    throw new TestkitError(
      'ERR_TESTKIT_INVALID_ARGUMENT',
      `finding must be two digits '01'..'19', got '${finding}'`,
    );
  }
  const slug = slugOf(name);
  if (slug === '') {
    throw new TestkitError(
      'ERR_TESTKIT_INVALID_ARGUMENT',
      'figure name must contain a letter or digit',
    );
  }
  if (!Number.isFinite(value)) {
    throw new TestkitError(
      'ERR_TESTKIT_INVALID_ARGUMENT',
      `figure '${name}' must be a finite number, got ${value}`,
    );
  }
  const cwd = process.cwd();
  const record: FigureRecord = {
    finding,
    name,
    value,
    unit,
    package: packageNameOf(cwd),
    recordedAt: new Date().toISOString(),
  };
  const dir = join(cwd, 'reports', 'figures');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${finding}-${slug}.json`), `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(`[figure] finding ${finding} ${name}: ${value} ${unit}\n`);
}

let fallbackGc: (() => void) | undefined;

export function resolveGc(exposed: unknown = (globalThis as { gc?: unknown }).gc): () => void {
  if (typeof exposed === 'function') return exposed as () => void;
  if (fallbackGc === undefined) {
    // Without --expose-gc the flag can still be set at run time; a fresh context then sees `gc`.
    setFlagsFromString('--expose-gc');
    const candidate: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
    if (typeof candidate !== 'function') {
      throw new TestkitError(
        'ERR_TESTKIT_GC_UNAVAILABLE',
        'global.gc is unavailable: run Node with --expose-gc',
      );
    }
    fallbackGc = candidate as () => void;
  }
  return fallbackGc;
}

/** Full garbage collection, twice: the second pass collects what finalizers released. */
export function forceGc(): void {
  const gc = resolveGc();
  gc();
  gc();
}

export function heapUsedBytes(): number {
  return process.memoryUsage().heapUsed;
}
