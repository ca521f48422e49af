import * as v from 'valibot';
import { countField, inboundUuidField, pingIdField } from './fields.js';
import { DEFAULT_LIMITS, type ResolvedLimits } from './limits.js';
import { sanitize } from './sanitize.js';

/** R4: every `send` carries a client-generated id, so a resend is recognised as the same message. */
export interface SendFrame {
  type: 'send';
  clientMessageId: string;
  content: string;
  sessionId?: string;
}

export interface CancelFrame {
  type: 'cancel';
  sessionId?: string;
}

/** R6: replay every message after `lastSeq`. */
export interface ResumeFrame {
  type: 'resume';
  sessionId: string;
  lastSeq: number;
}

export interface EndSessionFrame {
  type: 'end_session';
  sessionId?: string;
}

export interface PingFrame {
  type: 'ping';
  id?: string;
}

export type InboundFrame = SendFrame | CancelFrame | ResumeFrame | EndSessionFrame | PingFrame;
export type InboundFrameType = InboundFrame['type'];

export const INBOUND_FRAME_TYPES = Object.freeze([
  'send',
  'cancel',
  'resume',
  'end_session',
  'ping',
] as const);

// The Messages API refuses a user turn that is only whitespace; refusing it here gives the client
// a `bad_frame` instead of an upstream error after the message was stored.
const HAS_VISIBLE_TEXT = /\S/;

/**
 * `content` is sanitised first and the limits apply to the sanitised text, which is what is
 * stored and sent to the model (NFC can lengthen a string, stripping can empty it).
 */
function contentField(limits: ResolvedLimits) {
  return v.pipe(
    v.string(),
    v.transform(sanitize),
    v.check((text: string) => HAS_VISIBLE_TEXT.test(text), 'must contain non-whitespace text'),
    v.maxLength(limits.maxChars),
    v.maxBytes(limits.maxBytes),
  );
}

/** The client → server protocol as one valibot schema, discriminated on `type`. */
export function createInboundSchema(limits: ResolvedLimits) {
  return v.variant('type', [
    v.strictObject({
      type: v.literal('send'),
      clientMessageId: inboundUuidField,
      content: contentField(limits),
      sessionId: v.optional(inboundUuidField),
    }),
    v.strictObject({ type: v.literal('cancel'), sessionId: v.optional(inboundUuidField) }),
    v.strictObject({ type: v.literal('resume'), sessionId: inboundUuidField, lastSeq: countField }),
    v.strictObject({ type: v.literal('end_session'), sessionId: v.optional(inboundUuidField) }),
    v.strictObject({ type: v.literal('ping'), id: v.optional(pingIdField) }),
  ]);
}

export type InboundSchema = ReturnType<typeof createInboundSchema>;

// Servers use one or two limit sets; the bound keeps a caller that varies them from growing this.
const MAX_CACHED_SCHEMAS = 8;
const schemas = new Map<string, InboundSchema>();

/** The schema for `limits`, built once per distinct limit set. */
export function inboundSchemaFor(limits: ResolvedLimits = DEFAULT_LIMITS): InboundSchema {
  const key = `${limits.maxChars}/${limits.maxBytes}`;
  const cached = schemas.get(key);
  if (cached !== undefined) return cached;
  const schema = createInboundSchema(limits);
  if (schemas.size < MAX_CACHED_SCHEMAS) schemas.set(key, schema);
  return schema;
}

type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// Compile-time guard: the declared frame types and the schema cannot drift apart.
const _inboundTypesMatch: Same<v.InferOutput<InboundSchema>, InboundFrame> = true;
const _inboundTypeListComplete: Same<(typeof INBOUND_FRAME_TYPES)[number], InboundFrameType> = true;
void _inboundTypesMatch;
void _inboundTypeListComplete;
