import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Request/response pairs a child process answers over IPC. */
export type Commands = Record<string, { payload: unknown; result: unknown }>;

type Reply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };
type Ready = { readonly ready: unknown };
interface Request {
  readonly id: number;
  readonly command: string;
  readonly payload: unknown;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 60_000;
const EXIT_GRACE_MS = 10_000;
const OUTPUT_TAIL_CHARS = 4_000;

export interface StartChildOptions {
  readonly name: string;
  /** Passed as argv[2], JSON-encoded. */
  readonly spec?: unknown;
  readonly execArgv?: readonly string[];
  /** Also append the child's stdout and stderr to this file. */
  readonly logFile?: string;
}

export interface ChildHandle<C extends Commands, R> {
  readonly name: string;
  readonly pid: number;
  /** What the child announced once it was ready (a port, a path...). */
  readonly ready: R;
  /** Lines the child wrote to stdout so far: the server's log lines. */
  readonly stdoutLines: number;
  request<K extends keyof C & string>(
    command: K,
    payload: C[K]['payload'],
    timeoutMs?: number,
  ): Promise<C[K]['result']>;
  /** Asks the child to close what it opened and exit; kills it after a grace period. Idempotent. */
  close(): Promise<void>;
}

function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'id' in value && 'ok' in value;
}

function isReady(value: unknown): value is Ready {
  return typeof value === 'object' && value !== null && 'ready' in value;
}

class Child<C extends Commands, R> implements ChildHandle<C, R> {
  readonly name: string;
  readonly #process: ChildProcess;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();
  readonly #exited: Promise<void>;
  #ready: R | undefined;
  #nextId = 1;
  #lines = 0;
  #tail = '';
  #exitedWith: string | undefined;
  #closing: Promise<void> | undefined;

  constructor(name: string, child: ChildProcess, log: WriteStream | undefined) {
    this.name = name;
    this.#process = child;
    child.stdout?.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) this.#lines += 1;
      this.#keep(chunk);
      log?.write(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#keep(chunk);
      log?.write(chunk);
    });
    child.on('message', (message: unknown) => this.#onMessage(message));
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exitedWith = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
        log?.end();
        for (const [id, pending] of this.#pending) {
          clearTimeout(pending.timer);
          pending.reject(this.#error(`exited (${this.#exitedWith}) during a request`));
          this.#pending.delete(id);
        }
        resolve();
      });
    });
  }

  get pid(): number {
    return this.#process.pid ?? -1;
  }

  get ready(): R {
    if (this.#ready === undefined) throw this.#error('is not ready');
    return this.#ready;
  }

  get stdoutLines(): number {
    return this.#lines;
  }

  waitReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(this.#error(`not ready within ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      const onMessage = (message: unknown): void => {
        if (!isReady(message)) return;
        clearTimeout(timer);
        this.#process.off('message', onMessage);
        this.#ready = message.ready as R;
        resolve();
      };
      this.#process.on('message', onMessage);
      void this.#exited.then(() => {
        clearTimeout(timer);
        reject(this.#error(`exited (${this.#exitedWith ?? 'unknown'}) before it was ready`));
      });
    });
  }

  request<K extends keyof C & string>(
    command: K,
    payload: C[K]['payload'],
    timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ): Promise<C[K]['result']> {
    return this.#call(command, payload, timeoutMs);
  }

  #call(command: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    if (this.#exitedWith !== undefined)
      return Promise.reject(this.#error(`has exited (${this.#exitedWith})`));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(this.#error(`did not answer '${command}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      const request: Request = { id, command, payload };
      this.#process.send(request);
    });
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#exitedWith !== undefined) return;
      const killer = setTimeout(() => this.#process.kill('SIGKILL'), EXIT_GRACE_MS);
      try {
        await this.#call('close', undefined, EXIT_GRACE_MS).catch(() =>
          this.#process.kill('SIGKILL'),
        );
        await this.#exited;
      } finally {
        clearTimeout(killer);
      }
    })();
    return this.#closing;
  }

  #onMessage(message: unknown): void {
    if (!isReply(message)) return;
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(this.#error(message.error));
  }

  #keep(chunk: Buffer): void {
    this.#tail = (this.#tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  }

  #error(message: string): Error {
    const tail = this.#tail.trim();
    return new Error(
      `${this.name} (pid ${this.pid}) ${message}${tail === '' ? '' : `\n--- last output ---\n${tail}`}`,
    );
  }
}

/** Forks a compiled script of this package and waits for its ready announcement. */
export async function startChild<C extends Commands, R>(
  script: string,
  options: StartChildOptions,
): Promise<ChildHandle<C, R>> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const args = options.spec === undefined ? [] : [JSON.stringify(options.spec)];
  const child = fork(path, args, {
    execArgv: [...(options.execArgv ?? [])],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const log =
    options.logFile === undefined ? undefined : createWriteStream(options.logFile, { flags: 'a' });
  const handle = new Child<C, R>(options.name, child, log);
  try {
    await handle.waitReady();
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return handle;
}

export type Handlers<C extends Commands> = {
  readonly [K in keyof C]: (payload: C[K]['payload']) => Promise<C[K]['result']> | C[K]['result'];
};

function isRequest(value: unknown): value is Request {
  return typeof value === 'object' && value !== null && 'id' in value && 'command' in value;
}

function send(message: Reply | Ready): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) {
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

/**
 * The child's side: answers the parent's requests with `handlers`, and `close` with `onClose`
 * followed by exit. A parent that goes away takes the child with it.
 */
export async function serveParent<C extends Commands>(
  handlers: Handlers<C>,
  ready: unknown,
  onClose: () => Promise<void>,
): Promise<void> {
  if (process.send === undefined)
    throw new Error('this script runs as a child of the benchmark (child_process.fork)');
  process.on('disconnect', () => process.exit(1));
  process.on('message', (message: unknown) => {
    if (!isRequest(message)) return;
    void (async () => {
      if (message.command === 'close') {
        await onClose().catch(() => undefined);
        await send({ id: message.id, ok: true, result: null });
        process.exit(0);
      }
      const handler = (handlers as Record<string, ((payload: unknown) => unknown) | undefined>)[
        message.command
      ];
      try {
        if (handler === undefined) throw new Error(`unknown command '${message.command}'`);
        const result: unknown = await handler(message.payload);
        await send({ id: message.id, ok: true, result: result ?? null });
      } catch (error) {
        await send({
          id: message.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
    })();
  });
  await send({ ready });
}

/** The JSON spec the parent passed as argv[2]. */
export function specOf<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('missing spec argument');
  return JSON.parse(raw) as T;
}
