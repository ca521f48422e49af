import type { LlmErrorCode, LlmProvider } from '@chatbox/llm';
import type { InboundFrame, WireErrorCode } from '@chatbox/message';
import type {
  ChatMessage,
  MessageStatus,
  SessionManager,
  SessionSnapshot,
  Usage,
} from '@chatbox/session';
import type { Logger } from 'pino';

/** One authenticated socket, implemented by the websocket layer. */
export interface Connection {
  /** Unique per socket (randomUUID). */
  readonly id: string;
  /** The token's `sub`. */
  readonly userId: string;
  readonly roles: readonly string[];
  /**
   * A serialised outbound frame. False when the socket is closed or over its send-buffer bound
   * (the websocket layer then closes 1013 and calls `router.detach`).
   */
  send(frame: string): boolean;
  close(code: number, reason: string): void;
}

/** Application close codes shared by the router and the websocket layer. */
export const CLOSE_CODES = {
  replaced: 4000,
  tokenExpired: 4001,
  sessionEnded: 4002,
  policy: 1008,
  tooBig: 1009,
  tryAgainLater: 1013,
  goingAway: 1001,
  serviceRestart: 1012,
} as const;

export interface RouterStats {
  connections: number;
  sessionsBound: number;
  generations: number;
}

export interface MessageRouter {
  /** After a successful authenticated upgrade. */
  attach(conn: Connection): void;
  /**
   * Never throws: failures become `error` frames sent to `conn`. Resolves once the frame is answered
   * (for `send`: after the `ack`); the reply streams on in the background, tracked by `idle()`.
   */
  handle(conn: Connection, frame: InboundFrame): Promise<void>;
  /** Socket closed: unregister; abort its running generation (R9), partial stored 'interrupted'. */
  detach(conn: Connection): void;
  /** The session this connection is bound to now (finding 04: changes atomically with the registry). */
  sessionOf(conn: Connection): string | undefined;
  /** Aborts the generation ('cancelled'), ends the session in memory and storage, closes 4002. */
  endSession(sessionId: string, options?: { reason?: string }): Promise<boolean>;
  /** From now on `send` frames get error{code:'server_draining', retryable:true}. */
  drain(): void;
  /** Shutdown: aborts every generation, stores partials 'interrupted'; resolves when all are stored. */
  abortAll(): Promise<void>;
  /** True when no generation is running, false on timeout. */
  idle(timeoutMs: number): Promise<boolean>;
  stats(): RouterStats;
  /** Idempotent: drain + abortAll + clear the registry. */
  close(): Promise<void>;
}

/** Options of `releaseSession`. */
export interface ReleaseSessionOptions {
  /** Logged with the release. */
  readonly reason?: string;
  /**
   * The `boundAt` the other instance reported with its binding: a local binding made at or after
   * it is newer than the notice (the client came back here meanwhile) and is kept.
   */
  readonly boundBefore?: number;
}

/** What `onSessionBound` reports besides the session id. */
export interface SessionBinding {
  readonly connectionId: string;
  /** The router clock when the binding was made. */
  readonly boundAt: number;
}

/**
 * A client's `cancel` or `end_session` whose target may live on another instance (issue 11). The
 * frame's ownership was checked; the server publishes it and the other instances call
 * `cancelGeneration` / `endSession`.
 */
export type ClientControl =
  | { readonly type: 'cancel'; readonly sessionId: string }
  | { readonly type: 'end_session'; readonly sessionId: string };

/**
 * The router with the controls another instance needs (issue 11: several instances share the
 * store, no sticky sessions). `createMessageRouter` returns one; `MessageRouter` stays the contract
 * with `@chatbox/websocket`.
 */
export interface ClusterMessageRouter extends MessageRouter {
  /**
   * Another instance now holds the client's connection for this session: closes the connection
   * bound here (4000 'replaced') and unbinds it. A running generation is NOT aborted: it streams on
   * into storage, where the other instance follows it. The session is dropped from this instance's
   * memory once no generation of it runs here, so a later return reloads it from storage. True when
   * a connection was released.
   */
  releaseSession(sessionId: string, options?: ReleaseSessionOptions): boolean;
  /** Aborts this instance's generation of the session (stored 'cancelled', as the `cancel` frame). */
  cancelGeneration(sessionId: string): boolean;
  /**
   * R5 crash recovery: streaming messages whose heartbeat is older than `now -
   * staleStreamingAfterMs` become 'interrupted'. Generations running here are heartbeaten first and
   * never marked. Resolves the number marked; 0 after `close()`.
   */
  sweepStale(now?: number): Promise<number>;
}

/**
 * The part of `@chatbox/storage`'s SessionStore the router uses, declared here so the router does
 * not depend on storage (storage satisfies it structurally).
 */
