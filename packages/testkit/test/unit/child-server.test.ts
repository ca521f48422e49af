import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { ChildServer, startWatchdog, tcpAccepts } from '../../src/child-server.js';
import { freePort } from '../../src/index.js';
import { startOwnedServer } from '../../src/server-handle.js';

const noProbe = async (): Promise<void> => undefined;

describe('ChildServer', () => {
  let listener: Server | undefined;

  afterEach(async () => {
    const open = listener;
    listener = undefined;
    if (open !== undefined) await new Promise<void>((resolve) => open.close(() => resolve()));
  });

  it('reports a process that exits before it is ready, with the tail of its output', async () => {
    const child = new ChildServer({
      name: 'quitter',
      command: '/bin/sh',
      args: ['-c', 'echo "address already in use" >&2; exit 3'],
      port: await freePort(),
      probe: noProbe,
    });
    await expect(child.start()).rejects.toMatchObject({
      code: 'ERR_TESTKIT_START_FAILED',
      message: expect.stringMatching(/exit code 3[\s\S]*address already in use/),
    });
    expect(child.running).toBe(false);
  });

  it('reports a command that cannot be spawned', async () => {
    const child = new ChildServer({
      name: 'ghost',
      command: '/nonexistent/server',
      args: [],
      port: await freePort(),
      probe: noProbe,
    });
    await expect(child.start()).rejects.toMatchObject({
      code: 'ERR_TESTKIT_START_FAILED',
      message: expect.stringContaining('ENOENT'),
    });
  });

  it('gives up after the ready timeout and kills the process', async () => {
    const child = new ChildServer({
      name: 'silent',
      command: '/bin/sh',
      args: ['-c', 'echo starting; exec sleep 30'],
      port: await freePort(),
      probe: noProbe,
      readyTimeoutMs: 300,
    });
    await expect(child.start()).rejects.toMatchObject({
      code: 'ERR_TESTKIT_START_FAILED',
      message: expect.stringMatching(/did not answer within 300 ms[\s\S]*starting/),
    });
    expect(child.running).toBe(false);
    expect(child.pid).toBeUndefined();
  });

  it('keeps probing while the probe fails, and keeps the probe error as the cause', async () => {
    listener = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener!.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const address = listener.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    expect(await tcpAccepts(port)).toBe(true);
    let probes = 0;
    const child = new ChildServer({
      name: 'wrong-server',
      command: '/bin/sh',
      args: ['-c', 'exec sleep 30'],
      port,
      probe: async () => {
        probes += 1;
        throw new Error('not our server');
      },
      readyTimeoutMs: 300,
    });
    const failure = await child.start().catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'ERR_TESTKIT_START_FAILED',
      cause: expect.objectContaining({ message: 'not our server' }),
    });
    expect(probes).toBeGreaterThan(1);
  });

  it('starts, stops and restarts a process that answers', async () => {
    // The listener stands in for the server's port; the process is what start/stop manage.
    listener = createServer();
    await new Promise<void>((resolve) => listener!.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const address = listener.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const ready = new ChildServer({
      name: 'sleeper',
      command: '/bin/sh',
      args: ['-c', 'exec sleep 30'],
      port,
      probe: noProbe,
    });
    await ready.start();
    await ready.start();
    expect(ready.running).toBe(true);
    const firstPid = ready.pid;
    await ready.stop();
    expect(ready.running).toBe(false);
    await ready.start();
    expect(ready.pid).not.toBe(firstPid);
    await ready.stop();
    await ready.stop();
    expect(ready.running).toBe(false);
  });
});

describe('watchdog', () => {
  it('kills the server and removes its data when the test process dies without closing it', async () => {
    const fakeTestProcess = spawn('/bin/sh', ['-c', 'exec sleep 30'], { stdio: 'ignore' });
    const server = spawn('/bin/sh', ['-c', 'exec sleep 30'], { stdio: 'ignore' });
    const dir = mkdtempSync(join(tmpdir(), 'chatbox-watchdog-'));
    const serverExit = new Promise<NodeJS.Signals | null>((resolve) =>
      server.once('exit', (_code, signal) => resolve(signal)),
    );
    startWatchdog(fakeTestProcess.pid!, server.pid!, dir);
    fakeTestProcess.kill('SIGKILL');
    expect(await serverExit).toBe('SIGKILL');
    const deadline = Date.now() + 5_000;
    while (existsSync(dir) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(dir)).toBe(false);
  });
});

describe('startOwnedServer', () => {
  function fakeChild(fail: boolean, log: string[]): ChildServer {
    return {
      start: async () => {
        log.push('start');
        if (fail) throw new Error('port taken');
      },
      stop: async () => {
        log.push('stop');
      },
    } as unknown as ChildServer;
  }

  it('retries on another port, then gives controls over the server that started', async () => {
    const log: string[] = [];
    const ports: number[] = [];
    let dir = '';
    const server = await startOwnedServer('fake', (port, folder) => {
      ports.push(port);
      dir = folder;
      return fakeChild(ports.length < 3, log);
    });
    expect(ports).toHaveLength(3);
    expect(server.port).toBe(ports[2]);
    expect(existsSync(dir)).toBe(true);
    await server.stop();
    await server.restart();
    await server.close();
    await server.close();
    expect(existsSync(dir)).toBe(false);
    await expect(server.restart()).rejects.toMatchObject({ code: 'ERR_TESTKIT_START_FAILED' });
    expect(log).toEqual([
      'start',
      'stop',
      'start',
      'stop',
      'start',
      'stop',
      'stop',
      'start',
      'stop',
    ]);
  });

  it('gives up after three failed starts and removes its directory', async () => {
    let dir = '';
    await expect(
      startOwnedServer('fake', (_port, folder) => {
        dir = folder;
        return fakeChild(true, []);
      }),
    ).rejects.toThrow('port taken');
    expect(existsSync(dir)).toBe(false);
  });
});
