import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mintToken, randomSecret } from '@chatbox/testkit';
import type { WsTestClient } from '@chatbox/testkit';
import type { AuditEntry } from '../../src/admin/audit.js';
import { adminHeaders, http, startApp } from '../support/harness.js';
import type { RunningApp } from '../support/harness.js';
import { controlledStore } from '../support/stores.js';
import type { ControlledStore } from '../support/stores.js';
import { nextFrame } from '../support/frames.js';

interface SessionList {
  sessions: { id: string; userId: string; isActive: boolean }[];
  nextCursor?: string;
}

async function chat(client: WsTestClient, content: string): Promise<string> {
  client.send({ type: 'send', clientMessageId: randomUUID(), content });
  const session = await nextFrame(client, 'session');
  await nextFrame(client, 'done');
  return session.sessionId;
}

describe('admin API (/chat/admin)', () => {
  let running: RunningApp;
  let admin: string;
  let user: string;
  let daveSession: string;
  let eveSession: string;
  let eveClient: WsTestClient;
  let controlled: ControlledStore;

  beforeAll(async () => {
    controlled = controlledStore();
    running = await startApp(
      { CHATBOX_RATE_LIMIT_ADMIN_REQUESTS_PER_MINUTE: '1000' },
      { store: controlled.store },
    );
    admin = await running.token('root', ['user', 'admin']);
    user = await running.token('dave');
    daveSession = await chat(await running.connect(user), 'first');
    eveClient = await running.connect(await running.token('eve'));
    eveSession = await chat(eveClient, 'second');
  });

  afterAll(async () => {
    await running.close();
  });

  const get = <T = Record<string, unknown>>(
    path: string,
    token?: string,
    headers: Record<string, string> = {},
  ) =>
    http<T>(running.baseUrl, `/chat/admin${path}`, {
      headers: token === undefined ? headers : adminHeaders(token, headers),
    });

  it('refuses a missing, foreign, unsigned or non-admin token (S10)', async () => {
    const anonymous = await get('/sessions');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(anonymous.body).toMatchObject({
      code: 'ERR_SERVER_UNAUTHORIZED',
      correlationId: anonymous.headers.get('x-request-id'),
    });
    const foreign = await mintToken({ secret: randomSecret(), sub: 'root', roles: ['admin'] });
    expect((await get('/sessions', foreign)).status).toBe(401);
    const unsigned = await mintToken({ alg: 'none', sub: 'root', roles: ['admin'] });
    expect((await get('/sessions', unsigned)).status).toBe(401);
    const expired = await mintToken({
      secret: running.secret,
      sub: 'root',
      roles: ['admin'],
      iat: 1_000,
      exp: 2_000,
    });
    expect((await get('/sessions', expired)).status).toBe(401);
    const forbidden = await get('/sessions', user);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ code: 'ERR_SERVER_FORBIDDEN' });
    expect(JSON.stringify(forbidden.body)).not.toMatch(/stack|at \w+ \(/);
  });

  it('lists sessions with filters and cursor pagination', async () => {
    const all = await get<SessionList>('/sessions', admin);
    expect(all.status).toBe(200);
    expect(all.headers.get('cache-control')).toBe('no-store');
    expect(all.body.sessions.map((s) => s.id).sort()).toEqual([daveSession, eveSession].sort());
    const dave = await get<SessionList>('/sessions?userId=dave', admin);
    expect(dave.body.sessions.map((s) => s.id)).toEqual([daveSession]);
    const first = await get<SessionList>('/sessions?limit=1', admin);
    expect(first.body.sessions).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get<SessionList>(
      `/sessions?limit=1&cursor=${encodeURIComponent(first.body.nextCursor!)}`,
      admin,
    );
    expect(second.body.sessions).toHaveLength(1);
    expect(second.body.sessions[0]!.id).not.toBe(first.body.sessions[0]!.id);
    expect((await get('/sessions?limit=0', admin)).body).toMatchObject({
      code: 'ERR_SERVER_INVALID_REQUEST',
    });
    expect((await get('/sessions?cursor=not-a-cursor', admin)).status).toBe(400);
  });

  it('shows one session with its messages and validates the id before any store call (S11)', async () => {
    const one = await get<{
      session: { id: string; userId: string };
      messages: { seq: number; role: string }[];
    }>(`/sessions/${daveSession}`, admin);
    expect(one.status).toBe(200);
    expect(one.body.session).toMatchObject({ id: daveSession, userId: 'dave' });
    expect(one.body.messages.map((m) => [m.seq, m.role])).toEqual([
      [1, 'user'],
      [2, 'assistant'],
    ]);
    const upper = await get(`/sessions/${daveSession.toUpperCase()}`, admin);
    expect(upper.status).toBe(200);
    const storeCalls = controlled.calls.get('getSession');
    for (const bad of [encodeURIComponent('{"$ne":null}'), 'not-a-uuid', `${daveSession}x`]) {
      const response = await get(`/sessions/${bad}`, admin);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'ERR_SERVER_INVALID_REQUEST' });
    }
    expect(controlled.calls.get('getSession')).toBe(storeCalls);
    expect((await get(`/sessions/${randomUUID()}`, admin)).body).toMatchObject({
      code: 'ERR_SERVER_NOT_FOUND',
    });
  });

  it("peeks at a user's rate-limit state", async () => {
    const state = await get<{
      messages: { limit: number; remaining: number };
      generations: { active: number; limit: number };
    }>('/users/dave/rate-limit', admin);
    expect(state.status).toBe(200);
    expect(state.body.messages.limit).toBe(running.config.rateLimit.messagesPerMinute);
    expect(state.body.messages.remaining).toBe(running.config.rateLimit.messagesPerMinute - 1);
    expect(state.body.generations).toEqual({
      active: 0,
      limit: running.config.rateLimit.concurrentGenerationsPerUser,
    });
    const fresh = await get<{ messages: { remaining: number } }>('/users/nobody/rate-limit', admin);
    expect(fresh.body.messages.remaining).toBe(running.config.rateLimit.messagesPerMinute);
  });

  it('ends a session and closes its connection with 4002', async () => {
    const ended = await http(running.baseUrl, `/chat/admin/sessions/${eveSession}/end`, {
      method: 'POST',
      headers: adminHeaders(admin),
    });
    expect(ended.status).toBe(200);
    expect(ended.body).toEqual({ sessionId: eveSession, ended: true, alreadyEnded: false });
    expect((await eveClient.closed).code).toBe(4002);
    const again = await http(running.baseUrl, `/chat/admin/sessions/${eveSession}/end`, {
      method: 'POST',
      headers: adminHeaders(admin),
    });
    expect(again.body).toMatchObject({ ended: false, alreadyEnded: true });
    const missing = await http(running.baseUrl, `/chat/admin/sessions/${randomUUID()}/end`, {
      method: 'POST',
      headers: adminHeaders(admin),
    });
    expect(missing.status).toBe(404);
    const active = await get<SessionList>('/sessions?active=true', admin);
    expect(active.body.sessions.map((s) => s.id)).toEqual([daveSession]);
  });

  it('audit-logs every admin request: who, what, target, when, outcome, correlation id', async () => {
    const denied = await get('/sessions', user);
    const audit = await get<{ entries: AuditEntry[]; total: number }>('/audit?limit=50', admin);
    expect(audit.status).toBe(200);
    const entry = audit.body.entries.find(
      (e) => e.correlationId === denied.headers.get('x-request-id'),
    );
    expect(entry).toMatchObject({
      actor: 'dave',
      action: 'sessions.list',
      outcome: 'forbidden',
      status: 403,
      target: null,
    });
    expect(Date.parse(entry!.at)).toBeGreaterThan(Date.now() - 60_000);
    const end = audit.body.entries.find((e) => e.action === 'sessions.end' && e.outcome === 'ok');
    expect(end).toMatchObject({ actor: 'root', target: eveSession });
    expect(audit.body.entries.some((e) => e.actor === null && e.outcome === 'unauthorized')).toBe(
      true,
    );
    // Newest first.
    const times = audit.body.entries.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });
});
