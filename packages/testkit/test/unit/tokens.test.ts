import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { mintToken, randomSecret } from '../../src/index.js';
import { defaultAlgFor } from '../../src/tokens.js';

const strict = {
  issuer: 'chatbox',
  audience: 'chatbox',
  typ: 'JWT',
  requiredClaims: ['exp', 'iat', 'sub'],
};

describe('mintToken', () => {
  it('signs HS256 with the default claims, verifiable with strict jose options', async () => {
    const secret = randomSecret();
    const before = Math.floor(Date.now() / 1000);
    const token = await mintToken({ secret, roles: ['admin'], sub: 'alice' });
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), {
      ...strict,
      algorithms: ['HS256'],
    });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload.sub).toBe('alice');
    expect(payload['roles']).toEqual(['admin']);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp! - payload.iat!).toBe(300);
  });

  it('fails verification with another secret', async () => {
    const token = await mintToken({ secret: randomSecret() });
    await expect(
      jwtVerify(token, new TextEncoder().encode(randomSecret()), strict),
    ).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });

  it('omit really omits, and claims override the defaults', async () => {
    const secret = new Uint8Array(Buffer.from(randomSecret(), 'utf8'));
    const token = await mintToken({
      secret,
      omit: ['exp', 'iss', 'aud', 'sub', 'iat'],
      claims: { roles: 'not-a-list', extra: 1 },
    });
    const payload = decodeJwt(token);
    for (const claim of ['exp', 'iss', 'aud', 'sub', 'iat'])
      expect(payload).not.toHaveProperty(claim);
    expect(payload['roles']).toBe('not-a-list');
    expect(payload['extra']).toBe(1);
    await expect(jwtVerify(token, secret, strict)).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
    });
  });

  it('sets iat, exp, nbf, issuer, audience and typ as asked', async () => {
    const secret = randomSecret();
    const token = await mintToken({
      secret,
      iat: 1_000,
      expiresInSec: 60,
      notBeforeSec: 30,
      issuer: 'other',
      audience: 'them',
      typ: 'at+jwt',
    });
    expect(decodeJwt(token)).toMatchObject({
      iat: 1_000,
      exp: 1_060,
      nbf: 1_030,
      iss: 'other',
      aud: 'them',
    });
    expect(decodeProtectedHeader(token).typ).toBe('at+jwt');
    const expired = await mintToken({ secret, exp: 1_000 });
    await expect(
      jwtVerify(expired, new TextEncoder().encode(secret), strict),
    ).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });

  it("makes an unsigned alg 'none' token that jose refuses", async () => {
    const token = await mintToken({ alg: 'none' });
    expect(token.endsWith('.')).toBe(true);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'none', typ: 'JWT' });
    await expect(
      jwtVerify(token, new TextEncoder().encode(randomSecret()), strict),
    ).rejects.toThrow();
  });

  it('signs with private keys, inferring the algorithm', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaToken = await mintToken({ privateKey: rsa.privateKey });
    expect(
      (await jwtVerify(rsaToken, rsa.publicKey, { ...strict, algorithms: ['RS256'] }))
        .protectedHeader.alg,
    ).toBe('RS256');

    const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const ecToken = await mintToken({ privateKey: ec.privateKey });
    expect((await jwtVerify(ecToken, ec.publicKey, strict)).protectedHeader.alg).toBe('ES384');

    const ed = await webcrypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    const edPair = ed as webcrypto.CryptoKeyPair;
    const edToken = await mintToken({ privateKey: edPair.privateKey });
    expect((await jwtVerify(edToken, edPair.publicKey, strict)).protectedHeader.alg).toBe('EdDSA');
  });

  it('infers algorithms for the other key types and refuses what it cannot sign', async () => {
    expect(defaultAlgFor(generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey)).toBe(
      'PS256',
    );
    expect(defaultAlgFor(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)).toBe(
      'ES256',
    );
    expect(defaultAlgFor(generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey)).toBe(
      'ES512',
    );
    expect(defaultAlgFor(generateKeyPairSync('ed25519').privateKey)).toBe('EdDSA');
    const ecdsa = await webcrypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-521' },
      false,
      ['sign'],
    );
    expect(defaultAlgFor(ecdsa.privateKey)).toBe('ES512');
    const rsaWeb = await webcrypto.subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      false,
      ['sign'],
    );
    expect(defaultAlgFor(rsaWeb.privateKey)).toBe('RS256');
    const hmac = await webcrypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    expect(() => defaultAlgFor(hmac)).toThrow(
      expect.objectContaining({ code: 'ERR_TESTKIT_INVALID_ARGUMENT' }),
    );
    expect(() => defaultAlgFor(generateKeyPairSync('x25519').privateKey)).toThrow(
      expect.objectContaining({ code: 'ERR_TESTKIT_INVALID_ARGUMENT' }),
    );
    await expect(mintToken({})).rejects.toMatchObject({ code: 'ERR_TESTKIT_INVALID_ARGUMENT' });
  });
});

describe('randomSecret', () => {
  it('gives base64url of the asked number of random bytes', () => {
    const a = randomSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(randomSecret(64), 'base64url')).toHaveLength(64);
    expect(randomSecret()).not.toBe(a);
    expect(() => randomSecret(0)).toThrow(
      expect.objectContaining({ code: 'ERR_TESTKIT_INVALID_ARGUMENT' }),
    );
  });
});
