import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '@chatbox/testkit';

/** The built server: the test scripts build it (and its dependencies) before Jest starts. */
export const MAIN_JS = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** performance.now() when the process exited. */
  readonly at: number;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly baseUrl: string;
  readonly startedAt: number;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exited: Promise<Exit>;
  /** Resolves with the first stdout line (past or future) matching; rejects on exit or timeout. */
  line(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  signal(signal: NodeJS.Signals): number;
  /** SIGKILL if still running; always waits for the exit. */
  stop(): Promise<Exit>;
}

/** Only what a process needs: never the test runner's CHATBOX_* settings or NODE_OPTIONS. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

export async function spawnServer(
  env: Record<string, string>,
  options: { port?: number } = {},
): Promise<ServerProcess> {
  if (!existsSync(MAIN_JS))
    throw new Error(`${MAIN_JS} is missing: run the package's test script, which builds first`);
  const port = options.port ?? (await freePort());
  const startedAt = performance.now();
  const child = spawn(process.execPath, [MAIN_JS], {
    env: {
      ...baseEnv(),
      CHATBOX_SERVER_HOST: '127.0.0.1',
      CHATBOX_SERVER_PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<(line: string) => void>();
  const split = (target: string[], notify: boolean) => {
    let rest = '';
    return (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        target.push(line);
        if (notify) for (const listener of listeners) listener(line);
      }
    };
  };
  child.stdout?.on('data', split(stdout, true));
  child.stderr?.on('data', split(stderr, false));
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() }));
  });

  return {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    startedAt,
    stdout,
    stderr,
    exited,
    line(predicate, timeoutMs = 15_000) {
      const seen = stdout.find(predicate);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(listener);
        };
        const listener = (line: string): void => {
          if (!predicate(line)) return;
          done();
          resolve(line);
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `no matching line within ${timeoutMs} ms; stderr: ${stderr.join('\n').slice(-2_000)}`,
            ),
          );
        }, timeoutMs);
        listeners.add(listener);
        void exited.then((exit) => {
          done();
          reject(
            new Error(
              `server exited (${exit.code ?? exit.signal}); stderr: ${stderr.join('\n').slice(-2_000)}`,
            ),
          );
        });
      });
    },
    signal(signal) {
      child.kill(signal);
      return performance.now();
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Waits for the "listening" log line. */
export function listening(server: ServerProcess, timeoutMs = 15_000): Promise<string> {
  return server.line((line) => line.includes('"msg":"listening"'), timeoutMs);
}

/** JSON log lines printed so far. */
export function logLines(server: ServerProcess): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of server.stdout) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A banner line, not a log line.
    }
  }
  return out;
}
