import type { AddressInfo } from 'node:net';
import {
  connectWs,
  mintToken,
  randomSecret,
  type MintTokenOptions,
  type WsTestClient,
} from '@chatbox/testkit';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  createTokenVerifier,
  createWebSocketGateway,
  type GatewayEvent,
  type GatewayOptions,
  type WebSocketGateway,
} from '../../src/index.js';

export const TEST_ORIGIN = 'https://chat.example.test';
export const WS_PATH = '/chat/ws';

export interface Harness {
  readonly app: FastifyInstance;
  readonly gateway: WebSocketGateway;
  readonly url: string;
  readonly secret: string;
  readonly events: GatewayEvent[];
  token(options?: Omit<MintTokenOptions, 'secret'>): Promise<string>;
  /** A client with a fresh valid token and the allowed origin. */
  connect(options?: {
    token?: string;
    origin?: string;
    protocols?: string[];
    sub?: string;
  }): Promise<WsTestClient>;
  close(): Promise<void>;
}

export type HarnessOptions = Partial<GatewayOptions> & Pick<GatewayOptions, 'router'>;

export async function startHarness(
  overrides: HarnessOptions,
  secret = randomSecret(),
  /** Runs on the app before it listens (hooks a test needs). */
  setup?: (app: FastifyInstance) => void,
): Promise<Harness> {
  const events: GatewayEvent[] = [];
  const gateway = createWebSocketGateway({
    verifier: createTokenVerifier({
      secret,
      algorithms: ['HS256'],
      issuer: 'chatbox',
      audience: 'chatbox',
      clockToleranceSec: 0,
      rolesClaim: 'roles',
    }),
    env: 'production',
    path: WS_PATH,
    allowedOrigins: [TEST_ORIGIN],
    allowMissingOrigin: false,
    maxPayloadBytes: 64 * 1024,
    pingIntervalMs: 30_000,
    pongTimeoutMs: 60_000,
    sendBufferLimitBytes: 1024 * 1024,
    maxConnectionsPerUser: 5,
    invalidFramesPerMinute: 5,
    ...overrides,
    onEvent: (event) => {
      events.push(event);
      overrides.onEvent?.(event);
    },
  });
  const app = Fastify({ logger: false });
  setup?.(app);
  await app.register(gateway.plugin);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const url = `ws://127.0.0.1:${port}${WS_PATH}`;
  const clients: WsTestClient[] = [];
  const token = (options: Omit<MintTokenOptions, 'secret'> = {}): Promise<string> =>
    mintToken({ secret, ...options });
  let closed = false;
  return {
    app,
    gateway,
    url,
    secret,
    events,
    token,
    async connect(options = {}) {
      const jwt =
        options.token ?? (await token(options.sub === undefined ? {} : { sub: options.sub }));
      const client = await connectWs(url, {
        headers: { authorization: `Bearer ${jwt}` },
        origin: options.origin ?? TEST_ORIGIN,
        ...(options.protocols === undefined ? {} : { protocols: options.protocols }),
      });
      clients.push(client);
      return client;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
        await gateway.shutdown({ drainMs: 0, deadlineMs: 1_000 });
      } finally {
        await app.close();
      }
    },
  };
}
