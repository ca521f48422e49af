import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildServer } from './child-server.js';
import { TestkitError } from './errors.js';
import { freePort } from './free-port.js';

/** Fresh ports for a server whose port another process took between freePort() and bind. */
export const START_ATTEMPTS = 3;

export interface ServerControls {
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** stop/restart/close of a server the kit did not start: it cannot be killed from here. */
export function externalServer(variable: string): ServerControls {
  const refuse = (what: string): Promise<void> =>
    Promise.reject(
      new TestkitError(
        'ERR_TESTKIT_EXTERNAL_SERVER',
        `${what}() is not possible on the external server from ${variable}; unset ${variable} so the test kit starts its own`,
      ),
    );
  return {
    stop: () => refuse('stop'),
    restart: () => refuse('restart'),
    close: () => Promise.resolve(),
  };
}

/**
 * Starts a server process in its own temporary directory on a free port (retrying with another
 * port if the first is taken), and gives the controls every kit server shares.
 */
export async function startOwnedServer(
  label: string,
  makeChild: (port: number, dir: string) => ChildServer,
): Promise<ServerControls & { readonly port: number }> {
  const dir = await mkdtemp(join(tmpdir(), `chatbox-${label}-`));
  let child: ChildServer | undefined;
  let port = 0;
  for (let attempt = 1; child === undefined; attempt += 1) {
    port = await freePort();
    const candidate = makeChild(port, dir);
    try {
      await candidate.start();
      child = candidate;
    } catch (error) {
      await candidate.stop();
      if (attempt >= START_ATTEMPTS) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const running = child;
  let closed = false;
  return {
    port,
    stop: () => running.stop(),
    restart: async () => {
      if (closed)
        throw new TestkitError('ERR_TESTKIT_START_FAILED', `${label}: restart() after close()`);
      await running.stop();
      await running.start();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await running.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
