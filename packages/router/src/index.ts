export { createMessageRouter } from './router.js';
export { CLOSE_CODES } from './types.js';
export type {
  ClientControl,
  ClusterMessageRouter,
  Connection,
  FinalStatus,
  GenerationLimiter,
  MessageRateLimiter,
  MessageRouter,
  MessageRouterOptions,
  OpenStreamWriter,
  ReleaseSessionOptions,
  RouterEvent,
  RouterStats,
  RouterStore,
  RouterStreamWriter,
  RouterTimers,
  SessionBinding,
  StreamFinal,
} from './types.js';
export { RouterError, isRouterError } from './errors.js';
export type { RouterErrorCode, RouterErrorOptions } from './errors.js';
export {
  DEFAULT_COALESCE_MAX_CHARS,
  DEFAULT_COALESCE_MS,
  DEFAULT_FOLLOW_INTERVAL_MS,
  DEFAULT_FOLLOW_TIMEOUT_MS,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_MAX_CONTEXT_CHARS,
  DEFAULT_MAX_REPLAY_MESSAGES,
  DEFAULT_RESTORE_MESSAGES,
  DEFAULT_STALE_STREAMING_AFTER_MS,
} from './options.js';
