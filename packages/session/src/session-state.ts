import { SessionError } from './errors.js';
import { EMPTY_RESPONSE_TIME_SUMMARY, createResponseTimeHistogram } from './histogram.js';
import type { ResponseTimeHistogram, ResponseTimeHistogramOptions } from './histogram.js';
import { sharedDate } from './shared-date.js';
import type { ChatMessage, MessageRole, MessageStatus, SessionSnapshot, Usage } from './types.js';

/** What `appendMessage` takes; the manager assigns `sessionId`, `seq` and the timestamps. */
export interface MessageDraft {
  readonly role: MessageRole;
  readonly content: string;
  readonly status: MessageStatus;
  readonly clientMessageId?: string;
  readonly usage?: Usage;
  readonly stopReason?: string;
  readonly errorCode?: string;
}

export type MessagePatch = Partial<
  Pick<ChatMessage, 'content' | 'status' | 'usage' | 'stopReason' | 'errorCode'>
>;

/**
 * What a held message is built from. The held message itself is the frozen `ChatMessage`
 * handed to every caller (finding 10 for messages: nothing a caller holds can change); a change
 * replaces it, so reads (`history`, `findByClientMessageId`) copy nothing.
 */
export interface MessageFields {
  readonly seq: number;
  readonly role: MessageRole;
  readonly content: string;
  readonly status: MessageStatus;
  readonly clientMessageId: string | undefined;
  /** A `sharedDate`: it is handed out with the message. */
  readonly createdAt: Date;
  readonly updatedAtMs: number;
  readonly usage: Usage | undefined;
  readonly stopReason: string | undefined;
  readonly errorCode: string | undefined;
}

export interface SessionState {
  readonly id: string;
  readonly userId: string;
  isActive: boolean;
  readonly createdAtMs: number;
  updatedAtMs: number;
  endTimeMs: number | undefined;
  lastSeq: number;
  messageCount: number;
  totalInputTokens: number;
  totalOutputTokens: number;
  version: number;
  lastActivityMs: number;
  /** Allocated on the first recording: sessions without replies cost no buckets. */
  histogram: ResponseTimeHistogram | undefined;
  /** The last `maxHistoryMessages` messages, in seq order, each frozen once. */
  readonly history: ChatMessage[];
  /**
   * R4 index of `history`: clientMessageId → the newest held message carrying it, kept in step
   * with `history` (a message leaves both when it is evicted), so it is bounded by it. Allocated
   * on the first keyed message: sessions without one cost no Map.
   */
  byClientMessageId: Map<string, ChatMessage> | undefined;
  /** The frozen `history()` answer, built on the first read after a change of `history`. */
  historyView: readonly ChatMessage[] | undefined;
}

const ROLES: ReadonlySet<string> = new Set<MessageRole>(['user', 'assistant']);
const STATUSES: ReadonlySet<string> = new Set<MessageStatus>([
  'streaming',
  'complete',
  'interrupted',
  'cancelled',
  'error',
]);

function bad(message: string): SessionError {
  return new SessionError('ERR_SESSION_INVALID_ARGUMENT', message);
}

function checkOptionalString(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'string') throw bad(`${name} must be a string`);
}

export function checkUsage(usage: unknown): Usage | undefined {
  if (usage === undefined) return undefined;
  const valid = (n: unknown): n is number =>
    typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  const { inputTokens, outputTokens } = (usage ?? {}) as Record<string, unknown>;
  if (typeof usage !== 'object' || !valid(inputTokens) || !valid(outputTokens)) {
    throw bad('usage must hold non-negative integer token counts');
  }
  return Object.freeze({ inputTokens, outputTokens });
}

export function checkStatus(status: unknown): MessageStatus {
  if (typeof status !== 'string' || !STATUSES.has(status)) throw bad('unknown message status');
  return status as MessageStatus;
}

export function checkDraft(draft: MessageDraft): void {
  if (draft === null || typeof draft !== 'object') throw bad('a message draft must be an object');
  if (typeof draft.role !== 'string' || !ROLES.has(draft.role)) throw bad('unknown message role');
  if (typeof draft.content !== 'string') throw bad('content must be a string');
  checkStatus(draft.status);
  checkOptionalString('clientMessageId', draft.clientMessageId);
  checkOptionalString('stopReason', draft.stopReason);
  checkOptionalString('errorCode', draft.errorCode);
}

