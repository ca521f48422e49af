import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectWs, freePort, type WsTestClient } from '../../src/index.js';

interface Peer {
  readonly http: Server;
  readonly wss: WebSocketServer;
  readonly url: string;
  readonly serverSockets: WebSocket[];
  readonly serverReceived: Array<{ data: string; isBinary: boolean }>;
  readonly serverCloseCodes: number[];
}

async function startPeer(): Promise<Peer> {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => [...protocols][0] ?? false,
  });
  const serverSockets: WebSocket[] = [];
  const serverReceived: Peer['serverReceived'] = [];
  const serverCloseCodes: number[] = [];
  const http = createServer();
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (request.headers['authorization'] !== 'Bearer good') {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nunauthorized',
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      serverSockets.push(ws);
      ws.on('message', (data, isBinary) =>
        serverReceived.push({ data: (data as Buffer).toString('utf8'), isBinary }),
      );
      ws.on('close', (code) => serverCloseCodes.push(code));
      // Sent at once: the client must not miss a frame that arrives with the handshake.
      ws.send(
        JSON.stringify({
          type: 'hello',
          origin: request.headers.origin ?? null,
          protocol: ws.protocol,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => http.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = http.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    http,
    wss,
    url: `ws://127.0.0.1:${port}/chat/ws`,
    serverSockets,
    serverReceived,
    serverCloseCodes,
  };
}

async function stopPeer(peer: Peer): Promise<void> {
  for (const socket of peer.serverSockets) socket.terminate();
  await new Promise<void>((resolve) => peer.wss.close(() => resolve()));
  await new Promise<void>((resolve) => peer.http.close(() => resolve()));
}

const auth = { headers: { authorization: 'Bearer good' } };

describe('connectWs', () => {
  let peer: Peer;
  let client: WsTestClient | undefined;

  beforeEach(async () => {
    peer = await startPeer();
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
    await stopPeer(peer);
  });

  it('passes headers, origin and protocols, and sees the first frame', async () => {
    client = await connectWs(peer.url, {
      ...auth,
      origin: 'http://localhost:3000',
      protocols: ['chat.v1'],
    });
    expect(await client.next()).toEqual({
      type: 'hello',
      origin: 'http://localhost:3000',
      protocol: 'chat.v1',
    });
    expect(client.socket.protocol).toBe('chat.v1');
  });

  it('next walks frames in order, skips to a predicate match, and times out', async () => {
    client = await connectWs(peer.url, auth);
    await client.next((frame: { type?: string }) => frame.type === 'hello');
    const server = peer.serverSockets[0]!;
    for (const seq of [1, 2, 3]) server.send(JSON.stringify({ type: 'delta', seq }));
    server.send(JSON.stringify({ type: 'done' }));
    server.send('not json');
    server.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.next()).toEqual({ type: 'delta', seq: 1 });
    expect(await client.next((frame: { type?: string }) => frame.type === 'done')).toEqual({
      type: 'done',
    });
    expect(await client.next()).toBe('not json');
    expect(await client.next()).toEqual(Buffer.from([1, 2, 3]));
    expect(client.received).toHaveLength(7);
    await expect(client.next(undefined, 100)).rejects.toMatchObject({
      code: 'ERR_TESTKIT_TIMEOUT',
    });
  });

  it('send and sendRaw reach the server as text or binary', async () => {
    client = await connectWs(peer.url, auth);
    client.send({ type: 'ping' });
    client.sendRaw('raw text');
    client.sendRaw(Buffer.from('bin'), { binary: true });
    client.sendRaw(Buffer.from('{"as":"text"}'), { binary: false });
    client.sendRaw(Buffer.from('default binary'));
    await waitFor(() => peer.serverReceived.length === 5);
    expect(peer.serverReceived).toEqual([
      { data: '{"type":"ping"}', isBinary: false },
      { data: 'raw text', isBinary: false },
      { data: 'bin', isBinary: true },
      { data: '{"as":"text"}', isBinary: false },
      { data: 'default binary', isBinary: true },
    ]);
  });

  it('closed resolves with the server close code, and waiting next calls reject', async () => {
    client = await connectWs(peer.url, auth);
    await client.next();
    const waiting = client.next((frame: { type?: string }) => frame.type === 'never');
    peer.serverSockets[0]!.close(4001, 'bye');
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_TESTKIT_WS_CLOSED' });
    expect(await client.closed).toEqual({ code: 4001, reason: 'bye' });
    await expect(client.next()).rejects.toMatchObject({ code: 'ERR_TESTKIT_WS_CLOSED' });
  });

  it('close sends the given code to the server', async () => {
    client = await connectWs(peer.url, auth);
    await client.close(4002);
    await client.close();
    expect(await client.closed).toMatchObject({ code: 4002 });
    await waitFor(() => peer.serverCloseCodes.length === 1);
    expect(peer.serverCloseCodes).toEqual([4002]);
  });

  it('pause holds frames back until resume', async () => {
    client = await connectWs(peer.url, auth);
    await client.next();
    client.pause();
    peer.serverSockets[0]!.send(JSON.stringify({ type: 'held' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.received).toHaveLength(1);
    client.resume();
    expect(await client.next()).toEqual({ type: 'held' });
  });

  it('a refused upgrade rejects with its statusCode and body', async () => {
    await expect(connectWs(peer.url)).rejects.toMatchObject({
      code: 'ERR_TESTKIT_WS_UPGRADE_REFUSED',
      statusCode: 401,
      body: 'unauthorized',
    });
  });

  it('a closed port rejects with the connection error', async () => {
    await expect(connectWs(`ws://127.0.0.1:${await freePort()}/`)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
