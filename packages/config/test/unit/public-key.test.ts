import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { inspectPublicKey, isPrivateKeyPem } from '../../src/public-key.js';

const spki = ({ publicKey }: { publicKey: KeyObject }): string =>
  publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('inspectPublicKey', () => {
  it('maps each key type to the algorithms it verifies', () => {
    expect(
      inspectPublicKey(spki(generateKeyPairSync('ec', { namedCurve: 'P-256' }))),
    ).toMatchObject({ ok: true, type: 'ec', supported: ['ES256'], preferred: 'ES256' });
    expect(
      inspectPublicKey(spki(generateKeyPairSync('ec', { namedCurve: 'P-384' }))),
    ).toMatchObject({ ok: true, preferred: 'ES384' });
    expect(inspectPublicKey(spki(generateKeyPairSync('ed25519')))).toMatchObject({
      ok: true,
      type: 'ed25519',
      supported: ['EdDSA'],
    });
    const rsa = inspectPublicKey(spki(generateKeyPairSync('rsa', { modulusLength: 2048 })));
    expect(rsa).toMatchObject({ ok: true, type: 'rsa', preferred: 'RS256' });
    expect(rsa.ok && rsa.supported).toContain('PS512');
    expect(
      inspectPublicKey(spki(generateKeyPairSync('rsa-pss', { modulusLength: 2048 }))),
    ).toMatchObject({ ok: true, type: 'rsa-pss', preferred: 'PS256' });
  });

  it('refuses short RSA keys, unsupported curves and non-signing keys', () => {
    expect(inspectPublicKey(spki(generateKeyPairSync('rsa', { modulusLength: 1024 })))).toEqual({
      ok: false,
      reason: 'is a 1024-bit RSA key; at least 2048 bits are required',
    });
    expect(inspectPublicKey(spki(generateKeyPairSync('ec', { namedCurve: 'secp256k1' })))).toEqual({
      ok: false,
      reason: 'uses the unsupported curve secp256k1',
    });
    expect(inspectPublicKey(spki(generateKeyPairSync('x25519')))).toEqual({
      ok: false,
      reason: 'is a x25519 key, which cannot verify JWTs',
    });
    expect(inspectPublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toEqual({
      ok: false,
      reason: 'is not a parsable PEM public key',
    });
  });

  it('refuses private keys, which the server must never hold', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(isPrivateKeyPem(pem)).toBe(true);
    expect(isPrivateKeyPem('-----BEGIN RSA PRIVATE KEY-----')).toBe(true);
    expect(inspectPublicKey(pem)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('private key'),
    });
  });
});
