import { replayFrame } from '@chatbox/message';
import type { ReplayMessage, ResumeFrame } from '@chatbox/message';
import type { ChatMessage, SessionSnapshot } from '@chatbox/session';
import type { RouterContext } from './context.js';
import type { FollowTable } from './follow.js';
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
 * Issue 11: the held copy of a session that another instance has written to since (the client
 * moved there and back) is stale: its seq would collide. Storage, or the client's own lastSeq,
 * knowing more than the copy proves it; it is reloaded unless a generation of it runs here. Also
 * reloads a session released while storage was read.
 */
async function currentSession(
  ctx: RouterContext,
  userId: string,
  frame: ResumeFrame,
  stored: readonly ChatMessage[],
): Promise<SessionSnapshot> {
  const { sessions } = ctx.options;
  const { sessionId } = frame;
  const held = sessions.get(sessionId);
  const known = Math.max(stored.at(-1)?.seq ?? 0, frame.lastSeq);
  // An ended copy takes no new message (and reloading it could undo an end storage missed).
  const current =
    held !== undefined &&
    (held.lastSeq >= known || !held.isActive || ctx.turns.get(sessionId) !== undefined);
  if (current) return held;
  if (held !== undefined) {
    ctx.options.logger.info({ sessionId, held: held.lastSeq, known }, 'reloading a stale session');
    sessions.remove(sessionId);
  }
  return ownedSession(ctx, userId, sessionId);
}

/** The newest replayed reply still streaming that no generation of this instance produces. */
function streamingElsewhere(
  ctx: RouterContext,
  sessionId: string,
  messages: readonly ReplayMessage[],
): ReplayMessage | undefined {
  const localSeq = ctx.turns.get(sessionId)?.assistantSeq;
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i] as ReplayMessage;
    if (message.role === 'assistant' && message.status === 'streaming' && message.seq !== localSeq)
      return message;
  }
  return undefined;
}

/**
 * `resume{sessionId, lastSeq}`: ownership, then storage is read, then, in one synchronous step,
 * the connection is bound (replacing the old one, finding 03) and `session` + `replay` are sent.
 * Deltas sent after that carry offsets past the replayed text, so nothing is duplicated or lost.
 * A reply streaming on another instance is then followed from storage (issue 11).
 */
export async function handleResume(
  ctx: RouterContext,
  conn: Connection,
  frame: ResumeFrame,
  followers: FollowTable,
): Promise<void> {
  const { sessionId, lastSeq } = frame;
  await ownedSession(ctx, conn.userId, sessionId);
  const stored = await storedAfter(ctx, sessionId, lastSeq);
  const snapshot = await currentSession(ctx, conn.userId, frame, stored);
  const messages = replayMessages(ctx, sessionId, lastSeq, stored);
  ctx.bind(conn, sessionId, snapshot.lastSeq, true);
  ctx.options.sessions.touch(sessionId);
  const replayedTo = messages.at(-1)?.seq ?? Math.min(lastSeq, snapshot.lastSeq);
  ctx.send(conn, () => replayFrame({ sessionId, messages, lastSeq: replayedTo }));
  const elsewhere = streamingElsewhere(ctx, sessionId, messages);
  if (elsewhere === undefined) followers.stop(sessionId);
  else followers.start(sessionId, elsewhere.seq, elsewhere.content.length);
}
