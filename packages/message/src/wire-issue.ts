import type { BaseIssue } from 'valibot';

/** One reason a frame was refused: a dot path (`''` is the frame itself) and a reason. */
export interface WireIssue {
  readonly path: string;
  readonly message: string;
}

/** A hostile frame can carry thousands of bad keys; the reply stays small. */
export const MAX_REPORTED_ISSUES = 20;
const MAX_KEY_CHARS = 32;
const MAX_PATH_CHARS = 128;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Joins path segments into a dot path; keys come from the client, so each one is clipped. */
export function formatPath(segments: readonly (string | number)[]): string {
  return clip(
    segments.map((segment) => clip(String(segment), MAX_KEY_CHARS)).join('.'),
    MAX_PATH_CHARS,
  );
}

function pathOf(issue: BaseIssue<unknown>): string {
  if (issue.path === undefined) return '';
  return formatPath(
    issue.path.map((item) =>
      typeof item.key === 'string' || typeof item.key === 'number' ? item.key : '?',
    ),
  );
}

/**
 * Reason text built from the schema side of an issue only (its type, `expected`, `requirement`).
 * Valibot's default messages quote the received value, and a client's content, id or key must not
 * be echoed back into logs or replies.
 */
export function describeIssue(issue: BaseIssue<unknown>): string {
  const requirement = typeof issue.requirement === 'number' ? issue.requirement : undefined;
  switch (issue.type) {
    case 'strict_object':
      return issue.expected === 'never' ? 'unknown key' : 'required key is missing';
    case 'variant':
      // At the root the input was not an object; below it, `type` was missing or not a string.
      return issue.path === undefined
        ? 'expected a JSON object'
        : `expected one of ${String(issue.expected)}`;
    case 'uuid':
      return 'expected a UUID';
    case 'integer':
    case 'safe_integer':
      return 'expected a safe integer';
    case 'min_value':
      return `expected at least ${String(requirement)}`;
    case 'min_length':
      return 'must not be empty';
    case 'max_length':
      return `too long: at most ${String(requirement)} characters`;
    case 'max_bytes':
      return `too long: at most ${String(requirement)} UTF-8 bytes`;
    case 'check':
    case 'regex':
      // Always given a fixed message where the schema declares them.
      return issue.message;
    default:
      return issue.kind === 'schema'
        ? `expected ${issue.expected ?? issue.type}`
        : `invalid ${issue.type}`;
  }
}

export function toWireIssues(issues: readonly BaseIssue<unknown>[]): WireIssue[] {
  return issues
    .slice(0, MAX_REPORTED_ISSUES)
    .map((issue) => ({ path: pathOf(issue), message: describeIssue(issue) }));
}

/** `path: reason`, with `frame` for the frame itself. */
export function formatIssue(issue: WireIssue): string {
  return `${issue.path === '' ? 'frame' : issue.path}: ${issue.message}`;
}
