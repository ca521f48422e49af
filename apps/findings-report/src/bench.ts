import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from './error-message.js';
import type { BenchFigure, BenchReport, Drift } from './report-model.js';

export const BENCH_RESULTS_PATH = 'bench/results/latest.json';

export interface ReadBenchmarkOptions {
  readonly root: string;
}

export type ReadBenchmark = {
  readonly benchmark: BenchReport | null;
  readonly problem: Drift | null;
};

/** `pnpm bench`'s latest results, read field by field so a partial file still shows what it has. */
export function readBenchmark(options: ReadBenchmarkOptions): ReadBenchmark {
  const path = join(options.root, BENCH_RESULTS_PATH);
  if (!existsSync(path)) return { benchmark: null, problem: null };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    const message = `${BENCH_RESULTS_PATH}: ${errorMessage(cause)}`;
    return {
      benchmark: null,
      problem: {
        kind: 'invalid-input',
        level: 'warning',
        message,
        finding: null,
        test: null,
        file: BENCH_RESULTS_PATH,
      },
    };
  }
  const doc = record(raw);
  return {
    benchmark: {
      file: BENCH_RESULTS_PATH,
      node: text(doc.node),
      commit: text(doc.commit),
      startedAt: text(doc.startedAt),
      machine: machineOf(doc.machine),
      scenarios: list(doc.scenarios).map((scenario) => {
        const s = record(scenario);
        return {
          name: text(s.name) ?? '(unnamed scenario)',
          figures: list(s.figures).map(toFigure),
        };
      }),
    },
    problem: null,
  };
}

function toFigure(raw: unknown): BenchFigure {
  const f = record(raw);
  const baseline = f.baseline === undefined ? null : record(f.baseline);
  return {
    name: text(f.name) ?? '(unnamed figure)',
    unit: text(f.unit) ?? '',
    min: num(f.min),
    median: num(f.median),
    max: num(f.max),
    baseline:
      baseline === null
        ? null
        : { min: num(baseline.min), median: num(baseline.median), max: num(baseline.max) },
    ratio: num(f.ratio),
    target: text(f.target),
    met: typeof f.met === 'boolean' ? f.met : null,
  };
}

function machineOf(raw: unknown): Record<string, string> {
  const machine: Record<string, string> = {};
  for (const [key, value] of Object.entries(record(raw))) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      machine[key] = String(value);
  }
  return machine;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
