import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { TestkitError } from './errors.js';

/** What the fake does with one `POST /v1/messages`, taken in FIFO order, then the default. */
export type FakeScript =
  | {
      kind: 'stream';
      chunks: string[];
      delayMs?: number;
      usage?: { inputTokens: number; outputTokens: number };
      stopReason?: string;
    }
  | { kind: 'hang-before-headers' }
  | { kind: 'hang-after'; chunks: string[] }
  | { kind: 'status'; status: 429 | 529 | 500 | 401 | 400; retryAfterSec?: number; body?: unknown }
  | { kind: 'error-event'; afterChunks: string[]; errorType: 'overloaded_error' | 'api_error' }
  | { kind: 'drop'; afterChunks: string[] };

export interface FakeRequestRecord {
  readonly index: number;
  readonly method: string;
  readonly path: string;
  /** Request headers; `authorization` and `x-api-key` values are replaced by `[redacted]`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body (undefined until read, or when it is not JSON). */
  body: unknown;
  readonly script: FakeScript['kind'] | 'not-found';
  readonly startedAt: number;
  /** When the client closed the connection before the response was complete. */
  abortedAt?: number;
  /** True once the response was sent in full. */
  completed: boolean;
}

export interface FakeAnthropic {
  /** `http://127.0.0.1:<port>`: pass as the SDK's `baseURL`. */
  readonly url: string;
  readonly requests: readonly FakeRequestRecord[];
  /**
   * Open connections that have carried a request. Idle keep-alive connections count; a connection the
   * client opened in advance and never used does not (undici opens one after an aborted request).
   */
  readonly openSockets: number;
  enqueue(...scripts: FakeScript[]): void;
  setDefault(script: FakeScript): void;
  /** Polls until `predicate()` holds; rejects with ERR_TESTKIT_TIMEOUT after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Destroys every socket and stops listening. Idempotent. */
  close(): Promise<void>;
}

export interface FakeAnthropicOptions {
  defaultScript?: FakeScript;
  /** Milliseconds clock for `startedAt` / `abortedAt`. */
  now?: () => number;
}

