import { ackFrame } from '@chatbox/message';
import type { SendFrame } from '@chatbox/message';
import type { ChatMessage, MessageDraft } from '@chatbox/session';
import type { RouterContext } from './context.js';
import { codeOf, errorSummary } from './context.js';
import { RouterError } from './errors.js';
import { generate } from './generation.js';
import { ownedSession, sessionForSend } from './session-access.js';
import type { Turn } from './turns.js';
import type { Connection, RouterStore } from './types.js';
import { requestFailure } from './wire-errors.js';

function refuse(ctx: RouterContext, error: RouterError): never {
  ctx.emit({ type: 'refused', reason: requestFailure(error)?.code ?? 'internal' });
  throw error;
}

function sendAck(
  ctx: RouterContext,
  conn: Connection,
  sessionId: string,
  frame: SendFrame,
  seq: number,
  duplicate: boolean,
): void {
  ctx.send(conn, () =>
    ackFrame({ sessionId, clientMessageId: frame.clientMessageId, seq, duplicate }),
  );
}

/** S8: per-user message rate; a limiter that fails refuses (the model is never called unchecked). */
async function checkRate(ctx: RouterContext, userId: string): Promise<void> {
  const limiter = ctx.options.messageLimiter;
  if (limiter === undefined) return;
  let decision: { allowed: boolean; retryAfterMs: number };
  try {
    decision = await limiter.consume(userId);
  } catch (error) {
    ctx.options.logger.error({ err: errorSummary(error) }, 'message limiter failed');
    refuse(
      ctx,
      new RouterError('ERR_ROUTER_RATE_LIMITED', 'message limiter unavailable', { cause: error }),
    );
  }
  if (!decision.allowed) {
    refuse(
      ctx,
      new RouterError('ERR_ROUTER_RATE_LIMITED', 'message rate limit', {
        retryAfterMs: decision.retryAfterMs,
      }),
    );
  }
}

/** S8: per-user concurrent generations; returns the slot's release. */
async function acquireSlot(ctx: RouterContext, userId: string): Promise<() => Promise<void>> {
  const limiter = ctx.options.generationLimiter;
  if (limiter === undefined) return () => Promise.resolve();
  let result: Awaited<ReturnType<typeof limiter.acquire>>;
  try {
    result = await limiter.acquire(userId);
  } catch (error) {
    ctx.options.logger.error({ err: errorSummary(error) }, 'generation limiter failed');
    refuse(
      ctx,
      new RouterError('ERR_ROUTER_TOO_MANY_GENERATIONS', 'generation limiter unavailable', {
        cause: error,
      }),
    );
  }
  if (!result.ok)
    refuse(ctx, new RouterError('ERR_ROUTER_TOO_MANY_GENERATIONS', 'generation limit'));
  const slot = result;
  return () =>
    slot
      .release()
      .catch((error: unknown) =>
        ctx.options.logger.warn({ err: errorSummary(error) }, 'slot release failed'),
      );
}

function messageOf(
  ctx: RouterContext,
  sessionId: string,
  seq: number,
  draft: MessageDraft,
): ChatMessage {
  const now = new Date(ctx.options.clock());
  return { sessionId, seq, createdAt: now, updatedAt: new Date(now.getTime()), ...draft };
}

interface StoredTurn {
  readonly user: { readonly message: ChatMessage; readonly duplicate: boolean };
  /** True when the assistant placeholder was stored with the user message (one batch). */
  readonly replyStored: boolean;
}

/**
 * The user message, and with a store that batches, the assistant placeholder in the same round
 * trip (issue 10: one write instead of two). The batch is ordered, so the user message is durable
 * whenever the placeholder is; a store failure rejects before anything is committed in memory.
 */
async function storeUserMessage(
  ctx: RouterContext,
  sessionId: string,
  seq: number,
  draft: MessageDraft,
): Promise<StoredTurn> {
  const { store } = ctx.options;
  const user = messageOf(ctx, sessionId, seq, draft);
  if (store.appendMessages === undefined) {
    const stored = await ctx.storeCall('appendMessage', () => store.appendMessage(user));
    return { user: stored, replyStored: false };
  }
  const reply = messageOf(ctx, sessionId, seq + 1, REPLY_DRAFT);
  const results = await ctx.storeCall('appendMessages', () =>
    (store.appendMessages as NonNullable<RouterStore['appendMessages']>).call(store, [user, reply]),
  );
  const [stored, placeholder] = results;
  if (stored === undefined) throw new RouterError('ERR_ROUTER_STORAGE_UNAVAILABLE', 'no result');
  // A resend of an earlier message ends the batch (no placeholder); a placeholder found stored is
  // this turn's own from an earlier attempt (its seq follows the user message's).
  return {
    user: stored,
    replyStored: stored.message.seq === seq && placeholder?.message.seq === seq + 1,
  };
}

const REPLY_DRAFT: MessageDraft = Object.freeze({
  role: 'assistant',
  content: '',
  status: 'streaming',
});

/**
 * Inside the session's queue (finding 04). R4: a resend gets the same ack and no second model call.
 * R1: the user message is stored, then committed in memory, then acked. Returns the assistant
 * message's seq once stored `streaming`, or undefined when there is nothing to generate.
 */
