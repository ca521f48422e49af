import { WebSocketError } from './errors.js';

export type GatewayEnv = 'production' | 'development';

export type OriginDecision =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'missing_origin' | 'null_origin' | 'malformed_origin' | 'origin_not_allowed';
    };

export interface OriginPolicy {
  /** Increases by one on every swap; reported with each upgrade decision. */
  readonly version: number;
  /** The normalised allow-list (a frozen copy). */
  readonly origins: readonly string[];
  readonly allowMissingOrigin: boolean;
  readonly localhostOnly: boolean;
  check(origin: string | undefined): OriginDecision;
}

export interface OriginPolicyOptions {
  env: GatewayEnv;
  allowedOrigins: readonly string[];
  allowMissingOrigin: boolean;
  version?: number;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1']);

/**
 * `scheme://host[:port]` of an http(s) origin, lower-case; undefined unless `value` is already
 * that serialisation (one trailing `/` tolerated). Userinfo, a path, a query, a fragment or a
 * default port make a look-alike, not an origin.
 */
export function normalizeOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const candidate = value.endsWith('/') ? value.slice(0, -1) : value;
  return candidate.toLowerCase() === url.origin ? url.origin : undefined;
}

function isLocalOrigin(origin: string): boolean {
  return LOCAL_HOSTS.has(new URL(origin).hostname);
}

class FrozenOriginPolicy implements OriginPolicy {
  readonly version: number;
  readonly origins: readonly string[];
  readonly allowMissingOrigin: boolean;
  readonly localhostOnly: boolean;
  // Private: a Set's contents cannot be frozen, so nothing outside may hold it.
  readonly #origins: ReadonlySet<string>;

  constructor(options: OriginPolicyOptions) {
    if (!Array.isArray(options.allowedOrigins)) {
      throw new WebSocketError('ERR_WEBSOCKET_INVALID_OPTIONS', 'allowedOrigins must be an array');
    }
    const normalized = options.allowedOrigins.map((entry) => {
      const origin = typeof entry === 'string' ? normalizeOrigin(entry) : undefined;
      if (origin === undefined) {
        throw new WebSocketError(
          'ERR_WEBSOCKET_INVALID_OPTIONS',
          `allowedOrigins has an entry that is not an http(s) origin`,
        );
      }
      return origin;
    });
    // Finding 13: an unconfigured list never means "every origin".
    if (normalized.length === 0 && options.env === 'production') {
      throw new WebSocketError(
        'ERR_WEBSOCKET_ORIGINS_REQUIRED',
        'allowedOrigins must not be empty in production',
      );
    }
    this.version = options.version ?? 1;
    this.#origins = new Set(normalized);
    this.origins = Object.freeze([...this.#origins]);
    this.allowMissingOrigin = options.allowMissingOrigin;
    this.localhostOnly = normalized.length === 0;
    Object.freeze(this);
  }

  check(origin: string | undefined): OriginDecision {
    if (origin === undefined || origin === '') {
      return this.allowMissingOrigin ? { ok: true } : { ok: false, reason: 'missing_origin' };
    }
    if (origin === 'null') return { ok: false, reason: 'null_origin' };
    const normalized = normalizeOrigin(origin);
    if (normalized === undefined) return { ok: false, reason: 'malformed_origin' };
    const allowed = this.localhostOnly ? isLocalOrigin(normalized) : this.#origins.has(normalized);
    return allowed ? { ok: true } : { ok: false, reason: 'origin_not_allowed' };
  }
}

/**
 * An immutable allow-list (finding 13): built once, frozen, never mutated. A new list is a new
 * policy; the gateway swaps its reference in one assignment, so a check sees one list or the other.
 */
export function createOriginPolicy(options: OriginPolicyOptions): OriginPolicy {
  return new FrozenOriginPolicy(options);
}
