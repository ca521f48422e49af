import { inspectPublicKey } from './public-key.js';
import type { RuleContext } from './rule-context.js';
import { DEFAULT_MIN_SECRET_BYTES } from './secret-policy.js';
import type { JwtAlgorithm } from './types.js';
import { isLoopbackUrl, urlScheme } from './url.js';

const SOURCE_PATHS = ['auth.jwtSecret', 'auth.publicKeyPem', 'auth.jwksUrl'] as const;
const SOURCE_LIST = 'CHATBOX_AUTH_JWT_SECRET, CHATBOX_AUTH_PUBLIC_KEY_PEM or CHATBOX_AUTH_JWKS_URL';
// RFC 7518 §3.2: an HMAC key at least as long as the hash output.
const HMAC_MIN_BYTES: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };

export function isHmacAlgorithm(alg: JwtAlgorithm): boolean {
  return alg.startsWith('HS');
}

function checkSources(ctx: RuleContext): void {
  const { auth } = ctx.draft;
  const set = SOURCE_PATHS.filter(
    (path) => ctx.ok(path) && auth[path.slice('auth.'.length) as 'jwtSecret'] !== undefined,
  );
  if (set.length === 0 && ctx.production && ctx.ok(...SOURCE_PATHS)) {
    ctx.report(
      'auth.jwtSecret',
      'required',
      `production requires a token verification key: set one of ${SOURCE_LIST}`,
    );
  }
  if (set.length > 1) {
    ctx.report(set[1]!, 'conflict', `set exactly one of ${SOURCE_LIST}; ${set.length} are set`);
  }
}

function checkAlgorithms(ctx: RuleContext): void {
  const { auth } = ctx.draft;
  if (!ctx.ok('auth.algorithms') || auth.algorithms === undefined) return;
  const hmac = auth.algorithms.some(isHmacAlgorithm);
  const asymmetric = auth.algorithms.some((alg) => !isHmacAlgorithm(alg));
  if (hmac && asymmetric) {
    ctx.report(
      'auth.algorithms',
      'conflict',
      'mixes HS* with public-key algorithms: a public key must never be accepted as an HMAC secret (algorithm confusion)',
    );
  } else if (
    hmac &&
    ctx.ok('auth.publicKeyPem', 'auth.jwksUrl') &&
    (auth.publicKeyPem !== undefined || auth.jwksUrl !== undefined)
  ) {
    ctx.report(
      'auth.algorithms',
      'conflict',
      'HS* algorithms need CHATBOX_AUTH_JWT_SECRET, but a public key source is configured',
    );
  } else if (asymmetric && ctx.ok('auth.jwtSecret') && auth.jwtSecret !== undefined) {
    ctx.report(
      'auth.algorithms',
      'conflict',
      'public-key algorithms need CHATBOX_AUTH_PUBLIC_KEY_PEM or CHATBOX_AUTH_JWKS_URL, but CHATBOX_AUTH_JWT_SECRET is set',
    );
  }
}

/** The key length the configured HS algorithms need; HS256's when the list is unusable. */
export function requiredSecretBytes(algorithms: readonly JwtAlgorithm[] | undefined): number {
  return Math.max(
    DEFAULT_MIN_SECRET_BYTES,
    ...(algorithms ?? []).map((alg) => HMAC_MIN_BYTES[alg] ?? 0),
  );
}

function checkKeyMaterial(ctx: RuleContext): void {
  const { auth } = ctx.draft;
  if (ctx.ok('auth.jwtSecret') && auth.jwtSecret !== undefined) {
    const algorithms = ctx.ok('auth.algorithms') ? auth.algorithms : undefined;
    // Finding 17: `test123` and friends are refused at load, not discovered after a token is forged.
    ctx.checkSecret(
      'auth.jwtSecret',
      auth.jwtSecret,
      requiredSecretBytes(algorithms),
      'the JWT secret',
    );
  }
  if (ctx.ok('auth.publicKeyPem') && auth.publicKeyPem !== undefined) {
    const info = inspectPublicKey(auth.publicKeyPem);
    if (!info.ok) {
      ctx.report('auth.publicKeyPem', 'invalid_key', info.reason);
    } else if (ctx.ok('auth.algorithms') && auth.algorithms !== undefined) {
      const unusable = auth.algorithms.filter(
        (alg) => !isHmacAlgorithm(alg) && !info.supported.includes(alg),
      );
      if (unusable.length > 0) {
        ctx.report(
          'auth.algorithms',
          'conflict',
          `${unusable.join(', ')} cannot be verified with the configured ${info.type} key (it supports ${info.supported.join(', ')})`,
        );
      }
    }
  }
  if (
    ctx.ok('auth.jwksUrl') &&
    auth.jwksUrl !== undefined &&
    urlScheme(auth.jwksUrl) === 'http' &&
    !isLoopbackUrl(auth.jwksUrl)
  ) {
    ctx.report(
      'auth.jwksUrl',
      'insecure_url',
      'must use https: keys fetched over plain http can be replaced in transit (http is accepted for loopback hosts only)',
    );
  }
}

export function checkAuth(ctx: RuleContext): void {
  checkSources(ctx);
  checkAlgorithms(ctx);
  checkKeyMaterial(ctx);
}
