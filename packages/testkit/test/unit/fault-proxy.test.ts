import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort, startFaultProxy, type FaultProxy } from '../../src/index.js';

interface Echo {
  readonly server: Server;
  readonly port: number;
  received: string;
  readonly sockets: Set<Socket>;
}

async function startEcho(): Promise<Echo> {
  const sockets = new Set<Socket>();
  const echo = { received: '', sockets } as Echo;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      echo.received += chunk.toString();
      socket.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  return Object.assign(echo, {
    server,
    port: typeof address === 'object' && address !== null ? address.port : 0,
  });
}

function closeEcho(echo: Echo): Promise<void> {
  for (const socket of echo.sockets) socket.destroy();
  return new Promise((resolve) => echo.server.close(() => resolve()));
}

type Outcome = { data: string } | { error: string } | { silent: true };

/** Opens a connection, sends `text`, and reports what came back within `waitMs`. */
function exchange(port: number, text: string, waitMs = 1_000): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    const finish = (outcome: Outcome): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish(data === '' ? { silent: true } : { data }), waitMs);
    socket.once('connect', () => socket.write(text));
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.length >= text.length) finish({ data });
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish({ error: error.code ?? error.message }),
    );
  });
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

function errorOf(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.once('close', () => resolve('closed'));
  });
}

describe('startFaultProxy', () => {
  let echo: Echo;
  let proxy: FaultProxy;

  beforeEach(async () => {
    echo = await startEcho();
    proxy = await startFaultProxy({ host: '127.0.0.1', port: echo.port });
  });

  afterEach(async () => {
    await proxy.close();
    await closeEcho(echo);
  });

  it('passes data both ways on 127.0.0.1 and counts connections', async () => {
    expect(proxy.host).toBe('127.0.0.1');
    expect(proxy.port).not.toBe(echo.port);
    expect(await exchange(proxy.port, 'hello')).toEqual({ data: 'hello' });
    expect(await exchange(proxy.port, 'again')).toEqual({ data: 'again' });
    expect(proxy.connectionCount).toBe(2);
    const socket = await openSocket(proxy.port);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(proxy.activeConnections).toBe(1);
    socket.destroy();
  });

  it('latency delays each direction and keeps chunk order', async () => {
    proxy.setMode({ kind: 'latency', ms: 150 });
    const socket = await openSocket(proxy.port);
    const started = Date.now();
    let data = '';
    const got = new Promise<void>((resolve) =>
      socket.on('data', (chunk) => {
        data += chunk.toString();
        if (data.length >= 6) resolve();
      }),
    );
    socket.write('abc');
    socket.write('def');
    await got;
    // 150 ms towards the server and 150 ms back: a lower bound the timers guarantee.
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(data).toBe('abcdef');
    socket.destroy();
    proxy.setMode({ kind: 'pass' });
    expect(await exchange(proxy.port, 'fast')).toEqual({ data: 'fast' });
  });

  it('blackhole accepts connections but delivers nothing', async () => {
    proxy.setMode({ kind: 'blackhole' });
    expect(await exchange(proxy.port, 'lost', 300)).toEqual({ silent: true });
    expect(echo.received).toBe('');
    proxy.setMode({ kind: 'pass' });
    expect(await exchange(proxy.port, 'back')).toEqual({ data: 'back' });
  });

  it('refuse makes new connections fail with ECONNREFUSED and resets open ones', async () => {
    const open = await openSocket(proxy.port);
    const openOutcome = errorOf(open);
    proxy.setMode({ kind: 'refuse' });
    expect(await openOutcome).toBe('ECONNRESET');
    expect(await exchange(proxy.port, 'x')).toEqual({ error: 'ECONNREFUSED' });
    proxy.setMode({ kind: 'pass' });
    expect(await exchange(proxy.port, 'after')).toEqual({ data: 'after' });
  });

  it('reset resets open and new connections', async () => {
    const open = await openSocket(proxy.port);
    const openOutcome = errorOf(open);
    proxy.setMode({ kind: 'reset' });
    expect(await openOutcome).toBe('ECONNRESET');
    expect(await exchange(proxy.port, 'x')).toEqual({ error: 'ECONNRESET' });
    expect(echo.received).toBe('');
    proxy.setMode({ kind: 'pass' });
    expect(await exchange(proxy.port, 'ok')).toEqual({ data: 'ok' });
  });

  it('resetNext drops the next chunks before the server sees them and resets their connections', async () => {
    proxy.resetNext();
    expect(await exchange(proxy.port, 'first')).toEqual({ error: 'ECONNRESET' });
    expect(echo.received).toBe('');
    expect(await exchange(proxy.port, 'second')).toEqual({ data: 'second' });
    proxy.resetNext(2);
    expect(await exchange(proxy.port, 'a')).toEqual({ error: 'ECONNRESET' });
    expect(await exchange(proxy.port, 'b')).toEqual({ error: 'ECONNRESET' });
    expect(await exchange(proxy.port, 'c')).toEqual({ data: 'c' });
    expect(echo.received).toBe('secondc');
  });

  it('turns a target that is down into a reset, and rejects bad arguments', async () => {
    const nobody = await startFaultProxy({ host: '127.0.0.1', port: await freePort() });
    try {
      expect(await exchange(nobody.port, 'x')).toEqual({ error: 'ECONNRESET' });
    } finally {
      await nobody.close();
      await nobody.close();
    }
    expect(() => proxy.setMode({ kind: 'latency', ms: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_TESTKIT_INVALID_ARGUMENT' }),
    );
    expect(() => proxy.resetNext(1.5)).toThrow(
      expect.objectContaining({ code: 'ERR_TESTKIT_INVALID_ARGUMENT' }),
    );
  });
});
