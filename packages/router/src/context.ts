import { errorFrame, sessionFrame } from '@chatbox/message';
import { RouterError } from './errors.js';
import type { NormalizedOptions } from './options.js';
import type { ConnectionRegistry } from './registry.js';
import type { TurnTable } from './turns.js';
import type { ClientControl, Connection, RouterEvent } from './types.js';
import type { WireFailure } from './wire-errors.js';

export interface ErrorContext {
  readonly correlationId: string;
  readonly sessionId?: string | undefined;
  readonly clientMessageId?: string | undefined;
}

/** What the router's flows share: options, the registry, the turn table and frame helpers. */
export class RouterContext {
  readonly options: NormalizedOptions;
  readonly registry: ConnectionRegistry;
  readonly turns: TurnTable;
  draining = false;

  constructor(options: NormalizedOptions, registry: ConnectionRegistry, turns: TurnTable) {
    this.options = options;
    this.registry = registry;
    this.turns = turns;
  }

  /** S12: `build` uses @chatbox/message's builders, so model text is only ever a string field. */
  send(conn: Connection | undefined, build: () => string): boolean {
    if (conn === undefined) return false;
    try {
      return conn.send(build());
    } catch (error) {
      this.options.logger.error(
        { connectionId: conn.id, err: errorSummary(error) },
        'frame not sent',
      );
      return false;
    }
  }

  close(conn: Connection, code: number, reason: string): void {
    try {
      conn.close(code, reason);
    } catch (error) {
      this.options.logger.warn(
        { connectionId: conn.id, code, err: errorSummary(error) },
        'close failed',
      );
    }
  }

  /** S14/S15: the frame has a code and the correlation id; the log line has no content. */
  sendError(conn: Connection | undefined, failure: WireFailure, where: ErrorContext): void {
    this.options.logger.warn(
      {
        correlationId: where.correlationId,
        code: failure.code,
        sessionId: where.sessionId,
        connectionId: conn?.id,
      },
      'error frame',
    );
    this.send(conn, () =>
      errorFrame({
        code: failure.code,
        message: failure.message,
        retryable: failure.retryable,
        correlationId: where.correlationId,
        ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
        ...(failure.partial === undefined ? {} : { partial: failure.partial }),
        ...(where.sessionId === undefined ? {} : { sessionId: where.sessionId }),
        ...(where.clientMessageId === undefined ? {} : { clientMessageId: where.clientMessageId }),
      }),
    );
  }

  /**
   * Binds `conn` to the session and announces it. Finding 03: the connection that held the session
   * is unregistered first and then closed 4000 'replaced', so its own detach is a no-op. Issue 11:
   * `onSessionBound` tells the other instances, which release the connection they hold.
   */
  bind(conn: Connection, sessionId: string, lastSeq: number, resumed: boolean): void {
    // Coalesced text goes to the connection it was streamed for; the new one gets it replayed.
    this.turns.get(sessionId)?.flushDeltas();
    const boundAt = this.options.clock();
    const result = this.registry.bind(conn, sessionId, boundAt);
    if (!result.bound) throw new RouterError('ERR_ROUTER_CONNECTION_GONE', 'connection closed');
    if (result.replaced !== undefined) {
      this.options.logger.info(
        { sessionId, replaced: result.replaced.id, by: conn.id },
        'connection replaced',
      );
      this.close(result.replaced, 4000, 'replaced');
    }
    this.send(conn, () =>
      sessionFrame({ sessionId, lastSeq, resumed, demo: this.options.llm.demo }),
    );
    this.#hook('onSessionBound', () =>
      this.options.onSessionBound?.(sessionId, { connectionId: conn.id, boundAt }),
    );
  }

  /** Issue 11: a client's cancel or end_session, for the other instances. */
  control(control: ClientControl): void {
    this.#hook('onClientControl', () => this.options.onClientControl?.(control));
  }

  #hook(name: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.options.logger.warn({ hook: name, err: errorSummary(error) }, 'hook threw');
    }
  }

  emit(event: RouterEvent): void {
    const hook = this.options.onEvent;
    if (hook === undefined) return;
    try {
      hook(event);
    } catch (error) {
      this.options.logger.warn(
        { event: event.type, err: errorSummary(error) },
        'onEvent hook threw',
      );
    }
  }

  /** R1: every storage failure becomes ERR_ROUTER_STORAGE_UNAVAILABLE (storage_unavailable, retryable). */
  async storeCall<T>(op: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const code = codeOf(error) ?? 'unknown';
      this.options.logger.warn({ op, code }, 'storage call failed');
      this.emit({ type: 'storage_error', code });
      throw new RouterError('ERR_ROUTER_STORAGE_UNAVAILABLE', `storage ${op} failed`, {
        cause: error,
      });
    }
  }
}

export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** S15: logs carry an error's name and code, never its message (which may quote content). */
export function errorSummary(error: unknown): { name: string; code?: string } {
  const name = error instanceof Error ? error.name : typeof error;
  const code = codeOf(error);
  return code === undefined ? { name } : { name, code };
}
