import { pongFrame } from '@chatbox/message';
import type { CancelFrame, EndSessionFrame, InboundFrame } from '@chatbox/message';
import { RouterContext, errorSummary } from './context.js';
import { cancelGeneration, releaseSession, sweepStale } from './cross-instance.js';
import { RouterError } from './errors.js';
import { FollowTable } from './follow.js';
import { normalizeOptions } from './options.js';
import { ConnectionRegistry } from './registry.js';
import { handleResume } from './resume.js';
import { handleSend } from './send-flow.js';
import { assertOwned, isSessionId, ownedSession } from './session-access.js';
import { TurnTable } from './turns.js';
import type {
  ClusterMessageRouter,
  Connection,
  MessageRouterOptions,
  ReleaseSessionOptions,
  RouterStats,
} from './types.js';
import { requestFailure } from './wire-errors.js';

class Router implements ClusterMessageRouter {
  readonly #ctx: RouterContext;
  readonly #followers: FollowTable;
  #closed: Promise<void> | undefined;

  constructor(options: MessageRouterOptions) {
    const normalized = normalizeOptions(options);
    this.#ctx = new RouterContext(
      normalized,
      new ConnectionRegistry(),
      new TurnTable(normalized.timers),
    );
    this.#followers = new FollowTable(this.#ctx);
  }

  attach(conn: Connection): void {
    // After close nothing is registered again: a late upgrade cannot leak an entry.
    if (this.#closed !== undefined) return;
    this.#ctx.registry.attach(conn);
  }

  async handle(conn: Connection, frame: InboundFrame): Promise<void> {
    const ctx = this.#ctx;
    // A frame that arrives after its socket was detached must not register it again.
    if (!ctx.registry.isAttached(conn)) return;
    const correlationId = ctx.options.newId();
    try {
      switch (frame.type) {
        case 'send':
          await handleSend(ctx, conn, frame, correlationId);
          return;
        case 'cancel':
          await this.#cancel(conn, frame);
          return;
        case 'resume':
          await handleResume(ctx, conn, frame, this.#followers);
          return;
        case 'end_session':
          await this.#endFromClient(conn, frame);
          return;
        case 'ping':
          ctx.send(conn, () => pongFrame(frame.id === undefined ? {} : { id: frame.id }));
          return;
      }
    } catch (error) {
      const failure = requestFailure(error);
      if (failure === undefined) return;
      if (failure.code === 'internal')
        ctx.options.logger.error({ correlationId, err: errorSummary(error) }, 'frame failed');
      const sessionId = 'sessionId' in frame ? frame.sessionId : undefined;
      ctx.sendError(conn, failure, { correlationId, sessionId });
    }
  }

  /**
   * R9: aborts the model call; the reply is stored 'cancelled' and `done{cancelled}` follows. With no
   * generation of the session here, it may run on another instance: forwarded (issue 11).
   */
  async #cancel(conn: Connection, frame: CancelFrame): Promise<void> {
    const sessionId = frame.sessionId ?? this.#ctx.registry.sessionOf(conn);
    if (sessionId === undefined) return;
    const turn = this.#ctx.turns.get(sessionId);
    if (turn === undefined) {
      // One instance (no hook): nothing runs anywhere, the cancel is a no-op as it always was.
      if (this.#ctx.options.onClientControl === undefined) return;
      await assertOwned(this.#ctx, conn.userId, sessionId);
      this.#ctx.control({ type: 'cancel', sessionId });
      return;
    }
    if (turn.userId !== conn.userId)
      throw new RouterError('ERR_ROUTER_SESSION_NOT_OWNED', 'session belongs to another user');
    turn.abort('cancelled');
  }

  async #endFromClient(conn: Connection, frame: EndSessionFrame): Promise<void> {
    const sessionId = frame.sessionId ?? this.#ctx.registry.sessionOf(conn);
    if (sessionId === undefined)
      throw new RouterError('ERR_ROUTER_SESSION_NOT_FOUND', 'no session');
    await ownedSession(this.#ctx, conn.userId, sessionId);
    try {
      await this.endSession(sessionId, { reason: 'client' });
    } finally {
      // Issue 11: its generation or another connection may be on another instance.
      this.#ctx.control({ type: 'end_session', sessionId });
    }
  }

  detach(conn: Connection): void {
    const sessionId = this.#ctx.registry.detach(conn);
    if (sessionId === undefined) return;
    this.#followers.stop(sessionId);
    // R9: the reader is gone; a connection replaced by a resume is not the bound one and lands above.
    this.#ctx.turns.get(sessionId)?.abort('disconnected');
  }

  sessionOf(conn: Connection): string | undefined {
    return this.#ctx.registry.sessionOf(conn);
  }

  async endSession(sessionId: string, options: { reason?: string } = {}): Promise<boolean> {
    const ctx = this.#ctx;
    const { sessions, store, logger } = ctx.options;
    if (!isSessionId(sessionId)) return false;
    const turn = ctx.turns.get(sessionId);
    turn?.abort('session_ended');
    let held = sessions.get(sessionId);
    if (held === undefined) {
      const stored = await ctx.storeCall('getSession', () => store.getSession(sessionId));
      if (stored === undefined) return false;
      held = sessions.restore(stored);
    }
    const wasActive = held.isActive;
    const ended = sessions.end(sessionId);
    turn?.flushDeltas();
    const conn = ctx.registry.releaseSession(sessionId);
    this.#followers.stop(sessionId);
    if (conn !== undefined) ctx.close(conn, 4002, 'session_ended');
    logger.info({ sessionId, reason: options.reason, wasActive }, 'session ended');
    await turn?.settled;
    if (wasActive) await ctx.storeCall('endSession', () => store.endSession(ended));
    return wasActive;
  }

  releaseSession(sessionId: string, options: ReleaseSessionOptions = {}): boolean {
    return releaseSession(this.#ctx, this.#followers, sessionId, options);
  }

  cancelGeneration(sessionId: string): boolean {
    return cancelGeneration(this.#ctx, sessionId);
  }

  async sweepStale(now?: number): Promise<number> {
    if (this.#closed !== undefined) return 0;
    return sweepStale(this.#ctx, now ?? this.#ctx.options.clock());
  }

  drain(): void {
    this.#ctx.draining = true;
  }

  async abortAll(): Promise<void> {
    const turns = this.#ctx.turns.all();
    for (const turn of turns) turn.abort('shutdown');
    await Promise.all(turns.map((turn) => turn.settled));
  }

  idle(timeoutMs: number): Promise<boolean> {
    return this.#ctx.turns.whenEmpty(timeoutMs);
  }

  stats(): RouterStats {
    const { registry, turns } = this.#ctx;
    return {
      connections: registry.size,
      sessionsBound: registry.boundSessions,
      generations: turns.size,
    };
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.drain();
      await this.abortAll();
      await this.#followers.stopAll();
      this.#ctx.registry.clear();
    })();
    return this.#closed;
  }
}

/** The message router: session flow, connection registry, user message → streamed model reply. */
export function createMessageRouter(options: MessageRouterOptions): ClusterMessageRouter {
  return new Router(options);
}
