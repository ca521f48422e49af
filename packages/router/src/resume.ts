import { replayFrame } from '@chatbox/message';
import type { ReplayMessage, ResumeFrame } from '@chatbox/message';
import type { ChatMessage } from '@chatbox/session';
import type { RouterContext } from './context.js';
import { RouterError } from './errors.js';
import { ownedSession } from './session-access.js';
import type { Connection } from './types.js';

const PAGE_SIZE = 1_000;

async function storedAfter(
  ctx: RouterContext,
  sessionId: string,
  lastSeq: number,
): Promise<ChatMessage[]> {
  const max = ctx.options.maxReplayMessages;
  const messages: ChatMessage[] = [];
  let afterSeq = lastSeq;
  while (messages.length < max) {
    const from = afterSeq;
    const limit = Math.min(PAGE_SIZE, max - messages.length);
    const batch = await ctx.storeCall('getMessages', () =>
      ctx.options.store.getMessages(sessionId, { afterSeq: from, limit }),
    );
    messages.push(...batch);
    const last = batch.at(-1);
    if (batch.length < limit || last === undefined) break;
    afterSeq = last.seq;
  }
  return messages;
}

function toReplay(message: ChatMessage): ReplayMessage {
  return {
    seq: message.seq,
    role: message.role,
    content: message.content,
    status: message.status,
    createdAt: message.createdAt.toISOString(),
  };
}

/**
 * R6: the messages after `lastSeq`, in order, once each. Storage is read first; what this instance
 * appended since (memory) is added; the reply streaming here is taken from the turn's text, which
 * storage may trail by a flush interval.
 */
function replayMessages(
  ctx: RouterContext,
  sessionId: string,
  lastSeq: number,
  stored: readonly ChatMessage[],
): ReplayMessage[] {
  const bySeq = new Map<number, ReplayMessage>();
  for (const message of stored) bySeq.set(message.seq, toReplay(message));
  const storedMax = stored.at(-1)?.seq ?? lastSeq;
  const capped = stored.length >= ctx.options.maxReplayMessages;
  if (!capped) {
    for (const message of ctx.options.sessions.history(sessionId)) {
      if (message.seq > Math.max(lastSeq, storedMax)) bySeq.set(message.seq, toReplay(message));
    }
  }
  const turn = ctx.turns.get(sessionId);
  const streaming = turn?.assistantSeq === undefined ? undefined : bySeq.get(turn.assistantSeq);
  if (turn !== undefined && streaming !== undefined) {
    bySeq.set(streaming.seq, { ...streaming, content: turn.text, status: 'streaming' });
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * `resume{sessionId, lastSeq}`: ownership, then storage is read, then, in one synchronous step,
 * the connection is bound (replacing the old one, finding 03) and `session` + `replay` are sent.
 * Deltas sent after that carry offsets past the replayed text, so nothing is duplicated or lost.
 */
export async function handleResume(
  ctx: RouterContext,
  conn: Connection,
  frame: ResumeFrame,
): Promise<void> {
  const { sessionId, lastSeq } = frame;
  await ownedSession(ctx, conn.userId, sessionId);
  const stored = await storedAfter(ctx, sessionId, lastSeq);
  const snapshot = ctx.options.sessions.get(sessionId);
  if (snapshot === undefined)
    throw new RouterError('ERR_ROUTER_SESSION_NOT_FOUND', 'session not found');
  if (snapshot.userId !== conn.userId)
    throw new RouterError('ERR_ROUTER_SESSION_NOT_OWNED', 'session belongs to another user');
  const messages = replayMessages(ctx, sessionId, lastSeq, stored);
  ctx.bind(conn, sessionId, snapshot.lastSeq, true);
  ctx.options.sessions.touch(sessionId);
  const replayedTo = messages.at(-1)?.seq ?? Math.min(lastSeq, snapshot.lastSeq);
  ctx.send(conn, () => replayFrame({ sessionId, messages, lastSeq: replayedTo }));
}
