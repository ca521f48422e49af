import { join } from 'node:path';
import { randomSecret, startMongo, type MongoServer } from '@chatbox/testkit';
import { startChild, type ChildHandle } from '../child.js';
import type { ClientCommands } from '../client/protocol.js';
import type { ServerCommands, ServerReady, ServerSpec } from '../server/protocol.js';
import type { Settings } from '../settings.js';

export type ServerHandle = ChildHandle<ServerCommands, ServerReady>;
export type ClientHandle = ChildHandle<ClientCommands, unknown>;

/** What every scenario shares in one run: settings, the JWT secret, one MongoDB-compatible server. */
export class BenchContext {
  readonly settings: Settings;
  /** Generated per run; the chatbox servers verify with it and the load generator signs with it. */
  readonly secret = randomSecret();
  readonly #children = new Set<{ close(): Promise<void> }>();
  #mongo: Promise<MongoServer> | undefined;

  constructor(settings: Settings) {
    this.settings = settings;
  }

  /** The test kit's server (MONGODB_URI, mongod or FerretDB), started on first use. */
  mongo(): Promise<MongoServer> {
    this.#mongo ??= startMongo();
    return this.#mongo;
  }

  async startServer(name: string, spec: ServerSpec): Promise<ServerHandle> {
    const { profileDir, serverLogDir } = this.settings;
    // --expose-gc: memory figures are taken after full collections.
    const execArgv = ['--expose-gc'];
    if (profileDir !== undefined) execArgv.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
    const logFile =
      serverLogDir === undefined
        ? undefined
        : join(serverLogDir, `${name.replace(/[^A-Za-z0-9.-]+/g, '-')}.log`);
    const handle = await startChild<ServerCommands, ServerReady>('./server/server-main.js', {
      name,
      spec,
      execArgv,
      ...(logFile === undefined ? {} : { logFile }),
    });
    return this.#track(handle);
  }

  async startClient(): Promise<ClientHandle> {
    return this.#track(
      await startChild<ClientCommands, unknown>('./client/client-main.js', {
        name: 'load generator',
      }),
    );
  }

  /** Closes a child now (and forgets it). */
  async release(handle: { close(): Promise<void> }): Promise<void> {
    this.#children.delete(handle);
    await handle.close();
  }

  /** Every child still open, then the MongoDB server. Idempotent. */
  async close(): Promise<void> {
    const children = [...this.#children];
    this.#children.clear();
    await Promise.allSettled(children.map((child) => child.close()));
    const mongo = this.#mongo;
    this.#mongo = undefined;
    if (mongo === undefined) return;
    // The test kit unrefs its server process: keep the loop alive while close() waits for it.
    const keepAlive = setInterval(() => undefined, 1_000);
    try {
      await (await mongo.catch(() => undefined))?.close();
    } finally {
      clearInterval(keepAlive);
    }
  }

  #track<T extends { close(): Promise<void> }>(handle: T): T {
    this.#children.add(handle);
    return handle;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
