export type ServerErrorCode =
  /** No bearer token, or one that failed verification (HTTP 401). */
  | 'ERR_SERVER_UNAUTHORIZED'
  /** A verified token without the admin role (HTTP 403, S10). */
  | 'ERR_SERVER_FORBIDDEN'
  /** Past the per-caller admin limit (HTTP 429 with Retry-After, finding 18). */
  | 'ERR_SERVER_RATE_LIMITED'
  /** No such route, session or resource (HTTP 404). */
  | 'ERR_SERVER_NOT_FOUND'
  /** Path, query or body failed validation before any store call (HTTP 400, S11). */
  | 'ERR_SERVER_INVALID_REQUEST'
  /** The request body is over `server.bodyLimitBytes` (HTTP 413). */
  | 'ERR_SERVER_BODY_TOO_LARGE'
  /** Still booting, draining or closed (HTTP 503, R11). */
  | 'ERR_SERVER_UNAVAILABLE'
  /** A bug: the client gets only this code and a correlation id (HTTP 500, S14). */
  | 'ERR_SERVER_INTERNAL';

export interface ServerErrorOptions {
  readonly cause?: unknown;
  /** For ERR_SERVER_RATE_LIMITED: when the same request would be allowed. */
  readonly retryAfterMs?: number;
}

/** The one error class of `@chatbox/server`; branch on `code`, never on the message. */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  readonly code: ServerErrorCode;
  readonly retryAfterMs: number | undefined;

  constructor(code: ServerErrorCode, message: string, options: ServerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isServerError(value: unknown): value is ServerError {
  return value instanceof ServerError;
}
