import { connectWs, mintToken } from '@chatbox/testkit';
import type { WsTestClient } from '@chatbox/testkit';
import type { ReadinessReport } from '../../src/health.js';
import type { ControlChannelStatus } from '../../src/cluster/control-channel.js';
import { adminHeaders, http, waitFor } from './harness.js';
import type { HttpResult } from './harness.js';
import { nextFrame } from './frames.js';
import { listening, spawnServer } from './process.js';
import type { ServerProcess } from './process.js';

/** Several `node dist/main.js` processes on one store and one Redis: replicas behind a Service. */
export interface Fleet {
  readonly servers: Readonly<Record<string, ServerProcess>>;
  readonly secret: string;
  token(sub: string, roles?: string[]): Promise<string>;
  /** A WebSocket client of `server`, closed by `close()`. */
  connect(server: ServerProcess, token: string): Promise<WsTestClient>;
  admin<T = Record<string, unknown>>(
    server: ServerProcess,
    path: string,
    method?: 'GET' | 'POST',
  ): Promise<HttpResult<T>>;
  redisOf(server: ServerProcess): Promise<ControlChannelStatus | undefined>;
  /** Closes every client, then SIGKILLs every process still running. */
  close(): Promise<void>;
}

export async function startFleet(
  names: readonly string[],
  env: Record<string, string>,
  secret: string,
): Promise<Fleet> {
  const servers: Record<string, ServerProcess> = {};
  const clients: WsTestClient[] = [];
  const spawned = await Promise.allSettled(
    names.map(async (name) => [name, await spawnServer(env)] as const),
  );
  for (const result of spawned)
    if (result.status === 'fulfilled') servers[result.value[0]] = result.value[1];
  const fleet: Fleet = {
    servers,
    secret,
    token: (sub, roles = ['user']) => mintToken({ secret, sub, roles, expiresInSec: 600 }),
    async connect(server, token) {
      const client = await connectWs(`ws://127.0.0.1:${server.port}/chat/ws`, {
        origin: server.baseUrl,
        protocols: ['chat.v1', `bearer.${token}`],
      });
      clients.push(client);
      return client;
    },
    async admin(server, path, method = 'GET') {
      const token = await fleet.token('fleet-admin', ['admin']);
      return http(server.baseUrl, `/chat/admin${path}`, { method, headers: adminHeaders(token) });
    },
    async redisOf(server) {
      const report = await http<ReadinessReport>(server.baseUrl, '/readyz').catch(() => undefined);
      const redis = report?.body.checks?.redis;
      return redis === undefined || redis.status === 'off' ? undefined : redis;
    },
    async close() {
      await Promise.allSettled(clients.map((client) => client.close()));
      await Promise.allSettled(Object.values(servers).map((server) => server.stop()));
    },
  };
  try {
    const failed = spawned.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    await Promise.all(Object.values(servers).map((server) => listening(server, 30_000)));
    for (const server of Object.values(servers)) {
      await waitFor(
        async () => (await http(server.baseUrl, '/readyz')).status === 200,
        30_000,
        'ready (store connected)',
      );
      await waitFor(
        async () => (await fleet.redisOf(server))?.status === 'up',
        10_000,
        'control channel subscribed',
      );
    }
  } catch (error) {
    await fleet.close();
    throw error;
  }
  return fleet;
}

export interface Reply {
  readonly text: string;
  readonly status: string;
  /** performance.now() when `done` arrived. */
  readonly doneAt: number;
}

/**
 * What a client shows after a resume: the replayed message, then every delta applied strictly at
 * its offset (a gap or an overlap fails), until `done`.
 */
export async function followResumedReply(
  client: WsTestClient,
  seq: number,
  timeoutMs = 10_000,
): Promise<Reply & { replayedStatus: string }> {
  const replay = await nextFrame(client, 'replay', undefined, timeoutMs);
  const replayed = replay.messages.find((message) => message.seq === seq);
  if (replayed === undefined) throw new Error(`seq ${seq} was not replayed`);
  let text = replayed.content;
  if (replayed.status !== 'streaming')
    return {
      text,
      status: replayed.status,
      replayedStatus: replayed.status,
      doneAt: performance.now(),
    };
  for (;;) {
    const frame = await nextFrame(
      client,
      ['delta', 'done'],
      (candidate) => candidate.seq === seq,
      timeoutMs,
    );
    if (frame.type === 'done')
      return {
        text,
        status: frame.status,
        replayedStatus: replayed.status,
        doneAt: performance.now(),
      };
    if (frame.offset !== text.length)
      throw new Error(`delta at offset ${frame.offset}, expected ${text.length}`);
    text += frame.text;
  }
}

/** The demo model's canned reply to `content` (ASCII, at most 200 characters). */
export function demoReply(content: string): string {
  return `[demo] No language model is configured, so this reply is canned. You said: "${content}"`;
}
