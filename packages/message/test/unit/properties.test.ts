import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseInbound, serializeInbound } from '../../src/inbound.js';
import { deltaFrame, parseOutbound, serializeOutbound } from '../../src/outbound.js';
import { sanitize } from '../../src/sanitize.js';
import {
  frameLikeText,
  inboundFrame,
  jsonText,
  outboundFrame,
  utf16,
} from '../support/arbitraries.js';

const RUNS = { numRuns: 1_000 };
// eslint-disable-next-line no-control-regex -- the property is about control characters
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSAFE_KEY_IN_TEXT = /"(?:__proto__|constructor|prototype|\$[^"]*)":/;

function expectWellFormedResult(result: ReturnType<typeof parseInbound>): void {
  if (result.ok) return;
  expect(['bad_json', 'bad_frame', 'too_long', 'unsupported_frame']).toContain(result.code);
  expect(result.issues.length).toBeGreaterThan(0);
  expect(result.issues.length).toBeLessThanOrEqual(20);
  for (const issue of result.issues) expect(issue.path.length).toBeLessThanOrEqual(128);
}

describe('parseInbound never throws', () => {
  it('for any string', () => {
    fc.assert(
      fc.property(fc.oneof(utf16(200), fc.string({ unit: 'binary' }), fc.json()), (text) => {
        expectWellFormedResult(parseInbound(text));
      }),
      RUNS,
    );
  });

  it('for any JSON value, including objects with __proto__, constructor and $-keys', () => {
    fc.assert(
      fc.property(fc.oneof(jsonText, frameLikeText), (text) => {
        const result = parseInbound(text);
        expectWellFormedResult(result);
        // A frame holding an unsafe key anywhere is never accepted.
        if (UNSAFE_KEY_IN_TEXT.test(text)) expect(result.ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('for fuzzed values in every field of every frame type', () => {
    const valid = {
      clientMessageId: randomUUID(),
      content: 'hi',
      sessionId: randomUUID(),
      lastSeq: 1,
      id: 'p',
    };
    const fields = Object.keys(valid) as (keyof typeof valid)[];
    fc.assert(
      fc.property(
        fc.constantFrom('send', 'cancel', 'resume', 'end_session', 'ping'),
        fc.constantFrom(...fields),
        jsonText,
        (type, field, value) => {
          const text = `{"type":"${type}",${JSON.stringify(field)}:${value}}`;
          const result = parseInbound(text);
          expectWellFormedResult(result);
          if (result.ok && field in result.frame) {
            const accepted: unknown = new Map<string, unknown>(Object.entries(result.frame)).get(
              field,
            );
            expect(typeof accepted === 'string' || typeof accepted === 'number').toBe(true);
          }
        },
      ),
      RUNS,
    );
  });
});

describe('accepted frames round-trip', () => {
  it('every generated client frame is accepted, and the accepted frame re-parses to itself', () => {
    fc.assert(
      fc.property(inboundFrame, (frame) => {
        const first = parseInbound(JSON.stringify(frame));
        expect(first.ok).toBe(true);
        if (!first.ok) return;
        expect(parseInbound(JSON.stringify(first.frame))).toEqual(first);
        expect(parseInbound(serializeInbound(first.frame))).toEqual(first);
      }),
      RUNS,
    );
  });

  it('accepted content is sanitised and within the limits', () => {
    fc.assert(
      fc.property(inboundFrame, fc.integer({ min: 1, max: 40 }), (frame, maxChars) => {
        const result = parseInbound(JSON.stringify(frame), { maxChars, maxBytes: maxChars * 2 });
        if (!result.ok || result.frame.type !== 'send') return;
        const { content } = result.frame;
        expect(content).toBe(sanitize(content));
        expect(content.length).toBeLessThanOrEqual(maxChars);
        expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(maxChars * 2);
      }),
      RUNS,
    );
  });
});

describe('sanitize', () => {
  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(utf16(200), fc.string({ unit: 'binary' })), (text) => {
        const once = sanitize(text);
        expect(sanitize(once)).toBe(once);
      }),
      { numRuns: 5_000 },
    );
  });

  it('leaves no control character but tab and LF, no CR, no lone surrogate, and NFC text', () => {
    fc.assert(
      fc.property(utf16(200), (text) => {
        const out = sanitize(text);
        expect(FORBIDDEN_CONTROL.test(out)).toBe(false);
        expect(out.includes('\r')).toBe(false);
        expect(LONE_SURROGATE.test(out)).toBe(false);
        expect(out.normalize('NFC')).toBe(out);
      }),
      RUNS,
    );
  });
});

describe('outbound frames (S12)', () => {
  it('arbitrary model text in a delta round-trips unchanged and stays data', () => {
    const sessionId = randomUUID();
    fc.assert(
      fc.property(
        fc.oneof(utf16(200), fc.string({ unit: 'binary' }), fc.json()),
        fc.maxSafeNat(),
        (text, offset) => {
          const frame = deltaFrame({ sessionId, seq: 2, offset, text });
          expect(/[<>&\u2028\u2029]/.test(frame)).toBe(false);
          const parsed = JSON.parse(frame) as Record<string, unknown>;
          expect(Object.keys(parsed)).toEqual(['type', 'sessionId', 'seq', 'offset', 'text']);
          expect(parsed['type']).toBe('delta');
          expect(parsed['text']).toBe(text);
        },
      ),
      RUNS,
    );
  });

  it('every generated server frame serialises and parses back equal', () => {
    fc.assert(
      fc.property(outboundFrame, (frame) => {
        const text = serializeOutbound(frame);
        expect(JSON.parse(text)).toEqual(frame);
        expect(parseOutbound(text)).toEqual({ ok: true, frame });
      }),
      RUNS,
    );
  });

  it('parseOutbound never throws', () => {
    fc.assert(
      fc.property(fc.oneof(jsonText, utf16(100)), (text) => {
        const result = parseOutbound(text);
        expect(typeof result.ok).toBe('boolean');
      }),
      RUNS,
    );
  });
});
