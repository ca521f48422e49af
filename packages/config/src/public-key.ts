import { createPublicKey } from 'node:crypto';
import type { JwtAlgorithm } from './types.js';

/** jose refuses RSA keys below 2048 bits; refusing them here turns a 401 storm into a start error. */
export const MIN_RSA_MODULUS_BITS = 2_048;

export type PublicKeyInfo =
  | {
      readonly ok: true;
      readonly type: string;
      readonly supported: readonly JwtAlgorithm[];
      readonly preferred: JwtAlgorithm;
    }
  | { readonly ok: false; readonly reason: string };

const EC_CURVES: Readonly<Record<string, JwtAlgorithm>> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};
const RSA_ALGORITHMS: readonly JwtAlgorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
];

export function isPrivateKeyPem(pem: string): boolean {
  return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem);
}

/** Parses a PEM public key and lists the JWT algorithms it can verify. */
export function inspectPublicKey(pem: string): PublicKeyInfo {
  if (isPrivateKeyPem(pem)) {
    return {
      ok: false,
      reason:
        'is a private key: configure the public key only, the server needs no signing material',
    };
  }
  let type: string;
  let details: { modulusLength?: number; namedCurve?: string };
  try {
    const key = createPublicKey(pem);
    type = key.asymmetricKeyType ?? 'unknown';
    details = key.asymmetricKeyDetails ?? {};
  } catch {
    return { ok: false, reason: 'is not a parsable PEM public key' };
  }
  switch (type) {
    case 'rsa':
    case 'rsa-pss': {
      const bits = details.modulusLength ?? 0;
      if (bits < MIN_RSA_MODULUS_BITS)
        return {
          ok: false,
          reason: `is a ${bits}-bit RSA key; at least ${MIN_RSA_MODULUS_BITS} bits are required`,
        };
      const supported =
        type === 'rsa' ? RSA_ALGORITHMS : RSA_ALGORITHMS.filter((alg) => alg.startsWith('PS'));
      return { ok: true, type, supported, preferred: supported[0]! };
    }
    case 'ec': {
      const alg = EC_CURVES[details.namedCurve ?? ''];
      if (alg === undefined)
        return {
          ok: false,
          reason: `uses the unsupported curve ${details.namedCurve ?? 'unknown'}`,
        };
      return { ok: true, type, supported: [alg], preferred: alg };
    }
    case 'ed25519':
    case 'ed448':
      return { ok: true, type, supported: ['EdDSA'], preferred: 'EdDSA' };
    default:
      return { ok: false, reason: `is a ${type} key, which cannot verify JWTs` };
  }
}