export interface RouterStore {
  createSession(snapshot: SessionSnapshot): Promise<void>;
  saveSession(snapshot: SessionSnapshot): Promise<void>;
  endSession(snapshot: SessionSnapshot): Promise<void>;
  getSession(id: string): Promise<SessionSnapshot | undefined>;
  /** Idempotent by (sessionId, clientMessageId): a resend returns the stored message. */
  appendMessage(
    message: ChatMessage,
  ): Promise<{ readonly message: ChatMessage; readonly duplicate: boolean }>;
  /**
   * Optional batched append (storage's `appendMessages`: one round trip, MongoDB one ordered
   * insertMany), each message with `appendMessage`'s idempotency; a message found stored at
   * another seq (a resend) ends the batch and the results. Without it a turn makes two appends.
   */
  appendMessages?(
    messages: readonly ChatMessage[],
  ): Promise<readonly { readonly message: ChatMessage; readonly duplicate: boolean }[]>;
  /** Ascending seq. */
  getMessages(
    sessionId: string,
    options?: { readonly afterSeq?: number; readonly limit?: number },
  ): Promise<readonly ChatMessage[]>;
  /** The router only refreshes a streaming message's heartbeat; a final message ignores it. */
  updateMessage(
    sessionId: string,
    seq: number,
    patch: { readonly heartbeatAt: Date },
  ): Promise<void>;
  /**
   * `streaming` messages with no heartbeat since `olderThan` become `interrupted`. Optional so
   * store views written before it still fit; `sweepStale` needs it.
   */
  markStaleStreaming?(olderThan: Date): Promise<number>;
}

export type FinalStatus = Exclude<MessageStatus, 'streaming'>;

export interface StreamFinal {
  readonly status: FinalStatus;
  readonly usage?: Usage;
  readonly stopReason?: string;
  readonly errorCode?: string;
}

/** Write-behind for one streaming assistant message (R5). */
export interface RouterStreamWriter {
  append(text: string): void;
  finish(final: StreamFinal): Promise<void>;
}

export type OpenStreamWriter = (sessionId: string, seq: number) => RouterStreamWriter;

export interface MessageRateLimiter {
  consume(key: string): Promise<{ readonly allowed: boolean; readonly retryAfterMs: number }>;
}

export interface GenerationLimiter {
  acquire(
    key: string,
  ): Promise<{ readonly ok: true; release(): Promise<void> } | { readonly ok: false }>;
}

export type RouterEvent =
  | { readonly type: 'generation_started'; readonly sessionId: string }
  | { readonly type: 'first_token'; readonly ms: number }
  | { readonly type: 'generation_finished'; readonly ms: number; readonly status: FinalStatus }
  | { readonly type: 'llm_error'; readonly code: LlmErrorCode }
  | { readonly type: 'storage_error'; readonly code: string }
  | { readonly type: 'refused'; readonly reason: WireErrorCode };

export interface RouterTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface MessageRouterOptions {
  readonly sessions: SessionManager;
  readonly store: RouterStore;
  readonly llm: LlmProvider;
  readonly openStreamWriter: OpenStreamWriter;
  /** Per user messages per window (S8). */
  readonly messageLimiter?: MessageRateLimiter;
  /** Per user concurrent generations (S8). */
  readonly generationLimiter?: GenerationLimiter;
  /** Longest user message, in UTF-16 code units (S8). */
  readonly maxInputChars: number;
  /** `max_tokens` asked of the model (S8). */
  readonly maxTokens: number;
  readonly system?: string;
  /** Budget of the model context (system + history); oldest messages are left out first. */
  readonly maxContextChars?: number;
  /** Messages in one `replay` frame at most; the client resumes again from its `lastSeq`. */
  readonly maxReplayMessages?: number;
  /** Recent messages loaded with a session restored from storage. */
  readonly restoreMessages?: number;
  readonly logger?: Logger;
  /** Milliseconds since the epoch. */
  readonly clock?: () => number;
  readonly timers?: RouterTimers;
  /** Correlation ids (1-128 of [A-Za-z0-9._:-]). */
  readonly newId?: () => string;
  /** Metrics hook; a throwing hook is logged and ignored. */
  readonly onEvent?: (event: RouterEvent) => void;
  /**
   * Issue 11: a connection was bound to the session here (new session, resume, replacement). The
   * server publishes it; the other instances call `releaseSession(id, { boundBefore: boundAt })`.
   * A throwing hook is logged and ignored.
   */
  readonly onSessionBound?: (sessionId: string, binding: SessionBinding) => void;
  /** Issue 11: a client's cancel / end_session to publish to the other instances. */
  readonly onClientControl?: (control: ClientControl) => void;
  /** A streaming message's heartbeat is refreshed at least this often, tokens or not. */
  readonly heartbeatIntervalMs?: number;
  /** `sweepStale` marks a streaming message whose heartbeat is older; at least 2 heartbeats. */
  readonly staleStreamingAfterMs?: number;
  /** How often a reply streaming on another instance is read from storage for a resumed client. */
  readonly followIntervalMs?: number;
  /** A followed reply still streaming after this long is reported `upstream_interrupted`. */
  readonly followTimeoutMs?: number;
  /**
   * Frame coalescing (issue 10): after a reply's first chunk (sent at once), chunks are held back
   * and sent as one delta frame at most this many milliseconds after the first of them. 0 sends
   * every chunk as its own frame. Default `DEFAULT_COALESCE_MS` (25).
   */
  readonly coalesceMs?: number;
  /** Held-back text of this many characters is sent at once. Default `DEFAULT_COALESCE_MAX_CHARS`. */
  readonly coalesceMaxChars?: number;
}
