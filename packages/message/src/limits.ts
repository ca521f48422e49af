import { MessageError } from './errors.js';

/** Content cap in UTF-16 code units: what a browser `<textarea maxlength>` counts. */
export const DEFAULT_MAX_CONTENT_CHARS = 16_000;
/** Content cap in UTF-8 bytes: what storage and the model provider are billed and limited by. */
export const DEFAULT_MAX_CONTENT_BYTES = 64_000;
/**
 * Room for the other fields of a frame. A client may escape every content character as `\uXXXX`
 * (Python's `json.dumps` does by default), so the raw frame cap is 6 × maxChars plus this.
 */
export const FRAME_OVERHEAD_CHARS = 1_024;
/** Longest `ping`/`pong` id. */
export const MAX_PING_ID_CHARS = 64;

export interface InboundLimits {
  /** Most UTF-16 code units `content` may have after sanitising. */
  readonly maxChars?: number;
  /** Most UTF-8 bytes `content` may have after sanitising. */
  readonly maxBytes?: number;
  /** Most characters the raw frame text may have; defaults to 6 × maxChars + FRAME_OVERHEAD_CHARS. */
  readonly maxFrameChars?: number;
}

export interface ResolvedLimits {
  readonly maxChars: number;
  readonly maxBytes: number;
  readonly maxFrameChars: number;
}

export const DEFAULT_LIMITS: ResolvedLimits = Object.freeze({
  maxChars: DEFAULT_MAX_CONTENT_CHARS,
  maxBytes: DEFAULT_MAX_CONTENT_BYTES,
  maxFrameChars: 6 * DEFAULT_MAX_CONTENT_CHARS + FRAME_OVERHEAD_CHARS,
});

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new MessageError(
      'ERR_MESSAGE_INVALID_LIMITS',
      `limits.${name} must be a positive safe integer`,
    );
  }
  return value;
}

/** Limits are server configuration, so a bad value throws instead of being treated as input. */
export function resolveLimits(limits: InboundLimits | undefined): ResolvedLimits {
  if (limits === undefined) return DEFAULT_LIMITS;
  const maxChars = positive('maxChars', limits.maxChars, DEFAULT_MAX_CONTENT_CHARS);
  const maxBytes = positive('maxBytes', limits.maxBytes, DEFAULT_MAX_CONTENT_BYTES);
  const maxFrameChars = positive(
    'maxFrameChars',
    limits.maxFrameChars,
    6 * maxChars + FRAME_OVERHEAD_CHARS,
  );
  return { maxChars, maxBytes, maxFrameChars };
}
