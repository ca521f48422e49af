import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { createTokenVerifier } from '@chatbox/websocket';
import {
  DEV_TOKEN_TTL_SEC,
  mintDevTokens,
  publicUrl,
  startupBanner,
} from '../../src/dev-tokens.js';
import { testConfig } from '../support/harness.js';

describe('development tokens', () => {
  it('mints a user and an admin token the server itself accepts, expiring in 12 h', async () => {
    const { config } = testConfig();
    const now = Date.now();
    const tokens = await mintDevTokens(config, { clock: () => now });
    expect(tokens).toBeDefined();
    expect(tokens!.expiresAt.getTime()).toBe((Math.floor(now / 1000) + DEV_TOKEN_TTL_SEC) * 1000);
    const verifier = createTokenVerifier({
      secret: config.auth.jwtSecret!,
      algorithms: config.auth.algorithms,
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      tokenType: config.auth.tokenType,
      clockToleranceSec: config.auth.clockToleranceSec,
      rolesClaim: config.auth.rolesClaim,
    });
    await expect(verifier.verify(tokens!.user)).resolves.toMatchObject({
      userId: 'demo-user',
      roles: ['user'],
    });
    await expect(verifier.verify(tokens!.admin)).resolves.toMatchObject({
      userId: 'demo-admin',
      roles: ['user', 'admin'],
    });
  });

  it('never mints in production, nor without an HMAC secret', async () => {
    const production = testConfig({
      CHATBOX_ENV: 'production',
      CHATBOX_WEBSOCKET_ALLOWED_ORIGINS: 'https://chat.example.com',
    }).config;
    expect(await mintDevTokens(production)).toBeUndefined();
    const { publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const asymmetric = testConfig({
      CHATBOX_AUTH_JWT_SECRET: '',
      CHATBOX_AUTH_PUBLIC_KEY_PEM: pem,
    }).config;
    expect(asymmetric.auth.jwtSecret).toBeUndefined();
    expect(await mintDevTokens(asymmetric)).toBeUndefined();
  });

  it('prints a URL a browser can open, with the token in the fragment', () => {
    expect(publicUrl('0.0.0.0', 8080)).toBe('http://127.0.0.1:8080/');
    expect(publicUrl('::', 8080)).toBe('http://127.0.0.1:8080/');
    expect(publicUrl('::1', 9000)).toBe('http://[::1]:9000/');
    expect(publicUrl('127.0.0.1', 1)).toBe('http://127.0.0.1:1/');
    const expiresAt = new Date(0);
    const lines = startupBanner('http://127.0.0.1:8080/', '/chat/admin', {
      user: 'u.t.k',
      admin: 'a.t.k',
      expiresAt,
    });
    expect(lines[0]).toBe('chatbox is listening on http://127.0.0.1:8080/');
    expect(lines).toContain('    http://127.0.0.1:8080/#token=u.t.k');
    expect(lines).toContain(
      "    curl -H 'Authorization: Bearer a.t.k' http://127.0.0.1:8080/chat/admin/sessions",
    );
    expect(startupBanner('http://127.0.0.1:8080/', '/chat/admin', undefined)).toEqual([
      'chatbox is listening on http://127.0.0.1:8080/',
    ]);
  });
});
