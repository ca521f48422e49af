import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { ChildServer } from './child-server.js';
import { TestkitError } from './errors.js';
import { LOOPBACK_HOST } from './free-port.js';
import { defaultMongoPlan, type MongoPlan } from './mongo-binary.js';
import { externalServer, startOwnedServer } from './server-handle.js';

export interface MongoServer {
  readonly uri: string;
  readonly host: string;
  readonly port: number;
  readonly kind: 'external' | 'mongod' | 'ferretdb';
  /** Kills the server process (SIGKILL) and waits for it to exit; data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  restart(): Promise<void>;
  /** Stops it and removes its data directory. Idempotent. */
  close(): Promise<void>;
}

const PROBE_SELECTION_TIMEOUT_MS = 5_000;
const DEFAULT_MONGO_PORT = 27017;
const DB_NAME_PREFIX_MAX_CHARS = 40;

/** host and port of the first host in a mongodb:// or mongodb+srv:// URI. */
export function parseMongoHost(uri: string): { host: string; port: number } {
  const afterScheme = uri.replace(/^[a-z+]+:\/\//i, '');
  const authority = afterScheme.split(/[/?]/, 1)[0] ?? '';
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  const first = hosts.split(',', 1)[0] ?? '';
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(first);
  if (match === null) {
    throw new TestkitError('ERR_TESTKIT_INVALID_ARGUMENT', 'MONGODB_URI has no host');
  }
  return {
    host: (match[1] ?? '').replace(/^\[|\]$/g, ''),
    port: match[2] === undefined ? DEFAULT_MONGO_PORT : Number(match[2]),
  };
}

/** A database name of its own for a test: safe when several runs share one MONGODB_URI. */
export function uniqueDbName(prefix: string): string {
  const cleaned =
    prefix.replace(/[^A-Za-z0-9_]/g, '_').slice(0, DB_NAME_PREFIX_MAX_CHARS) || 'test';
  return `${cleaned}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

async function pingPid(uri: string): Promise<number | undefined> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: PROBE_SELECTION_TIMEOUT_MS,
    connectTimeoutMS: PROBE_SELECTION_TIMEOUT_MS,
    directConnection: true,
  });
  try {
    await client.db('admin').command({ ping: 1 });
    const status = await client.db('admin').command({ serverStatus: 1 });
    const pid: unknown = status['pid'];
    return pid === undefined || pid === null ? undefined : Number(pid);
  } finally {
    await client.close();
  }
}

export function mongoServerArgs(
  plan: Exclude<MongoPlan, { kind: 'external' }>,
  port: number,
  dir: string,
): string[] {
  if (plan.kind === 'mongod') {
    return ['--dbpath', dir, '--port', String(port), '--bind_ip', LOOPBACK_HOST, '--quiet'];
  }
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${dir}/`,
    `--listen-addr=${LOOPBACK_HOST}:${port}`,
    `--state-dir=${dir}`,
    // The debug listener otherwise takes the fixed port 8088: parallel servers would collide.
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=warn',
  ];
}

function childFor(
  plan: Exclude<MongoPlan, { kind: 'external' }>,
  port: number,
  dir: string,
): ChildServer {
  const uri = `mongodb://${LOOPBACK_HOST}:${port}/`;
  const server: ChildServer = new ChildServer({
    name: plan.kind,
    command: plan.bin,
    args: mongoServerArgs(plan, port, dir),
    port,
    dataDir: dir,
    probe: async () => {
      const pid = await pingPid(uri);
      // Another process may have won the port race; only our own child counts as ready.
      if (pid !== undefined && pid !== server.pid) {
        throw new TestkitError(
          'ERR_TESTKIT_START_FAILED',
          `port ${port} is served by pid ${pid}, not ours`,
        );
      }
    },
  });
  return server;
}

/**
 * A running MongoDB-compatible server: MONGODB_URI if set, else `mongod` on PATH, else FerretDB v1
 * (SQLite backend) on a free loopback port, built by scripts/ensure-ferretdb.sh when needed.
 */
export async function startMongo(): Promise<MongoServer> {
  const plan = await defaultMongoPlan();
  if (plan.kind === 'external') {
    const { host, port } = parseMongoHost(plan.uri);
    return { uri: plan.uri, host, port, kind: 'external', ...externalServer('MONGODB_URI') };
  }
  const local = plan;
  const controls = await startOwnedServer(local.kind, (port, dir) => childFor(local, port, dir));
  return {
    uri: `mongodb://${LOOPBACK_HOST}:${controls.port}/`,
    host: LOOPBACK_HOST,
    kind: local.kind,
    ...controls,
  };
}
