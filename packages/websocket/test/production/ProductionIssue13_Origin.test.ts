import { afterEach, describe, expect, it } from '@jest/globals';
import {
  connectWs,
  mintToken,
  randomSecret,
  recordFigure,
  TestkitError,
  type WsTestClient,
} from '@chatbox/testkit';
import {
  createTokenVerifier,
  createWebSocketGateway,
  WebSocketError,
  type GatewayEvent,
  type TokenVerifier,
} from '../../src/index.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createStubRouter, type StubRouter } from '../support/stub-router.js';

const BOTH = 'https://both.example.test';
const OLD_ONLY = 'https://old.example.test';
const NEW_ONLY = 'https://new.example.test';
const NEITHER = 'https://neither.example.test';
const OLD_LIST = [BOTH, OLD_ONLY];
const NEW_LIST = [BOTH, NEW_ONLY];
const UPGRADES = 160;

type Outcome = { origin: string; sub: string; status: number };

async function attempt(
  url: string,
  token: string,
  origin: string | undefined,
  sub: string,
  opened: WsTestClient[],
): Promise<Outcome> {
  try {
    const client = await connectWs(url, {
      headers: { authorization: `Bearer ${token}` },
      ...(origin === undefined ? {} : { origin }),
    });
    opened.push(client);
    return { origin: origin ?? '', sub, status: 101 };
  } catch (error) {
    if (error instanceof TestkitError && error.statusCode !== undefined)
      return { origin: origin ?? '', sub, status: error.statusCode };
    throw error;
  }
}

