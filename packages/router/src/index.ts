export { createMessageRouter } from './router.js';
export { CLOSE_CODES } from './types.js';
export type {
  Connection,
  FinalStatus,
  GenerationLimiter,
  MessageRateLimiter,
  MessageRouter,
  MessageRouterOptions,
  OpenStreamWriter,
  RouterEvent,
  RouterStats,
  RouterStore,
  RouterStreamWriter,
  RouterTimers,
  StreamFinal,
} from './types.js';
export { RouterError, isRouterError } from './errors.js';
export type { RouterErrorCode, RouterErrorOptions } from './errors.js';
export {
  DEFAULT_MAX_CONTEXT_CHARS,
  DEFAULT_MAX_REPLAY_MESSAGES,
  DEFAULT_RESTORE_MESSAGES,
} from './options.js';
