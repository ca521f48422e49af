import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { TestkitError } from './errors.js';
import { LOOPBACK_HOST } from './free-port.js';

export const DEFAULT_READY_TIMEOUT_MS = 30_000;
const OUTPUT_TAIL_CHARS = 4_000;
const POLL_INTERVAL_MS = 50;

export interface ChildServerSpec {
  /** Short label for messages: 'ferretdb', 'mongod', 'redis-server'. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly port: number;
  /** Resolves once the server answers a real client request; throws while it does not. */
  readonly probe: () => Promise<void>;
  readonly readyTimeoutMs?: number;
  /** Removed by the watchdog if the test process dies without close(). */
  readonly dataDir?: string;
}

// The watchdog kills the server if the test process dies without closing it (a crash, SIGKILL, a
// Jest worker torn down): Jest sandboxes `process`, so an 'exit' hook from here never runs.
const WATCHDOG_SCRIPT =
  'while kill -0 "$1" 2>/dev/null; do kill -0 "$2" 2>/dev/null || exit 0; sleep 1; done; ' +
  'kill -9 "$2" 2>/dev/null; if [ -n "$3" ]; then sleep 1; rm -rf "$3"; fi';

export function startWatchdog(parentPid: number, childPid: number, dataDir: string): void {
  const args = [
    '-c',
    WATCHDOG_SCRIPT,
    'chatbox-watchdog',
    String(parentPid),
    String(childPid),
    dataDir,
  ];
  const watchdog = spawn('/bin/sh', args, {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.on('error', () => undefined);
  watchdog.unref();
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK_HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A server process owned by the test: started, killed and restarted on the same port. */
export class ChildServer {
  readonly #spec: ChildServerSpec;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #output = '';

  constructor(spec: ChildServerSpec) {
    this.#spec = spec;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** The last few KiB the process wrote to stdout and stderr. */
  get outputTail(): string {
    return this.#output;
  }

  async start(): Promise<void> {
    if (this.#child !== undefined) return;
    const spec = this.#spec;
    const child = spawn(spec.command, spec.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    let exitInfo: string | undefined;
    let spawnError: Error | undefined;
    this.#exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exitInfo = signal === null ? `exit code ${code}` : `signal ${signal}`;
        if (this.#child === child) this.#child = undefined;
        resolve();
      });
      child.once('error', (error) => {
        spawnError = error;
        if (this.#child === child) this.#child = undefined;
        resolve();
      });
    });
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    if (child.pid !== undefined) startWatchdog(process.pid, child.pid, spec.dataDir ?? '');
    // A test that forgets close() must not keep Jest alive; the watchdog reaps the process then.
    child.unref();
    (child.stdout as { unref?: () => void } | null)?.unref?.();
    (child.stderr as { unref?: () => void } | null)?.unref?.();

    const deadline = Date.now() + (spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (spawnError !== undefined || exitInfo !== undefined) {
        const why = spawnError?.message ?? exitInfo ?? 'unknown';
        throw new TestkitError(
          'ERR_TESTKIT_START_FAILED',
          `${spec.name} on port ${spec.port} exited before it was ready (${why}). Its output ended with:\n${this.#output}`,
          { cause: spawnError },
        );
      }
      try {
        if (await tcpAccepts(spec.port)) {
          await spec.probe();
          return;
        }
      } catch (error) {
        lastError = error;
      }
      await delay(POLL_INTERVAL_MS);
    }
    await this.stop();
    throw new TestkitError(
      'ERR_TESTKIT_START_FAILED',
      `${spec.name} on port ${spec.port} did not answer within ${spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS} ms. ` +
        `Its output ended with:\n${this.#output}`,
      { cause: lastError },
    );
  }

  /** SIGKILL (a crash, as fault tests want it) and wait until the process has exited. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child !== undefined) child.kill('SIGKILL');
    await this.#exited;
  }
}
