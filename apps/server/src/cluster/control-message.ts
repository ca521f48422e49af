/** The wire format of the control channel between instances (issue 11). */
export const CONTROL_MESSAGE_VERSION = 1;
export const CONTROL_MESSAGE_TYPES = ['session_bound', 'cancel', 'end_session'] as const;
/** A v1 message is about 250 bytes; anything far larger is not ours and is not parsed. */
export const MAX_CONTROL_MESSAGE_CHARS = 2_048;
const MAX_ORIGIN_CHARS = 128;

export type ControlMessageType = (typeof CONTROL_MESSAGE_TYPES)[number];

export type ControlMessage =
  | {
      readonly v: 1;
      readonly id: string;
      readonly origin: string;
      readonly type: 'session_bound';
      readonly sessionId: string;
      /** The publisher's clock when it bound the client's connection (router `SessionBinding`). */
      readonly boundAt: number;
    }
  | {
      readonly v: 1;
      readonly id: string;
      readonly origin: string;
      readonly type: 'cancel' | 'end_session';
      readonly sessionId: string;
    };

/** Why a received message was ignored: a bounded label set for the invalid-messages counter. */
export type InvalidControlReason = 'too_large' | 'json' | 'version' | 'shape';

export type ParsedControlMessage =
  | { readonly ok: true; readonly message: ControlMessage }
  | { readonly ok: false; readonly reason: InvalidControlReason };

// S11: only a canonical lower-case UUID ever reaches the router, which builds store filters from it.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ORIGIN = /^[\x21-\x7e]+$/;
const TYPES: ReadonlySet<string> = new Set(CONTROL_MESSAGE_TYPES);
const COMMON_KEYS = ['v', 'id', 'origin', 'type', 'sessionId'];

function hasExactly(value: object, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => Object.hasOwn(value, key));
}

function shapeOf(value: Record<string, unknown>): ControlMessage | undefined {
  const { id, origin, type, sessionId, boundAt } = value;
  if (typeof id !== 'string' || !UUID.test(id)) return undefined;
  if (typeof origin !== 'string' || origin.length > MAX_ORIGIN_CHARS || !ORIGIN.test(origin))
    return undefined;
  if (typeof sessionId !== 'string' || !UUID.test(sessionId)) return undefined;
  if (typeof type !== 'string' || !TYPES.has(type)) return undefined;
  if (type === 'session_bound') {
    if (!hasExactly(value, [...COMMON_KEYS, 'boundAt'])) return undefined;
    if (typeof boundAt !== 'number' || !Number.isSafeInteger(boundAt) || boundAt < 0)
      return undefined;
    return { v: 1, id, origin, type, sessionId, boundAt };
  }
  if (!hasExactly(value, COMMON_KEYS)) return undefined;
  return { v: 1, id, origin, type: type as 'cancel' | 'end_session', sessionId };
}

/**
 * Every message is checked before it can touch the router: anyone who can publish on the Redis
 * channel (another deployment sharing it, a stray client) must not crash or steer an instance.
 * Strict like the client frames (S7): exact keys, one version, bounded size.
 */
export function parseControlMessage(text: string): ParsedControlMessage {
  if (text.length > MAX_CONTROL_MESSAGE_CHARS) return { ok: false, reason: 'too_large' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'json' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'shape' };
  const record = value as Record<string, unknown>;
  if (record.v !== CONTROL_MESSAGE_VERSION) return { ok: false, reason: 'version' };
  const message = shapeOf(record);
  return message === undefined ? { ok: false, reason: 'shape' } : { ok: true, message };
}

export function encodeControlMessage(message: ControlMessage): string {
  return JSON.stringify(message);
}
