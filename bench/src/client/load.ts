import { randomUUID } from 'node:crypto';
import { WebSocket, type RawData } from 'ws';
import { textOf } from '../raw-data.js';
import { Samples } from '../stats.js';
import type { LoadCounters, LoadPayload, ReplyShape } from './protocol.js';

/** After a refusal the connection waits this long before its next send (no hot loop). */
const RETRY_AFTER_REFUSAL_MS = 50;
const DRAIN_POLL_MS = 20;

interface ServerFrame {
  readonly type?: unknown;
  readonly text?: unknown;
  readonly offset?: unknown;
  readonly code?: unknown;
}

interface Turn {
  sentAt: number;
  firstDeltaSeen: boolean;
}

/** Provider chunks of `shape` that end at or before character `end` of the reply. */
function chunksEndedBy(end: number, shape: ReplyShape): number {
  if (end >= shape.chars) return Math.ceil(shape.chars / shape.chunkSize);
  return Math.floor(end / shape.chunkSize);
}

/** Tokens a delta frame completes: one per chunk boundary inside [offset, offset + length). */
export function tokensIn(frame: { offset?: unknown; text?: unknown }, shape?: ReplyShape): number {
  if (shape === undefined) return 1;
  if (typeof frame.offset !== 'number' || typeof frame.text !== 'string') return 0;
  const end = frame.offset + frame.text.length;
  return chunksEndedBy(end, shape) - chunksEndedBy(frame.offset, shape);
}

/** Closed loop: each connection has one message in flight and sends the next when it is answered. */
export class Load {
  readonly #sockets: readonly WebSocket[];
  readonly #turns = new Map<WebSocket, Turn>();
  readonly #sent = new Map<WebSocket, number>();
  readonly #latency = new Samples();
  readonly #firstToken = new Samples();
  #payload: LoadPayload | undefined;
  #running = false;
  #markedAt = performance.now();
  #markedCpu = process.cpuUsage();
  #roundTrips = 0;
  #framesIn = 0;
  #deltas = 0;
  #tokens = 0;
  #deltaChars = 0;
  #streams = 0;
  #errors: Record<string, number> = {};
  #exhausted = 0;
  #closedByServer = 0;

  constructor(sockets: readonly WebSocket[]) {
    this.#sockets = sockets;
    for (const socket of sockets) {
      socket.on('message', (data: RawData, isBinary: boolean) =>
        this.#onMessage(socket, data, isBinary),
      );
      socket.once('close', () => {
        if (this.#running) this.#closedByServer += 1;
        this.#turns.delete(socket);
      });
    }
  }

  start(payload: LoadPayload): void {
    this.#payload = payload;
    this.#running = true;
    this.mark();
    for (const socket of this.#sockets) {
      const delay = payload.staggerMs > 0 ? Math.random() * payload.staggerMs : 0;
      if (delay === 0) this.#sendNext(socket);
      else setTimeout(() => this.#sendNext(socket), delay);
    }
  }

  mark(): void {
    this.#markedAt = performance.now();
    this.#markedCpu = process.cpuUsage();
    this.#roundTrips = 0;
    this.#framesIn = 0;
    this.#deltas = 0;
    this.#tokens = 0;
    this.#deltaChars = 0;
    this.#streams = 0;
    this.#errors = {};
    this.#exhausted = 0;
    this.#closedByServer = 0;
    this.#latency.clear();
    this.#firstToken.clear();
  }

  collect(): LoadCounters {
    const cpu = process.cpuUsage(this.#markedCpu);
    return {
      clientCpuUs: cpu.user + cpu.system,
      elapsedMs: performance.now() - this.#markedAt,
      roundTrips: this.#roundTrips,
      framesIn: this.#framesIn,
      deltas: this.#deltas,
      tokens: this.#tokens,
      deltaChars: this.#deltaChars,
      streams: this.#streams,
      errors: { ...this.#errors },
      exhausted: this.#exhausted,
      closedByServer: this.#closedByServer,
      latency: this.#latency.summary(),
      firstToken: this.#firstToken.summary(),
    };
  }

  /** No new sends; resolves with the turns still unanswered after `drainMs`. */
  async stop(drainMs: number): Promise<number> {
    this.#running = false;
    const deadline = performance.now() + drainMs;
    while (this.#turns.size > 0 && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    return this.#turns.size;
  }

  #sendNext(socket: WebSocket): void {
    const payload = this.#payload;
    if (!this.#running || payload === undefined || socket.readyState !== WebSocket.OPEN) return;
    const sent = this.#sent.get(socket) ?? 0;
    if (payload.perConnectionBudget > 0 && sent >= payload.perConnectionBudget) {
      this.#exhausted += 1;
      return;
    }
    this.#sent.set(socket, sent + 1);
    this.#turns.set(socket, { sentAt: performance.now(), firstDeltaSeen: false });
    socket.send(
      JSON.stringify({ type: 'send', clientMessageId: randomUUID(), content: payload.content }),
    );
  }

  #onMessage(socket: WebSocket, data: RawData, isBinary: boolean): void {
    this.#framesIn += 1;
    if (isBinary) return;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(textOf(data)) as ServerFrame;
    } catch {
      this.#count('unparsable');
      return;
    }
    const turn = this.#turns.get(socket);
    switch (frame.type) {
      case 'delta':
        this.#deltas += 1;
        this.#tokens += tokensIn(frame, this.#payload?.reply);
        if (typeof frame.text === 'string') this.#deltaChars += frame.text.length;
        if (turn !== undefined && !turn.firstDeltaSeen) {
          turn.firstDeltaSeen = true;
          this.#firstToken.push(performance.now() - turn.sentAt);
        }
        return;
      case 'done':
      case 'send': // the bare echo server returns the frame itself
        if (frame.type === 'done') this.#streams += 1;
        if (turn !== undefined) this.#finish(socket, turn);
        return;
      case 'error':
        this.#onError(socket, frame);
        return;
      default:
        return;
    }
  }

  #finish(socket: WebSocket, turn: Turn): void {
    this.#turns.delete(socket);
    this.#roundTrips += 1;
    this.#latency.push(performance.now() - turn.sentAt);
    this.#sendNext(socket);
  }

  #onError(socket: WebSocket, frame: ServerFrame): void {
    const code = typeof frame.code === 'string' ? frame.code : 'unknown';
    this.#count(code);
    // A failed generation is followed by its `done`; a refusal is the whole answer.
    if (code.startsWith('upstream_')) return;
    this.#turns.delete(socket);
    if (code === 'rate_limited') {
      this.#exhausted += 1;
      return;
    }
    setTimeout(() => this.#sendNext(socket), RETRY_AFTER_REFUSAL_MS);
  }

  #count(code: string): void {
    this.#errors[code] = (this.#errors[code] ?? 0) + 1;
  }
}
