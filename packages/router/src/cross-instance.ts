import type { RouterContext } from './context.js';
import { RouterError } from './errors.js';
import type { FollowTable } from './follow.js';
import { beat } from './heartbeat.js';
import { isSessionId } from './session-access.js';
import { CLOSE_CODES } from './types.js';
import type { ReleaseSessionOptions } from './types.js';

/**
 * Issue 11: once no connection and no generation of the session remain here, its held copy is
 * dropped: the instance that holds the client now appends to it, and a later return to this
 * instance reloads it from storage instead of reusing seq numbers that are taken.
 */
function forget(ctx: RouterContext, sessionId: string): void {
  const drop = (): void => {
    if (ctx.registry.connectionOf(sessionId) !== undefined) return;
    if (ctx.turns.get(sessionId) !== undefined) return;
    ctx.options.sessions.remove(sessionId);
  };
  const turn = ctx.turns.get(sessionId);
  if (turn === undefined) drop();
  else void turn.settled.then(drop);
}

/** See `ClusterMessageRouter.releaseSession`. */
export function releaseSession(
  ctx: RouterContext,
  followers: FollowTable,
  sessionId: string,
  options: ReleaseSessionOptions,
): boolean {
  if (!isSessionId(sessionId)) return false;
  const boundAt = ctx.registry.boundAt(sessionId);
  // The client came back here after the other instance bound it: this binding is the newer one.
  if (boundAt !== undefined && options.boundBefore !== undefined && boundAt >= options.boundBefore)
    return false;
  // The released client gets every chunk streamed for it before it is closed.
  ctx.turns.get(sessionId)?.flushDeltas();
  const conn = ctx.registry.releaseSession(sessionId);
  followers.stop(sessionId);
  // The generation, if any, streams on into storage through its writer: the other instance
  // follows it there (like a local replacement, where the new connection takes over the deltas).
  if (conn !== undefined) {
    ctx.options.logger.info(
      { sessionId, connectionId: conn.id, reason: options.reason },
      'session released to another instance',
    );
    ctx.close(conn, CLOSE_CODES.replaced, 'replaced');
  }
  forget(ctx, sessionId);
  return conn !== undefined;
}

/** See `ClusterMessageRouter.cancelGeneration`. */
export function cancelGeneration(ctx: RouterContext, sessionId: string): boolean {
  const turn = isSessionId(sessionId) ? ctx.turns.get(sessionId) : undefined;
  if (turn === undefined || turn.reason !== undefined) return false;
  turn.abort('cancelled');
  return true;
}

/** See `ClusterMessageRouter.sweepStale`. */
export async function sweepStale(ctx: RouterContext, now: number): Promise<number> {
  const { store, clock, staleStreamingAfterMs, logger } = ctx.options;
  const markStale = store.markStaleStreaming?.bind(store);
  if (markStale === undefined)
    throw new RouterError('ERR_ROUTER_INVALID_OPTIONS', 'store has no markStaleStreaming');
  // Generations running here are alive by definition: stamp them past the cut-off first, so a
  // late or failed timer beat cannot get them marked. A sweep that cannot vouch for them skips.
  const stampMs = Math.max(now, clock());
  const live = ctx.turns.all().filter((turn) => turn.assistantSeq !== undefined);
  const beats = await Promise.all(
    live.map((turn) => beat(ctx, turn.sessionId, turn.assistantSeq as number, stampMs)),
  );
  if (beats.includes(false))
    throw new RouterError('ERR_ROUTER_STORAGE_UNAVAILABLE', 'heartbeat before sweep failed');
  const olderThan = new Date(now - staleStreamingAfterMs);
  const marked = await ctx.storeCall('markStaleStreaming', () => markStale(olderThan));
  if (marked > 0) logger.warn({ marked, olderThan }, 'stale streaming replies marked interrupted');
  return marked;
}
