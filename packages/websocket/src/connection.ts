import { randomUUID } from 'node:crypto';
import {
  errorFrame,
  MAX_ERROR_MESSAGE_CHARS,
  type InboundFrame,
  type WireErrorCode,
} from '@chatbox/message';
import { WebSocket, type RawData } from 'ws';
import type { Corkable, WriteCoalescer } from './cork.js';
import type { ExpiryQueue } from './expiry.js';
import type { SharedHeartbeat } from './heartbeat.js';
import type { ResolvedOptions } from './options.js';
import { MinuteBucket } from './rate.js';
import type { Connection } from './router-types.js';

/** Close codes the gateway itself sends (RFC 6455 §7.4.1 and the router contract). */
export const GATEWAY_CLOSE = {
  unsupportedData: 1003,
  policy: 1008,
  internalError: 1011,
  tryAgainLater: 1013,
  tokenExpired: 4001,
} as const;
/** RFC 6455 §5.5: a control frame payload is at most 125 bytes, 2 of them the code. */
const MAX_CLOSE_REASON_BYTES = 123;
/** Code reported for a connection we dropped without a close handshake. */
const ABNORMAL_CLOSURE = 1006;

export interface ConnectionInit {
  readonly userId: string;
  readonly roles: readonly string[];
  readonly expiresAt: number;
  /** Frees the user's connection slot; idempotent. */
  readonly release: () => Promise<void>;
  readonly onClosed: (connection: GatewayConnection) => void;
  /** The TCP socket under the WebSocket, corked per turn of the event loop (absent when injected). */
  readonly rawSocket?: Corkable | undefined;
}

/** What every connection of one gateway shares: one timer for heartbeats, one for expiry. */
export interface ConnectionShared {
  readonly heartbeat: SharedHeartbeat<GatewayConnection>;
  readonly expiry: ExpiryQueue<GatewayConnection>;
  readonly coalescer: WriteCoalescer;
}

function clipReason(reason: string): string {
  let clipped = reason;
  while (Buffer.byteLength(clipped, 'utf8') > MAX_CLOSE_REASON_BYTES)
    clipped = clipped.slice(0, -1);
  return clipped;
}

