import { SessionError } from './errors.js';
import type { ResponseTimeHistogramOptions } from './histogram.js';
import {
  checkDraft,
  fromChatMessage,
  histogramOf,
  indexByClientMessageId,
} from './session-state.js';
import type { SessionState } from './session-state.js';
import type { ChatMessage, SessionSnapshot } from './types.js';

function bad(message: string): SessionError {
  return new SessionError('ERR_SESSION_INVALID_ARGUMENT', message);
}

function time(name: string, value: unknown): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw bad(`${name} must be a valid Date`);
  return value.getTime();
}

function counter(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw bad(`${name} must be a non-negative integer`);
  }
  return value;
}

function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    throw bad(`${name} must be a non-empty string`);
  return value;
}

function recentRecords(
  sessionId: string,
  recent: readonly ChatMessage[],
  max: number,
): ChatMessage[] {
  const untrusted: unknown = recent;
  if (!Array.isArray(untrusted)) throw bad('recent must be an array of messages');
  const bySeq = new Map<number, ChatMessage>();
  for (const message of recent) {
    checkDraft(message);
    if (message.sessionId !== sessionId) throw bad('a recent message belongs to another session');
    counter('message.seq', message.seq);
    if (message.seq === 0) throw bad('message.seq starts at 1');
    time('message.createdAt', message.createdAt);
    time('message.updatedAt', message.updatedAt);
    bySeq.set(message.seq, fromChatMessage(sessionId, message));
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-max);
}

function endTimeOf(snapshot: SessionSnapshot, updatedAtMs: number): number | undefined {
  if (snapshot.isActive) return undefined;
  // Finding 01: an inactive session always carries its end time.
  return snapshot.endTime === undefined ? updatedAtMs : time('snapshot.endTime', snapshot.endTime);
}

/**
 * Rebuilds the in-memory state of a stored session (resume after a restart or on another
 * instance). Seq numbers continue after the highest one seen, so none is ever reused (finding 04).
 */
export function stateFromSnapshot(
  snapshot: SessionSnapshot,
  recent: readonly ChatMessage[],
  maxHistoryMessages: number,
  nowMs: number,
  histogramOptions: ResponseTimeHistogramOptions,
): SessionState {
  if (snapshot === null || typeof snapshot !== 'object') throw bad('a snapshot must be an object');
  const id = nonEmpty('snapshot.id', snapshot.id);
  const userId = nonEmpty('snapshot.userId', snapshot.userId);
  if (typeof snapshot.isActive !== 'boolean') throw bad('snapshot.isActive must be a boolean');
  const updatedAtMs = time('snapshot.updatedAt', snapshot.updatedAt);
  const history = recentRecords(id, recent, maxHistoryMessages);
  const lastSeq = Math.max(counter('snapshot.lastSeq', snapshot.lastSeq), history.at(-1)?.seq ?? 0);
  const state: SessionState = {
    id,
    userId,
    isActive: snapshot.isActive,
    createdAtMs: time('snapshot.createdAt', snapshot.createdAt),
    updatedAtMs,
    endTimeMs: endTimeOf(snapshot, updatedAtMs),
    lastSeq,
    messageCount: Math.max(counter('snapshot.messageCount', snapshot.messageCount), lastSeq),
    totalInputTokens: counter('snapshot.totalInputTokens', snapshot.totalInputTokens),
    totalOutputTokens: counter('snapshot.totalOutputTokens', snapshot.totalOutputTokens),
    version: counter('snapshot.version', snapshot.version),
    lastActivityMs: nowMs,
    histogram: undefined,
    history,
    byClientMessageId: indexByClientMessageId(history),
    historyView: undefined,
  };
  const summary: unknown = snapshot.responseTimes;
  if (summary === null || typeof summary !== 'object')
    throw bad('snapshot.responseTimes must be an object');
  if (snapshot.responseTimes.count > 0)
    histogramOf(state, histogramOptions).absorbSummary(snapshot.responseTimes);
  return state;
}
