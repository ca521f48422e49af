import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Figure, ScenarioResult } from './figures.js';

export interface BenchReport {
  readonly machine: { readonly cpus: number; readonly model: string; readonly memoryBytes: number };
  readonly node: string;
  readonly commit: string | null;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly scenarios: readonly ScenarioResult[];
  /** How the run was made (not read by the findings report). */
  readonly settings: {
    readonly quick: boolean;
    readonly runs: number;
    readonly loadAverage: { readonly start: number[]; readonly end: number[] };
  };
}

export const RESULTS_PATH = fileURLToPath(new URL('../results/latest.json', import.meta.url));

export function machine(): BenchReport['machine'] {
  const list = cpus();
  return { cpus: list.length, model: list[0]?.model.trim() ?? 'unknown', memoryBytes: totalmem() };
}

/** HEAD of the checkout, or null outside a git work tree (read-only). */
export function commit(): string | null {
  try {
    return (
      execFileSync('git', ['rev-parse', 'HEAD'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || null
    );
  } catch {
    return null;
  }
}

export function writeReport(report: BenchReport): void {
  mkdirSync(fileURLToPath(new URL('../results/', import.meta.url)), { recursive: true });
  writeFileSync(RESULTS_PATH, `${JSON.stringify(report, null, 2)}\n`);
}

function format(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const magnitude = Math.abs(value);
  if (magnitude >= 1_000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function row(figure: Figure): string[] {
  const unit = figure.unit;
  const target =
    figure.target === undefined
      ? ''
      : `${figure.met === undefined ? '?' : figure.met ? 'met' : 'MISSED'}: ${figure.target}`;
  return [
    figure.name,
    unit,
    format(figure.min),
    format(figure.median),
    format(figure.max),
    format(figure.baseline?.median),
    figure.ratio === undefined || figure.ratio === null ? '' : `${format(figure.ratio)}×`,
    target,
  ];
}

const HEADER = ['figure', 'unit', 'min', 'median', 'max', 'baseline', 'ratio', 'target'];
const RIGHT_ALIGNED = new Set([2, 3, 4, 5, 6]);

/** The same figures as latest.json, as a plain-text table per scenario. */
export function renderTable(scenarios: readonly ScenarioResult[]): string {
  const out: string[] = [];
  for (const scenario of scenarios) {
    const rows = [HEADER, ...scenario.figures.map(row)];
    const widths = HEADER.map((_, column) =>
      Math.max(...rows.map((cells) => (cells[column] ?? '').length)),
    );
    out.push('', `== ${scenario.name}`);
    for (const cells of rows) {
      out.push(
        cells
          .map((cell, column) =>
            RIGHT_ALIGNED.has(column)
              ? cell.padStart(widths[column] ?? 0)
              : cell.padEnd(widths[column] ?? 0),
          )
          .join('  ')
          .trimEnd(),
      );
    }
    for (const note of scenario.notes) out.push(`  - ${note}`);
  }
  return `${out.join('\n')}\n`;
}
