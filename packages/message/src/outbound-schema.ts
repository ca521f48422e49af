import * as v from 'valibot';
import { countField, pingIdField, uuidField } from './fields.js';
import { WIRE_ERROR_CODES, type WireErrorCode } from './wire-error-codes.js';

export const DONE_STATUSES = Object.freeze([
  'complete',
  'cancelled',
  'interrupted',
  'error',
] as const);
export type DoneStatus = (typeof DONE_STATUSES)[number];
/** R5: the status an assistant message is stored with; user messages are `complete`. */
export const MESSAGE_STATUSES = Object.freeze([
  'streaming',
  'complete',
  'interrupted',
  'cancelled',
  'error',
] as const);
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export const MESSAGE_ROLES = Object.freeze(['user', 'assistant'] as const);
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/** S14: an error message is one short line, which keeps stack traces and upstream bodies out. */
export const MAX_ERROR_MESSAGE_CHARS = 500;
const ERROR_MESSAGE = new RegExp(`^[^\\r\\n\\u2028\\u2029]{1,${MAX_ERROR_MESSAGE_CHARS}}$`);
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Exported for the fast builders (`hot-frames.ts`), which must accept exactly what this does. */
export const STOP_REASON = /^[A-Za-z0-9._:-]{1,64}$/;

export interface SessionFrame {
  type: 'session';
  sessionId: string;
  lastSeq: number;
  resumed: boolean;
  demo?: boolean;
}

export interface AckFrame {
  type: 'ack';
  sessionId: string;
  clientMessageId: string;
  seq: number;
  duplicate: boolean;
}

/** `seq` is the assistant message's; `offset` is how many characters of it came before `text`. */
export interface DeltaFrame {
  type: 'delta';
  sessionId: string;
  seq: number;
  offset: number;
  text: string;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface DoneFrame {
  type: 'done';
  sessionId: string;
  seq: number;
  status: DoneStatus;
  stopReason?: string;
  usage?: TokenUsage;
}

export interface ErrorFrame {
  type: 'error';
  code: WireErrorCode;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
  correlationId: string;
  clientMessageId?: string;
  sessionId?: string;
  partial?: boolean;
}

export interface ReplayMessage {
  seq: number;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  createdAt: string;
}

export interface ReplayFrame {
  type: 'replay';
  sessionId: string;
  messages: ReplayMessage[];
  lastSeq: number;
}

export interface PongFrame {
  type: 'pong';
  id?: string;
}

export type OutboundFrame =
  SessionFrame | AckFrame | DeltaFrame | DoneFrame | ErrorFrame | ReplayFrame | PongFrame;
export type OutboundFrameType = OutboundFrame['type'];

export const OUTBOUND_FRAME_TYPES = Object.freeze([
  'session',
  'ack',
  'delta',
  'done',
  'error',
  'replay',
  'pong',
] as const);

/** The server → client protocol as one valibot schema, discriminated on `type`. */
export const outboundFrameSchema = v.variant('type', [
  v.strictObject({
    type: v.literal('session'),
    sessionId: uuidField,
    lastSeq: countField,
    resumed: v.boolean(),
    demo: v.optional(v.boolean()),
  }),
  v.strictObject({
    type: v.literal('ack'),
    sessionId: uuidField,
    clientMessageId: uuidField,
    seq: countField,
    duplicate: v.boolean(),
  }),
  v.strictObject({
    type: v.literal('delta'),
    sessionId: uuidField,
    seq: countField,
    offset: countField,
    text: v.string(),
  }),
  v.strictObject({
    type: v.literal('done'),
    sessionId: uuidField,
    seq: countField,
    status: v.picklist(DONE_STATUSES),
    stopReason: v.optional(
      v.pipe(v.string(), v.regex(STOP_REASON, 'expected 1 to 64 of [A-Za-z0-9._:-]')),
    ),
    usage: v.optional(v.strictObject({ inputTokens: countField, outputTokens: countField })),
  }),
  v.strictObject({
    type: v.literal('error'),
    code: v.picklist(WIRE_ERROR_CODES),
    message: v.pipe(
      v.string(),
      v.regex(ERROR_MESSAGE, `expected one line of 1 to ${MAX_ERROR_MESSAGE_CHARS} characters`),
    ),
    retryable: v.boolean(),
    retryAfterMs: v.optional(countField),
    correlationId: v.pipe(
      v.string(),
      v.regex(CORRELATION_ID, 'expected 1 to 128 of [A-Za-z0-9._:-]'),
    ),
    clientMessageId: v.optional(uuidField),
    sessionId: v.optional(uuidField),
    partial: v.optional(v.boolean()),
  }),
  v.strictObject({
    type: v.literal('replay'),
    sessionId: uuidField,
    messages: v.array(
      v.strictObject({
        seq: countField,
        role: v.picklist(MESSAGE_ROLES),
        content: v.string(),
        status: v.picklist(MESSAGE_STATUSES),
        createdAt: v.pipe(v.string(), v.isoTimestamp()),
      }),
    ),
    lastSeq: countField,
  }),
  v.strictObject({ type: v.literal('pong'), id: v.optional(pingIdField) }),
]);

type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// Compile-time guards: the declared frame types, the type list and the schema cannot drift apart.
const _outboundTypesMatch: Same<v.InferOutput<typeof outboundFrameSchema>, OutboundFrame> = true;
const _outboundTypeListComplete: Same<(typeof OUTBOUND_FRAME_TYPES)[number], OutboundFrameType> =
  true;
void _outboundTypesMatch;
void _outboundTypeListComplete;
