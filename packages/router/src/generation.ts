import { isLlmError } from '@chatbox/llm';
import type { LlmUsage } from '@chatbox/llm';
import { doneFrame } from '@chatbox/message';
import { DeltaCoalescer } from './coalescer.js';
import type { RouterContext } from './context.js';
import { codeOf, errorSummary } from './context.js';
import { StreamHeartbeat } from './heartbeat.js';
import { modelContext } from './model-context.js';
import type { Turn } from './turns.js';
import type { RouterStreamWriter } from './types.js';
import { abortOutcome, failureOutcome } from './wire-errors.js';
import type { Outcome } from './wire-errors.js';

// The wire schema's stop-reason shape; anything else is stored but not sent.
export const STOP_REASON = /^[A-Za-z0-9._:-]{1,64}$/;

interface Completion {
  usage?: LlmUsage;
  stopReason?: string;
}

/**
 * Streams the reply of a prepared turn: each text chunk goes to whatever connection is bound to
 * the session at that moment (so a resumed connection keeps receiving) and to the write-behind
 * writer. Resolves once the final status is stored, with the function that sends `done` (the caller
 * frees the generation slot first, so a client may send again as soon as it sees `done`).
 * Never throws.
 */
export async function generate(ctx: RouterContext, turn: Turn, seq: number): Promise<() => void> {
  const { clock } = ctx.options;
  const startedAt = clock();
  const completion: Completion = {};
  ctx.emit({ type: 'generation_started', sessionId: turn.sessionId });
  const heartbeat = new StreamHeartbeat(ctx, turn.sessionId, seq);
  const deltas = new DeltaCoalescer(ctx, turn.sessionId, seq);
  turn.deltas = deltas;
  let run: Run;
  try {
    run = await streamReply(ctx, turn, seq, completion, startedAt);
  } finally {
    // Every exit path: the held-back text leaves before done/error, and its timer is cleared.
    deltas.stop();
    turn.deltas = undefined;
    // Before the final write: a heartbeat never lands on a message after its final status.
    await heartbeat.stop();
  }
  return finish(ctx, turn, seq, run.writer, run.outcome, completion, clock() - startedAt);
}

interface Run {
  readonly writer: RouterStreamWriter | undefined;
  readonly outcome: Outcome;
}

async function streamReply(
  ctx: RouterContext,
  turn: Turn,
  seq: number,
  completion: Completion,
  startedAt: number,
): Promise<Run> {
  const { llm, clock, sessions, system, maxTokens, maxContextChars } = ctx.options;
  let writer: RouterStreamWriter | undefined;
  try {
    writer = ctx.options.openStreamWriter(turn.sessionId, seq);
    // Aborted while the turn was being stored (batched writes store the reply's placeholder with
    // the user message): the placeholder gets its final status, the model is not called.
    if (turn.reason !== undefined) return { writer, outcome: abortOutcome(turn.reason, false) };
    const budget = maxContextChars - (system?.length ?? 0);
    const messages = modelContext(sessions.history(turn.sessionId), seq, budget);
    const request = { messages, maxTokens, ...(system === undefined ? {} : { system }) };
    // Finding 08: the turn's signal aborts the call on cancel, disconnect, end_session or shutdown.
    for await (const chunk of llm.stream(request, { signal: turn.signal })) {
      if (chunk.type === 'done') {
        completion.usage = chunk.usage;
        completion.stopReason = chunk.stopReason;
        continue;
      }
      if (turn.text.length === 0) ctx.emit({ type: 'first_token', ms: clock() - startedAt });
      deliver(turn, chunk.text, writer);
    }
    const outcome: Outcome =
      turn.reason === undefined
        ? { status: 'complete' }
        : abortOutcome(turn.reason, turn.text.length > 0);
    return { writer, outcome };
  } catch (error) {
    if (turn.reason !== undefined)
      return { writer, outcome: abortOutcome(turn.reason, turn.text.length > 0) };
    if (isLlmError(error)) ctx.emit({ type: 'llm_error', code: error.code });
    ctx.options.logger.warn(
      { correlationId: turn.correlationId, sessionId: turn.sessionId, err: errorSummary(error) },
      'generation failed',
    );
    return { writer, outcome: failureOutcome(error, turn.text.length > 0) };
  }
}

/** A chunk to the reply's text, the writer, and (coalesced) the connection bound when it leaves. */
function deliver(turn: Turn, text: string, writer: RouterStreamWriter): void {
  const offset = turn.text.length;
  turn.text += text;
  writer.append(text);
  turn.deltas?.push(offset, text);
}

async function finish(
  ctx: RouterContext,
  turn: Turn,
  seq: number,
  writer: RouterStreamWriter | undefined,
  outcome: Outcome,
  completion: Completion,
  elapsedMs: number,
): Promise<() => void> {
  const { sessions, logger } = ctx.options;
  const { sessionId } = turn;
  const complete = outcome.status === 'complete';
  const final = {
    status: outcome.status,
    ...(complete && completion.usage !== undefined ? { usage: completion.usage } : {}),
    ...(complete && completion.stopReason !== undefined
      ? { stopReason: completion.stopReason }
      : {}),
    ...(outcome.errorCode === undefined ? {} : { errorCode: outcome.errorCode }),
  };
  try {
    if (writer === undefined) throw new Error('no stream writer');
    await writer.finish(final);
  } catch (error) {
    logger.error(
      { correlationId: turn.correlationId, sessionId, seq, err: errorSummary(error) },
      'reply not stored',
    );
    ctx.emit({ type: 'storage_error', code: codeOf(error) ?? 'unknown' });
  }
  try {
    sessions.updateMessage(sessionId, seq, { content: turn.text, ...final });
    if (complete) sessions.recordResponseTime(sessionId, elapsedMs);
  } catch (error) {
    // The session may have been evicted meanwhile; storage holds the reply.
    logger.warn({ sessionId, seq, err: errorSummary(error) }, 'reply not kept in memory');
  }
  ctx.emit({ type: 'generation_finished', ms: elapsedMs, status: outcome.status });
  await saveSnapshot(ctx, sessionId);
  const stopReason =
    complete && completion.stopReason !== undefined && STOP_REASON.test(completion.stopReason)
      ? completion.stopReason
      : undefined;
  return () => {
    const conn = ctx.registry.connectionOf(sessionId);
    if (outcome.failure !== undefined) {
      ctx.sendError(conn, outcome.failure, {
        correlationId: turn.correlationId,
        sessionId,
        clientMessageId: turn.clientMessageId,
      });
    }
    ctx.send(conn, () =>
      doneFrame({
        sessionId,
        seq,
        status: outcome.status,
        ...(stopReason === undefined ? {} : { stopReason }),
        ...(complete && completion.usage !== undefined ? { usage: completion.usage } : {}),
      }),
    );
  };
}

/** Keeps the stored session's lastSeq and statistics current, so a restore continues seq from it. */
async function saveSnapshot(ctx: RouterContext, sessionId: string): Promise<void> {
  const snapshot = ctx.options.sessions.get(sessionId);
  if (snapshot === undefined) return;
  try {
    await ctx.storeCall('saveSession', () => ctx.options.store.saveSession(snapshot));
  } catch {
    // Logged by storeCall; the next turn saves a newer snapshot.
  }
}
