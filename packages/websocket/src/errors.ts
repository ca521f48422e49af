export type WebSocketErrorCode =
  /** The upgrade carried no token, or one that failed verification (HTTP 401). */
  | 'ERR_WEBSOCKET_UNAUTHORIZED'
  /** The verification keys could not be fetched (remote JWKS down): HTTP 503, not the client's fault. */
  | 'ERR_WEBSOCKET_AUTH_UNAVAILABLE'
  /** The Origin header is missing, `null` or not on the allow-list (HTTP 403). */
  | 'ERR_WEBSOCKET_FORBIDDEN_ORIGIN'
  /** Production with an empty origin allow-list (finding 13): refused at start. */
  | 'ERR_WEBSOCKET_ORIGINS_REQUIRED'
  /** The user already holds `maxConnectionsPerUser` sockets (HTTP 429). */
  | 'ERR_WEBSOCKET_TOO_MANY_CONNECTIONS'
  /** The gateway is shutting down and accepts no upgrade (HTTP 503). */
  | 'ERR_WEBSOCKET_DRAINING'
  /** An HMAC secret shorter than its algorithm needs (RFC 7518 §3.2), refused at start. */
  | 'ERR_WEBSOCKET_WEAK_SECRET'
  /** An option is missing or out of range (configuration, never client input). */
  | 'ERR_WEBSOCKET_INVALID_OPTIONS';

/** Why a token was refused; safe to log and to count (never contains the token). */
export type TokenFailureReason =
  | 'missing'
  | 'malformed'
  | 'algorithm'
  | 'signature'
  | 'expired'
  | 'not_yet_valid'
  | 'claims'
  | 'key_unavailable';

export interface WebSocketErrorOptions {
  readonly cause?: unknown;
  readonly reason?: TokenFailureReason;
}

/** The one error class of `@chatbox/websocket`; branch on `code`, never on the message. */
export class WebSocketError extends Error {
  override readonly name = 'WebSocketError';
  readonly code: WebSocketErrorCode;
  /** Set for ERR_WEBSOCKET_UNAUTHORIZED / ERR_WEBSOCKET_AUTH_UNAVAILABLE. */
  readonly reason: TokenFailureReason | undefined;

  constructor(code: WebSocketErrorCode, message: string, options: WebSocketErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = options.reason;
  }
}

export function isWebSocketError(value: unknown): value is WebSocketError {
  return value instanceof WebSocketError;
}
