import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it, jest } from '@jest/globals';
import { SignJWT, jwtVerify } from 'jose';
import {
  findSecretProblems,
  KNOWN_DEFAULT_SECRETS,
  loadConfig,
  safeLoadConfig,
} from '@chatbox/config';
import type { ConfigIssue } from '@chatbox/config';
import { codesAt, productionEnv, strongSecret } from '../support.js';

function secretCodes(secret: string, env: Record<string, string | undefined> = {}): string[] {
  const result = safeLoadConfig(productionEnv({ CHATBOX_AUTH_JWT_SECRET: secret, ...env }));
  return result.success ? [] : codesAt(result.issues, 'auth.jwtSecret');
}

const LOW_ENTROPY = [
  'a'.repeat(64),
  'abc123'.repeat(8),
  'abcdefghijklmnopqrstuvwxyz0123456789',
  'qwertyuiopasdfghjklzxcvbnm1234567890',
  'Sup3r-S3cur3-Admin-Chatbox-Production-Signing-Key-2024',
  '0101101001011010010110100101101001011010',
];

// Random filler keeps the placeholders long and varied without committing anything secret-looking.
const FILL = randomBytes(16).toString('hex');
const PLACEHOLDERS: readonly (readonly [string, string])[] = [
  ['your-*', `your-jwt-secret-goes-here-${FILL}`],
  ['CHANGE-ME', `CHANGE-ME-${FILL}`],
  ['sk-your-*', `sk-your-api-key-${FILL}`],
  ['ACXXXXXXXX', `ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX${FILL.slice(0, 8)}`],
  ['<...>', `<insert-the-jwt-signing-key-here-${FILL.slice(0, 8)}>`],
  ['replace*', `replace-with-a-real-key-${FILL}`],
  ['${...}', '${JWT_SECRET_FROM_VAULT_PLEASE_RENDER_ME_OK}'],
];

