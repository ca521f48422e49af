export type SessionErrorCode =
  | 'ERR_SESSION_NOT_FOUND'
  | 'ERR_SESSION_ENDED'
  | 'ERR_SESSION_NOT_OWNED'
  | 'ERR_SESSION_DUPLICATE_ID'
  | 'ERR_SESSION_DUPLICATE_MESSAGE'
  | 'ERR_SESSION_MESSAGE_NOT_FOUND'
  | 'ERR_SESSION_MESSAGE_FINAL'
  | 'ERR_SESSION_QUEUE_FULL'
  | 'ERR_SESSION_LIMIT_REACHED'
  | 'ERR_SESSION_HISTOGRAM_MISMATCH'
  | 'ERR_SESSION_INVALID_ARGUMENT'
  | 'ERR_SESSION_INVALID_OPTIONS';

/** The one error class of `@chatbox/session`; callers branch on `code`, never on the message. */
export class SessionError extends Error {
  override readonly name = 'SessionError';
  readonly code: SessionErrorCode;

  constructor(code: SessionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isSessionError(value: unknown): value is SessionError {
  return value instanceof SessionError;
}
