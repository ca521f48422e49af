/** Every code an `error` frame may carry, in a stable order. */
export const WIRE_ERROR_CODES = [
  'bad_json',
  'bad_frame',
  'too_long',
  'unsupported_frame',
  'rate_limited',
  'too_many_generations',
  'storage_unavailable',
  'upstream_timeout',
  'upstream_interrupted',
  'upstream_unavailable',
  'upstream_rejected',
  'server_draining',
  'session_not_found',
  'session_ended',
  'forbidden',
  'cancelled',
  'internal',
] as const;

export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number];

/**
 * Whether a client should retry by default (the `retryable` an `errorFrame` gets when the caller
 * does not say). A refused frame is refused again if resent unchanged; load, storage and upstream
 * conditions pass; a draining server asks the client to reconnect elsewhere. `internal` is not
 * retryable: a bug does not go away on retry, and automatic retries would multiply it.
 */
export const WIRE_ERROR_RETRYABLE: Readonly<Record<WireErrorCode, boolean>> = Object.freeze({
  bad_json: false,
  bad_frame: false,
  too_long: false,
  unsupported_frame: false,
  rate_limited: true,
  too_many_generations: true,
  storage_unavailable: true,
  upstream_timeout: true,
  upstream_interrupted: true,
  upstream_unavailable: true,
  upstream_rejected: false,
  server_draining: true,
  session_not_found: false,
  session_ended: false,
  forbidden: false,
  cancelled: false,
  internal: false,
});

const CODES: ReadonlySet<string> = new Set(WIRE_ERROR_CODES);

export function isWireErrorCode(value: unknown): value is WireErrorCode {
  return typeof value === 'string' && CODES.has(value);
}
