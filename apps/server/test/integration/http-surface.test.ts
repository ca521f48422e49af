import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { StorageError } from '@chatbox/storage';
import { adminHeaders, http, startApp } from '../support/harness.js';
import type { RunningApp } from '../support/harness.js';
import { controlledStore } from '../support/stores.js';
import { nextFrame } from '../support/frames.js';

describe('HTTP surface: page, security headers, errors, metrics', () => {
  const apps: RunningApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  const start = async (...args: Parameters<typeof startApp>): Promise<RunningApp> => {
    const app = await startApp(...args);
    apps.push(app);
    return app;
  };

  it('serves the chat page under a strict CSP with no inline code', async () => {
    const running = await start();
    const page = await http(running.baseUrl, '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    // Every script has a src, and no element carries inline style: the CSP would block them.
    const scripts = page.text.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toMatch(/\ssrc="\/[a-z-]+\.js"/);
    expect(page.text).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    for (const [path, type] of [
      ['/app.js', /javascript/],
      ['/view.js', /javascript/],
      ['/texts.js', /javascript/],
      ['/app.css', /text\/css/],
      ['/favicon.svg', /image\/svg/],
    ] as const) {
      const asset = await http(running.baseUrl, path);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(type);
    }
    const script = await http(running.baseUrl, '/app.js');
    expect(script.text).not.toMatch(/innerHTML|eval\(|new Function/);
  });

  it('answers unknown routes and failures with a code and correlation id only (S14)', async () => {
    const controlled = controlledStore();
    const running = await start({}, { store: controlled.store });
    const missing = await http(running.baseUrl, '/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      code: 'ERR_SERVER_NOT_FOUND',
      message: 'not found',
      correlationId: missing.headers.get('x-request-id'),
    });

    const admin = await running.token('root', ['admin']);
    controlled.fail(
      'listSessions',
      new Error('driver exploded at db.internal:27017 with secret details'),
    );
    const broken = await http(running.baseUrl, '/chat/admin/sessions', {
      headers: adminHeaders(admin),
    });
    expect(broken.status).toBe(500);
    expect(broken.body).toEqual({
      code: 'ERR_SERVER_INTERNAL',
      message: 'internal error',
      correlationId: expect.any(String),
    });
    expect(broken.text).not.toMatch(/exploded|secret|27017|\bat\s/);

    controlled.fail(
      'listSessions',
      new StorageError(
        'ERR_STORAGE_UNAVAILABLE',
        'listSessions: server selection timed out on db.internal',
      ),
    );
    const unavailable = await http(running.baseUrl, '/chat/admin/sessions', {
      headers: adminHeaders(admin),
    });
    expect(unavailable.status).toBe(503);
    expect(unavailable.body).toMatchObject({
      code: 'ERR_STORAGE_UNAVAILABLE',
      message: 'temporarily unavailable, try again',
    });
    expect(unavailable.text).not.toContain('db.internal');

    const tooBig = await http(running.baseUrl, `/chat/admin/sessions/${randomUUID()}/end`, {
      method: 'POST',
      headers: adminHeaders(admin),
      body: { padding: 'x'.repeat(running.config.server.bodyLimitBytes + 10) },
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ code: 'ERR_SERVER_BODY_TOO_LARGE' });

    const endPath = `/chat/admin/sessions/${randomUUID()}/end`;
    const wrongType = await fetch(`${running.baseUrl}${endPath}`, {
      method: 'POST',
      headers: { ...adminHeaders(admin), 'content-type': 'text/x-unknown' },
      body: 'hello',
    });
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toMatchObject({
      code: 'ERR_SERVER_INVALID_REQUEST',
      message: 'the request is not valid',
    });
    const badJson = await fetch(`${running.baseUrl}${endPath}`, {
      method: 'POST',
      headers: { ...adminHeaders(admin), 'content-type': 'application/json' },
      body: '{"unterminated',
    });
    expect(badJson.status).toBe(400);
    expect(JSON.stringify(await badJson.json())).not.toContain('unterminated');
  });

  it('answers 503 once close has begun (R11)', async () => {
    const running = await start();
    expect((await http(running.baseUrl, '/healthz')).status).toBe(200);
    running.app.chatbox.lifecycle.markClosed();
    const late = await http(running.baseUrl, '/healthz');
    expect(late.status).toBe(503);
    expect(late.headers.get('connection')).toBe('close');
    expect(late.body).toMatchObject({ code: 'ERR_SERVER_UNAVAILABLE' });
  });

  it('exports metrics from its own registry: traffic, generations, sessions, process', async () => {
    const running = await start();
    const other = await start();
    const client = await running.connect(await running.token('mallory'));
    client.send({ type: 'send', clientMessageId: randomUUID(), content: 'count me' });
    await nextFrame(client, 'done');
    client.sendRaw('{not json');
    await nextFrame(client, 'error');
    const metrics = await http(running.baseUrl, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = metrics.text;
    const value = (series: string): number =>
      Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('chatbox_websocket_connections')).toBe(1);
    expect(value('chatbox_websocket_connections_opened_total')).toBe(1);
    expect(value('chatbox_websocket_frames_in_total{type="send"}')).toBe(1);
    expect(value('chatbox_websocket_frames_invalid_total{code="bad_json"}')).toBe(1);
    expect(value('chatbox_websocket_frames_out_total')).toBeGreaterThanOrEqual(4);
    expect(value('chatbox_sessions_active')).toBe(1);
    expect(value('chatbox_generations_started_total')).toBe(1);
    expect(value('chatbox_generation_duration_seconds_count{status="complete"}')).toBe(1);
    expect(value('chatbox_time_to_first_token_seconds_count')).toBe(1);
    expect(value('chatbox_storage_retries_total')).toBe(0);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    // The other app's registry saw none of it.
    const quiet = await http(other.baseUrl, '/metrics');
    expect(quiet.text).toMatch(/^chatbox_generations_started_total 0$/m);
  });
});
