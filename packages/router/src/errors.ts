export type RouterErrorCode =
  | 'ERR_ROUTER_INVALID_OPTIONS'
  | 'ERR_ROUTER_DRAINING'
  | 'ERR_ROUTER_SESSION_NOT_FOUND'
  | 'ERR_ROUTER_SESSION_NOT_OWNED'
  | 'ERR_ROUTER_SESSION_ENDED'
  | 'ERR_ROUTER_STORAGE_UNAVAILABLE'
  | 'ERR_ROUTER_INPUT_TOO_LONG'
  | 'ERR_ROUTER_RATE_LIMITED'
  | 'ERR_ROUTER_TOO_MANY_GENERATIONS'
  | 'ERR_ROUTER_CONNECTION_GONE';

export interface RouterErrorOptions {
  readonly cause?: unknown;
  readonly retryAfterMs?: number;
}

/** The one error class of `@chatbox/router`; callers branch on `code`, never on the message. */
export class RouterError extends Error {
  override readonly name = 'RouterError';
  readonly code: RouterErrorCode;
  readonly retryAfterMs?: number;

  constructor(code: RouterErrorCode, message: string, options: RouterErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

export function isRouterError(value: unknown): value is RouterError {
  return value instanceof RouterError;
}
