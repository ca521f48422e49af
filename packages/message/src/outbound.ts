import * as v from 'valibot';
import { MessageError } from './errors.js';
import { checkFrame, frameKeysOf } from './frame-check.js';
import {
  deltaPrefix,
  deltaSuffix,
  fastAckFrame,
  fastDeltaFrame,
  fastDoneFrame,
  fastPongFrame,
} from './hot-frames.js';
import { toJsonText } from './json-text.js';
import {
  outboundFrameSchema,
  type AckFrame,
  type DeltaFrame,
  type DoneFrame,
  type ErrorFrame,
  type OutboundFrame,
  type PongFrame,
  type ReplayFrame,
  type SessionFrame,
} from './outbound-schema.js';
import { WIRE_ERROR_RETRYABLE } from './wire-error-codes.js';
import { formatIssue, toWireIssues, type WireIssue } from './wire-issue.js';

/**
 * Validates a frame against the strict outbound schema and returns its JSON text. Only the
 * schema's keys are written, so an extra field (a stack, an upstream body) throws instead of
 * leaking (S14). Model text is a string value inside the frame, never spliced into the text (S12).
 */
export function serializeOutbound(frame: OutboundFrame): string {
  const result = v.safeParse(outboundFrameSchema, frame);
  if (result.success) return toJsonText(result.output);
  const issues = toWireIssues(result.issues);
  const where = issues.map(formatIssue).join('; ');
  throw new MessageError('ERR_MESSAGE_INVALID_FRAME', `invalid outbound frame: ${where}`, {
    issues,
  });
}

type Fields<TFrame> = Omit<TFrame, 'type'>;

// ack, delta, done and pong are written by `hot-frames.ts` without running the schema, byte for
// byte what `serializeOutbound` writes; an input the schema would refuse goes the validated way
// and throws the same MessageError. The other frames are rare and always validated.

export function sessionFrame(fields: Fields<SessionFrame>): string {
  return serializeOutbound({ ...fields, type: 'session' });
}

export function ackFrame(fields: Fields<AckFrame>): string {
  return fastAckFrame(fields) ?? serializeOutbound({ ...fields, type: 'ack' });
}

export function deltaFrame(fields: Fields<DeltaFrame>): string {
  return fastDeltaFrame(fields) ?? serializeOutbound({ ...fields, type: 'delta' });
}

/** Writes the deltas of one reply: `(offset, text) => deltaFrame({ sessionId, seq, offset, text })`. */
export type DeltaSerializer = (offset: number, text: string) => string;

/**
 * The deltas of one reply share `sessionId` and `seq`: they are checked and written once, here
 * (throwing ERR_MESSAGE_INVALID_FRAME as `deltaFrame` would), and each call writes only the
 * offset and the text, with the same result as `deltaFrame` (S12: the text is a JSON string).
 */
export function createDeltaSerializer(sessionId: string, seq: number): DeltaSerializer {
  const prefix =
    deltaPrefix(sessionId, seq) ??
    serializeOutbound({ type: 'delta', sessionId, seq, offset: 0, text: '' });
  return (offset, text) => {
    const suffix = deltaSuffix(offset, text);
    // An invalid offset or text throws from the validated path, with its issues.
    return suffix === undefined
      ? serializeOutbound({ type: 'delta', sessionId, seq, offset, text })
      : prefix + suffix;
  };
}

export function doneFrame(fields: Fields<DoneFrame>): string {
  return fastDoneFrame(fields) ?? serializeOutbound({ ...fields, type: 'done' });
}

/** `retryable` defaults to the code's entry in `WIRE_ERROR_RETRYABLE`. */
export type ErrorFrameFields = Omit<ErrorFrame, 'type' | 'retryable'> & { retryable?: boolean };

export function errorFrame(fields: ErrorFrameFields): string {
  const retryable = fields.retryable ?? WIRE_ERROR_RETRYABLE[fields.code];
  return serializeOutbound({ ...fields, retryable, type: 'error' });
}

export function replayFrame(fields: Fields<ReplayFrame>): string {
  return serializeOutbound({ ...fields, type: 'replay' });
}

export function pongFrame(fields: Fields<PongFrame> = {}): string {
  return fastPongFrame(fields) ?? serializeOutbound({ ...fields, type: 'pong' });
}

export type OutboundErrorCode = 'bad_json' | 'bad_frame' | 'unsupported_frame';

export type OutboundParseResult =
  | { ok: true; frame: OutboundFrame }
  | { ok: false; code: OutboundErrorCode; message: string; issues: WireIssue[] };

const OUTBOUND_KEYS = frameKeysOf(outboundFrameSchema.options);

/** Server frame text → `OutboundFrame`, for clients and tests. Never throws. */
export function parseOutbound(text: string): OutboundParseResult {
  if (typeof text !== 'string') {
    return {
      ok: false,
      code: 'bad_frame',
      message: 'expected frame text',
      issues: [{ path: '', message: 'expected frame text' }],
    };
  }
  const checked = checkFrame(text, outboundFrameSchema, OUTBOUND_KEYS);
  if (checked.ok) return { ok: true, frame: checked.frame };
  const first = checked.issues[0];
  const detail = first === undefined ? '' : ` (${formatIssue(first)})`;
  return {
    ok: false,
    code: checked.code,
    message: `server frame refused: ${checked.code}${detail}`,
    issues: checked.issues,
  };
}
