import type { FindingStatus, TestOutcome } from '../report-model.js';

export const STATUS_LABELS: Readonly<Record<FindingStatus, string>> = {
  resolved: 'Resolved',
  regressed: 'Regressed',
  untested: 'Untested',
  open: 'Open',
  'false-positive': 'False positive',
};

export const OUTCOME_LABELS: Readonly<Record<TestOutcome, string>> = {
  passed: 'Passed',
  failed: 'Failed',
  'not-run': 'Did not run',
};

export function formatDuration(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

export function formatPct(pct: number | null): string {
  return pct === null ? '–' : `${pct.toFixed(pct === 100 ? 0 : 1)} %`;
}

/** A human date in UTC, so the page reads the same wherever it is opened. */
export function formatTime(iso: string | null): string {
  if (iso === null) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatNumber(value: number | null): string {
  if (value === null) return '–';
  return Number.isInteger(value)
    ? value.toLocaleString('en-US')
    : value.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

export function shortCommit(commit: string | null): string {
  return commit === null ? 'unknown' : commit.slice(0, 12);
}

/** "1 run", "3 runs": the page is read by people, not parsed. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
