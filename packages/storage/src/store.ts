import type { ChatMessage, SessionSnapshot } from '@chatbox/session';
import type { MessagePatch } from './validation.js';

export type { MessagePatch } from './validation.js';

export interface ListSessionsFilter {
  readonly userId?: string;
  readonly active?: boolean;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface SessionPage {
  readonly sessions: SessionSnapshot[];
  readonly nextCursor?: string;
}

export interface AppendResult {
  readonly message: ChatMessage;
  /** True when the message was already stored (a resend): `message` is the stored one. */
  readonly duplicate: boolean;
}

export interface GetMessagesOptions {
  /** Only messages with a greater seq (resume, R6). Default 0. */
  readonly afterSeq?: number;
  readonly limit?: number;
}

export interface StorageMetrics {
  /** Attempts repeated after a transient failure. */
  readonly retries: number;
  /** Operations that ended in ERR_STORAGE_UNAVAILABLE or ERR_STORAGE_FAILED. */
  readonly failures: number;
}

/** Durable state of chatbox: sessions and their messages. Both stores honour the same contract. */
export interface SessionStore {
  /** Inserts the session if its id is new; a repeat is a no-op. */
  createSession(snapshot: SessionSnapshot): Promise<void>;
  /** Replaces the stored session only if `snapshot.version` is newer (no lost update, no torn doc). */
  saveSession(snapshot: SessionSnapshot): Promise<void>;
  /** Saves an ended snapshot and marks the session's messages for retention. */
  endSession(snapshot: SessionSnapshot): Promise<void>;
  getSession(id: string): Promise<SessionSnapshot | undefined>;
  /** Newest first (createdAt, then id), with an opaque cursor for the next page. */
  listSessions(filter: ListSessionsFilter): Promise<SessionPage>;
  /** Idempotent by (sessionId, clientMessageId) and by (sessionId, seq). */
  appendMessage(message: ChatMessage): Promise<AppendResult>;
  /**
   * Several messages in one round trip (MongoDB: one ordered insertMany), in order, each with the
   * idempotency of `appendMessage`: a duplicate key on a retry of this same write is success
   * (`duplicate: false`), a resend returns the stored message (`duplicate: true`), another message
   * at a taken seq rejects ERR_STORAGE_CONFLICT with the messages before it stored. A message found
   * stored at another seq (a resend of an earlier one) ends the batch: the messages after it are
   * not written and the results stop with it. Every message is validated before any is written.
   * Optional in this interface only so stores wrapping another one (written before it) still fit;
   * both stores of this package implement it (`BatchSessionStore`).
   */
  appendMessages?(messages: readonly ChatMessage[]): Promise<AppendResult[]>;
  /** A final status always applies; a partial flush is ignored once the message is final. */
  updateMessage(sessionId: string, seq: number, patch: MessagePatch): Promise<void>;
  /** Ascending seq. */
  getMessages(sessionId: string, options?: GetMessagesOptions): Promise<ChatMessage[]>;
  /** Crash recovery (R5): `streaming` messages with no heartbeat since `olderThan` become `interrupted`. */
  markStaleStreaming(olderThan: Date): Promise<number>;
  /** Deletes sessions ended before `olderThan` and their messages; returns the sessions deleted. */
  purgeEnded(olderThan: Date): Promise<number>;
  ping(): Promise<void>;
  /** Idempotent; every later call fails with ERR_STORAGE_CLOSED. */
  close(): Promise<void>;
}

export interface MeteredSessionStore extends SessionStore {
  readonly metrics: StorageMetrics;
  /** False for the in-memory store: its data dies with the process. */
  readonly durable: boolean;
}

/** A store with the batched append: what `createMongoStore` and `createMemoryStore` return. */
export interface BatchSessionStore extends MeteredSessionStore {
  appendMessages(messages: readonly ChatMessage[]): Promise<AppendResult[]>;
}

export { MAX_APPEND_BATCH } from './validation.js';
export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;
export const DEFAULT_MESSAGES_LIMIT = 1_000;
export const MAX_MESSAGES_LIMIT = 10_000;
/** errorCode given to a message the sweeper finds still `streaming` after its writer died. */
export const STALE_STREAM_ERROR_CODE = 'stream_stale';
