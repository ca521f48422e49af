export { WebSocketError, isWebSocketError } from './errors.js';
export type { TokenFailureReason, WebSocketErrorCode, WebSocketErrorOptions } from './errors.js';
export { createTokenVerifier, DEFAULT_TOKEN_TYPE, MAX_TOKEN_CHARS } from './token-verifier.js';
export type { TokenVerifier, TokenVerifierOptions, VerifiedToken } from './token-verifier.js';
export { DEFAULT_JWKS_TIMEOUT_MS, DEFAULT_MIN_SECRET_BYTES } from './token-keys.js';
export { BEARER_PROTOCOL_PREFIX, CHAT_PROTOCOL, extractToken } from './token-extract.js';
export type { ExtractedToken } from './token-extract.js';
export { normalizeOrigin } from './origin.js';
export type { GatewayEnv } from './origin.js';
export { createMemoryConnectionLimiter } from './connection-slots.js';
export type { ConnectionLimiter } from './connection-slots.js';
export {
  DEFAULT_CLOSE_GRACE_MS,
  DEFAULT_FRAMES_PER_MINUTE_PER_CONNECTION,
  DEFAULT_MAX_PAYLOAD_BYTES,
} from './options.js';
export type { GatewayOptions, ParseFunction } from './options.js';
export type { EventSink, FrameRefusal, GatewayEvent, UpgradeRefusal } from './events.js';
export type { GatewayTimers } from './timers.js';
export { UPGRADE_ERROR_CODE, UPGRADE_STATUS } from './upgrade.js';
export { GATEWAY_CLOSE } from './connection.js';
export { SHUTDOWN_ABORT_BUDGET_MS, SHUTDOWN_CLOSE_BUDGET_MS } from './shutdown.js';
export type { ShutdownOptions } from './shutdown.js';
export { createWebSocketGateway } from './gateway.js';
export type { WebSocketGateway } from './gateway.js';