export function checkPatch(patch: MessagePatch): void {
  if (patch === null || typeof patch !== 'object') throw bad('a message patch must be an object');
  checkOptionalString('content', patch.content);
  if (patch.status !== undefined) checkStatus(patch.status);
  checkOptionalString('stopReason', patch.stopReason);
  checkOptionalString('errorCode', patch.errorCode);
}

export function newState(id: string, userId: string, nowMs: number): SessionState {
  return {
    id,
    userId,
    isActive: true,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    endTimeMs: undefined,
    lastSeq: 0,
    messageCount: 0,
    totalInputTokens: 0,
    totalOutputTokens: 0,
    version: 1,
    lastActivityMs: nowMs,
    histogram: undefined,
    history: [],
    byClientMessageId: undefined,
    historyView: undefined,
  };
}

export function histogramOf(
  state: SessionState,
  options: ResponseTimeHistogramOptions,
): ResponseTimeHistogram {
  state.histogram ??= createResponseTimeHistogram(options);
  return state.histogram;
}

function frozenDate(ms: number): Date {
  return Object.freeze(new Date(ms));
}

/** Finding 10: a fresh, deeply frozen copy; storage serialises only this. */
export function toSnapshot(state: SessionState): SessionSnapshot {
  const snapshot: SessionSnapshot = {
    id: state.id,
    userId: state.userId,
    isActive: state.isActive,
    createdAt: frozenDate(state.createdAtMs),
    updatedAt: frozenDate(state.updatedAtMs),
    ...(state.endTimeMs === undefined ? {} : { endTime: frozenDate(state.endTimeMs) }),
    lastSeq: state.lastSeq,
    messageCount: state.messageCount,
    totalInputTokens: state.totalInputTokens,
    totalOutputTokens: state.totalOutputTokens,
    responseTimes: state.histogram?.summary() ?? EMPTY_RESPONSE_TIME_SUMMARY,
    version: state.version,
  };
  return Object.freeze(snapshot);
}

/** A frozen message; its Dates are `sharedDate`s, so no caller can change what another sees. */
export function freezeMessage(sessionId: string, fields: MessageFields): ChatMessage {
  const { createdAt, updatedAtMs } = fields;
  const message: ChatMessage = {
    sessionId,
    seq: fields.seq,
    role: fields.role,
    content: fields.content,
    status: fields.status,
    ...(fields.clientMessageId === undefined ? {} : { clientMessageId: fields.clientMessageId }),
    createdAt,
    // Both are immutable, so an unchanged time needs no second Date.
    updatedAt: updatedAtMs === createdAt.getTime() ? createdAt : sharedDate(updatedAtMs),
    ...(fields.usage === undefined ? {} : { usage: fields.usage }),
    ...(fields.stopReason === undefined ? {} : { stopReason: fields.stopReason }),
    ...(fields.errorCode === undefined ? {} : { errorCode: fields.errorCode }),
  };
  return Object.freeze(message);
}

/** The router reads this every turn: one frozen array per change of the history, not per read. */
export function historyOf(state: SessionState): readonly ChatMessage[] {
  state.historyView ??= Object.freeze(state.history.slice());
  return state.historyView;
}

/** Indexes held messages by clientMessageId; the newest wins, as a scan from the end would. */
export function indexByClientMessageId(
  history: readonly ChatMessage[],
): Map<string, ChatMessage> | undefined {
  let index: Map<string, ChatMessage> | undefined;
  for (const message of history) {
    if (message.clientMessageId === undefined) continue;
    index ??= new Map();
    index.set(message.clientMessageId, message);
  }
  return index;
}

/** A stored message as a held one: checked fields, own frozen copies of its Dates and usage. */
export function fromChatMessage(sessionId: string, message: ChatMessage): ChatMessage {
  return freezeMessage(sessionId, {
    seq: message.seq,
    role: message.role,
    content: message.content,
    status: message.status,
    clientMessageId: message.clientMessageId,
    createdAt: sharedDate(message.createdAt.getTime()),
    updatedAtMs: message.updatedAt.getTime(),
    usage: checkUsage(message.usage),
    stopReason: message.stopReason,
    errorCode: message.errorCode,
  });
}
