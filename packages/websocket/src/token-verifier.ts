import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { WebSocketError, type TokenFailureReason } from './errors.js';
import { createKeySource, type KeySource } from './token-keys.js';

export const DEFAULT_TOKEN_TYPE = 'JWT';
/** Longer than any sane JWT; refused before any parsing. */
export const MAX_TOKEN_CHARS = 8_192;
const MAX_SUBJECT_CHARS = 256;
const MAX_ROLES = 32;
const MAX_ROLE_CHARS = 64;
const REQUIRED_CLAIMS = ['exp', 'iat', 'sub'];
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface VerifiedToken {
  userId: string;
  roles: readonly string[];
  /** The token's `exp`, in ms since the epoch. */
  expiresAt: number;
}

export interface TokenVerifier {
  /** Throws WebSocketError ERR_WEBSOCKET_UNAUTHORIZED (or _AUTH_UNAVAILABLE) with a `reason`. */
  verify(token: string): Promise<VerifiedToken>;
}

export interface TokenVerifierOptions {
  secret?: string;
  publicKeyPem?: string;
  jwksUrl?: string;
  algorithms: readonly string[];
  issuer: string;
  audience: string;
  tokenType?: string;
  clockToleranceSec: number;
  rolesClaim: string;
  minSecretBytes?: number;
  jwksTimeoutMs?: number;
  /** ms since the epoch; injectable for tests. */
  clock?: () => number;
}

function invalid(message: string): WebSocketError {
  return new WebSocketError('ERR_WEBSOCKET_INVALID_OPTIONS', message);
}

function refuse(reason: TokenFailureReason, cause?: unknown): WebSocketError {
  if (reason === 'key_unavailable') {
    return new WebSocketError('ERR_WEBSOCKET_AUTH_UNAVAILABLE', 'verification keys unavailable', {
      reason,
      cause,
    });
  }
  return new WebSocketError('ERR_WEBSOCKET_UNAUTHORIZED', `token refused: ${reason}`, {
    reason,
    cause,
  });
}

function classify(error: unknown, remote: boolean): TokenFailureReason {
  if (!(error instanceof joseErrors.JOSEError)) return remote ? 'key_unavailable' : 'malformed';
  switch (error.code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return (error as joseErrors.JWTClaimValidationFailed).claim === 'nbf'
        ? 'not_yet_valid'
        : 'claims';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'algorithm';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'signature';
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
      return 'key_unavailable';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JWK_INVALID':
    case 'ERR_JWE_INVALID':
    case 'ERR_JWE_DECRYPTION_FAILED':
    case 'ERR_JOSE_GENERIC':
    default:
      return 'malformed';
  }
}

function rolesOf(payload: JWTPayload, claim: string): readonly string[] {
  const value = payload[claim];
  if (value === undefined) return Object.freeze([]);
  const valid =
    Array.isArray(value) &&
    value.length <= MAX_ROLES &&
    value.every(
      (role) => typeof role === 'string' && role.length > 0 && role.length <= MAX_ROLE_CHARS,
    );
  if (!valid) throw refuse('claims');
  return Object.freeze([...(value as string[])]);
}

function toVerified(payload: JWTPayload, rolesClaim: string): VerifiedToken {
  const { sub, exp } = payload;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUBJECT_CHARS)
    throw refuse('claims');
  if (typeof exp !== 'number') throw refuse('claims');
  return { userId: sub, roles: rolesOf(payload, rolesClaim), expiresAt: exp * 1000 };
}

class JoseTokenVerifier implements TokenVerifier {
  readonly #keys: KeySource;
  readonly #options: Omit<JWTVerifyOptions, 'currentDate'>;
  readonly #rolesClaim: string;
  readonly #clock: () => number;

  constructor(options: TokenVerifierOptions) {
    for (const name of ['issuer', 'audience', 'rolesClaim'] as const) {
      if (typeof options[name] !== 'string' || options[name].length === 0)
        throw invalid(`${name} is required`);
    }
    const tolerance = options.clockToleranceSec;
    if (!Number.isSafeInteger(tolerance) || tolerance < 0)
      throw invalid('clockToleranceSec must be an integer >= 0');
    this.#keys = createKeySource(options);
    // S3: never rely on jose's permissive defaults.
    this.#options = Object.freeze({
      algorithms: [...options.algorithms],
      issuer: options.issuer,
      audience: options.audience,
      typ: options.tokenType ?? DEFAULT_TOKEN_TYPE,
      requiredClaims: REQUIRED_CLAIMS,
      clockTolerance: tolerance,
    });
    this.#rolesClaim = options.rolesClaim;
    this.#clock = options.clock ?? Date.now;
  }

  async verify(token: string): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length === 0) throw refuse('missing');
    if (token.length > MAX_TOKEN_CHARS || !JWS_COMPACT.test(token)) throw refuse('malformed');
    const options: JWTVerifyOptions = { ...this.#options, currentDate: new Date(this.#clock()) };
    let payload: JWTPayload;
    try {
      const key = this.#keys.key;
      const result =
        typeof key === 'function'
          ? await jwtVerify(token, key, options)
          : await jwtVerify(token, key, options);
      payload = result.payload;
    } catch (cause) {
      throw refuse(classify(cause, this.#keys.remote), cause);
    }
    return toVerified(payload, this.#rolesClaim);
  }
}

/** S3: a jose verifier with fixed options; refuses short HMAC secrets at construction. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  return new JoseTokenVerifier(options);
}
