import type { IncomingHttpHeaders } from 'node:http';
import { isWebSocketError, type WebSocketErrorCode } from './errors.js';
import type { UpgradeRefusal } from './events.js';
import type { ResolvedOptions } from './options.js';
import type { OriginPolicy } from './origin.js';
import { extractToken } from './token-extract.js';
import type { VerifiedToken } from './token-verifier.js';

/** One status per refusal; a new refusal without a status does not compile. */
export const UPGRADE_STATUS: Readonly<Record<UpgradeRefusal, number>> = Object.freeze({
  draining: 503,
  missing_origin: 403,
  null_origin: 403,
  malformed_origin: 403,
  origin_not_allowed: 403,
  unauthorized: 401,
  auth_unavailable: 503,
  too_many_connections: 429,
});

/** The error code each refusal stands for (reported with `upgrade_refused`, mapped by apps/server). */
export const UPGRADE_ERROR_CODE: Readonly<Record<UpgradeRefusal, WebSocketErrorCode>> =
  Object.freeze({
    draining: 'ERR_WEBSOCKET_DRAINING',
    missing_origin: 'ERR_WEBSOCKET_FORBIDDEN_ORIGIN',
    null_origin: 'ERR_WEBSOCKET_FORBIDDEN_ORIGIN',
    malformed_origin: 'ERR_WEBSOCKET_FORBIDDEN_ORIGIN',
    origin_not_allowed: 'ERR_WEBSOCKET_FORBIDDEN_ORIGIN',
    unauthorized: 'ERR_WEBSOCKET_UNAUTHORIZED',
    auth_unavailable: 'ERR_WEBSOCKET_AUTH_UNAVAILABLE',
    too_many_connections: 'ERR_WEBSOCKET_TOO_MANY_CONNECTIONS',
  });

export type Admission =
  | {
      readonly ok: true;
      readonly token: VerifiedToken;
      readonly release: () => Promise<void>;
      readonly originListVersion: number;
    }
  | { readonly ok: false; readonly reason: UpgradeRefusal; readonly status: number };

export interface AdmissionContext {
  readonly options: ResolvedOptions;
  /** Read once per upgrade, so every check of one upgrade uses the same list (finding 13). */
  readonly policy: OriginPolicy;
  readonly accepting: () => boolean;
}

function refuse(reason: UpgradeRefusal): Admission {
  return { ok: false, reason, status: UPGRADE_STATUS[reason] };
}

function once(release: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= release().catch(() => undefined));
}

/**
 * The checks before any upgrade, cheapest first: draining (503), Origin (403, S1), token (401,
 * S2/S3), connection cap (429, S8). The token never leaves this function except as a verdict.
 */
export async function admitUpgrade(
  headers: IncomingHttpHeaders,
  context: AdmissionContext,
): Promise<Admission> {
  const { options, policy } = context;
  if (!context.accepting()) return refuse('draining');
  const origin = policy.check(typeof headers.origin === 'string' ? headers.origin : undefined);
  if (!origin.ok) return refuse(origin.reason);
  const { token } = extractToken(headers);
  let verified: VerifiedToken;
  try {
    verified = await options.verifier.verify(token ?? '');
  } catch (error) {
    const unavailable = isWebSocketError(error) && error.code === 'ERR_WEBSOCKET_AUTH_UNAVAILABLE';
    // S2: the reason code only; the error's cause may quote claims.
    options.logger.info(
      { reason: isWebSocketError(error) ? error.reason : 'unknown' },
      'token refused',
    );
    return refuse(unavailable ? 'auth_unavailable' : 'unauthorized');
  }
  const slot = await options.connectionLimiter.acquire(verified.userId);
  if (!slot.ok) return refuse('too_many_connections');
  const release = once(() => slot.release());
  if (!context.accepting()) {
    await release();
    return refuse('draining');
  }
  return { ok: true, token: verified, release, originListVersion: policy.version };
}
