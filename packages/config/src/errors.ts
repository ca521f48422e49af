export type ConfigErrorCode =
  /** One or more settings are missing, malformed, out of range, conflicting or weak. */
  'ERR_CONFIG_INVALID';

/** Machine-readable reason of one configuration problem. */
export type ConfigIssueCode =
  | 'unknown_key'
  | 'invalid_type'
  | 'invalid_number'
  | 'invalid_boolean'
  | 'invalid_duration'
  | 'invalid_enum'
  | 'invalid_string'
  | 'invalid_url'
  | 'invalid_origin'
  | 'invalid_key'
  | 'out_of_range'
  | 'required'
  | 'conflict'
  | 'insecure_url'
  | 'secret_too_short'
  | 'secret_low_entropy'
  | 'secret_placeholder'
  | 'secret_known_default'
  | 'file_unreadable'
  | 'file_invalid';

export interface ConfigIssue {
  /** Dotted config path (`server.port`, `websocket.allowedOrigins[1]`), or `configFile`. */
  readonly path: string;
  /** The environment variable that sets this path. */
  readonly env?: string;
  readonly code: ConfigIssueCode;
  /** Human-readable; never contains a secret value. */
  readonly message: string;
}

export interface ConfigErrorOptions {
  readonly cause?: unknown;
}

const MAX_LISTED_ISSUES = 50;

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.env === undefined ? issue.path : `${issue.path} (${issue.env})`;
  return `${where}: ${issue.message} [${issue.code}]`;
}

/**
 * The one error class of `@chatbox/config`. It carries every problem found in one pass, so an
 * operator fixes a deployment in one round trip instead of one error per restart (finding 19).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  readonly issues: readonly ConfigIssue[];

  constructor(
    code: ConfigErrorCode,
    issues: readonly ConfigIssue[],
    options: ConfigErrorOptions = {},
  ) {
    const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => `  - ${formatIssue(issue)}`);
    if (issues.length > MAX_LISTED_ISSUES)
      listed.push(`  - ... and ${issues.length - MAX_LISTED_ISSUES} more`);
    const noun = issues.length === 1 ? 'problem' : 'problems';
    super(
      `invalid configuration (${issues.length} ${noun}):\n${listed.join('\n')}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue })));
  }
}

export function isConfigError(value: unknown): value is ConfigError {
  return value instanceof ConfigError;
}
