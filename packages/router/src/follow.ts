import { deltaFrame, doneFrame } from '@chatbox/message';
import type { ChatMessage } from '@chatbox/session';
import type { RouterContext } from './context.js';
import { STOP_REASON } from './generation.js';
import type { FinalStatus } from './types.js';
import { storedFailure, wireFailure } from './wire-errors.js';

interface Follow {
  readonly sessionId: string;
  readonly seq: number;
  /** Characters of the reply the client has: the replayed text, then each delta. */
  sent: number;
  readonly deadline: number;
  timer: unknown;
  stopped: boolean;
}

/**
 * Issue 11, resume from any instance: a reply that storage says is `streaming` but that runs on no
 * generation of this instance is finished from storage. Its message is read every
 * `followIntervalMs`; text past what the client has goes out as `delta` frames (offsets continue
 * from the replay, so nothing is sent twice) and the final status as `done`, preceded by the error
 * a local generation would have sent. Storage is the source of truth already: no per-token traffic
 * between instances, it survives the first instance dying (the sweeper's `interrupted` reaches the
 * client), and it costs at most one flush interval of latency.
 *
 * Frames go to the connection bound to the session at that moment, like a local generation's. A
 * follow stops when no connection is bound any more (detached, released to another instance, the
 * session ended), when the router closes, or after `followTimeoutMs` (`upstream_interrupted`).
 */
export class FollowTable {
  readonly #ctx: RouterContext;
  readonly #follows = new Map<string, Follow>();
  /** Reads in flight, awaited by `stopAll` so none outlives the router. */
  readonly #reads = new Set<Promise<void>>();

  constructor(ctx: RouterContext) {
    this.#ctx = ctx;
  }

  /** Follows `seq`; the client has its first `sent` characters. Replaces the session's follow. */
  start(sessionId: string, seq: number, sent: number): void {
    this.stop(sessionId);
    const { clock, followTimeoutMs } = this.#ctx.options;
    const follow: Follow = {
      sessionId,
      seq,
      sent,
      deadline: clock() + followTimeoutMs,
      timer: undefined,
      stopped: false,
    };
    this.#follows.set(sessionId, follow);
    this.#ctx.options.logger.info({ sessionId, seq }, 'following a reply streaming elsewhere');
    this.#arm(follow);
  }

  stop(sessionId: string): void {
    const follow = this.#follows.get(sessionId);
    if (follow !== undefined) this.#drop(follow);
  }

  async stopAll(): Promise<void> {
    for (const follow of [...this.#follows.values()]) this.#drop(follow);
    await Promise.all([...this.#reads]);
  }

  #drop(follow: Follow): void {
    follow.stopped = true;
    if (follow.timer !== undefined) this.#ctx.options.timers.clearTimeout(follow.timer);
    follow.timer = undefined;
    if (this.#follows.get(follow.sessionId) === follow) this.#follows.delete(follow.sessionId);
  }

  #arm(follow: Follow): void {
    const { timers, followIntervalMs } = this.#ctx.options;
    follow.timer = timers.setTimeout(() => {
      follow.timer = undefined;
      const read = this.#tick(follow);
      this.#reads.add(read);
      void read.finally(() => this.#reads.delete(read));
    }, followIntervalMs);
  }

  async #tick(follow: Follow): Promise<void> {
    const { store, clock } = this.#ctx.options;
    let read: { message: ChatMessage | undefined } | undefined;
    try {
      const batch = await this.#ctx.storeCall('getMessages', () =>
        store.getMessages(follow.sessionId, { afterSeq: follow.seq - 1, limit: 1 }),
      );
      read = { message: batch[0] };
    } catch {
      // Logged and counted by storeCall; read again next interval, until the deadline.
    }
    if (follow.stopped) return;
    const conn = this.#ctx.registry.connectionOf(follow.sessionId);
    if (conn === undefined) {
      this.#drop(follow);
      return;
    }
    if (read !== undefined) {
      const { message } = read;
      // Gone (purged after the session ended): nothing more will come.
      if (message?.seq !== follow.seq) return this.#end(follow, undefined);
      this.#forward(follow, message.content);
      if (message.status !== 'streaming') return this.#end(follow, message);
    }
    if (clock() >= follow.deadline) {
      this.#ctx.options.logger.warn(
        { sessionId: follow.sessionId, seq: follow.seq },
        'followed reply timed out',
      );
      return this.#end(follow, undefined);
    }
    this.#arm(follow);
  }

  #forward(follow: Follow, content: string): void {
    if (content.length <= follow.sent) return;
    const { sessionId, seq, sent } = follow;
    const text = content.slice(sent);
    follow.sent = content.length;
    const conn = this.#ctx.registry.connectionOf(sessionId);
    this.#ctx.send(conn, () => deltaFrame({ sessionId, seq, offset: sent, text }));
  }

  /** `final` undefined: the reply will not end here (timed out or gone): `interrupted`. */
  #end(follow: Follow, final: ChatMessage | undefined): void {
    this.#drop(follow);
    const { sessionId, seq } = follow;
    const status: FinalStatus =
      final === undefined || final.status === 'streaming' ? 'interrupted' : final.status;
    if (final !== undefined) this.#keep(final, status);
    const failure =
      final === undefined
        ? wireFailure('upstream_interrupted', { partial: follow.sent > 0 })
        : storedFailure(status, final.errorCode, final.content.length > 0);
    const conn = this.#ctx.registry.connectionOf(sessionId);
    const correlationId = this.#ctx.options.newId();
    if (failure !== undefined) this.#ctx.sendError(conn, failure, { correlationId, sessionId });
    const complete = status === 'complete';
    const stopReason =
      complete && final?.stopReason !== undefined && STOP_REASON.test(final.stopReason)
        ? final.stopReason
        : undefined;
    const usage = complete ? final?.usage : undefined;
    this.#ctx.send(conn, () =>
      doneFrame({
        sessionId,
        seq,
        status,
        ...(stopReason === undefined ? {} : { stopReason }),
        ...(usage === undefined ? {} : { usage }),
      }),
    );
  }

  /** The session held here gets the final reply, so the next turn's model context has it. */
  #keep(final: ChatMessage, status: FinalStatus): void {
    try {
      this.#ctx.options.sessions.updateMessage(final.sessionId, final.seq, {
        content: final.content,
        status,
        ...(final.usage === undefined ? {} : { usage: final.usage }),
        ...(final.stopReason === undefined ? {} : { stopReason: final.stopReason }),
        ...(final.errorCode === undefined ? {} : { errorCode: final.errorCode }),
      });
    } catch {
      // Not held here (evicted meanwhile) or not in the retained history: storage has it.
    }
  }
}
