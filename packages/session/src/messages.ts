import { SessionError } from './errors.js';
import { sharedDate } from './shared-date.js';
import { checkDraft, checkPatch, checkUsage, freezeMessage } from './session-state.js';
import type { MessageDraft, MessagePatch, SessionState } from './session-state.js';
import type { ChatMessage, Usage } from './types.js';

export function findRecord(state: SessionState, clientMessageId: string): ChatMessage | undefined {
  // R4: the router looks a key up twice per send; the index makes that O(1) at any history size.
  return state.byClientMessageId?.get(clientMessageId);
}

function addUsage(state: SessionState, usage: Usage | undefined, sign: 1 | -1): void {
  if (usage === undefined) return;
  state.totalInputTokens += sign * usage.inputTokens;
  state.totalOutputTokens += sign * usage.outputTokens;
}

/** Drops the oldest held message, and its index entry unless a newer message owns the key. */
function evictOldest(state: SessionState): void {
  const evicted = state.history.shift();
  const key = evicted?.clientMessageId;
  if (key !== undefined && state.byClientMessageId?.get(key) === evicted) {
    state.byClientMessageId?.delete(key);
  }
}

/** Finding 04: the next seq is taken and used in one synchronous step, so it is gap-free. */
export function appendRecord(
  state: SessionState,
  draft: MessageDraft,
  now: number,
  maxHistory: number,
): ChatMessage {
  checkDraft(draft);
  const usage = checkUsage(draft.usage);
  const clientMessageId = draft.clientMessageId;
  // R4: a resend must be answered from the held message, never appended twice.
  if (clientMessageId !== undefined && findRecord(state, clientMessageId) !== undefined) {
    throw new SessionError(
      'ERR_SESSION_DUPLICATE_MESSAGE',
      'a message with this clientMessageId is held',
    );
  }
  const message = freezeMessage(state.id, {
    seq: state.lastSeq + 1,
    role: draft.role,
    content: draft.content,
    status: draft.status,
    clientMessageId,
    createdAt: sharedDate(now),
    updatedAtMs: now,
    usage,
    stopReason: draft.stopReason,
    errorCode: draft.errorCode,
  });
  state.history.push(message);
  if (clientMessageId !== undefined) {
    state.byClientMessageId ??= new Map();
    state.byClientMessageId.set(clientMessageId, message);
  }
  while (state.history.length > maxHistory) evictOldest(state);
  state.historyView = undefined;
  state.lastSeq = message.seq;
  state.messageCount += 1;
  addUsage(state, usage, 1);
  return message;
}

export function updateRecord(
  state: SessionState,
  seq: number,
  patch: MessagePatch,
  now: number,
): ChatMessage {
  checkPatch(patch);
  const at = state.history.findLastIndex((candidate) => candidate.seq === seq);
  const held = state.history[at];
  if (held === undefined) {
    throw new SessionError('ERR_SESSION_MESSAGE_NOT_FOUND', `message ${String(seq)} is not held`);
  }
  // R5: a message leaves `streaming` once; a late flush cannot overwrite its final state.
  if (held.status !== 'streaming') {
    throw new SessionError(
      'ERR_SESSION_MESSAGE_FINAL',
      `message ${String(seq)} is already ${held.status}`,
    );
  }
  const usage = patch.usage === undefined ? held.usage : checkUsage(patch.usage);
  // A new frozen message replaces the held one: callers holding the old one keep it unchanged.
  const message = freezeMessage(state.id, {
    seq: held.seq,
    role: held.role,
    content: patch.content ?? held.content,
    status: patch.status ?? held.status,
    clientMessageId: held.clientMessageId,
    createdAt: held.createdAt,
    updatedAtMs: now,
    usage,
    stopReason: patch.stopReason ?? held.stopReason,
    errorCode: patch.errorCode ?? held.errorCode,
  });
  if (usage !== held.usage) {
    addUsage(state, held.usage, -1);
    addUsage(state, usage, 1);
  }
  state.history[at] = message;
  const key = message.clientMessageId;
  if (key !== undefined && state.byClientMessageId?.get(key) === held) {
    state.byClientMessageId.set(key, message);
  }
  state.historyView = undefined;
  return message;
}
