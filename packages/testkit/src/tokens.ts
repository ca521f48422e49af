import { KeyObject, randomBytes, type webcrypto } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { TestkitError } from './errors.js';

export const DEFAULT_TOKEN_ISSUER = 'chatbox';
export const DEFAULT_TOKEN_AUDIENCE = 'chatbox';
export const DEFAULT_TOKEN_SUBJECT = 'test-user';
export const DEFAULT_TOKEN_ROLES: readonly string[] = ['user'];
export const DEFAULT_TOKEN_TTL_SEC = 300;
export const DEFAULT_SECRET_BYTES = 32;

export type OmittableClaim = 'exp' | 'iat' | 'sub' | 'iss' | 'aud';

export interface MintTokenOptions {
  /** HMAC key; a string is used as its UTF-8 bytes. */
  secret?: Uint8Array | string;
  privateKey?: CryptoKey | KeyObject;
  /** Default HS256 with a secret; inferred from the key type with a private key; 'none' is unsigned. */
  alg?: string;
  sub?: string;
  roles?: string[];
  issuer?: string;
  audience?: string;
  typ?: string;
  expiresInSec?: number;
  /** nbf = iat + notBeforeSec. */
  notBeforeSec?: number;
  /** Issued-at in seconds since the epoch (the clock for exp and nbf); default now. */
  iat?: number;
  /** Explicit expiry in seconds since the epoch; overrides expiresInSec. */
  exp?: number;
  omit?: OmittableClaim[];
  /** Extra claims; they override the standard ones. */
  claims?: Record<string, unknown>;
}

type CryptoKey = webcrypto.CryptoKey;

const KEY_OBJECT_ALGS: Readonly<Record<string, string>> = {
  rsa: 'RS256',
  'rsa-pss': 'PS256',
  ed25519: 'EdDSA',
};
const CRYPTO_KEY_ALGS: Readonly<Record<string, string>> = {
  'RSASSA-PKCS1-v1_5': 'RS256',
  'RSA-PSS': 'PS256',
  Ed25519: 'EdDSA',
};
const CURVE_ALGS: Readonly<Record<string, string>> = {
  prime256v1: 'ES256',
  'P-256': 'ES256',
  secp384r1: 'ES384',
  'P-384': 'ES384',
  secp521r1: 'ES512',
  'P-521': 'ES512',
};

/** The JWS algorithm a private key signs with by default. */
export function defaultAlgFor(key: CryptoKey | KeyObject): string {
  let alg: string | undefined;
  if (key instanceof KeyObject) {
    const type = key.asymmetricKeyType ?? '';
    alg =
      type === 'ec'
        ? CURVE_ALGS[key.asymmetricKeyDetails?.namedCurve ?? '']
        : KEY_OBJECT_ALGS[type];
  } else {
    const algorithm = key.algorithm as { name: string; namedCurve?: string };
    alg =
      algorithm.name === 'ECDSA'
        ? CURVE_ALGS[algorithm.namedCurve ?? '']
        : CRYPTO_KEY_ALGS[algorithm.name];
  }
  if (alg === undefined) {
    throw new TestkitError(
      'ERR_TESTKIT_INVALID_ARGUMENT',
      'cannot infer a JWS algorithm for this private key: pass alg',
    );
  }
  return alg;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * A signed JWT for tests (jose SignJWT). Defaults: HS256, issuer and audience 'chatbox', typ 'JWT',
 * sub 'test-user', roles ['user'], expiring 300 s after iat. `omit` drops standard claims, so
 * tests can present tokens the server must refuse.
 */
export async function mintToken(options: MintTokenOptions): Promise<string> {
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  const payload: JWTPayload & Record<string, unknown> = {
    sub: options.sub ?? DEFAULT_TOKEN_SUBJECT,
    roles: options.roles ?? [...DEFAULT_TOKEN_ROLES],
    iss: options.issuer ?? DEFAULT_TOKEN_ISSUER,
    aud: options.audience ?? DEFAULT_TOKEN_AUDIENCE,
    iat,
    exp: options.exp ?? iat + (options.expiresInSec ?? DEFAULT_TOKEN_TTL_SEC),
  };
  if (options.notBeforeSec !== undefined) payload.nbf = iat + options.notBeforeSec;
  Object.assign(payload, options.claims);
  for (const claim of options.omit ?? []) delete payload[claim];

  const typ = options.typ ?? 'JWT';
  if (options.alg === 'none') {
    // RFC 7519 §6: an unsecured JWT has an empty signature; servers must refuse it.
    return `${base64url({ alg: 'none', typ })}.${base64url(payload)}.`;
  }
  let key: Uint8Array | CryptoKey | KeyObject;
  let alg: string;
  if (options.privateKey !== undefined) {
    key = options.privateKey;
    alg = options.alg ?? defaultAlgFor(options.privateKey);
  } else if (options.secret !== undefined) {
    key =
      typeof options.secret === 'string'
        ? new TextEncoder().encode(options.secret)
        : options.secret;
    alg = options.alg ?? 'HS256';
  } else {
    throw new TestkitError(
      'ERR_TESTKIT_INVALID_ARGUMENT',
      "mintToken needs a secret or a privateKey (or alg 'none')",
    );
  }
  return new SignJWT(payload).setProtectedHeader({ alg, typ }).sign(key);
}

/** base64url of `bytes` cryptographically random bytes: a test secret built at run time. */
export function randomSecret(bytes = DEFAULT_SECRET_BYTES): string {
  if (!Number.isInteger(bytes) || bytes < 1) {
    throw new TestkitError(
      'ERR_TESTKIT_INVALID_ARGUMENT',
      `randomSecret bytes must be a positive integer, got ${bytes}`,
    );
  }
  return randomBytes(bytes).toString('base64url');
}
