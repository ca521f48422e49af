export { StorageError, isStorageError } from './errors.js';
export type { StorageErrorCode } from './errors.js';
export type {
  SessionStore,
  MeteredSessionStore,
  BatchSessionStore,
  StorageMetrics,
  ListSessionsFilter,
  SessionPage,
  AppendResult,
  GetMessagesOptions,
  MessagePatch,
} from './store.js';
export {
  DEFAULT_LIST_LIMIT,
  MAX_LIST_LIMIT,
  DEFAULT_MESSAGES_LIMIT,
  MAX_MESSAGES_LIMIT,
  STALE_STREAM_ERROR_CODE,
  MAX_APPEND_BATCH,
} from './store.js';
export { createMongoStore } from './mongo-store.js';
export type { MongoStoreOptions, MongoRetryInfo, CommandEvent } from './mongo-options.js';
export {
  DEFAULT_SERVER_SELECTION_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_SOCKET_TIMEOUT_MS,
  DEFAULT_MAX_POOL_SIZE,
  DEFAULT_WAIT_QUEUE_TIMEOUT_MS,
} from './mongo-options.js';
export { createMemoryStore } from './memory-store.js';
export type { MemoryStoreOptions } from './memory-store.js';
export { withRetry, DEFAULT_RETRY } from './retry.js';
export type { RetryOptions, WithRetryOptions, RetryInfo, Timers } from './retry.js';
export { isTransientError, isDuplicateKeyError, isPoolOverloadError } from './transient.js';
export {
  toSessionDocument,
  fromSessionDocument,
  toMessageDocument,
  fromMessageDocument,
} from './documents.js';
export type { SessionDocument, MessageDocument, ResponseTimeDocument } from './documents.js';
export {
  createStreamWriter,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_FLUSH_CHARS,
  MAX_FLUSH_INTERVAL_MS,
} from './stream-writer.js';
export type { StreamWriter, StreamWriterOptions, StreamFinal } from './stream-writer.js';
