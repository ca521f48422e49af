import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, importSPKI, type JWTVerifyGetKey } from 'jose';
import { WebSocketError } from './errors.js';

export const DEFAULT_MIN_SECRET_BYTES = 32;
export const DEFAULT_JWKS_TIMEOUT_MS = 5_000;

/** RFC 7518 §3.2: an HMAC key at least as long as the hash output. */
const HMAC_MIN_BYTES: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };
const ASYMMETRIC_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  rsa: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  'rsa-pss': ['PS256', 'PS384', 'PS512'],
  ec: ['ES256', 'ES384', 'ES512'],
  ed25519: ['EdDSA', 'Ed25519'],
};
const ASYMMETRIC = new Set(Object.values(ASYMMETRIC_FAMILIES).flat());

export interface KeySourceOptions {
  secret?: string;
  publicKeyPem?: string;
  jwksUrl?: string;
  algorithms: readonly string[];
  minSecretBytes?: number;
  jwksTimeoutMs?: number;
}

export type VerificationKey = Uint8Array | JWTVerifyGetKey;

export interface KeySource {
  readonly key: VerificationKey;
  readonly remote: boolean;
}

function invalid(message: string): WebSocketError {
  return new WebSocketError('ERR_WEBSOCKET_INVALID_OPTIONS', message);
}

function checkAlgorithms(algorithms: readonly string[]): 'hmac' | 'asymmetric' {
  if (typeof algorithms !== 'object' || algorithms.length === 0) {
    throw invalid('algorithms must list at least one JWS algorithm');
  }
  for (const alg of algorithms) {
    if (HMAC_MIN_BYTES[alg] === undefined && !ASYMMETRIC.has(alg)) {
      throw invalid(`algorithm ${String(alg)} is not supported ('none' is never accepted)`);
    }
  }
  const hmac = algorithms.filter((alg) => HMAC_MIN_BYTES[alg] !== undefined).length;
  // Algorithm confusion: a public key must never be usable as an HMAC secret.
  if (hmac > 0 && hmac < algorithms.length)
    throw invalid('algorithms mix HS* with public-key algorithms');
  return hmac > 0 ? 'hmac' : 'asymmetric';
}

function hmacKey(
  secret: string,
  algorithms: readonly string[],
  minSecretBytes: number,
): Uint8Array {
  const bytes = new TextEncoder().encode(secret);
  const needed = Math.max(minSecretBytes, ...algorithms.map((alg) => HMAC_MIN_BYTES[alg] ?? 0));
  if (bytes.byteLength < needed) {
    throw new WebSocketError(
      'ERR_WEBSOCKET_WEAK_SECRET',
      `the HMAC secret has ${bytes.byteLength} bytes; ${needed} are required (RFC 7518 §3.2)`,
    );
  }
  return bytes;
}

function pemKey(pem: string, algorithms: readonly string[]): JWTVerifyGetKey {
  let parsed: KeyObject;
  try {
    parsed = createPublicKey(pem);
  } catch (cause) {
    throw new WebSocketError(
      'ERR_WEBSOCKET_INVALID_OPTIONS',
      'publicKeyPem is not a PEM public key',
      { cause },
    );
  }
  const family = ASYMMETRIC_FAMILIES[parsed.asymmetricKeyType ?? ''] ?? [];
  const unusable = algorithms.filter((alg) => !family.includes(alg));
  if (unusable.length > 0) {
    throw invalid(
      `${unusable.join(', ')} cannot be verified with a ${String(parsed.asymmetricKeyType)} key`,
    );
  }
  const imported = new Map<string, ReturnType<typeof importSPKI>>();
  return (header) => {
    const alg = header.alg ?? '';
    let key = imported.get(alg);
    if (key === undefined) {
      key = importSPKI(pem, alg);
      imported.set(alg, key);
    }
    return key;
  };
}

function jwksKey(url: string, timeoutMs: number): JWTVerifyGetKey {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new WebSocketError('ERR_WEBSOCKET_INVALID_OPTIONS', 'jwksUrl is not a URL', { cause });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw invalid('jwksUrl must be http(s)');
  return createRemoteJWKSet(parsed, { timeoutDuration: timeoutMs });
}

/** Exactly one key source, checked against the algorithm list up front (S3, finding 17). */
export function createKeySource(options: KeySourceOptions): KeySource {
  const kind = checkAlgorithms(options.algorithms);
  const sources = [options.secret, options.publicKeyPem, options.jwksUrl].filter(
    (s) => s !== undefined,
  );
  if (sources.length !== 1)
    throw invalid('exactly one of secret, publicKeyPem or jwksUrl is required');
  const minSecretBytes = options.minSecretBytes ?? DEFAULT_MIN_SECRET_BYTES;
  if (!Number.isSafeInteger(minSecretBytes) || minSecretBytes < DEFAULT_MIN_SECRET_BYTES) {
    throw invalid(`minSecretBytes must be an integer >= ${DEFAULT_MIN_SECRET_BYTES}`);
  }
  if (options.secret !== undefined) {
    if (kind !== 'hmac') throw invalid('a secret needs HS* algorithms');
    return { key: hmacKey(options.secret, options.algorithms, minSecretBytes), remote: false };
  }
  if (kind !== 'asymmetric') throw invalid('HS* algorithms need a secret, not a public key');
  if (options.publicKeyPem !== undefined) {
    return { key: pemKey(options.publicKeyPem, options.algorithms), remote: false };
  }
  return {
    key: jwksKey(options.jwksUrl ?? '', options.jwksTimeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS),
    remote: true,
  };
}
