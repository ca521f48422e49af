import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { mintToken, randomSecret } from '@chatbox/testkit';
import { exportJWK } from 'jose';
import { createTokenVerifier, WebSocketError, type TokenVerifierOptions } from '../../src/index.js';

const BASE = {
  algorithms: ['HS256'],
  issuer: 'chatbox',
  audience: 'chatbox',
  clockToleranceSec: 0,
  rolesClaim: 'roles',
};

function hsVerifier(secret: string, extra: Partial<TokenVerifierOptions> = {}) {
  return createTokenVerifier({ ...BASE, secret, ...extra });
}

async function refusal(promise: Promise<unknown>): Promise<WebSocketError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WebSocketError);
    return error as WebSocketError;
  }
  throw new Error('expected a refusal');
}

function construction(options: Partial<TokenVerifierOptions>): WebSocketError {
  try {
    createTokenVerifier({ ...BASE, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(WebSocketError);
    return error as WebSocketError;
  }
  throw new Error('expected construction to throw');
}

describe('createTokenVerifier (HS)', () => {
  const secret = randomSecret();
  const verifier = hsVerifier(secret);

  it('returns the subject, roles and expiry of a valid token', async () => {
    const iat = Math.floor(Date.now() / 1000);
    const token = await mintToken({
      secret,
      sub: 'alice',
      roles: ['user', 'admin'],
      iat,
      expiresInSec: 60,
    });
    await expect(verifier.verify(token)).resolves.toEqual({
      userId: 'alice',
      roles: ['user', 'admin'],
      expiresAt: (iat + 60) * 1000,
    });
  });

  it('gives empty roles when the claim is absent and refuses a non-array claim', async () => {
    const token = await mintToken({ secret, claims: { roles: undefined } });
    await expect(verifier.verify(token)).resolves.toMatchObject({ roles: [] });
    const bad = await mintToken({ secret, claims: { roles: 'admin' } });
    expect((await refusal(verifier.verify(bad))).reason).toBe('claims');
  });

  it.each([
    ['missing', 'missing', () => Promise.resolve('')],
    ['malformed', 'malformed', () => Promise.resolve('not-a-jwt')],
    ['two segments', 'malformed', () => Promise.resolve('abc.def')],
    ['garbage segments', 'malformed', () => Promise.resolve('a.b.c')],
    ['oversized', 'malformed', () => Promise.resolve(`${'a'.repeat(9_000)}.b.c`)],
    ['alg none', 'algorithm', () => mintToken({ alg: 'none' })],
    ['wrong algorithm', 'algorithm', () => mintToken({ secret: randomBytes(64), alg: 'HS512' })],
    ['short key', 'signature', () => mintToken({ secret: 'short' })],
    ['another key', 'signature', () => mintToken({ secret: randomSecret() })],
    ['wrong issuer', 'claims', () => mintToken({ secret, issuer: 'evil' })],
    ['wrong audience', 'claims', () => mintToken({ secret, audience: 'other' })],
    ['wrong typ', 'claims', () => mintToken({ secret, typ: 'at+jwt' })],
    ['no exp', 'claims', () => mintToken({ secret, omit: ['exp'] })],
    ['no iat', 'claims', () => mintToken({ secret, omit: ['iat'] })],
    ['no sub', 'claims', () => mintToken({ secret, omit: ['sub'] })],
    ['empty sub', 'claims', () => mintToken({ secret, sub: '' })],
    [
      'expired',
      'expired',
      () => mintToken({ secret, iat: Math.floor(Date.now() / 1000) - 600, expiresInSec: 60 }),
    ],
    ['not yet valid', 'not_yet_valid', () => mintToken({ secret, notBeforeSec: 120 })],
  ])('refuses a token: %s (reason %s)', async (_name, reason, make) => {
    const token = await make();
    const error = await refusal(verifier.verify(token));
    expect(error.code).toBe('ERR_WEBSOCKET_UNAUTHORIZED');
    expect(error.reason).toBe(reason);
    if (token.length > 0) expect(error.message).not.toContain(token);
  });

  it('refuses a tampered payload', async () => {
    const token = await mintToken({ secret, sub: 'alice' });
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: 'admin', iss: 'chatbox', aud: 'chatbox', iat: 1, exp: 9_999_999_999 }),
    ).toString('base64url');
    expect((await refusal(verifier.verify(`${header}.${forged}.${signature}`))).reason).toBe(
      'signature',
    );
  });

  it('applies the clock tolerance and the injected clock', async () => {
    const iat = Math.floor(Date.now() / 1000) - 70;
    const token = await mintToken({ secret, iat, expiresInSec: 60 });
    await expect(
      hsVerifier(secret, { clockToleranceSec: 30 }).verify(token),
    ).resolves.toMatchObject({ userId: 'test-user' });
    const fresh = await mintToken({ secret });
    const late = hsVerifier(secret, { clock: () => Date.now() + 3_600_000 });
    expect((await refusal(late.verify(fresh))).reason).toBe('expired');
  });
});

