import type { MessageDraft, MessagePatch } from './session-state.js';
import type { ChatMessage, SessionSnapshot } from './types.js';

export interface SweepResult {
  /** Ended sessions removed from memory (past retention, or over `maxEndedRetained`). */
  readonly evicted: number;
  /** Active sessions ended for idleness. */
  readonly idleEnded: number;
}

/** Gauges and counters for the metrics endpoint. */
export interface SessionManagerStats {
  readonly active: number;
  readonly endedRetained: number;
  /** `runExclusive` operations queued or running, over all sessions. */
  readonly queued: number;
  readonly evictedTotal: number;
  readonly idleEndedTotal: number;
}

/**
 * In-memory session state. Every mutation is synchronous, so it is atomic in JavaScript; a flow
 * that awaits between a read and a write (store-then-ack) runs inside `runExclusive`.
 * Snapshots are fresh, deeply frozen copies. Messages are frozen once per change and the same
 * object is handed to every caller (their Dates refuse their setters), so nothing a caller holds
 * can change, and `history()` returns one frozen array until the next message change.
 */
export interface SessionManager {
  /** Creates an active session; its id is the one every layer uses (finding 02). */
  create(userId: string): SessionSnapshot;
  /** Loads a stored session; returns the held one unchanged when the id is already in memory. */
  restore(snapshot: SessionSnapshot, recent?: readonly ChatMessage[]): SessionSnapshot;
  /** Rolls back a create whose storage write failed: no session and no user mapping remain. */
  remove(id: string): boolean;
  get(id: string): SessionSnapshot | undefined;
  /** Like `get`, but throws ERR_SESSION_NOT_FOUND. */
  snapshot(id: string): SessionSnapshot;
  /** Throws ERR_SESSION_NOT_FOUND, or ERR_SESSION_NOT_OWNED when the session is another user's. */
  getOwned(id: string, userId: string): SessionSnapshot;
  has(id: string): boolean;
  activeSessionsOf(userId: string): readonly string[];
  /** Ends the session (idempotent): isActive=false, endTime set, user mapping removed (finding 01). */
  end(id: string): SessionSnapshot;
  /** Assigns the next seq (gap-free from 1); throws ERR_SESSION_ENDED after `end`. */
  appendMessage(id: string, draft: MessageDraft): ChatMessage;
  /** Changes a `streaming` message (also after `end`, to finalise it); other statuses are final. */
  updateMessage(id: string, seq: number, patch: MessagePatch): ChatMessage;
  /** R4: the retained message carrying this idempotency key. */
  findByClientMessageId(id: string, clientMessageId: string): ChatMessage | undefined;
  /** The last `maxHistoryMessages` messages in seq order, as model context (cached, frozen). */
  history(id: string): readonly ChatMessage[];
  recordResponseTime(id: string, ms: number): void;
  /** Marks activity, postponing idle expiry; does not change the snapshot. */
  touch(id: string): void;
  /** Finding 04: per-session FIFO queue for async multi-step flows; a throwing fn does not break it. */
  runExclusive<T>(id: string, fn: () => Promise<T>): Promise<T>;
  sweep(): SweepResult;
  stats(): SessionManagerStats;
  /** Stops the sweeper; idempotent. The manager stays usable. */
  close(): void;
}