function oneLine(message: string): string {
  const line = message.replace(/[\r\n]+/g, ' ').trim() || 'invalid frame';
  return line.slice(0, MAX_ERROR_MESSAGE_CHARS);
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** One socket: the router's `Connection`, with limits, heartbeat and token expiry. */
export class GatewayConnection implements Connection {
  readonly id = randomUUID();
  readonly userId: string;
  readonly roles: readonly string[];
  readonly #socket: WebSocket;
  readonly #options: ResolvedOptions;
  readonly #shared: ConnectionShared;
  readonly #init: ConnectionInit;
  readonly #frames: MinuteBucket;
  readonly #invalid: MinuteBucket;
  readonly #openedAt: number;
  #graceTimer: unknown;
  #closing = false;
  #ended = false;
  #closeCode: number | undefined;
  #closeReason = '';
  #detached = false;
  // Made on first use: an idle connection nobody waits on holds no promise.
  #closed: Promise<void> | undefined;
  #resolveClosed: (() => void) | undefined;

  constructor(
    socket: WebSocket,
    init: ConnectionInit,
    options: ResolvedOptions,
    shared: ConnectionShared,
  ) {
    this.#socket = socket;
    this.#options = options;
    this.#shared = shared;
    this.#init = init;
    this.userId = init.userId;
    this.roles = init.roles;
    this.#openedAt = options.clock();
    this.#frames = new MinuteBucket(options.framesPerMinute, options.clock);
    this.#invalid = new MinuteBucket(options.invalidFramesPerMinute, options.clock);
  }

  /** Settles once the socket has closed. */
  get closed(): Promise<void> {
    if (this.#closed === undefined) {
      this.#closed = this.#ended
        ? Promise.resolve()
        : new Promise((resolve) => (this.#resolveClosed = resolve));
    }
    return this.#closed;
  }

  /** Listeners first (no frame can be missed), then the router learns about the socket. */
  start(): void {
    this.#socket.on('message', this.#onMessage);
    this.#socket.once('close', this.#onClose);
    if (this.#init.expiresAt <= this.#options.clock()) {
      // Never handed to the router, so there is nothing to detach.
      this.#detached = true;
      this.close(GATEWAY_CLOSE.tokenExpired, 'token_expired');
      return;
    }
    // S5: the socket lives no longer than its token (one ordered queue per gateway, one timer).
    this.#shared.expiry.add(this, this.#init.expiresAt);
    this.#shared.heartbeat.add(this.#socket, this);
    try {
      this.#options.router.attach(this);
    } catch (error) {
      this.#options.logger.error({ err: error, connectionId: this.id }, 'router.attach failed');
      this.#closeSelf(GATEWAY_CLOSE.internalError, 'internal_error');
    }
  }

  get isClosing(): boolean {
    return this.#closing;
  }

  send(frame: string): boolean {
    if (this.#closing || this.#socket.readyState !== WebSocket.OPEN) return false;
    const bytes = Buffer.byteLength(frame, 'utf8');
    const buffered = this.#socket.bufferedAmount;
    // Finding 14 / R13: never queue past the bound, whatever the client reads.
    if (buffered + bytes > this.#options.sendBufferLimitBytes) {
      this.#options.emit({
        type: 'send_buffer_exceeded',
        connectionId: this.id,
        bufferedBytes: buffered,
        limitBytes: this.#options.sendBufferLimitBytes,
      });
      this.#options.logger.warn(
        { connectionId: this.id, bufferedBytes: buffered },
        'send buffer over its bound',
      );
      this.#closeSelf(GATEWAY_CLOSE.tryAgainLater, 'send_buffer_full');
      return false;
    }
    // One write per socket per turn of the event loop instead of one per frame.
    if (this.#init.rawSocket !== undefined) this.#shared.coalescer.hold(this.#init.rawSocket);
    this.#socket.send(frame);
    this.#options.emit({ type: 'frame_out', connectionId: this.id, bytes });
    return true;
  }

  close(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#closeCode = code;
    this.#closeReason = clipReason(reason);
    this.#stopTimers();
    try {
      this.#socket.close(code, this.#closeReason);
    } catch {
      this.#socket.terminate();
      return;
    }
    // A peer that never answers the close handshake is dropped after the grace period.
    this.#graceTimer = this.#options.timers.setTimeout(
      () => this.terminate(),
      this.#options.closeGraceMs,
    );
  }

  /** Drops the TCP connection without a handshake (shutdown deadline, dead peer). */
  terminate(): void {
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    this.#closing = true;
    this.#closeCode ??= ABNORMAL_CLOSURE;
    this.#stopTimers();
    // Frames sent this turn still go out before the TCP connection does.
    if (this.#init.rawSocket !== undefined) this.#shared.coalescer.release(this.#init.rawSocket);
    this.#socket.terminate();
  }

  /** A close we decide on: the router forgets the socket now, not after the handshake (R9). */
  #closeSelf(code: number, reason: string): void {
    this.#detach();
    this.close(code, reason);
  }

  #onMessage = (data: RawData, isBinary: boolean): void => {
    if (this.#closing) return;
    if (isBinary) {
      this.#options.emit({ type: 'frame_invalid', connectionId: this.id, code: 'binary' });
      this.#closeSelf(GATEWAY_CLOSE.unsupportedData, 'binary_frames_not_supported');
      return;
    }
    if (!this.#frames.take()) {
      this.#options.emit({ type: 'frame_invalid', connectionId: this.id, code: 'rate_limited' });
      this.#sendError(
        'rate_limited',
        'too many frames on this connection',
        this.#frames.retryAfterMs(),
      );
      return;
    }
    const result = this.#parse(textOf(data));
    if (result === undefined) return;
    if (!result.ok) {
      this.#options.emit({ type: 'frame_invalid', connectionId: this.id, code: result.code });
      // S7: repeated violations close the connection; a few get an error frame and it stays.
      if (!this.#invalid.take()) {
        this.#closeSelf(GATEWAY_CLOSE.policy, 'too_many_invalid_frames');
        return;
      }
      this.#sendError(result.code, result.message);
      return;
    }
    this.#options.emit({ type: 'frame_in', connectionId: this.id, frameType: result.frame.type });
    this.#route(result.frame);
  };

  #parse(text: string): ReturnType<ResolvedOptions['parse']> | undefined {
    try {
      return this.#options.parse(text, this.#options.parseLimits);
    } catch (error) {
      this.#options.logger.error({ err: error, connectionId: this.id }, 'frame parser threw');
      this.#sendError('internal', 'internal error');
      return undefined;
    }
  }

  #route(frame: InboundFrame): void {
    const failed = (error: unknown): void => {
      this.#options.logger.error({ err: error, connectionId: this.id }, 'router.handle failed');
      this.#sendError('internal', 'internal error');
    };
    try {
      this.#options.router.handle(this, frame).catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  #sendError(code: WireErrorCode, message: string, retryAfterMs?: number): void {
    const correlationId = randomUUID();
    this.#options.logger.debug({ connectionId: this.id, code, correlationId }, 'error frame');
    const fields = retryAfterMs === undefined ? {} : { retryAfterMs };
    this.send(errorFrame({ code, message: oneLine(message), correlationId, ...fields }));
  }

  /** @internal The shared heartbeat saw no pong within pongTimeoutMs (R13). */
  heartbeatTimedOut(): void {
    if (this.#ended) return;
    this.#options.emit({ type: 'heartbeat_timeout', connectionId: this.id });
    this.#detach();
    this.terminate();
  }

  /** @internal The token's `exp` has passed (S5). */
  tokenExpired(): void {
    this.#closeSelf(GATEWAY_CLOSE.tokenExpired, 'token_expired');
  }

  #stopTimers(): void {
    this.#shared.heartbeat.remove(this.#socket);
    this.#shared.expiry.remove(this);
  }

  #detach(): void {
    if (this.#detached) return;
    this.#detached = true;
    try {
      this.#options.router.detach(this);
    } catch (error) {
      this.#options.logger.error({ err: error, connectionId: this.id }, 'router.detach failed');
    }
  }

  #onClose = (code: number, reason: Buffer): void => {
    this.#closing = true;
    this.#ended = true;
    this.#stopTimers();
    if (this.#graceTimer !== undefined) this.#options.timers.clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    this.#socket.off('message', this.#onMessage);
    this.#detach();
    this.#init.release().catch((error: unknown) => {
      this.#options.logger.warn(
        { err: error, connectionId: this.id },
        'connection slot release failed',
      );
    });
    this.#init.onClosed(this);
    this.#options.emit({
      type: 'connection_closed',
      connectionId: this.id,
      code: this.#closeCode ?? code,
      reason: this.#closeCode === undefined ? reason.toString('utf8') : this.#closeReason,
      durationMs: this.#options.clock() - this.#openedAt,
    });
    this.#resolveClosed?.();
    this.#resolveClosed = undefined;
  };
}
