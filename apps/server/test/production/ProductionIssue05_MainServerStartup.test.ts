import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { connectWs, recordFigure } from '@chatbox/testkit';
import { http, waitFor } from '../support/harness.js';
import { listening, logLines, spawnServer } from '../support/process.js';
import type { ServerProcess } from '../support/process.js';
import { nextFrame } from '../support/frames.js';

const DEADLINE_MS = 5_000;
const ENV = {
  CHATBOX_SHUTDOWN_DEADLINE_MS: String(DEADLINE_MS),
  CHATBOX_SHUTDOWN_DRAIN_MS: '1000',
};

// Finding 05: the old main only waited for signals; no route was registered and nothing listened.
describe('ProductionIssue05_MainServerStartup', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('spawns the real process with every route, chats over WebSocket, and exits 0 on SIGTERM within the deadline', async () => {
    server = await spawnServer(ENV);
    await listening(server);
    const startupMs = performance.now() - server.startedAt;
    recordFigure('05', 'server start-up time (spawn to listening)', Math.round(startupMs), 'ms');
    expect(startupMs).toBeLessThan(15_000);

    // The first log lines say it runs on embedded defaults.
    const first = logLines(server)
      .slice(0, 6)
      .map((line) => String(line.msg));
    expect(first[0]).toBe('chatbox starting in development');
    expect(first).toEqual(
      expect.arrayContaining([
        expect.stringContaining('in-memory store'),
        expect.stringContaining('in-memory rate limiter'),
        expect.stringContaining('demo model'),
      ]),
    );

    // The development banner: a ready-to-open URL with a user token, and an admin token.
    await server.line((line) => line.includes('curl -H'));
    const banner = server.stdout.join('\n');
    const userToken = /#token=([\w.-]+)/.exec(banner)?.[1];
    const adminToken = /Bearer ([\w.-]+)'/.exec(banner)?.[1];
    expect(banner).toContain(`chatbox is listening on http://127.0.0.1:${server.port}/`);
    expect(userToken).toBeDefined();
    expect(adminToken).toBeDefined();

    expect((await http(server.baseUrl, '/healthz')).status).toBe(200);
    await waitFor(
      async () => (await http(server!.baseUrl, '/readyz')).status === 200,
      10_000,
      'ready',
    );
    const page = await http(server.baseUrl, '/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>chatbox</title>');

    const client = await connectWs(`ws://127.0.0.1:${server.port}/chat/ws`, {
      origin: server.baseUrl,
      protocols: ['chat.v1', `bearer.${userToken}`],
    });
    const clientMessageId = randomUUID();
    client.send({ type: 'send', clientMessageId, content: 'hello from the production suite' });
    const session = await nextFrame(client, 'session');
    expect(session.demo).toBe(true);
    await nextFrame(client, 'ack', (f) => f.clientMessageId === clientMessageId);
    let reply = '';
    for (;;) {
      const frame = await nextFrame(client, ['delta', 'done'], undefined, 10_000);
      if (frame.type === 'done') {
        expect(frame.status).toBe('complete');
        break;
      }
      reply += frame.text;
    }
    expect(reply).toContain('hello from the production suite');

    const sessions = await http<{ sessions: { id: string; userId: string }[] }>(
      server.baseUrl,
      '/chat/admin/sessions',
      {
        headers: { authorization: `Bearer ${adminToken}` },
      },
    );
    expect(sessions.status).toBe(200);
    expect(sessions.body.sessions).toEqual([
      expect.objectContaining({ id: session.sessionId, userId: 'demo-user' }),
    ]);
    expect((await http(server.baseUrl, '/chat/admin/sessions')).status).toBe(401);
    const metrics = await http(server.baseUrl, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(
      /^chatbox_generation_duration_seconds_count\{status="complete"\} 1$/m,
    );

    const signalledAt = server.signal('SIGTERM');
    const exit = await server.exited;
    const shutdownMs = exit.at - signalledAt;
    recordFigure(
      '05',
      'shutdown time (SIGTERM to exit, one idle socket)',
      Math.round(shutdownMs),
      'ms',
    );
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(shutdownMs).toBeLessThan(DEADLINE_MS);
    expect((await client.closed).code).toBe(1001);
    expect(logLines(server).some((line) => line.msg === 'shutdown complete')).toBe(true);
  });

  it('exits 0 on SIGINT likewise', async () => {
    server = await spawnServer(ENV);
    await listening(server);
    expect((await http(server.baseUrl, '/healthz')).status).toBe(200);
    const signalledAt = server.signal('SIGINT');
    const exit = await server.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(DEADLINE_MS);
    expect(logLines(server).find((line) => line.msg === 'shutting down')).toMatchObject({
      signal: 'SIGINT',
    });
  });
});
