import type { ConfigIssue, ConfigIssueCode } from './errors.js';
import { findSecretProblems } from './secret-policy.js';
import type { SecretProblemCode } from './secret-policy.js';
import { envFor } from './settings.js';
import type { AuthConfig, Config, JwtAlgorithm, LlmConfig } from './types.js';

/** Schema output before derived values (algorithms, SDK timeout, generated secret) are filled in. */
export type Draft = Omit<Config, 'notices' | 'auth' | 'llm'> & {
  readonly auth: Omit<AuthConfig, 'algorithms' | 'jwtSecretGenerated'> & {
    readonly algorithms?: readonly JwtAlgorithm[];
  };
  readonly llm: Omit<LlmConfig, 'sdkTimeoutMs'> & { readonly sdkTimeoutMs?: number };
};

const SECRET_CODES = {
  too_short: 'secret_too_short',
  low_entropy: 'secret_low_entropy',
  placeholder: 'secret_placeholder',
  known_default: 'secret_known_default',
} as const satisfies Record<string, ConfigIssueCode>;

/**
 * Cross-field rules read the draft only through `ok()`: a rule runs when every path it reads parsed
 * cleanly, so one bad value never hides an unrelated rule's finding (all errors at once).
 */
export class RuleContext {
  readonly draft: Draft;
  readonly issues: ConfigIssue[] = [];
  readonly #failed: readonly string[];

  constructor(draft: unknown, failedPaths: readonly string[]) {
    this.draft = draft as Draft;
    this.#failed = failedPaths;
  }

  get production(): boolean {
    return this.ok('env') && this.draft.env === 'production';
  }

  ok(...paths: string[]): boolean {
    return paths.every((path) =>
      this.#failed.every(
        (failed) =>
          failed !== path &&
          !failed.startsWith(`${path}.`) &&
          !failed.startsWith(`${path}[`) &&
          !path.startsWith(`${failed}.`),
      ),
    );
  }

  report(path: string, code: ConfigIssueCode, message: string): void {
    const env = envFor(path);
    this.issues.push(env === undefined ? { path, code, message } : { path, env, code, message });
  }

  /** Applies the shared secret policy; messages never quote the value. */
  checkSecret(
    path: string,
    value: string,
    minBytes: number,
    label: string,
    skip: readonly SecretProblemCode[] = [],
  ): void {
    for (const problem of findSecretProblems(value, { minBytes })) {
      if (!skip.includes(problem.code))
        this.report(path, SECRET_CODES[problem.code], `${label} ${problem.message}`);
    }
  }
}
