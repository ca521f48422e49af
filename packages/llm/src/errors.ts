export type LlmErrorCode =
  | 'ERR_LLM_FIRST_TOKEN_TIMEOUT'
  | 'ERR_LLM_IDLE_TIMEOUT'
  | 'ERR_LLM_DEADLINE'
  | 'ERR_LLM_RATE_LIMITED'
  | 'ERR_LLM_OVERLOADED'
  | 'ERR_LLM_INTERRUPTED'
  | 'ERR_LLM_AUTH'
  | 'ERR_LLM_BAD_REQUEST'
  | 'ERR_LLM_CANCELLED'
  | 'ERR_LLM_INPUT_TOO_LARGE'
  | 'ERR_LLM_UNAVAILABLE';

export interface LlmErrorOptions {
  readonly retryable?: boolean;
  readonly retryAfterMs?: number;
  readonly partial?: boolean;
  readonly cause?: unknown;
}

/**
 * The one error class of `@chatbox/llm`; callers branch on `code`, never on the message.
 * Messages are built here from fixed text and numbers: no upstream body, prompt or key (S14, S15).
 */
export class LlmError extends Error {
  override readonly name = 'LlmError';
  readonly code: LlmErrorCode;
  /** Whether the same request may succeed if sent again later. */
  readonly retryable: boolean;
  /** How long the upstream asked us to wait, when it said so. */
  declare readonly retryAfterMs?: number;
  /** True when some text had already been streamed to the caller before the failure. */
  readonly partial: boolean;

  constructor(code: LlmErrorCode, message: string, options: LlmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    this.partial = options.partial ?? false;
  }
}

export function isLlmError(value: unknown): value is LlmError {
  return value instanceof LlmError;
}
