import { connect, createServer, type Server, type Socket } from 'node:net';
import { TestkitError } from './errors.js';
import { LOOPBACK_HOST } from './free-port.js';

export type FaultMode =
  | { kind: 'pass' }
  | { kind: 'latency'; ms: number }
  | { kind: 'blackhole' }
  | { kind: 'refuse' }
  | { kind: 'reset' };

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  /** Applies to data and connections from now on; 'refuse' and 'reset' also drop open connections. */
  setMode(mode: FaultMode): void;
  /** The next `count` (default 1) client->server data chunks are dropped and their connection reset. */
  resetNext(count?: number): void;
  /** Client connections accepted since the proxy started. */
  readonly connectionCount: number;
  /** Client connections open now. */
  readonly activeConnections: number;
  close(): Promise<void>;
}

const RELISTEN_RETRY_MS = 50;
const RELISTEN_ATTEMPTS = 40;

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
}

function validate(mode: FaultMode): FaultMode {
  if (mode.kind === 'latency' && !(Number.isFinite(mode.ms) && mode.ms >= 0)) {
    throw new TestkitError(
      'ERR_TESTKIT_INVALID_ARGUMENT',
      `latency ms must be a finite number >= 0, got ${mode.ms}`,
    );
  }
  return { ...mode };
}

function reset(socket: Socket): void {
  if (!socket.destroyed) socket.resetAndDestroy();
}

class TcpFaultProxy implements FaultProxy {
  readonly host = LOOPBACK_HOST;
  readonly #target: { host: string; port: number };
  readonly #server: Server;
  readonly #pairs = new Set<Pair>();
  #port = 0;
  #mode: FaultMode = { kind: 'pass' };
  #resetBudget = 0;
  #accepted = 0;
  #listening = false;
  #closed = false;

  constructor(target: { host: string; port: number }) {
    this.#target = { ...target };
    this.#server = createServer({ pauseOnConnect: false }, (client) => this.#accept(client));
    this.#server.on('error', () => undefined);
  }

  get port(): number {
    return this.#port;
  }

  get connectionCount(): number {
    return this.#accepted;
  }

  get activeConnections(): number {
    return this.#pairs.size;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ host: LOOPBACK_HOST, port: 0 }, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address();
    this.#port = typeof address === 'object' && address !== null ? address.port : 0;
    this.#listening = true;
  }

  setMode(mode: FaultMode): void {
    if (this.#closed) return;
    this.#mode = validate(mode);
    switch (this.#mode.kind) {
      case 'refuse':
        // A closed listener gives ECONNREFUSED, like a server that is down.
        this.#stopListening();
        this.#resetAll();
        return;
      case 'reset':
        this.#resumeListening();
        this.#resetAll();
        return;
      case 'pass':
      case 'latency':
      case 'blackhole':
        this.#resumeListening();
        return;
    }
  }

  resetNext(count = 1): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new TestkitError(
        'ERR_TESTKIT_INVALID_ARGUMENT',
        `resetNext count must be an integer >= 0, got ${count}`,
      );
    }
    this.#resetBudget = count;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const pair of this.#pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.#pairs.clear();
    if (this.#listening) {
      this.#listening = false;
      await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    }
  }

  #stopListening(): void {
    if (!this.#listening) return;
    this.#listening = false;
    this.#server.close();
  }

  #resumeListening(attempt = 1): void {
    if (this.#listening || this.#closed) return;
    this.#listening = true;
    const onError = (): void => {
      this.#listening = false;
      if (attempt < RELISTEN_ATTEMPTS && this.#mode.kind !== 'refuse') {
        setTimeout(() => this.#resumeListening(attempt + 1), RELISTEN_RETRY_MS).unref();
      }
    };
    this.#server.once('error', onError);
    this.#server.listen({ host: LOOPBACK_HOST, port: this.#port }, () =>
      this.#server.off('error', onError),
    );
  }

  #resetAll(): void {
    for (const pair of this.#pairs) {
      reset(pair.client);
      pair.upstream.destroy();
    }
    this.#pairs.clear();
  }

  #accept(client: Socket): void {
    this.#accepted += 1;
    if (this.#closed || this.#mode.kind === 'reset' || this.#mode.kind === 'refuse') {
      reset(client);
      return;
    }
    const upstream = connect({ host: this.#target.host, port: this.#target.port });
    const pair: Pair = { client, upstream };
    this.#pairs.add(pair);
    const drop = (): void => {
      if (!this.#pairs.delete(pair)) return;
      client.destroy();
      upstream.destroy();
    };
    // The target refusing or resetting reaches the client as a reset, as it would without a proxy.
    upstream.once('error', () => {
      this.#pairs.delete(pair);
      reset(client);
    });
    client.once('error', drop);
    client.once('close', drop);
    upstream.once('close', drop);
    this.#forward(client, upstream, pair, true);
    this.#forward(upstream, client, pair, false);
  }

  #forward(from: Socket, to: Socket, pair: Pair, clientToServer: boolean): void {
    let releaseAt = 0;
    from.on('end', () => {
      // After any delayed chunk still on its way.
      const wait = releaseAt - Date.now();
      if (wait <= 0) to.end();
      else setTimeout(() => to.end(), wait).unref();
    });
    from.on('data', (chunk: Buffer) => {
      if (clientToServer && this.#resetBudget > 0) {
        this.#resetBudget -= 1;
        this.#pairs.delete(pair);
        reset(pair.client);
        pair.upstream.destroy();
        return;
      }
      const mode = this.#mode;
      switch (mode.kind) {
        case 'blackhole':
        case 'refuse':
        case 'reset':
          return;
        case 'pass':
          if (releaseAt <= Date.now()) {
            this.#write(from, to, chunk);
            return;
          }
          break;
        case 'latency':
          break;
      }
      // Delayed chunks keep their order: each leaves no earlier than the one before it.
      const delayMs = mode.kind === 'latency' ? mode.ms : 0;
      releaseAt = Math.max(Date.now() + delayMs, releaseAt);
      setTimeout(() => this.#write(from, to, chunk), releaseAt - Date.now()).unref();
    });
  }

  #write(from: Socket, to: Socket, chunk: Buffer): void {
    if (to.destroyed || to.writableEnded) return;
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  }
}

/**
 * A TCP proxy on 127.0.0.1 in front of `target` that injects faults: added latency, a blackhole
 * (connections stay open, nothing is delivered), refused connections, resets, and `resetNext`
 * (the next chunks sent towards the server are dropped and their connection reset with RST).
 */
export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const proxy = new TcpFaultProxy(target);
  await proxy.listen();
  return proxy;
}