describe('ProductionIssue17_WeakSecretAcceptance', () => {
  it('refuses test123, the secret the old service accepted, in production and development', async () => {
    // jose itself signs with a 7-byte HS256 key: the library will not stop a weak secret.
    const token = await new SignJWT({ sub: 'u' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('test123'));
    expect(token.split('.')).toHaveLength(3);
    expect(secretCodes('test123')).toEqual(
      expect.arrayContaining(['secret_too_short', 'secret_placeholder', 'secret_low_entropy']),
    );
    expect(safeLoadConfig({ CHATBOX_AUTH_JWT_SECRET: 'test123' }).success).toBe(false);
    expect(() => loadConfig({ CHATBOX_AUTH_JWT_SECRET: 'test123' })).toThrow(/auth\.jwtSecret/);
  });

  it('refuses HMAC keys shorter than the hash (RFC 7518 §3.2), accepts them at the boundary', () => {
    const random31 = randomBytes(31).toString('hex').slice(0, 31);
    expect(secretCodes(random31)).toEqual(['secret_too_short']);
    const random48 = randomBytes(24).toString('hex');
    expect(secretCodes(random48)).toEqual([]);
    expect(secretCodes(random48, { CHATBOX_AUTH_ALGORITHMS: 'HS512' })).toEqual([
      'secret_too_short',
    ]);
    expect(
      secretCodes(randomBytes(32).toString('hex'), { CHATBOX_AUTH_ALGORITHMS: 'HS384,HS512' }),
    ).toEqual([]);
  });

  it.each(LOW_ENTROPY)('refuses the low-entropy secret %s', (secret) => {
    expect(secretCodes(secret)).toContain('secret_low_entropy');
    expect(secretCodes(secret)).not.toContain('secret_too_short');
  });

  it.each(PLACEHOLDERS)('refuses the placeholder %s', (_label, secret) => {
    expect(secretCodes(secret)).toContain('secret_placeholder');
  });

  it('refuses every published default, in any letter case, however long', () => {
    for (const known of KNOWN_DEFAULT_SECRETS) {
      expect([known, secretCodes(known.toUpperCase())]).toEqual([
        known,
        expect.arrayContaining(['secret_known_default']),
      ]);
    }
    // Long enough to pass the length rule: only the known-default list catches it.
    expect(secretCodes('a-string-secret-at-least-256-bits-long')).not.toContain('secret_too_short');
    expect(secretCodes('your-256-bit-secret')).toContain('secret_known_default');
    expect(secretCodes('Keyboard Cat')).toContain('secret_known_default');
  });

  it('accepts strong random secrets, and the config verifies tokens with fixed algorithms, iss, aud and typ', async () => {
    const secret = strongSecret();
    const config = loadConfig(productionEnv({ CHATBOX_AUTH_JWT_SECRET: secret }));
    expect(config.auth.jwtSecret).toBe(secret);
    expect(config.auth.jwtSecretGenerated).toBe(false);
    expect(config.auth.algorithms).toEqual(['HS256']);
    const key = new TextEncoder().encode(config.auth.jwtSecret);
    const sign = (issuer: string): Promise<string> =>
      new SignJWT({ sub: 'user-1' })
        .setProtectedHeader({ alg: 'HS256', typ: config.auth.tokenType })
        .setIssuer(issuer)
        .setAudience(config.auth.audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key);
    const options = {
      algorithms: [...config.auth.algorithms],
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      typ: config.auth.tokenType,
      clockTolerance: config.auth.clockToleranceSec,
      requiredClaims: ['exp', 'iat', 'sub'],
    };
    const { payload } = await jwtVerify(await sign(config.auth.issuer), key, options);
    expect(payload.sub).toBe('user-1');
    await expect(jwtVerify(await sign('someone-else'), key, options)).rejects.toThrow();
    const flagged = Array.from({ length: 200 }, () => strongSecret()).filter(
      (value) => findSecretProblems(value).length > 0,
    );
    expect(flagged).toEqual([]);
  });

  it('requires a key in production and generates 32 random bytes only in development', () => {
    const result = safeLoadConfig(productionEnv({ CHATBOX_AUTH_JWT_SECRET: undefined }));
    expect(result.success ? [] : codesAt(result.issues, 'auth.jwtSecret')).toEqual(['required']);
    const bytes = randomBytes(32);
    const source = jest.fn((size: number) => bytes.subarray(0, size));
    const config = loadConfig({}, { randomBytes: source });
    expect(source).toHaveBeenCalledWith(32);
    expect(config.auth.jwtSecretGenerated).toBe(true);
    expect(Buffer.from(config.auth.jwtSecret!, 'base64url').equals(bytes)).toBe(true);
    expect(findSecretProblems(loadConfig({}).auth.jwtSecret!)).toEqual([]);
  });

  it('allow-lists algorithms: none and mixed families are refused, asymmetric keys and JWKS are supported', () => {
    const refused = (env: Record<string, string | undefined>): readonly ConfigIssue[] => {
      const result = safeLoadConfig(productionEnv(env));
      return result.success ? [] : result.issues;
    };
    expect(codesAt(refused({ CHATBOX_AUTH_ALGORITHMS: 'none' }), 'auth.algorithms[0]')).toEqual([
      'invalid_enum',
    ]);
    expect(codesAt(refused({ CHATBOX_AUTH_ALGORITHMS: 'HS256,RS256' }), 'auth.algorithms')).toEqual(
      ['conflict'],
    );
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const withKey = loadConfig(
      productionEnv({
        CHATBOX_AUTH_JWT_SECRET: undefined,
        CHATBOX_AUTH_PUBLIC_KEY_PEM: pem.replace(/\n/g, '\\n'),
      }),
    );
    expect(withKey.auth.algorithms).toEqual(['ES256']);
    expect(withKey.auth.jwtSecret).toBeUndefined();
    const jwks = loadConfig(
      productionEnv({
        CHATBOX_AUTH_JWT_SECRET: undefined,
        CHATBOX_AUTH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
      }),
    );
    expect(jwks.auth.algorithms).toEqual(['RS256']);
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(
      codesAt(
        refused({ CHATBOX_AUTH_JWT_SECRET: undefined, CHATBOX_AUTH_PUBLIC_KEY_PEM: privatePem }),
        'auth.publicKeyPem',
      ),
    ).toEqual(['invalid_key']);
  });
});