describe('finding 13: the origin allow-list', () => {
  let harness: Harness | undefined;
  const opened: WsTestClient[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((client) => client.close()));
    await harness?.close();
  });

  it('ProductionIssue13_OriginValidationDataRace', async () => {
    const router: StubRouter = createStubRouter();
    const secret = randomSecret();
    const verifier = createTokenVerifier({
      secret,
      algorithms: ['HS256'],
      issuer: 'chatbox',
      audience: 'chatbox',
      clockToleranceSec: 0,
      rolesClaim: 'roles',
    });
    // A verifier that yields for a random moment, so list swaps land in the middle of upgrades.
    const slow: TokenVerifier = {
      verify: async (token) => {
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 4)));
        return verifier.verify(token);
      },
    };
    const h = await startHarness(
      { router, verifier: slow, allowedOrigins: OLD_LIST, maxConnectionsPerUser: 1 },
      secret,
    );
    harness = h;

    const versions = new Map<number, readonly string[]>([[1, OLD_LIST]]);
    let swapping = true;
    const swapper = (async () => {
      while (swapping) {
        const next = h.gateway.originListVersion % 2 === 1 ? NEW_LIST : OLD_LIST;
        h.gateway.setAllowedOrigins(next);
        versions.set(h.gateway.originListVersion, next);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const origins = [BOTH, OLD_ONLY, NEW_ONLY, NEITHER];
    const tokens = await Promise.all(
      Array.from({ length: UPGRADES }, (_v, i) => mintToken({ secret, sub: `u${i}` })),
    );
    const outcomes = await Promise.all(
      tokens.map((token, i) => attempt(h.url, token, origins[i % origins.length], `u${i}`, opened)),
    );
    swapping = false;
    await swapper;

    // Never a mix: an origin on both lists always passes, one on neither never does, and each
    // accepted upgrade was decided by one whole list (the version it read admits its origin).
    const opens = harness.events.filter(
      (e): e is Extract<GatewayEvent, { type: 'connection_opened' }> =>
        e.type === 'connection_opened',
    );
    const versionOf = new Map(opens.map((e) => [e.connectionId, e.originListVersion]));
    const mixed = [
      ...outcomes.filter(
        (o) =>
          (o.origin === BOTH && o.status !== 101) || (o.origin === NEITHER && o.status !== 403),
      ),
      ...router.attached.filter((conn) => {
        const origin = outcomes.find((o) => o.sub === conn.userId)?.origin ?? '';
        return !(versions.get(versionOf.get(conn.id) ?? 0) ?? []).includes(origin);
      }),
    ];
    recordFigure('13', 'upgrades decided by a mixed list', mixed.length, 'upgrades');
    expect(mixed).toEqual([]);
    expect(outcomes.every((o) => o.status === 101 || o.status === 403)).toBe(true);
    expect(router.attached).toHaveLength(outcomes.filter((o) => o.status === 101).length);
    const refusals = harness.events.filter(
      (e): e is Extract<GatewayEvent, { type: 'upgrade_refused' }> => e.type === 'upgrade_refused',
    );
    expect(refusals).toHaveLength(outcomes.filter((o) => o.status === 403).length);
    expect(
      refusals.every((e) => e.reason === 'origin_not_allowed' && versions.has(e.originListVersion)),
    ).toBe(true);
    const seen = new Set([
      ...opens.map((e) => e.originListVersion),
      ...refusals.map((e) => e.originListVersion),
    ]);
    expect(seen.size).toBeGreaterThan(1);
    recordFigure('13', 'allow-list swaps during concurrent upgrades', versions.size - 1, 'swaps');
  });

  it('ProductionIssue13_OriginValidationDataRace: the checks above catch an allow-list mutated in place', async () => {
    // The old design: one mutable set, cleared and refilled while upgrades read it.
    const list = new Set(OLD_LIST);
    const swap = async (next: readonly string[]) => {
      list.clear();
      await Promise.resolve();
      for (const origin of next) list.add(origin);
    };
    const decisions: boolean[] = [];
    const swaps = swap(NEW_LIST);
    decisions.push(list.has(BOTH));
    await swaps;
    decisions.push(list.has(BOTH));
    // A check between the two steps sees neither list: the origin on both is refused.
    expect(decisions).toEqual([false, true]);
  });

  it('ProductionIssue13_DefaultOriginBehavior', async () => {
    // The seed expected "every origin allowed when unconfigured"; chatbox refuses to start instead.
    const router = createStubRouter();
    expect(() => harnessGateway(router, 'production', [])).toThrow(WebSocketError);
    try {
      harnessGateway(router, 'production', []);
    } catch (error) {
      expect((error as WebSocketError).code).toBe('ERR_WEBSOCKET_ORIGINS_REQUIRED');
    }

    // Development with an empty list: only localhost and 127.0.0.1 origins, any scheme and port.
    harness = await startHarness({ router, env: 'development', allowedOrigins: [] });
    const token = await harness.token();
    const local = [
      'http://localhost:5173',
      'https://localhost',
      'http://127.0.0.1:3000',
      'http://localhost',
    ];
    const foreign = [
      'https://evil.test',
      'http://localhost.evil.test',
      'http://127.0.0.1.evil.test',
      'null',
      'file://',
      undefined,
    ];
    for (const origin of local)
      expect((await attempt(harness.url, token, origin, 'dev', opened)).status).toBe(101);
    for (const origin of foreign)
      expect({
        origin,
        status: (await attempt(harness.url, token, origin, 'dev', opened)).status,
      }).toEqual({ origin, status: 403 });
    await Promise.all(opened.splice(0).map((client) => client.close()));
    await harness.close();

    // A configured list in development is exact: localhost is not implied.
    harness = await startHarness({
      router,
      env: 'development',
      allowedOrigins: ['https://chat.example.test'],
      maxConnectionsPerUser: 10,
    });
    const fresh = await harness.token();
    expect((await attempt(harness.url, fresh, 'http://localhost:5173', 'dev', opened)).status).toBe(
      403,
    );
    expect(
      (await attempt(harness.url, fresh, 'https://chat.example.test', 'dev', opened)).status,
    ).toBe(101);
  });
});

function harnessGateway(
  router: StubRouter,
  env: 'production' | 'development',
  allowedOrigins: string[],
) {
  return createWebSocketGateway({
    router,
    verifier: { verify: () => Promise.reject(new Error('unused')) },
    env,
    path: '/chat/ws',
    allowedOrigins,
    allowMissingOrigin: false,
    maxPayloadBytes: 65_536,
    pingIntervalMs: 30_000,
    pongTimeoutMs: 60_000,
    sendBufferLimitBytes: 1_048_576,
    maxConnectionsPerUser: 5,
    invalidFramesPerMinute: 10,
  });
}
