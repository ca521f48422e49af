/** Runtime failures a caller branches on (fail open or closed is the caller's decision). */
export type RateLimitErrorCode =
  /** Redis refused or failed the command; `cause` holds the client's error. */
  | 'ERR_RATELIMIT_BACKEND_UNAVAILABLE'
  /** Redis did not answer within `timeoutMs`; the command may still run later. */
  | 'ERR_RATELIMIT_BACKEND_TIMEOUT'
  /** The limiter was closed. */
  | 'ERR_RATELIMIT_CLOSED';

/** Programmer errors, thrown as `TypeError`s carrying one of these codes (Node's convention). */
export type RateLimitTypeErrorCode =
  /** A factory option is missing, of the wrong type or out of range. */
  | 'ERR_RATELIMIT_INVALID_OPTIONS'
  /** A call argument (key, cost) is invalid. */
  | 'ERR_RATELIMIT_INVALID_ARGUMENT';

export class RateLimitError extends Error {
  override readonly name = 'RateLimitError';
  readonly code: RateLimitErrorCode;

  constructor(
    code: RateLimitErrorCode,
    message: string,
    options: { readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

export interface RateLimitTypeError extends TypeError {
  readonly code: RateLimitTypeErrorCode;
}

export function rateLimitTypeError(
  code: RateLimitTypeErrorCode,
  message: string,
): RateLimitTypeError {
  return Object.assign(new TypeError(message), { code });
}

export function isRateLimitError(value: unknown): value is RateLimitError {
  return value instanceof RateLimitError;
}
