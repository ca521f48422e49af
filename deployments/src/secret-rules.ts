import { CONFIG_SETTINGS, findSecretProblems, isSecretSettingName } from '@chatbox/config';

export type FindingRule =
  | 'placeholder'
  | 'known-default'
  | 'literal-secret'
  | 'url-credentials'
  | 'secret-manifest'
  | 'secret-build-arg'
  | 'unparseable';

export interface Verdict {
  readonly rule: FindingRule;
  /** Says why; never quotes the value. */
  readonly message: string;
}

// Settings @chatbox/config marks secret although their names do not say so (the MongoDB URI
// and Redis URL carry passwords).
const SECRET_SETTING_ENVS = new Set(
  CONFIG_SETTINGS.filter((setting) => setting.secret).map((setting) => setting.env),
);

// The last word of a name that points at a secret instead of holding it: `secretName`,
// `secretKeyRef`, `JWT_SECRET_FILE`.
const REFERENCE_WORDS = new Set(['name', 'names', 'ref', 'file', 'path', 'dir']);

function lastWord(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
  return words.at(-1) ?? '';
}

/** Whether a key or variable name holds secret material (reuses @chatbox/config's rules). */
export function isSecretName(name: string): boolean {
  if (SECRET_SETTING_ENVS.has(name)) return true;
  return isSecretSettingName(name) && !REFERENCE_WORDS.has(lastWord(name));
}

// A whole value that names another variable is a reference, not a literal: Kubernetes
// dependent variables `$(VAR)`, compose/shell `${VAR}`, CI `${{ secrets.X }}`.
const REFERENCE_PATTERNS: readonly RegExp[] = [
  /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/,
  /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/,
  /^\$\{\{\s*[A-Za-z_][\w.-]*\s*\}\}$/,
];

export function isReference(value: string): boolean {
  return REFERENCE_PATTERNS.some((pattern) => pattern.test(value.trim()));
}

/**
 * What is wrong with `value` sitting literally where a secret is expected, or undefined when
 * it is empty or a reference. Placeholder and known-default detection is @chatbox/config's
 * `findSecretProblems`, the same policy the server applies at start.
 */
export function judgeSecretValue(value: string): Verdict | undefined {
  const trimmed = value.trim();
  if (trimmed === '' || isReference(trimmed)) return undefined;
  const problems = findSecretProblems(trimmed, { minBytes: 0 });
  if (problems.some((problem) => problem.code === 'known_default')) {
    return { rule: 'known-default', message: 'is a publicly known default secret' };
  }
  const placeholder = problems.find((problem) => problem.code === 'placeholder');
  if (placeholder !== undefined) return { rule: 'placeholder', message: placeholder.message };
  const weak = problems.length > 0 ? ' (and it is weak)' : '';
  return {
    rule: 'literal-secret',
    message: `holds a literal secret value${weak}; reference a Secret (valueFrom.secretKeyRef) or an external secret store instead`,
  };
}

const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:([^\s/@]+)@/i;

/** A password embedded in a URL (`mongodb://user:pass@host`), judged like any secret. */
export function judgeUrlCredentials(value: string): Verdict | undefined {
  const password = URL_PASSWORD.exec(value.trim())?.[1];
  if (password === undefined) return undefined;
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // A malformed escape is still a literal password.
  }
  const verdict = judgeSecretValue(decoded);
  if (verdict === undefined) return undefined;
  if (verdict.rule !== 'literal-secret')
    return { rule: verdict.rule, message: `has a URL password that ${verdict.message}` };
  return {
    rule: 'url-credentials',
    message: 'embeds a literal password in a URL; keep the whole URL in a Secret',
  };
}