async function prepareTurn(
  ctx: RouterContext,
  conn: Connection,
  frame: SendFrame,
  turn: Turn,
): Promise<number | undefined> {
  const { sessions, store } = ctx.options;
  const { sessionId } = turn;
  if (!sessions.snapshot(sessionId).isActive)
    throw new RouterError('ERR_ROUTER_SESSION_ENDED', 'session has ended');
  let user = sessions.findByClientMessageId(sessionId, frame.clientMessageId);
  let duplicate = user !== undefined;
  let replyStored = false;
  if (user === undefined) {
    const draft: MessageDraft = {
      role: 'user',
      content: frame.content,
      status: 'complete',
      clientMessageId: frame.clientMessageId,
    };
    const stored = await storeUserMessage(
      ctx,
      sessionId,
      sessions.snapshot(sessionId).lastSeq + 1,
      draft,
    );
    duplicate = stored.user.duplicate;
    user = stored.user.message;
    // A resend whose first attempt reached storage but not memory: commit it so seq stays gap-free.
    if (user.seq === sessions.snapshot(sessionId).lastSeq + 1) {
      sessions.appendMessage(sessionId, { ...draft, content: user.content });
      replyStored = stored.replyStored;
    }
  }
  sendAck(ctx, conn, sessionId, frame, user.seq, duplicate);
  const seq = user.seq + 1;
  if (replyStored) {
    // Stored already: commit it and generate, even if the turn was aborted meanwhile (generate
    // then stores the abort's final status without calling the model).
    sessions.appendMessage(sessionId, REPLY_DRAFT);
    turn.assistantSeq = seq;
    return seq;
  }
  // A duplicate is answered already, unless its first attempt stopped before the reply was stored.
  if (duplicate && sessions.snapshot(sessionId).lastSeq !== user.seq) return undefined;
  const receiver =
    ctx.registry.isAttached(conn) || ctx.registry.connectionOf(sessionId) !== undefined;
  if (turn.reason !== undefined || !receiver) return undefined;
  await ctx.storeCall('appendMessage', () =>
    store.appendMessage(messageOf(ctx, sessionId, seq, REPLY_DRAFT)),
  );
  sessions.appendMessage(sessionId, REPLY_DRAFT);
  turn.assistantSeq = seq;
  return seq;
}

/**
 * A `send` frame (R1, R4, S8). Resolves once the frame is answered; the reply streams on in the
 * background, holding the turn and the generation slot until its final status is stored.
 */
export async function handleSend(
  ctx: RouterContext,
  conn: Connection,
  frame: SendFrame,
  correlationId: string,
): Promise<void> {
  let sessionId = frame.sessionId;
  try {
    if (ctx.draining) refuse(ctx, new RouterError('ERR_ROUTER_DRAINING', 'server draining'));
    sessionId = await sessionForSend(ctx, conn, frame.sessionId);
    const target = sessionId;
    if (frame.content.length > ctx.options.maxInputChars)
      refuse(ctx, new RouterError('ERR_ROUTER_INPUT_TOO_LONG', 'message too long'));
    const answered = ctx.options.sessions.findByClientMessageId(target, frame.clientMessageId);
    if (answered !== undefined && ctx.options.sessions.snapshot(target).lastSeq > answered.seq) {
      sendAck(ctx, conn, target, frame, answered.seq, true);
      return;
    }
    await checkRate(ctx, conn.userId);
    if (ctx.draining) refuse(ctx, new RouterError('ERR_ROUTER_DRAINING', 'server draining'));
    const turn = ctx.turns.reserve(target, conn.userId, frame.clientMessageId, correlationId);
    if (turn === undefined)
      refuse(ctx, new RouterError('ERR_ROUTER_TOO_MANY_GENERATIONS', 'session busy'));
    await runTurn(ctx, conn, frame, turn);
  } catch (error) {
    if (sessionId !== undefined) await reloadIfStale(ctx, conn, sessionId, error);
    const failure = requestFailure(error);
    if (failure !== undefined)
      ctx.sendError(conn, failure, {
        correlationId,
        sessionId,
        clientMessageId: frame.clientMessageId,
      });
  }
}

/**
 * Issue 11: a seq conflict means another instance appended to the session since this copy was
 * loaded (a lost release notice). The copy is reloaded from storage, so the client's retry of this
 * retryable `storage_unavailable` gets the next free seq.
 */
async function reloadIfStale(
  ctx: RouterContext,
  conn: Connection,
  sessionId: string,
  error: unknown,
): Promise<void> {
  const cause = (error as { cause?: unknown } | null | undefined)?.cause;
  if (codeOf(cause) !== 'ERR_STORAGE_CONFLICT' || ctx.turns.get(sessionId) !== undefined) return;
  ctx.options.logger.info({ sessionId }, 'reloading a stale session after a seq conflict');
  ctx.options.sessions.remove(sessionId);
  try {
    await ownedSession(ctx, conn.userId, sessionId);
  } catch {
    // Logged by storeCall; the retry loads it.
  }
}

async function runTurn(
  ctx: RouterContext,
  conn: Connection,
  frame: SendFrame,
  turn: Turn,
): Promise<void> {
  let release: () => Promise<void> = () => Promise.resolve();
  const cleanup = async (announce?: () => void): Promise<void> => {
    await release();
    ctx.turns.release(turn, announce);
  };
  let handedOff = false;
  try {
    release = await acquireSlot(ctx, conn.userId);
    const seq = await ctx.options.sessions.runExclusive(turn.sessionId, () =>
      prepareTurn(ctx, conn, frame, turn),
    );
    if (seq === undefined) return;
    handedOff = true;
    void generate(ctx, turn, seq).then(
      (announce) => cleanup(announce),
      (error: unknown) => {
        ctx.options.logger.error({ err: errorSummary(error) }, 'generation crashed');
        return cleanup();
      },
    );
  } finally {
    if (!handedOff) await cleanup();
  }
}
