import { lowEntropyReason } from './entropy.js';
import { KNOWN_DEFAULT_SECRETS } from './secret-lists.js';

export type SecretProblemCode = 'too_short' | 'low_entropy' | 'placeholder' | 'known_default';

export interface SecretProblem {
  readonly code: SecretProblemCode;
  /** Says why, never quotes the value. */
  readonly message: string;
}

export interface SecretPolicyOptions {
  /** Minimum length in UTF-8 bytes; 0 disables the length rule. */
  readonly minBytes?: number;
}

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output, 256 bits. */
export const DEFAULT_MIN_SECRET_BYTES = 32;

interface PlaceholderPattern {
  readonly label: string;
  readonly test: (value: string) => boolean;
}

const PLACEHOLDER_TOKENS = new Set([
  'todo',
  'fixme',
  'tbd',
  'test',
  'test123',
  'fake',
  'none',
  'null',
  'undefined',
  'nil',
  'default',
  'tmp',
  'temp',
  'foo',
  'bar',
]);

const PLACEHOLDER_PATTERNS: readonly PlaceholderPattern[] = [
  { label: 'your-*', test: (v) => /^your|[^a-z0-9]your(?=[^a-z]|$)/i.test(v) },
  { label: 'change-me', test: (v) => /change[-_ .]?(?:me|it|this)/i.test(v) },
  { label: 'replace*', test: (v) => /replace/i.test(v) },
  { label: 'runs of x (ACXXXXXXXX)', test: (v) => /x{6,}/i.test(v) || /^(?=.*x)[x\W_]+$/i.test(v) },
  { label: '<...>', test: (v) => /<[^<>]*>/.test(v) },
  {
    label: 'unrendered template (${...}, {{...}}, $(...))',
    test: (v) => /\$\{[^}]*\}|\{\{[^}]*\}\}|\$\([^)]*\)/.test(v),
  },
  { label: 'masked or elided (***, ...)', test: (v) => /\*{3,}|\.{3}|\u2026/.test(v) },
  {
    label: 'a placeholder word',
    test: (v) => /example|placeholder|secret|passw(?:or)?d|dummy|changeme|insecure|sample/i.test(v),
  },
  {
    label: 'a placeholder token',
    test: (v) =>
      v
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .some((token) => PLACEHOLDER_TOKENS.has(token)),
  },
];

const KNOWN_DEFAULTS = new Set(KNOWN_DEFAULT_SECRETS.map((value) => value.toLowerCase()));

function placeholderLabel(value: string): string | undefined {
  return PLACEHOLDER_PATTERNS.find((pattern) => pattern.test(value))?.label;
}

/**
 * The shared secret policy (findings 06 and 17): every reason `value` must not be used as a secret,
 * empty when it is acceptable. One problem per code, most specific first.
 */
export function findSecretProblems(
  value: string,
  options: SecretPolicyOptions = {},
): SecretProblem[] {
  const minBytes = options.minBytes ?? DEFAULT_MIN_SECRET_BYTES;
  if (!Number.isSafeInteger(minBytes) || minBytes < 0) {
    throw new TypeError(`minBytes must be a non-negative integer, got ${String(minBytes)}`);
  }
  const problems: SecretProblem[] = [];
  const trimmed = value.trim();
  if (KNOWN_DEFAULTS.has(trimmed.toLowerCase())) {
    problems.push({ code: 'known_default', message: 'is a publicly known default secret' });
  }
  const label = placeholderLabel(trimmed);
  if (label !== undefined) {
    problems.push({ code: 'placeholder', message: `looks like a placeholder (${label})` });
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes < minBytes) {
    problems.push({
      code: 'too_short',
      message: `is ${bytes} bytes long; at least ${minBytes} are required`,
    });
  }
  const reason = trimmed === '' ? 'it is empty' : lowEntropyReason(trimmed);
  if (reason !== undefined) {
    problems.push({ code: 'low_entropy', message: `has low entropy: ${reason}` });
  }
  return problems;
}
