import { mintToken } from '@chatbox/testkit';
import { WebSocket } from 'ws';
import { CHAT_PROTOCOL } from '../server/protocol.js';
import type { OpenPayload, OpenResult } from './protocol.js';

const HANDSHAKE_TIMEOUT_MS = 15_000;
const MAX_FAILURES_KEPT = 5;

function connectOne(url: string, origin: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    // The browser path: chat.v1 plus the token as a `bearer.<jwt>` subprotocol.
    const socket = new WebSocket(url, [CHAT_PROTOCOL, `bearer.${token}`], {
      origin,
      perMessageDeflate: false,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    });
    const fail = (reason: string): void => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      reject(new Error(reason));
    };
    socket.once('open', () => {
      socket.removeAllListeners('error');
      socket.removeAllListeners('unexpected-response');
      // A reset at teardown must not become an unhandled 'error' event.
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('unexpected-response', (_request, response) =>
      fail(`upgrade refused: HTTP ${String(response.statusCode)}`),
    );
    socket.once('error', (error: Error & { code?: string }) => fail(error.code ?? error.message));
  });
}

/** Opens `count` authenticated sockets, `concurrency` upgrades at a time; one user per socket. */
export async function openSockets(payload: OpenPayload, into: WebSocket[]): Promise<OpenResult> {
  const tokens = await Promise.all(
    Array.from({ length: payload.count }, (_, index) =>
      mintToken({
        secret: payload.secret,
        sub: `${payload.subjectPrefix}${index}`,
        expiresInSec: payload.tokenTtlSec,
      }),
    ),
  );
  // Timed from here: upgrades only, not minting.
  const started = performance.now();
  const failures: string[] = [];
  let failed = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tokens.length) {
      const token = tokens[next++] ?? '';
      try {
        into.push(await connectOne(payload.url, payload.origin, token));
      } catch (error) {
        failed += 1;
        if (failures.length < MAX_FAILURES_KEPT) failures.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, payload.concurrency) }, worker));
  return {
    opened: payload.count - failed,
    failed,
    failures,
    elapsedMs: performance.now() - started,
  };
}
