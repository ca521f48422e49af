import { describe, expect, it } from '@jest/globals';
import { randomSecret } from '@chatbox/testkit';
import {
  createTokenVerifier,
  createWebSocketGateway,
  UPGRADE_ERROR_CODE,
  UPGRADE_STATUS,
  WebSocketError,
  type GatewayOptions,
} from '../../src/index.js';
import { createStubRouter } from '../support/stub-router.js';

function base(): GatewayOptions {
  return {
    router: createStubRouter(),
    verifier: createTokenVerifier({
      secret: randomSecret(),
      algorithms: ['HS256'],
      issuer: 'chatbox',
      audience: 'chatbox',
      clockToleranceSec: 5,
      rolesClaim: 'roles',
    }),
    env: 'production',
    path: '/chat/ws',
    allowedOrigins: ['https://chat.example.test'],
    allowMissingOrigin: false,
    maxPayloadBytes: 65_536,
    pingIntervalMs: 30_000,
    pongTimeoutMs: 60_000,
    sendBufferLimitBytes: 1_048_576,
    maxConnectionsPerUser: 5,
    invalidFramesPerMinute: 10,
  };
}

function codeOf(make: () => unknown): string {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(WebSocketError);
    return (error as WebSocketError).code;
  }
  return 'created';
}

describe('createWebSocketGateway options', () => {
  it('starts with valid options, accepting, with origin list version 1', () => {
    const gateway = createWebSocketGateway(base());
    expect(gateway.accepting).toBe(true);
    expect(gateway.originListVersion).toBe(1);
    expect(gateway.stats()).toEqual({ connections: 0, users: 0 });
  });

  it.each([
    ['env', { env: 'staging' }],
    ['path', { path: 'chat/ws' }],
    ['router', { router: undefined }],
    ['maxPayloadBytes', { maxPayloadBytes: 0 }],
    ['pingIntervalMs', { pingIntervalMs: 1.5 }],
    ['pongTimeoutMs', { pongTimeoutMs: -1 }],
    ['sendBufferLimitBytes', { sendBufferLimitBytes: Number.NaN }],
    ['maxConnectionsPerUser', { maxConnectionsPerUser: 0 }],
    ['invalidFramesPerMinute', { invalidFramesPerMinute: undefined }],
    ['framesPerMinutePerConnection', { framesPerMinutePerConnection: 0 }],
    ['closeGraceMs', { closeGraceMs: 0 }],
    ['parseLimits', { parseLimits: { maxChars: -5 } }],
    ['allowedOrigins entry', { allowedOrigins: ['https://chat.example.test/path'] }],
  ])('refuses a bad %s', (_name, patch) => {
    expect(
      codeOf(() => createWebSocketGateway({ ...base(), ...(patch as Partial<GatewayOptions>) })),
    ).toBe('ERR_WEBSOCKET_INVALID_OPTIONS');
  });

  it('finding 13: refuses to start in production with an empty allow-list; development starts', () => {
    expect(codeOf(() => createWebSocketGateway({ ...base(), allowedOrigins: [] }))).toBe(
      'ERR_WEBSOCKET_ORIGINS_REQUIRED',
    );
    expect(
      codeOf(() => createWebSocketGateway({ ...base(), env: 'development', allowedOrigins: [] })),
    ).toBe('created');
  });

  it('swaps the allow-list as a whole, or not at all', () => {
    const gateway = createWebSocketGateway(base());
    gateway.setAllowedOrigins(['https://new.example.test']);
    expect(gateway.originListVersion).toBe(2);
    expect(
      codeOf(() => gateway.setAllowedOrigins(['https://ok.example.test', 'javascript:alert(1)'])),
    ).toBe('ERR_WEBSOCKET_INVALID_OPTIONS');
    expect(codeOf(() => gateway.setAllowedOrigins([]))).toBe('ERR_WEBSOCKET_ORIGINS_REQUIRED');
    expect(gateway.originListVersion).toBe(2);
  });

  it('maps every refusal to a 4xx/5xx status', () => {
    for (const status of Object.values(UPGRADE_STATUS))
      expect(status === 401 || status === 403 || status === 429 || status === 503).toBe(true);
    expect(Object.isFrozen(UPGRADE_STATUS)).toBe(true);
    expect(Object.keys(UPGRADE_ERROR_CODE).sort()).toEqual(Object.keys(UPGRADE_STATUS).sort());
    expect(UPGRADE_ERROR_CODE.origin_not_allowed).toBe('ERR_WEBSOCKET_FORBIDDEN_ORIGIN');
  });
});
