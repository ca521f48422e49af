import { describe, expect, it } from '@jest/globals';
import { normalizeOrigin, type WebSocketError } from '../../src/index.js';
import { createOriginPolicy } from '../../src/origin.js';

describe('normalizeOrigin', () => {
  it.each([
    ['https://chat.example.com', 'https://chat.example.com'],
    ['https://chat.example.com/', 'https://chat.example.com'],
    ['HTTPS://Chat.Example.com', 'https://chat.example.com'],
    ['http://localhost:5173', 'http://localhost:5173'],
  ])('%s → %s', (value, expected) => {
    expect(normalizeOrigin(value)).toBe(expected);
  });

  it.each([
    'null',
    'chat.example.com',
    'ftp://chat.example.com',
    'https://chat.example.com/path',
    'https://chat.example.com?q=1',
    'https://chat.example.com#x',
    'https://user@chat.example.com',
    'https://chat.example.com@evil.test',
    'https://chat.example.com:443',
    'https://bücher.example',
  ])('refuses %s', (value) => {
    expect(normalizeOrigin(value)).toBeUndefined();
  });
});

describe('createOriginPolicy', () => {
  const policy = createOriginPolicy({
    env: 'production',
    allowedOrigins: ['https://chat.example.com/'],
    allowMissingOrigin: false,
  });

  it('accepts the exact origin only', () => {
    expect(policy.check('https://chat.example.com')).toEqual({ ok: true });
    expect(policy.check('https://CHAT.example.com')).toEqual({ ok: true });
    expect(policy.check('https://chat.example.com.evil.test')).toEqual({
      ok: false,
      reason: 'origin_not_allowed',
    });
    expect(policy.check('http://chat.example.com')).toEqual({
      ok: false,
      reason: 'origin_not_allowed',
    });
    expect(policy.check('https://chat.example.com:8443')).toEqual({
      ok: false,
      reason: 'origin_not_allowed',
    });
    expect(policy.check('https://chаt.example.com')).toEqual({
      ok: false,
      reason: 'malformed_origin',
    });
    expect(policy.check('null')).toEqual({ ok: false, reason: 'null_origin' });
    expect(policy.check(undefined)).toEqual({ ok: false, reason: 'missing_origin' });
    expect(policy.check('')).toEqual({ ok: false, reason: 'missing_origin' });
  });

  it('allows a missing origin only when configured', () => {
    const lenient = createOriginPolicy({
      env: 'production',
      allowedOrigins: ['https://a.example'],
      allowMissingOrigin: true,
    });
    expect(lenient.check(undefined)).toEqual({ ok: true });
    expect(lenient.check('null')).toEqual({ ok: false, reason: 'null_origin' });
  });

  it('is immutable', () => {
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.origins)).toBe(true);
    expect(() => (policy.origins as string[]).push('https://evil.test')).toThrow(TypeError);
    expect(policy.check('https://evil.test').ok).toBe(false);
  });

  it('refuses an empty list in production and bad entries anywhere', () => {
    const refuse = (env: 'production' | 'development', allowedOrigins: unknown) => {
      try {
        createOriginPolicy({
          env,
          allowedOrigins: allowedOrigins as string[],
          allowMissingOrigin: false,
        });
      } catch (error) {
        return (error as WebSocketError).code;
      }
      return 'created';
    };
    expect(refuse('production', [])).toBe('ERR_WEBSOCKET_ORIGINS_REQUIRED');
    expect(refuse('development', ['https://a.example/path'])).toBe('ERR_WEBSOCKET_INVALID_OPTIONS');
    expect(refuse('development', [42])).toBe('ERR_WEBSOCKET_INVALID_OPTIONS');
    expect(refuse('development', 'https://a.example')).toBe('ERR_WEBSOCKET_INVALID_OPTIONS');
  });

  it('admits only localhost origins in development with an empty list', () => {
    const dev = createOriginPolicy({
      env: 'development',
      allowedOrigins: [],
      allowMissingOrigin: false,
    });
    for (const ok of ['http://localhost', 'https://localhost:8443', 'http://127.0.0.1:3000'])
      expect(dev.check(ok)).toEqual({ ok: true });
    for (const no of [
      'http://localhost.evil.test',
      'http://127.0.0.2',
      'https://example.com',
      'http://[::1]:3000',
    ]) {
      expect(dev.check(no).ok).toBe(false);
    }
  });
});
