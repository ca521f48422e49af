import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import { connectWs, mintToken, TestkitError } from '@chatbox/testkit';
import { pino, type Logger } from 'pino';
import { WebSocketError } from '../../src/index.js';
import {
  startHarness,
  TEST_ORIGIN,
  type Harness,
  type HarnessOptions,
} from '../support/harness.js';
import { createStubRouter, type StubRouter } from '../support/stub-router.js';

async function refusedStatus(attempt: Promise<unknown>): Promise<number> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof TestkitError && error.code === 'ERR_TESTKIT_WS_UPGRADE_REFUSED')
      return error.statusCode ?? 0;
    throw error;
  }
  throw new Error('the upgrade was accepted');
}

function captureLogs(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino<never>({ level: 'trace' }, stream), text: () => lines.join('') };
}

describe('upgrade security (S1, S2, S3, S8)', () => {
  let harness: Harness;
  let router: StubRouter;
  const logs = captureLogs();
  afterEach(async () => harness.close());

  const start = async (overrides: Partial<HarnessOptions> = {}) => {
    router = createStubRouter();
    harness = await startHarness({ router, logger: logs.logger, ...overrides });
  };

  const withToken = (token: string) =>
    connectWs(harness.url, { headers: { authorization: `Bearer ${token}` }, origin: TEST_ORIGIN });

  it('refuses every bad token with 401 before the upgrade, and never logs a token', async () => {
    await start();
    const { secret } = harness;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, string]> = [
      ['malformed', 'not.a.jwt'],
      ['alg none', await mintToken({ alg: 'none' })],
      ['wrong algorithm (HS512)', await mintToken({ secret: randomBytes(64), alg: 'HS512' })],
      ['wrong algorithm (RS256)', await mintToken({ privateKey: rsa.privateKey })],
      ['short key', await mintToken({ secret: 'k3y' })],
      ['wrong issuer', await mintToken({ secret, issuer: 'someone-else' })],
      ['wrong audience', await mintToken({ secret, audience: 'another-api' })],
      ['wrong typ', await mintToken({ secret, typ: 'at+jwt' })],
      ['expired', await mintToken({ secret, iat: now - 3_600, expiresInSec: 60 })],
      ['not yet valid', await mintToken({ secret, notBeforeSec: 600 })],
      ['no exp', await mintToken({ secret, omit: ['exp'] })],
    ];
    const valid = await mintToken({ secret, sub: 'tamper-target' });
    const [header, payload, signature] = valid.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(
      JSON.stringify({ ...claims, sub: 'admin', roles: ['admin'] }),
    ).toString('base64url');
    cases.push(['tampered', `${header}.${forged}.${signature}`]);

    expect(await refusedStatus(connectWs(harness.url, { origin: TEST_ORIGIN }))).toBe(401);
    for (const [name, token] of cases) {
      const status = await refusedStatus(withToken(token));
      expect({ name, status }).toEqual({ name, status: 401 });
      const viaProtocol = await refusedStatus(
        connectWs(harness.url, {
          protocols: ['chat.v1', `bearer.${token.replace(/[^A-Za-z0-9._-]/g, '')}`],
          origin: TEST_ORIGIN,
        }),
      );
      expect({ name, viaProtocol }).toEqual({ name, viaProtocol: 401 });
    }
    expect(router.attached).toHaveLength(0);
    const refusals = harness.events.filter((event) => event.type === 'upgrade_refused');
    expect(refusals.length).toBe(1 + 2 * cases.length);
    expect(
      refusals.every(
        (event) =>
          event.type === 'upgrade_refused' &&
          event.status === 401 &&
          event.code === 'ERR_WEBSOCKET_UNAUTHORIZED',
      ),
    ).toBe(true);

    const ok = await withToken(valid);
    expect(router.attached).toHaveLength(1);
    await ok.close();
    const written = logs.text();
    expect(written).toContain('token refused');
    for (const [, token] of [...cases, ['valid', valid]]) expect(written).not.toContain(token);
    expect(written).not.toContain(secret);
  });

  it('accepts the browser subprotocol form and selects chat.v1', async () => {
    await start();
    const token = await harness.token({ sub: 'browser-user', roles: ['user', 'beta'] });
    const client = await connectWs(harness.url, {
      protocols: ['chat.v1', `bearer.${token}`],
      origin: TEST_ORIGIN,
    });
    expect(client.socket.protocol).toBe('chat.v1');
    expect(router.attached[0]).toMatchObject({ userId: 'browser-user', roles: ['user', 'beta'] });
    await client.close();
  });

  it('refuses wrong, missing, null and look-alike origins with 403', async () => {
    await start();
    const token = await harness.token();
    for (const origin of [
      undefined,
      'null',
      'https://evil.test',
      'https://chat.example.test.evil.test',
      'http://chat.example.test',
      'https://chat.example.test:444',
      'https://chat.example.test/x',
    ]) {
      const status = await refusedStatus(
        connectWs(harness.url, {
          headers: { authorization: `Bearer ${token}` },
          ...(origin === undefined ? {} : { origin }),
        }),
      );
      expect({ origin, status }).toEqual({ origin, status: 403 });
    }
    expect(router.attached).toHaveLength(0);
  });

  it('checks the origin before the token', async () => {
    await start();
    expect(await refusedStatus(connectWs(harness.url, { origin: 'https://evil.test' }))).toBe(403);
  });

  it('admits a client without Origin only when configured', async () => {
    await start({ allowMissingOrigin: true });
    const client = await connectWs(harness.url, {
      headers: { authorization: `Bearer ${await harness.token()}` },
    });
    expect(router.attached).toHaveLength(1);
    await client.close();
  });

  it('caps connections per user with 429 and frees the slot on close', async () => {
    await start({ maxConnectionsPerUser: 2 });
    const a = await harness.connect({ sub: 'u1' });
    await harness.connect({ sub: 'u1' });
    expect(await refusedStatus(harness.connect({ sub: 'u1' }))).toBe(429);
    const other = await harness.connect({ sub: 'u2' });
    expect(harness.gateway.stats()).toEqual({ connections: 3, users: 2 });
    await a.close();
    await router.waitForDetached(1);
    const again = await harness.connect({ sub: 'u1' });
    expect(again.socket.readyState).toBe(again.socket.OPEN);
    await other.close();
  });

  it('answers 503 once shutdown has begun', async () => {
    await start();
    const token = await harness.token();
    await harness.gateway.shutdown({ drainMs: 0, deadlineMs: 500 });
    expect(harness.gateway.accepting).toBe(false);
    expect(await refusedStatus(withToken(token))).toBe(503);
    expect(router.drained).toBe(true);
  });

  it('reports an unreachable key service as 503, and any other verifier failure as 401', async () => {
    let failure: Error = new WebSocketError('ERR_WEBSOCKET_AUTH_UNAVAILABLE', 'keys down', {
      reason: 'key_unavailable',
    });
    await start({ verifier: { verify: async () => Promise.reject(failure) } });
    expect(await refusedStatus(withToken('a.b.c'))).toBe(503);
    failure = new Error('unexpected');
    expect(await refusedStatus(withToken('a.b.c'))).toBe(401);
  });

  it('leaves plain HTTP requests to the path alone (404, no upgrade)', async () => {
    await start();
    const response = await fetch(harness.url.replace('ws:', 'http:'));
    expect(response.status).toBe(404);
    await response.arrayBuffer();
  });
});
