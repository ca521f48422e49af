import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { recordFigure } from '@chatbox/testkit';
import type { AuditEntry } from '../../src/admin/audit.js';
import { adminHeaders, http, startApp } from '../support/harness.js';
import type { HttpResult, RunningApp } from '../support/harness.js';

const LIMIT = 30;
const REQUESTS = 1_000;
const BATCH = 50;

function spoofedIp(): string {
  const [a, b, c, d] = randomBytes(4);
  return `${a}.${b}.${c}.${d}`;
}

// Finding 18: the old admin endpoints had no rate limit. Here each admin has its own limit,
// keyed by the verified token after auth, so neither other admins nor forged headers change it.
describe('ProductionIssue18_AdminRateLimiting', () => {
  let running: RunningApp;
  let first: string;
  let second: string;
  let user: string;
  const results: HttpResult[] = [];

  beforeAll(async () => {
    running = await startApp({ CHATBOX_RATE_LIMIT_ADMIN_REQUESTS_PER_MINUTE: String(LIMIT) });
    first = await running.token('admin-one', ['admin']);
    second = await running.token('admin-two', ['user', 'admin']);
    user = await running.token('plain-user', ['user']);
  });
  afterAll(async () => {
    await running.close();
  });

  const list = (token: string | undefined, headers: Record<string, string> = {}) =>
    http(running.baseUrl, '/chat/admin/sessions', {
      headers: token === undefined ? headers : adminHeaders(token, headers),
    });

  it(`1,000 rapid requests by one admin: the first ${LIMIT} succeed, the rest get 429 with Retry-After`, async () => {
    const started = performance.now();
    for (let i = 0; i < LIMIT; i += 1) results.push(await list(first));
    for (let sent = LIMIT; sent < REQUESTS; sent += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, REQUESTS - sent) }, () => list(first));
      results.push(...(await Promise.all(batch)));
    }
    recordFigure(
      '18',
      '1,000 admin requests, wall time',
      Math.round(performance.now() - started),
      'ms',
    );
    expect(results).toHaveLength(REQUESTS);
    expect(results.slice(0, LIMIT).every((r) => r.status === 200)).toBe(true);
    const refused = results.slice(LIMIT);
    expect(refused.every((r) => r.status === 429)).toBe(true);
    recordFigure('18', 'admin requests refused of 1,000', refused.length, 'requests');
    for (const response of refused) {
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(response.body).toMatchObject({
        code: 'ERR_SERVER_RATE_LIMITED',
        correlationId: expect.any(String),
      });
    }
  });

  it('a spoofed X-Forwarded-For changes nothing (S9)', async () => {
    for (let i = 0; i < 20; i += 1) {
      const spoofed = await list(first, {
        'x-forwarded-for': spoofedIp(),
        'x-real-ip': spoofedIp(),
      });
      expect(spoofed.status).toBe(429);
    }
  });

  it('another admin is unaffected', async () => {
    const other = await list(second);
    expect(other.status).toBe(200);
    expect(other.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - 1));
  });

  it('a user token gets 403 and an anonymous request 401, whatever the rate', async () => {
    const forbidden = await Promise.all(Array.from({ length: 100 }, () => list(user)));
    expect(forbidden.every((r) => r.status === 403)).toBe(true);
    const anonymous = await Promise.all(
      Array.from({ length: 100 }, () => list(undefined, { 'x-forwarded-for': spoofedIp() })),
    );
    expect(anonymous.every((r) => r.status === 401)).toBe(true);
  });

  it('every admin action is audit-logged with who, what, when and the outcome', async () => {
    const audit = await http<{ entries: AuditEntry[]; total: number }>(
      running.baseUrl,
      '/chat/admin/audit?limit=1000',
      {
        headers: adminHeaders(second),
      },
    );
    expect(audit.status).toBe(200);
    // 1,000 + 20 by the first admin, 1 by the second, 200 refused, and this one.
    expect(audit.body.total).toBeGreaterThanOrEqual(REQUESTS + 20 + 1 + 200);
    const entries = audit.body.entries;
    const ok = entries.filter((e) => e.actor === 'admin-one' && e.outcome === 'ok');
    const limited = entries.filter((e) => e.actor === 'admin-one' && e.outcome === 'rate_limited');
    expect(limited.length).toBeGreaterThan(500);
    expect(
      entries.some(
        (e) => e.actor === 'admin-two' && e.action === 'sessions.list' && e.outcome === 'ok',
      ),
    ).toBe(true);
    expect(
      entries.filter((e) => e.actor === 'plain-user' && e.outcome === 'forbidden'),
    ).toHaveLength(100);
    expect(entries.filter((e) => e.actor === null && e.outcome === 'unauthorized')).toHaveLength(
      100,
    );
    // Each entry names the response it audits: its correlation id is that response's request id.
    const refusedIds = new Set(results.slice(LIMIT).map((r) => r.headers.get('x-request-id')));
    const sample = limited.find((e) => refusedIds.has(e.correlationId));
    expect(sample).toMatchObject({ action: 'sessions.list', status: 429, target: null });
    expect(Number.isNaN(Date.parse(sample!.at))).toBe(false);
    // The ring is bounded: it kept the newest entries, not all of them.
    expect(entries.length).toBeLessThanOrEqual(1_000);
    expect(ok.length).toBeLessThanOrEqual(LIMIT);
  });
});
