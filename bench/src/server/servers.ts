import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '@chatbox/server';
import { WebSocketServer } from 'ws';
import { textOf } from '../raw-data.js';
import { streamPacedReply } from './paced-reply.js';
import { CHAT_PROTOCOL, MAX_PAYLOAD_BYTES, WS_PATH, type PacedReplySpec } from './protocol.js';

const LOOPBACK = '127.0.0.1';
const READY_POLL_MS = 20;
const READY_TIMEOUT_MS = 30_000;

export interface RunningServer {
  readonly port: number;
  connections(): number;
  close(): Promise<void>;
}

function selectProtocol(protocols: Set<string>): string | false {
  return protocols.has(CHAT_PROTOCOL) ? CHAT_PROTOCOL : false;
}

/** The baseline: `ws` alone, echoing each frame, or streaming paced replies. */
export async function startBareServer(paced: PacedReplySpec | undefined): Promise<RunningServer> {
  const wss = new WebSocketServer({
    host: LOOPBACK,
    port: 0,
    path: WS_PATH,
    maxPayload: MAX_PAYLOAD_BYTES,
    perMessageDeflate: false,
    handleProtocols: selectProtocol,
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      if (paced === undefined) socket.send(data, { binary: isBinary });
      else streamPacedReply(socket, textOf(data), paced);
    });
  });
  return {
    port: (wss.address() as AddressInfo).port,
    connections: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

/**
 * fastify + @fastify/websocket echoing, nothing else: the framework's own floor. With
 * `releaseRequest`, what keeps the upgrade's request and reply alive for the socket's life is let
 * go: the ServerResponse the plugin assigned to the socket is detached, and the plugin's
 * per-socket error listener (a closure over request and reply) is swapped for one holding neither.
 */
export async function startFastifyServer(releaseRequest = false): Promise<RunningServer> {
  const { default: fastify } = await import('fastify');
  const { default: websocketPlugin } = await import('@fastify/websocket');
  const app = fastify({ logger: false });
  await app.register(websocketPlugin, {
    options: {
      maxPayload: MAX_PAYLOAD_BYTES,
      perMessageDeflate: false,
      handleProtocols: selectProtocol,
      clientTracking: true,
    },
  });
  const responses = new WeakMap<IncomingMessage, ServerResponse>();
  if (releaseRequest) {
    app.addHook('onRequest', (request, reply) => {
      responses.set(request.raw, reply.raw);
      return Promise.resolve();
    });
  }
  let open = 0;
  app.get(WS_PATH, { websocket: true }, (socket, request) => {
    open += 1;
    if (releaseRequest) {
      responses.get(request.raw)?.detachSocket(request.raw.socket);
      responses.delete(request.raw);
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
    }
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    socket.on('close', () => (open -= 1));
  });
  await app.listen({ host: LOOPBACK, port: 0 });
  return {
    port: (app.server.address() as AddressInfo).port,
    connections: () => open,
    close: () => app.close(),
  };
}

/** The full stack: apps/server's buildApp with a config from @chatbox/config's loadConfig. */
export async function startChatboxServer(
  env: Readonly<Record<string, string>>,
): Promise<RunningServer> {
  const { loadConfig } = await import('@chatbox/config');
  const app = await buildApp(loadConfig(env));
  await app.listen({ host: LOOPBACK, port: 0 });
  // Readiness comes after the store connected and crash recovery ran (MongoDB: indexes too).
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (app.chatbox.lifecycle.state !== 'ready') {
    if (Date.now() > deadline)
      throw new Error(
        `chatbox not ready within ${READY_TIMEOUT_MS} ms (state ${app.chatbox.lifecycle.state})`,
      );
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  return {
    port: (app.server.address() as AddressInfo).port,
    connections: () => app.chatbox.components.gateway.stats().connections,
    close: async () => {
      await app.chatbox.shutdown();
    },
  };
}
