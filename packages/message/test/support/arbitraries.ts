import fc from 'fast-check';
import type { InboundFrame } from '../../src/inbound-schema.js';
import {
  DONE_STATUSES,
  MESSAGE_ROLES,
  MESSAGE_STATUSES,
  type OutboundFrame,
} from '../../src/outbound-schema.js';
import { WIRE_ERROR_CODES } from '../../src/wire-error-codes.js';

/** Code units that exercise sanitising: controls, CR/LF, combining marks, NFC-expanding, surrogates. */
const TRICKY_UNITS = [
  0x00, 0x07, 0x09, 0x0a, 0x0b, 0x0d, 0x1b, 0x7f, 0x85, 0x9f, 0xa0, 0x0301, 0x0344, 0x212b, 0x2028,
  0x2029, 0x202e, 0x200d, 0xfeff, 0xfffd, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xd83d, 0xde00, 0xd834,
  0xdd5e, 0x3c, 0x3e, 0x26, 0x22, 0x5c,
];

const codeUnit = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY_UNITS) },
);

/** Any UTF-16 string, lone surrogates included. */
export function utf16(maxLength = 48): fc.Arbitrary<string> {
  return fc.array(codeUnit, { maxLength }).map((units) => String.fromCharCode(...units));
}

const caseMixedUuid = fc
  .tuple(fc.uuid(), fc.boolean())
  .map(([id, upper]) => (upper ? id.toUpperCase() : id));
const pingId = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 64,
});

/** Valid client frames (content always has a visible character, ids in either case). */
export const inboundFrame: fc.Arbitrary<InboundFrame> = fc.oneof(
  fc.record(
    {
      type: fc.constant('send' as const),
      clientMessageId: caseMixedUuid,
      content: utf16().map((text) => `${text}x`),
      sessionId: caseMixedUuid,
    },
    { requiredKeys: ['type', 'clientMessageId', 'content'] },
  ),
  fc.record(
    { type: fc.constant('cancel' as const), sessionId: caseMixedUuid },
    { requiredKeys: ['type'] },
  ),
  fc.record({
    type: fc.constant('resume' as const),
    sessionId: caseMixedUuid,
    lastSeq: fc.maxSafeNat(),
  }),
  fc.record(
    { type: fc.constant('end_session' as const), sessionId: caseMixedUuid },
    { requiredKeys: ['type'] },
  ),
  fc.record({ type: fc.constant('ping' as const), id: pingId }, { requiredKeys: ['type'] }),
);

const count = fc.maxSafeNat();
const sessionId = fc.uuid();
const oneLine = utf16(64)
  .map((text) => text.replace(/[\r\n\u2028\u2029]/g, ''))
  .filter((text) => text.length > 0);
const token = fc.string({
  unit: fc.constantFrom(...'abcXYZ019._:-'.split('')),
  minLength: 1,
  maxLength: 64,
});
const isoDate = fc
  .date({ min: new Date(0), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

/** Valid server frames, with arbitrary model and message text. */
export const outboundFrame: fc.Arbitrary<OutboundFrame> = fc.oneof(
  fc.record(
    {
      type: fc.constant('session' as const),
      sessionId,
      lastSeq: count,
      resumed: fc.boolean(),
      demo: fc.boolean(),
    },
    { requiredKeys: ['type', 'sessionId', 'lastSeq', 'resumed'] },
  ),
  fc.record({
    type: fc.constant('ack' as const),
    sessionId,
    clientMessageId: fc.uuid(),
    seq: count,
    duplicate: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('delta' as const),
    sessionId,
    seq: count,
    offset: count,
    text: utf16(),
  }),
  fc.record(
    {
      type: fc.constant('done' as const),
      sessionId,
      seq: count,
      status: fc.constantFrom(...DONE_STATUSES),
      stopReason: token,
      usage: fc.record({ inputTokens: count, outputTokens: count }),
    },
    { requiredKeys: ['type', 'sessionId', 'seq', 'status'] },
  ),
  fc.record(
    {
      type: fc.constant('error' as const),
      code: fc.constantFrom(...WIRE_ERROR_CODES),
      message: oneLine,
      retryable: fc.boolean(),
      retryAfterMs: count,
      correlationId: token,
      clientMessageId: fc.uuid(),
      sessionId,
      partial: fc.boolean(),
    },
    { requiredKeys: ['type', 'code', 'message', 'retryable', 'correlationId'] },
  ),
  fc.record({
    type: fc.constant('replay' as const),
    sessionId,
    messages: fc.array(
      fc.record({
        seq: count,
        role: fc.constantFrom(...MESSAGE_ROLES),
        content: utf16(),
        status: fc.constantFrom(...MESSAGE_STATUSES),
        createdAt: isoDate,
      }),
      { maxLength: 4 },
    ),
    lastSeq: count,
  }),
  fc.record({ type: fc.constant('pong' as const), id: pingId }, { requiredKeys: ['type'] }),
);

const WEIRD_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '$ne',
  '$',
  '$where',
  'type',
  'content',
  'clientMessageId',
  'sessionId',
  'lastSeq',
  'id',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '',
];
const TYPES = ['send', 'cancel', 'resume', 'end_session', 'ping', 'delta', 'SEND', ''];

/**
 * JSON text for any JSON value, written by hand so keys such as `__proto__` appear as real keys in
 * the text (an object literal or `fc.dictionary` may not create them as own properties).
 */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
    fc.constantFrom(...TYPES).map((type) => JSON.stringify(type)),
    fc.uuid().map((id) => JSON.stringify(id)),
    utf16().map((text) => JSON.stringify(text)),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...WEIRD_KEYS), utf16(8)), tie('value')), {
        maxLength: 5,
      })
      .map(
        (entries) =>
          `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`,
      ),
  ),
})).value;

/** An object frame with a plausible `type` and a mix of real, weird and garbage fields. */
export const frameLikeText: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...TYPES),
    fc.array(fc.tuple(fc.constantFrom(...WEIRD_KEYS), jsonText), { maxLength: 5 }),
  )
  .map(
    ([type, entries]) =>
      `{"type":${JSON.stringify(type)}${entries.map(([key, value]) => `,${JSON.stringify(key)}:${value}`).join('')}}`,
  );