const DEFAULT_SCRIPT: FakeScript = { kind: 'stream', chunks: ['Hello', ' from', ' the fake.'] };
const POLL_MS = 5;
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function redactHeaders(raw: IncomingMessage['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const secret = name === 'authorization' || name === 'x-api-key';
    headers[name] = secret ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The parsed JSON body; undefined when it is not JSON or the client went away mid-upload. */
async function readBody(req: IncomingMessage): Promise<unknown> {
  try {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    return JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

interface Call {
  readonly res: ServerResponse;
  readonly record: FakeRequestRecord;
  readonly body: { model?: unknown } | undefined;
}

/** Every Messages API event is named after its `type`. */
function sse(res: ServerResponse, data: { type: string } & Record<string, unknown>): void {
  if (!res.destroyed) res.write(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
}

function json(res: ServerResponse, status: number, payload: unknown, headers = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(payload));
}

class FakeAnthropicServer implements FakeAnthropic {
  readonly requests: FakeRequestRecord[] = [];
  readonly #server = createServer((req, res) => {
    this.#handle(req, res).catch(() => res.destroy());
  });
  readonly #serverClosed = new WeakSet<ServerResponse>();
  readonly #sockets = new Set<Socket>();
  readonly #used = new WeakSet<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #queue: FakeScript[] = [];
  readonly #now: () => number;
  #default: FakeScript;
  #port = 0;
  #closing = false;
  #closed: Promise<void> | undefined;

  constructor(options: FakeAnthropicOptions) {
    this.#default = options.defaultScript ?? DEFAULT_SCRIPT;
    this.#now = options.now ?? Date.now;
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get openSockets(): number {
    return [...this.#sockets].filter((socket) => this.#used.has(socket)).length;
  }

  async listen(): Promise<void> {
    this.#server.listen({ host: '127.0.0.1', port: 0 });
    await once(this.#server, 'listening');
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  enqueue(...scripts: FakeScript[]): void {
    this.#queue.push(...scripts);
  }

  setDefault(script: FakeScript): void {
    this.#default = script;
  }

  async waitFor(predicate: () => boolean, timeoutMs = 2_000): Promise<void> {
    const deadline = this.#now() + timeoutMs;
    while (!predicate()) {
      if (this.#now() >= deadline)
        throw new TestkitError('ERR_TESTKIT_TIMEOUT', `condition not met within ${timeoutMs} ms`);
      await this.#sleep(POLL_MS);
    }
  }

  close(): Promise<void> {
    this.#closed ??= new Promise((resolve) => {
      this.#closing = true;
      for (const timer of this.#timers) clearTimeout(timer);
      this.#timers.clear();
      for (const socket of this.#sockets) socket.destroy();
      this.#sockets.clear();
      this.#server.close(() => resolve());
    });
    return this.#closed;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.#timers.add(timer);
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#used.add(req.socket);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const routed = req.method === 'POST' && path === '/v1/messages';
    const script = routed ? (this.#queue.shift() ?? this.#default) : undefined;
    // Recorded and watched before the body is read, so an abort during the upload is seen too.
    const record: FakeRequestRecord = {
      index: this.requests.length,
      method: req.method ?? 'GET',
      path,
      headers: redactHeaders(req.headers),
      body: undefined,
      script: script?.kind ?? 'not-found',
      startedAt: this.#now(),
      completed: false,
    };
    this.requests.push(record);
    res.on('close', () => {
      if (res.writableFinished || this.#closing || this.#serverClosed.has(res)) return;
      record.abortedAt ??= this.#now();
    });
    res.on('finish', () => (record.completed = true));
    record.body = await readBody(req);
    if (res.destroyed) return;
    if (script === undefined) {
      json(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'Not found' } });
      return;
    }
    await this.#play(script, { res, record, body: record.body as Call['body'] });
  }

  async #play(script: FakeScript, call: Call): Promise<void> {
    const { res } = call;
    switch (script.kind) {
      case 'hang-before-headers':
        return;
      case 'status':
        return this.#status(script, call);
      case 'stream':
        await this.#open(call, script.chunks, script.delayMs, script.usage?.inputTokens);
        return this.#finish(
          call,
          script.usage?.outputTokens ?? script.chunks.length,
          script.stopReason,
        );
      case 'hang-after':
        return this.#open(call, script.chunks);
      case 'error-event':
        await this.#open(call, script.afterChunks);
        sse(res, {
          type: 'error',
          error: { type: script.errorType, message: 'Fake upstream error' },
        });
        if (!res.destroyed) res.end();
        return;
      case 'drop':
        await this.#open(call, script.afterChunks);
        // Let the written deltas reach the client before the reset.
        await this.#sleep(20);
        this.#serverClosed.add(res);
        res.socket?.destroy();
        return;
    }
  }

  #status(script: Extract<FakeScript, { kind: 'status' }>, { res, record }: Call): void {
    const headers: Record<string, string> = { 'request-id': `req_fake_${record.index}` };
    if (script.retryAfterSec !== undefined) headers['retry-after'] = String(script.retryAfterSec);
    const error = { type: ERROR_TYPES[script.status], message: `Fake status ${script.status}` };
    json(res, script.status, script.body ?? { type: 'error', error }, headers);
  }

  async #open(call: Call, chunks: string[], delayMs = 0, inputTokens?: number): Promise<void> {
    const { res, record } = call;
    const id = `req_fake_${record.index}`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': id });
    const model = typeof call.body?.model === 'string' ? call.body.model : 'fake-model';
    const input = inputTokens ?? Math.ceil(JSON.stringify(call.body ?? '').length / 4);
    const usage = { input_tokens: input, output_tokens: 1, cache_creation_input_tokens: null };
    const start = { id: `msg_fake_${record.index}`, type: 'message', role: 'assistant', model };
    sse(res, {
      type: 'message_start',
      message: { ...start, content: [], stop_reason: null, stop_sequence: null, usage },
    });
    sse(res, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    sse(res, { type: 'ping' });
    for (const text of chunks) {
      if (delayMs > 0) await this.#sleep(delayMs);
      sse(res, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
    }
  }

  #finish({ res }: Call, outputTokens: number, stopReason = 'end_turn'): void {
    if (res.destroyed) return;
    sse(res, { type: 'content_block_stop', index: 0 });
    const delta = { stop_reason: stopReason, stop_sequence: null };
    sse(res, { type: 'message_delta', delta, usage: { output_tokens: Math.max(1, outputTokens) } });
    sse(res, { type: 'message_stop' });
    res.end();
  }
}

/**
 * A real HTTP server on 127.0.0.1 (a free port) speaking the Messages API's SSE sequence, scripted
 * per request. Point the real SDK at it with `baseURL: fake.url`.
 */
export async function startFakeAnthropic(
  options: FakeAnthropicOptions = {},
): Promise<FakeAnthropic> {
  const fake = new FakeAnthropicServer(options);
  await fake.listen();
  return fake;
}
