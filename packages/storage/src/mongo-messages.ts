import type { ChatMessage } from '@chatbox/session';
import type { Collection, Filter } from 'mongodb';
import type { MessageDocument } from './documents.js';
import { fromMessageDocument, messageDocumentId, toMessageDocument } from './documents.js';
import { StorageError } from './errors.js';
import type { KeyedSerializer } from './keyed-serializer.js';
import type { OperationRunner } from './mongo-runner.js';
import type { AppendResult } from './store.js';
import { isDuplicateKeyError } from './transient.js';
import type { MessagePatch } from './validation.js';
import {
  assertSeq,
  assertSessionId,
  isFinalPatch,
  validateBatch,
  validateMessage,
  validatePatch,
} from './validation.js';

/** What the message writes of the MongoDB store need from it. */
export interface MessageWriteContext {
  readonly runner: OperationRunner;
  readonly messages: Collection<MessageDocument>;
  readonly writes: KeyedSerializer;
  readonly clock: () => number;
}

export async function appendMessage(
  ctx: MessageWriteContext,
  message: ChatMessage,
): Promise<AppendResult> {
  validateMessage(message);
  const doc = toMessageDocument(message);
  let collidedOnAttempt = 0;
  const inserted = await ctx.runner.run('appendMessage', async (attempt) => {
    try {
      await ctx.messages.insertOne({ ...doc });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      collidedOnAttempt = attempt;
      return false;
    }
  });
  if (inserted) return { message: fromMessageDocument(doc), duplicate: false };
  return resolveDuplicate(ctx, doc, collidedOnAttempt);
}

/** The index of an ordered insertMany's first write error when it is a duplicate key, else undefined. */
function duplicateIndexOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const raw = (error as { writeErrors?: unknown }).writeErrors;
  const first: unknown = Array.isArray(raw) ? raw[0] : raw;
  if (typeof first !== 'object' || first === null) return undefined;
  const index = (first as { index?: unknown }).index;
  return typeof index === 'number' && isDuplicateKeyError(first) ? index : undefined;
}

/**
 * One ordered insertMany for the whole batch. The server stops at the first duplicate key; the
 * documents before it landed, that one is resolved like a single append's duplicate, and the rest
 * are inserted by the next round. A batch whose insert had to be retried may have landed in part
 * earlier: from then on its duplicates are checked as this write's own earlier attempt. A message
 * found stored at another seq (a resend of an earlier message) ends the batch.
 */
export async function appendMessages(
  ctx: MessageWriteContext,
  messages: readonly ChatMessage[],
): Promise<AppendResult[]> {
  validateBatch(messages);
  const docs = messages.map((m) => toMessageDocument(m));
  const results: AppendResult[] = [];
  let retried = false;
  for (let next = 0; next < docs.length;) {
    const batch = docs.slice(next);
    const round = await ctx.runner.run('appendMessages', async (attempt) => {
      try {
        await ctx.messages.insertMany(
          batch.map((d) => ({ ...d })),
          { ordered: true },
        );
        return { attempt, collided: undefined };
      } catch (error) {
        const collided = duplicateIndexOf(error);
        if (collided === undefined) throw error;
        return { attempt, collided };
      }
    });
    retried ||= round.attempt > 1;
    const landed = round.collided ?? batch.length;
    for (const doc of batch.slice(0, landed))
      results.push({ message: fromMessageDocument(doc), duplicate: false });
    if (round.collided === undefined) break;
    const doc = batch[round.collided] as MessageDocument;
    const resolved = await resolveDuplicate(ctx, doc, retried ? 2 : 1);
    results.push(resolved);
    if (resolved.message.seq !== doc.seq) break;
    next += round.collided + 1;
  }
  return results;
}

// Finding 09: a duplicate key on a retry of this very write means an earlier attempt landed (its
// reply was lost): success, not a duplicate. A resend, or a seq taken by another message, is not.
async function resolveDuplicate(
  ctx: MessageWriteContext,
  doc: MessageDocument,
  attempt: number,
): Promise<AppendResult> {
  const stored = await ctx.runner.run('appendMessage.resolve', (_attempt, signal) =>
    ctx.messages
      .find(
        { sessionId: doc.sessionId, $or: [{ idemKey: doc.idemKey }, { _id: doc._id }] },
        { signal },
      )
      .toArray(),
  );
  const byKey = stored.find((d) => d.idemKey === doc.idemKey);
  const match =
    byKey ??
    stored.find(
      (d) => d._id === doc._id && d.role === doc.role && d.clientMessageId === doc.clientMessageId,
    );
  if (match === undefined) {
    throw new StorageError(
      'ERR_STORAGE_CONFLICT',
      `seq ${doc.seq} of session ${doc.sessionId} holds another message`,
    );
  }
  const ownEarlierAttempt =
    attempt > 1 &&
    match._id === doc._id &&
    match.createdAt.getTime() === doc.createdAt.getTime() &&
    match.role === doc.role;
  return { message: fromMessageDocument(match), duplicate: !ownEarlierAttempt };
}

function setOf(patch: MessagePatch, now: Date): Partial<MessageDocument> {
  const set: Partial<MessageDocument> = { updatedAt: now, heartbeatAt: patch.heartbeatAt ?? now };
  if (patch.content !== undefined) set.content = patch.content;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.usage !== undefined)
    set.usage = { inputTokens: patch.usage.inputTokens, outputTokens: patch.usage.outputTokens };
  if (patch.stopReason !== undefined) set.stopReason = patch.stopReason;
  if (patch.errorCode !== undefined) set.errorCode = patch.errorCode;
  return set;
}

export async function updateMessage(
  ctx: MessageWriteContext,
  sessionId: string,
  seq: number,
  patch: MessagePatch,
): Promise<void> {
  assertSessionId(sessionId);
  assertSeq(seq);
  validatePatch(patch);
  const set = setOf(patch, new Date(ctx.clock()));
  const _id = messageDocumentId(sessionId, seq);
  // A late partial flush must not reopen or overwrite a message that already reached a final state.
  const filter: Filter<MessageDocument> = isFinalPatch(patch)
    ? { _id }
    : { _id, status: 'streaming' };
  // Serialised per message: on FerretDB v1 the status guard is not atomic (see mongo-store.ts).
  const result = await ctx.writes.run(_id, () =>
    ctx.runner.run('updateMessage', () => ctx.messages.updateOne(filter, { $set: set })),
  );
  if (result.matchedCount > 0) return;
  if (!isFinalPatch(patch)) {
    const exists = await ctx.runner.run('updateMessage.exists', (_attempt, signal) =>
      ctx.messages.findOne({ _id }, { projection: { _id: 1 }, signal }),
    );
    if (exists !== null) return;
  }
  throw new StorageError(
    'ERR_STORAGE_NOT_FOUND',
    `message ${seq} of session ${sessionId} not found`,
  );
}
