import { SessionError } from './errors.js';
import { EMPTY_RESPONSE_TIME_SUMMARY, createResponseTimeHistogram } from './histogram.js';
import type { ResponseTimeHistogram, ResponseTimeHistogramOptions } from './histogram.js';
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

/** Internal, mutable; times are epoch milliseconds so no Date is ever shared with a caller. */
export interface MessageRecord {
  readonly seq: number;
  readonly role: MessageRole;
  content: string;
  status: MessageStatus;
  readonly clientMessageId: string | undefined;
  readonly createdAtMs: number;
  updatedAtMs: number;
  usage: Usage | undefined;
  stopReason: string | undefined;
  errorCode: string | undefined;
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
  /** The last `maxHistoryMessages` messages, in seq order. */
  readonly history: MessageRecord[];
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

export function toChatMessage(sessionId: string, record: MessageRecord): ChatMessage {
  const message: ChatMessage = {
    sessionId,
    seq: record.seq,
    role: record.role,
    content: record.content,
    status: record.status,
    ...(record.clientMessageId === undefined ? {} : { clientMessageId: record.clientMessageId }),
    createdAt: frozenDate(record.createdAtMs),
    updatedAt: frozenDate(record.updatedAtMs),
    ...(record.usage === undefined ? {} : { usage: record.usage }),
    ...(record.stopReason === undefined ? {} : { stopReason: record.stopReason }),
    ...(record.errorCode === undefined ? {} : { errorCode: record.errorCode }),
  };
  return Object.freeze(message);
}

export function fromChatMessage(message: ChatMessage): MessageRecord {
  return {
    seq: message.seq,
    role: message.role,
    content: message.content,
    status: message.status,
    clientMessageId: message.clientMessageId,
    createdAtMs: message.createdAt.getTime(),
    updatedAtMs: message.updatedAt.getTime(),
    usage: checkUsage(message.usage),
    stopReason: message.stopReason,
    errorCode: message.errorCode,
  };
}
