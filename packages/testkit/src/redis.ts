import { connect } from 'node:net';
import { ChildServer } from './child-server.js';
import { TestkitError } from './errors.js';
import { findOnPath } from './executables.js';
import { LOOPBACK_HOST } from './free-port.js';
import { externalServer, startOwnedServer } from './server-handle.js';

export interface RedisServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly kind: 'external' | 'redis-server';
  /** Kills the server process (SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  restart(): Promise<void>;
  /** Stops it and removes its working directory. Idempotent. */
  close(): Promise<void>;
}

const PROBE_TIMEOUT_MS = 2_000;
const DEFAULT_REDIS_PORT = 6379;

export const NO_REDIS_MESSAGE =
  'No Redis server is available for tests. Do one of: ' +
  'install redis-server so it is on PATH (Debian/Ubuntu: `sudo apt-get install -y redis-server`, ' +
  'or run packages/testkit/scripts/ensure-redis.sh); ' +
  'or set REDIS_URL to a running server (e.g. REDIS_URL=redis://127.0.0.1:6379).';

/** True once `reply` holds one whole RESP reply (a status/error/integer line or a bulk string). */
export function isCompleteReply(reply: Buffer): boolean {
  const lineEnd = reply.indexOf('\r\n');
  if (lineEnd < 0) return false;
  if (reply[0] !== 0x24 /* '$' */) return true;
  const length = Number(reply.subarray(1, lineEnd).toString('latin1'));
  return length < 0 || reply.length >= lineEnd + 2 + length + 2;
}

/** Sends one inline command and resolves with the raw reply. */
export function redisCommand(
  port: number,
  command: string,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: LOOPBACK_HOST, port });
    let reply = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new TestkitError('ERR_TESTKIT_TIMEOUT', `redis on port ${port} did not answer ${command}`),
      );
    }, timeoutMs);
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      if (isCompleteReply(reply)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(reply.toString('utf8'));
      }
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function redisArgs(port: number, dir: string): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    LOOPBACK_HOST,
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
  ];
}

function childFor(bin: string, port: number, dir: string): ChildServer {
  const server: ChildServer = new ChildServer({
    name: 'redis-server',
    command: bin,
    args: redisArgs(port, dir),
    port,
    dataDir: dir,
    probe: async () => {
      const info = await redisCommand(port, 'INFO server');
      const pid = /process_id:(\d+)/.exec(info)?.[1];
      // Another process may have won the port race; only our own child counts as ready.
      if (pid === undefined || Number(pid) !== server.pid) {
        throw new TestkitError(
          'ERR_TESTKIT_START_FAILED',
          `port ${port} is not served by our redis-server`,
        );
      }
    },
  });
  return server;
}

/** host and port of a redis:// URL. */
export function parseRedisUrl(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? DEFAULT_REDIS_PORT : Number(parsed.port),
  };
}

/** REDIS_URL if set, else `redis-server` on PATH on a free loopback port, without persistence. */
export async function startRedis(): Promise<RedisServer> {
  const external = process.env['REDIS_URL'];
  if (external !== undefined && external !== '') {
    return {
      url: external,
      ...parseRedisUrl(external),
      kind: 'external',
      ...externalServer('REDIS_URL'),
    };
  }
  const bin = await findOnPath('redis-server', process.env['PATH']);
  if (bin === undefined) throw new TestkitError('ERR_TESTKIT_REDIS_UNAVAILABLE', NO_REDIS_MESSAGE);

  const controls = await startOwnedServer('redis', (port, dir) => childFor(bin, port, dir));
  return {
    url: `redis://${LOOPBACK_HOST}:${controls.port}`,
    host: LOOPBACK_HOST,
    kind: 'redis-server',
    ...controls,
  };
}
