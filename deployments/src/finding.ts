import type { FindingRule } from './secret-rules.js';

/** One problem found by the secret gate, at a line of a file. */
export interface Finding {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** The key, variable or Secret entry the value belongs to. */
  readonly key?: string;
  readonly rule: FindingRule;
  /** Never quotes the value. */
  readonly message: string;
}

export function formatFinding(finding: Finding): string {
  const key = finding.key === undefined ? '' : ` ${finding.key}`;
  return `${finding.file}:${finding.line}: ${finding.rule}:${key} ${finding.message}`;
}
