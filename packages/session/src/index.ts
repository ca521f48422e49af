export { SessionError, isSessionError } from './errors.js';
export type { SessionErrorCode } from './errors.js';
export {
  DEFAULT_MAX_TRACKABLE_MS,
  DEFAULT_MIN_TRACKABLE_MS,
  DEFAULT_RELATIVE_ACCURACY,
  EMPTY_RESPONSE_TIME_SUMMARY,
  createResponseTimeHistogram,
} from './histogram.js';
export type { ResponseTimeHistogram, ResponseTimeHistogramOptions } from './histogram.js';
export {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_ACTIVE_SESSIONS,
  DEFAULT_MAX_ENDED_RETAINED,
  DEFAULT_MAX_HISTORY_MESSAGES,
  DEFAULT_MAX_QUEUED_PER_SESSION,
  DEFAULT_RETENTION_MS,
  DEFAULT_SWEEP_INTERVAL_MS,
} from './options.js';
export type { SessionManagerOptions, SweepTimers } from './options.js';
export { createSessionManager } from './session-manager.js';
export type { SessionManager, SessionManagerStats, SweepResult } from './session-manager-api.js';
export type { MessageDraft, MessagePatch } from './session-state.js';
export type {
  ChatMessage,
  MessageRole,
  MessageStatus,
  ResponseTimeSummary,
  SessionSnapshot,
  Usage,
} from './types.js';
