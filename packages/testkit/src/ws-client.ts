import type { IncomingMessage } from 'node:http';
import { WebSocket, type RawData } from 'ws';
import { TestkitError } from './errors.js';

export const DEFAULT_NEXT_TIMEOUT_MS = 5_000;
export const DEFAULT_CLOSE_TIMEOUT_MS = 2_000;
const REFUSED_BODY_MAX_CHARS = 2_000;
const FRAMES_IN_TIMEOUT_MESSAGE = 5;

export interface WsTestClient {
  /** Sends `frame` as a JSON text frame. */
  send(frame: unknown): void;
  sendRaw(data: string | Buffer, options?: { binary?: boolean }): void;
  /**
   * The next received frame after the last one `next` returned that matches `predicate` (frames
   * before it are passed over; `received` keeps them all). Text frames are parsed JSON when they
   * parse, else the string; binary frames are Buffers.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- frames are arbitrary JSON for tests
  next(predicate?: (frame: any) => boolean, timeoutMs?: number): Promise<any>;
  readonly received: unknown[];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Stops reading from the socket (the server's send buffer fills: backpressure tests). */
  pause(): void;
  resume(): void;
  /** Closes (default code 1000) and waits for the close; terminates if the peer does not answer. */
  close(code?: number): Promise<void>;
  readonly socket: WebSocket;
}

export interface ConnectWsOptions {
  headers?: Record<string, string>;
  protocols?: string[];
  origin?: string;
}

interface Waiter {
  readonly predicate: (frame: unknown) => boolean;
  readonly resolve: (frame: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

function decode(data: RawData, isBinary: boolean): unknown {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  if (isBinary) return buffer;
  const text = buffer.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

class Client implements WsTestClient {
  readonly socket: WebSocket;
  readonly received: unknown[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #cursor = 0;
  #closeInfo: { code: number; reason: string } | undefined;
  readonly #waiters = new Set<Waiter>();

  constructor(socket: WebSocket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => {
      socket.once('close', (code, reason) => {
        this.#closeInfo = { code, reason: reason.toString('utf8') };
        for (const waiter of this.#waiters) this.#fail(waiter, this.#closedError());
        resolve(this.#closeInfo);
      });
    });
    socket.on('message', (data, isBinary) => {
      this.received.push(decode(data, isBinary));
      for (const waiter of this.#waiters) this.#settle(waiter);
    });
    // Errors after the handshake show up as a close; without a listener they would crash the test.
    socket.on('error', () => undefined);
  }

  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.socket.send(data, { binary: options.binary ?? Buffer.isBuffer(data) });
  }

  next(
    predicate: (frame: unknown) => boolean = () => true,
    timeoutMs = DEFAULT_NEXT_TIMEOUT_MS,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const recent = this.received
          .slice(-FRAMES_IN_TIMEOUT_MESSAGE)
          .map((frame) => JSON.stringify(frame));
        this.#fail(
          waiter,
          new TestkitError(
            'ERR_TESTKIT_TIMEOUT',
            `no matching frame within ${timeoutMs} ms; last frames: ${recent.join(', ') || 'none'}`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = { predicate, resolve, reject, timer };
      this.#waiters.add(waiter);
      this.#settle(waiter);
      if (this.#waiters.has(waiter) && this.#closeInfo !== undefined)
        this.#fail(waiter, this.#closedError());
    });
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  async close(code = 1000): Promise<void> {
    if (this.#closeInfo !== undefined) return;
    const timer = setTimeout(() => this.socket.terminate(), DEFAULT_CLOSE_TIMEOUT_MS);
    try {
      this.socket.resume();
      this.socket.close(code);
      await this.closed;
    } finally {
      clearTimeout(timer);
    }
  }

  #settle(waiter: Waiter): void {
    if (!this.#waiters.has(waiter)) return;
    while (this.#cursor < this.received.length) {
      const frame = this.received[this.#cursor];
      this.#cursor += 1;
      if (waiter.predicate(frame)) {
        this.#waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve(frame);
        return;
      }
    }
  }

  #fail(waiter: Waiter, error: Error): void {
    if (!this.#waiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    waiter.reject(error);
  }

  #closedError(): TestkitError {
    const info = this.#closeInfo;
    return new TestkitError(
      'ERR_TESTKIT_WS_CLOSED',
      `socket closed (code ${info?.code}, reason '${info?.reason}') before a matching frame`,
    );
  }
}

function refusedError(
  response: IncomingMessage,
  body: string,
): TestkitError & { body: string; headers: IncomingMessage['headers'] } {
  const status = response.statusCode ?? 0;
  const error = new TestkitError(
    'ERR_TESTKIT_WS_UPGRADE_REFUSED',
    `WebSocket upgrade refused with HTTP ${status}`,
    {
      statusCode: status,
    },
  );
  return Object.assign(error, { body, headers: response.headers });
}

/**
 * Opens a WebSocket with the `ws` client and resolves once it is open. Rejects with a TestkitError
 * carrying `statusCode` (and the response `body` and `headers`) when the server refuses the upgrade.
 */
export function connectWs(url: string, options: ConnectWsOptions = {}): Promise<WsTestClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? [], {
      headers: options.headers,
      origin: options.origin,
    });
    // Created before 'open' so no frame the server sends right after the handshake is missed.
    const client = new Client(socket);
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < REFUSED_BODY_MAX_CHARS) body += chunk;
      });
      response.once('end', () => {
        reject(refusedError(response, body.slice(0, REFUSED_BODY_MAX_CHARS)));
        request.destroy();
      });
      response.once('error', () => reject(refusedError(response, body)));
    });
    socket.once('error', (error) => {
      if (socket.readyState !== WebSocket.OPEN) reject(error);
    });
  });
}
