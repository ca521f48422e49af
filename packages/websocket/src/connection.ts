import { randomUUID } from 'node:crypto';
import {
  errorFrame,
  MAX_ERROR_MESSAGE_CHARS,
  type InboundFrame,
  type WireErrorCode,
} from '@chatbox/message';
import { WebSocket, type RawData } from 'ws';
import { startHeartbeat, type Heartbeat } from './heartbeat.js';
import type { ResolvedOptions } from './options.js';
import { MinuteBucket } from './rate.js';
import type { Connection } from './router-types.js';
import { MAX_TIMER_MS } from './timers.js';

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
  readonly closed: Promise<void>;
  readonly #socket: WebSocket;
  readonly #options: ResolvedOptions;
  readonly #init: ConnectionInit;
  readonly #frames: MinuteBucket;
  readonly #invalid: MinuteBucket;
  readonly #openedAt: number;
  #heartbeat: Heartbeat | undefined;
  #expiryTimer: unknown;
  #graceTimer: unknown;
  #closing = false;
  #closeCode: number | undefined;
  #closeReason = '';
  #detached = false;
  #resolveClosed: () => void = () => undefined;

  constructor(socket: WebSocket, init: ConnectionInit, options: ResolvedOptions) {
    this.#socket = socket;
    this.#options = options;
    this.#init = init;
    this.userId = init.userId;
    this.roles = init.roles;
    this.#openedAt = options.clock();
    this.#frames = new MinuteBucket(options.framesPerMinute, options.clock);
    this.#invalid = new MinuteBucket(options.invalidFramesPerMinute, options.clock);
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  /** Listeners first (no frame can be missed), then the router learns about the socket. */
  start(): void {
    this.#socket.on('message', this.#onMessage);
    this.#socket.once('close', this.#onClose);
    this.#heartbeat = startHeartbeat(this.#socket, {
      intervalMs: this.#options.pingIntervalMs,
      timeoutMs: this.#options.pongTimeoutMs,
      timers: this.#options.timers,
      onTimeout: () => this.#heartbeatTimeout(),
    });
    this.#armExpiry();
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

  #heartbeatTimeout(): void {
    this.#options.emit({ type: 'heartbeat_timeout', connectionId: this.id });
    this.#detach();
    this.terminate();
  }

  #armExpiry(): void {
    const remaining = this.#init.expiresAt - this.#options.clock();
    if (remaining <= 0) {
      this.#closeSelf(GATEWAY_CLOSE.tokenExpired, 'token_expired');
      return;
    }
    // S5: the socket lives no longer than its token; long delays are re-armed, not overflowed.
    this.#expiryTimer = this.#options.timers.setTimeout(
      () => {
        this.#expiryTimer = undefined;
        this.#armExpiry();
      },
      Math.min(remaining, MAX_TIMER_MS),
    );
  }

  #stopTimers(): void {
    this.#heartbeat?.stop();
    if (this.#expiryTimer !== undefined) this.#options.timers.clearTimeout(this.#expiryTimer);
    this.#expiryTimer = undefined;
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
    this.#resolveClosed();
  };
}
