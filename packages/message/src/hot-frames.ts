import { UUID_REGEX } from 'valibot';
import { PING_ID } from './fields.js';
import { jsonStringText } from './json-text.js';
import {
  DONE_STATUSES,
  STOP_REASON,
  type AckFrame,
  type DeltaFrame,
  type DoneFrame,
  type PongFrame,
} from './outbound-schema.js';

// The frames sent per message (ack, done, pong) and per streamed token (delta), written without
// running the schema. Each writer returns `undefined` unless its input is one the outbound
// schema accepts as it stands, and then returns exactly the text `serializeOutbound` would
// write (`test/unit/hot-frames.test.ts` checks both with fast-check); on `undefined` the caller
// takes the validated path, so a refused input still throws the same MessageError (S14).
// The checks below mirror the schema: UUIDs with valibot's own `UUID_REGEX`, counts as safe
// integers >= 0, `STOP_REASON` and `PING_ID` from the schema's modules.
// S12: model text is only ever written by `jsonStringText`, as a JSON string value.

type Fields<TFrame> = Omit<TFrame, 'type'>;

/** Key → bit; `type` is 0: a builder writes its own type, as `{ ...fields, type }` does. */
type KeyBits = Readonly<Record<string, number>>;

function keyBits(required: readonly string[], optional: readonly string[] = []): KeyBits {
  const bits: Record<string, number> = Object.create(null) as Record<string, number>;
  bits['type'] = 0;
  [...required, ...optional].forEach((key, i) => (bits[key] = 1 << i));
  return bits;
}

/**
 * The bits of the keys `fields` has, or -1 when it is not an object or has a key the frame
 * does not allow. Only own enumerable keys count, as in the spread the validated path makes: an
 * inherited one is refused here (the validated path decides), a non-enumerable one is not seen.
 */
function keysOf(fields: unknown, bits: KeyBits): number {
  if (typeof fields !== 'object' || fields === null) return -1;
  let seen = 0;
  for (const key in fields) {
    const bit = bits[key];
    if (bit === undefined || !Object.hasOwn(fields, key)) return -1;
    seen |= bit;
  }
  return seen;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_REGEX.test(value);
}

/** `${n}` writes -0 as `0`, as the schema's count transform and `JSON.stringify` do. */
function count(n: number): string {
  return `${n}`;
}

const DELTA_KEYS = keyBits(['sessionId', 'seq', 'offset', 'text']);
const DELTA_ALL = 0b1111;

export function fastDeltaFrame(fields: Fields<DeltaFrame>): string | undefined {
  if (keysOf(fields, DELTA_KEYS) !== DELTA_ALL) return undefined;
  const { sessionId, seq, offset, text } = fields;
  if (!isUuid(sessionId) || !isCount(seq) || !isCount(offset) || typeof text !== 'string') {
    return undefined;
  }
  // A UUID is hex and '-': its JSON string is itself in quotes, with nothing to escape.
  return `{"type":"delta","sessionId":"${sessionId}","seq":${count(seq)},"offset":${count(offset)},"text":${jsonStringText(text)}}`;
}

/**
 * The text of a delta up to its `offset` value, for `createDeltaSerializer`; `undefined` unless
 * both are valid (the caller then throws through the validated path).
 */
export function deltaPrefix(sessionId: unknown, seq: unknown): string | undefined {
  if (!isUuid(sessionId) || !isCount(seq)) return undefined;
  return `{"type":"delta","sessionId":"${sessionId}","seq":${count(seq)},"offset":`;
}

/** The rest of a delta after `deltaPrefix`; `undefined` unless offset and text are valid. */
export function deltaSuffix(offset: unknown, text: unknown): string | undefined {
  if (!isCount(offset) || typeof text !== 'string') return undefined;
  return `${count(offset)},"text":${jsonStringText(text)}}`;
}

const ACK_KEYS = keyBits(['sessionId', 'clientMessageId', 'seq', 'duplicate']);
const ACK_ALL = 0b1111;

export function fastAckFrame(fields: Fields<AckFrame>): string | undefined {
  if (keysOf(fields, ACK_KEYS) !== ACK_ALL) return undefined;
  const { sessionId, clientMessageId, seq, duplicate } = fields;
  if (!isUuid(sessionId) || !isUuid(clientMessageId) || !isCount(seq)) return undefined;
  if (typeof duplicate !== 'boolean') return undefined;
  return `{"type":"ack","sessionId":"${sessionId}","clientMessageId":"${clientMessageId}","seq":${count(seq)},"duplicate":${String(duplicate)}}`;
}

const DONE_KEYS = keyBits(['sessionId', 'seq', 'status'], ['stopReason', 'usage']);
const DONE_REQUIRED = 0b111;
const DONE_STATUS_SET: ReadonlySet<unknown> = new Set(DONE_STATUSES);
const USAGE_KEYS = keyBits(['inputTokens', 'outputTokens']);
const USAGE_ALL = 0b11;

function usageText(usage: unknown): string | undefined {
  if (usage === undefined) return '';
  if (keysOf(usage, USAGE_KEYS) !== USAGE_ALL) return undefined;
  const { inputTokens, outputTokens } = usage as Record<string, unknown>;
  if (!isCount(inputTokens) || !isCount(outputTokens)) return undefined;
  return `,"usage":{"inputTokens":${count(inputTokens)},"outputTokens":${count(outputTokens)}}`;
}

export function fastDoneFrame(fields: Fields<DoneFrame>): string | undefined {
  const seen = keysOf(fields, DONE_KEYS);
  if (seen < 0 || (seen & DONE_REQUIRED) !== DONE_REQUIRED) return undefined;
  const { sessionId, seq, status, stopReason, usage } = fields;
  if (!isUuid(sessionId) || !isCount(seq) || !DONE_STATUS_SET.has(status)) return undefined;
  // An optional key holding `undefined` is accepted and, like JSON.stringify, not written.
  let stop = '';
  if (stopReason !== undefined) {
    if (typeof stopReason !== 'string' || !STOP_REASON.test(stopReason)) return undefined;
    // [A-Za-z0-9._:-] only: nothing to escape.
    stop = `,"stopReason":"${stopReason}"`;
  }
  const use = usageText(usage);
  if (use === undefined) return undefined;
  return `{"type":"done","sessionId":"${sessionId}","seq":${count(seq)},"status":"${status}"${stop}${use}}`;
}

const PONG_KEYS = keyBits([], ['id']);
const BARE_PONG = '{"type":"pong"}';

export function fastPongFrame(fields: Fields<PongFrame>): string | undefined {
  if (keysOf(fields, PONG_KEYS) < 0) return undefined;
  const { id } = fields;
  if (id === undefined) return BARE_PONG;
  if (typeof id !== 'string' || !PING_ID.test(id)) return undefined;
  // Printable ASCII may hold `"`, `\`, `<`, `>` or `&`: written as any other string value.
  return `{"type":"pong","id":${jsonStringText(id)}}`;
}