describe('createTokenVerifier options', () => {
  it('refuses short secrets for the algorithm (RFC 7518 §3.2)', () => {
    expect(construction({ secret: 'x'.repeat(31) }).code).toBe('ERR_WEBSOCKET_WEAK_SECRET');
    expect(construction({ secret: 'x'.repeat(40), algorithms: ['HS512'] }).code).toBe(
      'ERR_WEBSOCKET_WEAK_SECRET',
    );
    expect(construction({ secret: 'x'.repeat(40), minSecretBytes: 48 }).code).toBe(
      'ERR_WEBSOCKET_WEAK_SECRET',
    );
  });

  it.each([
    ['no algorithms', { secret: randomSecret(), algorithms: [] }],
    ['alg none', { secret: randomSecret(), algorithms: ['none'] }],
    ['mixed families', { secret: randomSecret(), algorithms: ['HS256', 'RS256'] }],
    ['no key source', {}],
    ['two key sources', { secret: randomSecret(), jwksUrl: 'https://keys.example.test/jwks' }],
    ['a secret with RS256', { secret: randomSecret(), algorithms: ['RS256'] }],
    ['a JWKS with HS256', { jwksUrl: 'https://keys.example.test/jwks' }],
    ['a bad JWKS URL', { jwksUrl: 'not a url', algorithms: ['RS256'] }],
    ['a non-http JWKS URL', { jwksUrl: 'file:///etc/keys', algorithms: ['RS256'] }],
    ['a bad PEM', { publicKeyPem: 'nope', algorithms: ['RS256'] }],
    ['a weak minSecretBytes', { secret: randomSecret(), minSecretBytes: 8 }],
    ['no issuer', { secret: randomSecret(), issuer: '' }],
    ['a negative tolerance', { secret: randomSecret(), clockToleranceSec: -1 }],
  ])('refuses %s', (_name, options) => {
    expect(construction(options as Partial<TokenVerifierOptions>).code).toBe(
      'ERR_WEBSOCKET_INVALID_OPTIONS',
    );
  });
});

describe('createTokenVerifier (public keys)', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('verifies RS256 and PS256 tokens with a PEM public key', async () => {
    const verifier = createTokenVerifier({
      ...BASE,
      algorithms: ['RS256', 'PS256'],
      publicKeyPem: pem,
    });
    await expect(
      verifier.verify(await mintToken({ privateKey: rsa.privateKey, sub: 'bob' })),
    ).resolves.toMatchObject({ userId: 'bob' });
    await expect(
      verifier.verify(await mintToken({ privateKey: rsa.privateKey, alg: 'PS256' })),
    ).resolves.toMatchObject({ userId: 'test-user' });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(
      (await refusal(verifier.verify(await mintToken({ privateKey: other.privateKey })))).reason,
    ).toBe('signature');
    // Algorithm confusion: an HS256 token keyed with the public key text is refused.
    expect((await refusal(verifier.verify(await mintToken({ secret: pem })))).reason).toBe(
      'algorithm',
    );
  });

  it('refuses a PEM key that cannot verify the configured algorithms', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(construction({ publicKeyPem: ecPem, algorithms: ['RS256'] }).code).toBe(
      'ERR_WEBSOCKET_INVALID_OPTIONS',
    );
  });

  it('verifies against a remote JWKS and reports an unreachable one as unavailable', async () => {
    const jwk = { ...(await exportJWK(rsa.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const verifier = createTokenVerifier({
        ...BASE,
        algorithms: ['RS256'],
        jwksUrl: `http://127.0.0.1:${port}/jwks`,
      });
      const { SignJWT } = await import('jose');
      const now = Math.floor(Date.now() / 1000);
      const signed = (kid: string) =>
        new SignJWT({ sub: 'carol', roles: ['user'] })
          .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
          .setIssuer('chatbox')
          .setAudience('chatbox')
          .setIssuedAt(now)
          .setExpirationTime(now + 60)
          .sign(rsa.privateKey);
      await expect(verifier.verify(await signed('k1'))).resolves.toMatchObject({ userId: 'carol' });
      expect((await refusal(verifier.verify(await signed('unknown')))).reason).toBe('signature');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const down = createTokenVerifier({
      ...BASE,
      algorithms: ['RS256'],
      jwksUrl: `http://127.0.0.1:${port}/jwks`,
      jwksTimeoutMs: 500,
    });
    const error = await refusal(down.verify(await mintToken({ privateKey: rsa.privateKey })));
    expect(error.code).toBe('ERR_WEBSOCKET_AUTH_UNAVAILABLE');
    expect(error.reason).toBe('key_unavailable');
  });
});
