import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { MessageError } from '../../src/errors.js';
import { parseInbound, serializeInbound } from '../../src/inbound.js';
import { DEFAULT_MAX_CONTENT_CHARS } from '../../src/limits.js';
import { frame, refused, send } from '../support/frames.js';

describe('parseInbound accepts every client frame', () => {
  it('send, with and without sessionId', () => {
    const clientMessageId = randomUUID();
    const sessionId = randomUUID();
    expect(
      parseInbound(frame({ type: 'send', clientMessageId, content: 'hi', sessionId })),
    ).toEqual({
      ok: true,
      frame: { type: 'send', clientMessageId, content: 'hi', sessionId },
    });
    const result = parseInbound(frame({ type: 'send', clientMessageId, content: 'hi' }));
    expect(result).toEqual({ ok: true, frame: { type: 'send', clientMessageId, content: 'hi' } });
    expect(result.ok && 'sessionId' in result.frame).toBe(false);
  });

  it('cancel, resume, end_session and ping', () => {
    const sessionId = randomUUID();
    expect(parseInbound(frame({ type: 'cancel' }))).toEqual({
      ok: true,
      frame: { type: 'cancel' },
    });
    expect(parseInbound(frame({ type: 'cancel', sessionId }))).toEqual({
      ok: true,
      frame: { type: 'cancel', sessionId },
    });
    expect(parseInbound(frame({ type: 'resume', sessionId, lastSeq: 0 }))).toEqual({
      ok: true,
      frame: { type: 'resume', sessionId, lastSeq: 0 },
    });
    expect(parseInbound(frame({ type: 'end_session', sessionId }))).toEqual({
      ok: true,
      frame: { type: 'end_session', sessionId },
    });
    expect(parseInbound(frame({ type: 'ping' }))).toEqual({ ok: true, frame: { type: 'ping' } });
    expect(parseInbound(frame({ type: 'ping', id: 'p-1 2' }))).toEqual({
      ok: true,
      frame: { type: 'ping', id: 'p-1 2' },
    });
  });

  it('sanitises content and lower-cases ids', () => {
    const upper = randomUUID().toUpperCase();
    const result = parseInbound(
      frame({ type: 'send', clientMessageId: upper, content: 'a\r\nb\u0000e\u0301\uD800' }),
    );
    expect(result).toEqual({
      ok: true,
      frame: { type: 'send', clientMessageId: upper.toLowerCase(), content: 'a\nb\u00e9\uFFFD' },
    });
  });

  it('turns lastSeq -0 into 0', () => {
    const result = parseInbound(`{"type":"resume","sessionId":"${randomUUID()}","lastSeq":-0}`);
    expect(result.ok && result.frame.type === 'resume' && Object.is(result.frame.lastSeq, 0)).toBe(
      true,
    );
  });

  it('accepts content exactly at the character and byte limits', () => {
    expect(parseInbound(send({ content: 'a'.repeat(DEFAULT_MAX_CONTENT_CHARS) })).ok).toBe(true);
    expect(parseInbound(send({ content: 'é'.repeat(10) }), { maxBytes: 20 }).ok).toBe(true);
  });
});

describe('parseInbound limits', () => {
  it('honours custom maxChars and maxBytes', () => {
    expect(refused(parseInbound(send({ content: 'abcd' }), { maxChars: 3 })).code).toBe('too_long');
    expect(refused(parseInbound(send({ content: 'ééé' }), { maxBytes: 5 })).code).toBe('too_long');
    expect(parseInbound(send({ content: 'abc' }), { maxChars: 3, maxBytes: 3 }).ok).toBe(true);
  });

  it('derives the frame cap from maxChars: 6 × maxChars + 1024', () => {
    const padded = (length: number): string => {
      const base = '{"type":"ping","id":"x"}';
      return `${base.slice(0, -1)}${' '.repeat(length - base.length)}}`;
    };
    expect(parseInbound(padded(1_084), { maxChars: 10 }).ok).toBe(true);
    const result = refused(parseInbound(padded(1_085), { maxChars: 10 }));
    expect(result.issues).toEqual([{ path: '', message: 'frame over 1084 characters' }]);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'throws ERR_MESSAGE_INVALID_LIMITS for %p',
    (value) => {
      expect(() => parseInbound('{}', { maxChars: value })).toThrow(MessageError);
      try {
        parseInbound('{}', { maxBytes: value });
      } catch (error) {
        expect((error as MessageError).code).toBe('ERR_MESSAGE_INVALID_LIMITS');
      }
      expect.assertions(2);
    },
  );

  it('keeps working with many distinct limit sets', () => {
    for (let maxChars = 1; maxChars <= 20; maxChars += 1) {
      expect(parseInbound(send({ content: 'x'.repeat(maxChars) }), { maxChars }).ok).toBe(true);
      expect(
        refused(parseInbound(send({ content: 'x'.repeat(maxChars + 1) }), { maxChars })).code,
      ).toBe('too_long');
    }
  });
});

describe('serializeInbound', () => {
  it('writes what parseInbound accepts, sanitised', () => {
    const clientMessageId = randomUUID();
    const text = serializeInbound({ type: 'send', clientMessageId, content: '<b>x</b>\u0000' });
    expect(text).not.toContain('<');
    expect(parseInbound(text)).toEqual({
      ok: true,
      frame: { type: 'send', clientMessageId, content: '<b>x</b>' },
    });
  });

  it('throws ERR_MESSAGE_INVALID_FRAME with the issues for a frame the server would refuse', () => {
    const call = (): string => serializeInbound({ type: 'resume', sessionId: 'nope', lastSeq: -1 });
    expect(call).toThrow(MessageError);
    try {
      call();
    } catch (error) {
      const failure = error as MessageError;
      expect(failure.code).toBe('ERR_MESSAGE_INVALID_FRAME');
      expect(failure.issues.map((issue) => issue.path)).toEqual(['sessionId', 'lastSeq']);
      expect(failure.message).toBe(
        'invalid inbound frame: sessionId: expected a UUID; lastSeq: expected at least 0',
      );
    }
  });

  it('honours limits', () => {
    expect(() =>
      serializeInbound(
        { type: 'send', clientMessageId: randomUUID(), content: 'abc' },
        { maxChars: 2 },
      ),
    ).toThrow(/content: too long: at most 2 characters/);
  });
});
