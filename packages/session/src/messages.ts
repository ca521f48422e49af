import { SessionError } from './errors.js';
import { checkDraft, checkPatch, checkUsage } from './session-state.js';
import type { MessageDraft, MessagePatch, MessageRecord, SessionState } from './session-state.js';
import type { Usage } from './types.js';

export function findRecord(
  state: SessionState,
  clientMessageId: string,
): MessageRecord | undefined {
  return state.history.findLast((record) => record.clientMessageId === clientMessageId);
}

function addUsage(state: SessionState, usage: Usage | undefined, sign: 1 | -1): void {
  if (usage === undefined) return;
  state.totalInputTokens += sign * usage.inputTokens;
  state.totalOutputTokens += sign * usage.outputTokens;
}

/** Finding 04: the next seq is taken and used in one synchronous step, so it is gap-free. */
export function appendRecord(
  state: SessionState,
  draft: MessageDraft,
  now: number,
  maxHistory: number,
): MessageRecord {
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
  const record: MessageRecord = {
    seq: state.lastSeq + 1,
    role: draft.role,
    content: draft.content,
    status: draft.status,
    clientMessageId,
    createdAtMs: now,
    updatedAtMs: now,
    usage,
    stopReason: draft.stopReason,
    errorCode: draft.errorCode,
  };
  state.history.push(record);
  if (state.history.length > maxHistory) state.history.shift();
  state.lastSeq = record.seq;
  state.messageCount += 1;
  addUsage(state, usage, 1);
  return record;
}

export function updateRecord(
  state: SessionState,
  seq: number,
  patch: MessagePatch,
  now: number,
): MessageRecord {
  checkPatch(patch);
  const record = state.history.findLast((candidate) => candidate.seq === seq);
  if (record === undefined) {
    throw new SessionError('ERR_SESSION_MESSAGE_NOT_FOUND', `message ${String(seq)} is not held`);
  }
  // R5: a message leaves `streaming` once; a late flush cannot overwrite its final state.
  if (record.status !== 'streaming') {
    throw new SessionError(
      'ERR_SESSION_MESSAGE_FINAL',
      `message ${String(seq)} is already ${record.status}`,
    );
  }
  const usage = patch.usage === undefined ? undefined : checkUsage(patch.usage);
  if (patch.content !== undefined) record.content = patch.content;
  if (patch.status !== undefined) record.status = patch.status;
  if (patch.stopReason !== undefined) record.stopReason = patch.stopReason;
  if (patch.errorCode !== undefined) record.errorCode = patch.errorCode;
  if (usage !== undefined) {
    addUsage(state, record.usage, -1);
    addUsage(state, usage, 1);
    record.usage = usage;
  }
  record.updatedAtMs = now;
  return record;
}
