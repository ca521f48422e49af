/** The WebSocket path every server under test serves (chatbox's default). */
export const WS_PATH = '/chat/ws';
export const CHAT_PROTOCOL = 'chat.v1';
/** chatbox's default frame cap, applied to the baselines too. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** Pacing of a streamed reply: what the demo provider does, so the bare baseline can do it too. */
export interface PacedReplySpec {
  /** Pause before each chunk. */
  readonly delayMs: number;
  /** Code points per chunk. */
  readonly chunkSize: number;
}

export type ServerSpec =
  | { readonly kind: 'bare'; readonly paced?: PacedReplySpec }
  /** releaseRequest: swap @fastify/websocket's per-socket error listener for one without the request. */
  | { readonly kind: 'fastify'; readonly releaseRequest?: boolean }
  | { readonly kind: 'chatbox'; readonly env: Readonly<Record<string, string>> };

export type ServerKind = ServerSpec['kind'];

export interface ServerReady {
  readonly port: number;
}

export interface ProcessSample {
  readonly cpuUs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly externalBytes: number;
}

export type ServerCommands = {
  usage: { payload: undefined; result: ProcessSample };
  /** Two full collections, then a sample: memory that is really held. */
  gc: { payload: undefined; result: ProcessSample };
  connections: { payload: undefined; result: number };
};
