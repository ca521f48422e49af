// The session model shared by every layer. Storage serialises only `SessionSnapshot`s
// (finding 10), never the live mutable session.

export type MessageRole = 'user' | 'assistant';

/** R5: an assistant message is `streaming` until it ends in one of the other states. */
export type MessageStatus = 'streaming' | 'complete' | 'interrupted' | 'cancelled' | 'error';

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** One message of a conversation, as the router produces it and storage keeps it. */
export interface ChatMessage {
  readonly sessionId: string;
  /** Gap-free, strictly increasing per session, starting at 1 (finding 04). */
  readonly seq: number;
  readonly role: MessageRole;
  readonly content: string;
  readonly status: MessageStatus;
  /** Idempotency key of a user message (R4). */
  readonly clientMessageId?: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly usage?: Usage;
  readonly stopReason?: string;
  /** Machine-readable code when status is `error` or `interrupted`. */
  readonly errorCode?: string;
}

/** Bounded response-time statistics (finding 12). */
export interface ResponseTimeSummary {
  readonly count: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

/** An immutable (deeply frozen) copy of a session's state at one moment. */
export interface SessionSnapshot {
  readonly id: string;
  readonly userId: string;
  readonly isActive: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Set when the session ends (finding 01). */
  readonly endTime?: Date;
  /** The seq of the last message appended; 0 before any. */
  readonly lastSeq: number;
  readonly messageCount: number;
  readonly totalInputTokens: number;
  readonly totalOutputTokens: number;
  readonly responseTimes: ResponseTimeSummary;
  /** Snapshots of one session are totally ordered by `version` (incremented on every mutation). */
  readonly version: number;
}
