import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { MessageError } from '../../src/errors.js';
import type { OutboundFrame } from '../../src/outbound-schema.js';
import {
  ackFrame,
  deltaFrame,
  doneFrame,
  errorFrame,
  parseOutbound,
  pongFrame,
  replayFrame,
  serializeOutbound,
  sessionFrame,
} from '../../src/outbound.js';

const sessionId = randomUUID();

function thrown(call: () => unknown): MessageError {
  try {
    call();
  } catch (error) {
    if (error instanceof MessageError) return error;
    throw error;
  }
  throw new Error('expected a MessageError');
}

describe('outbound builders', () => {
  it('write each frame with its type first and only the protocol keys', () => {
    const clientMessageId = randomUUID();
    const createdAt = new Date(0).toISOString();
    const cases: [string, OutboundFrame][] = [
      [
        sessionFrame({ sessionId, lastSeq: 0, resumed: false, demo: true }),
        { type: 'session', sessionId, lastSeq: 0, resumed: false, demo: true },
      ],
      [
        ackFrame({ sessionId, clientMessageId, seq: 3, duplicate: false }),
        { type: 'ack', sessionId, clientMessageId, seq: 3, duplicate: false },
      ],
      [
        deltaFrame({ sessionId, seq: 4, offset: 10, text: 'hi' }),
        { type: 'delta', sessionId, seq: 4, offset: 10, text: 'hi' },
      ],
      [
        doneFrame({
          sessionId,
          seq: 4,
          status: 'complete',
          stopReason: 'end_turn',
          usage: { inputTokens: 5, outputTokens: 7 },
        }),
        {
          type: 'done',
          sessionId,
          seq: 4,
          status: 'complete',
          stopReason: 'end_turn',
          usage: { inputTokens: 5, outputTokens: 7 },
        },
      ],
      [
        replayFrame({
          sessionId,
          lastSeq: 2,
          messages: [{ seq: 1, role: 'user', content: 'q', status: 'complete', createdAt }],
        }),
        {
          type: 'replay',
          sessionId,
          messages: [{ seq: 1, role: 'user', content: 'q', status: 'complete', createdAt }],
          lastSeq: 2,
        },
      ],
      [pongFrame({ id: 'p1' }), { type: 'pong', id: 'p1' }],
      [pongFrame(), { type: 'pong' }],
    ];
    for (const [text, expected] of cases) {
      expect(text.startsWith(`{"type":"${expected.type}"`)).toBe(true);
      expect(JSON.parse(text)).toEqual(expected);
      expect(parseOutbound(text)).toEqual({ ok: true, frame: expected });
    }
  });

  it('errorFrame takes retryable from the code table unless told', () => {
    const correlationId = randomUUID();
    expect(
      JSON.parse(
        errorFrame({
          code: 'storage_unavailable',
          message: 'storage is unavailable',
          correlationId,
        }),
      ),
    ).toEqual({
      type: 'error',
      code: 'storage_unavailable',
      message: 'storage is unavailable',
      retryable: true,
      correlationId,
    });
    const retryable = (text: string): unknown =>
      (JSON.parse(text) as { retryable: unknown }).retryable;
    expect(retryable(errorFrame({ code: 'bad_frame', message: 'no', correlationId }))).toBe(false);
    expect(
      retryable(errorFrame({ code: 'internal', message: 'x', correlationId, retryable: true })),
    ).toBe(true);
    const full = JSON.parse(
      errorFrame({
        code: 'upstream_interrupted',
        message: 'cut',
        correlationId,
        sessionId,
        clientMessageId: sessionId,
        partial: true,
        retryAfterMs: 0,
      }),
    ) as Record<string, unknown>;
    expect(full).toMatchObject({
      partial: true,
      retryAfterMs: 0,
      sessionId,
      clientMessageId: sessionId,
    });
  });

  it('S12: model text that looks like a frame or HTML stays a string inside a delta', () => {
    const texts = [
      '{"type":"done","sessionId":"x","seq":1,"status":"complete"}',
      '"},{"type":"error"',
      '<script>alert(1)</script><img src=x onerror=alert(1)>',
      '\u2028\u2029&amp;</div>',
      '\\u003c \\"',
    ];
    for (const text of texts) {
      const frame = deltaFrame({ sessionId, seq: 1, offset: 0, text });
      expect(frame).not.toMatch(/[<>&\u2028\u2029]/);
      const parsed = JSON.parse(frame) as Record<string, unknown>;
      expect(Object.keys(parsed)).toEqual(['type', 'sessionId', 'seq', 'offset', 'text']);
      expect(parsed['type']).toBe('delta');
      expect(parsed['text']).toBe(text);
    }
  });

  it('S14: an extra field such as a stack trace throws instead of reaching the client', () => {
    const fields = {
      code: 'internal' as const,
      message: 'failed',
      correlationId: 'c-1',
      stack: 'Error: x\n    at y',
    };
    const error = thrown(() => errorFrame(fields));
    expect(error.code).toBe('ERR_MESSAGE_INVALID_FRAME');
    expect(error.issues).toEqual([{ path: 'stack', message: 'unknown key' }]);
  });

  it('S14: multi-line or over-long error messages and odd correlation ids are refused', () => {
    for (const message of ['', 'line one\nline two', 'a\r', 'x'.repeat(501)]) {
      expect(
        thrown(() => errorFrame({ code: 'internal', message, correlationId: 'c' })).issues[0]?.path,
      ).toBe('message');
    }
    for (const correlationId of ['', 'has space', 'x'.repeat(129), '<id>']) {
      expect(
        thrown(() => errorFrame({ code: 'internal', message: 'm', correlationId })).issues[0]?.path,
      ).toBe('correlationId');
    }
    expect(
      errorFrame({ code: 'internal', message: 'x'.repeat(500), correlationId: 'req-1:a.b_C' }),
    ).toContain('"req-1:a.b_C"');
  });

  it('refuses invalid field values with every issue listed', () => {
    const error = thrown(() =>
      deltaFrame({ sessionId: 'nope', seq: -1, offset: 0.5, text: 1 as unknown as string }),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['sessionId', 'seq', 'offset', 'text']);
    expect(error.message).toContain(
      'invalid outbound frame: sessionId: expected a UUID; seq: expected at least 0',
    );
    expect(
      thrown(() => doneFrame({ sessionId, seq: 1, status: 'streaming' as 'complete' })).issues[0]
        ?.path,
    ).toBe('status');
    expect(
      thrown(() => doneFrame({ sessionId, seq: 1, status: 'complete', stopReason: 'end turn' }))
        .issues[0]?.path,
    ).toBe('stopReason');
    expect(
      thrown(() =>
        doneFrame({
          sessionId,
          seq: 1,
          status: 'error',
          usage: { inputTokens: 1, outputTokens: 1, cost: 2 } as never,
        }),
      ).issues,
    ).toEqual([{ path: 'usage.cost', message: 'unknown key' }]);
    expect(
      thrown(() =>
        replayFrame({
          sessionId,
          lastSeq: 0,
          messages: [
            {
              seq: 0,
              role: 'system' as 'user',
              content: '',
              status: 'complete',
              createdAt: 'yesterday',
            },
          ],
        }),
      ).issues.map((issue) => issue.path),
    ).toEqual(['messages.0.role', 'messages.0.createdAt']);
    expect(
      thrown(() => errorFrame({ code: 'nope' as 'internal', message: 'm', correlationId: 'c' }))
        .issues[0]?.path,
    ).toBe('code');
    expect(
      thrown(() => serializeOutbound({ type: 'welcome' } as unknown as OutboundFrame)).issues[0]
        ?.path,
    ).toBe('type');
    expect(thrown(() => serializeOutbound(null as unknown as OutboundFrame)).issues[0]).toEqual({
      path: '',
      message: 'expected a JSON object',
    });
  });

  it('a builder cannot be made to write another frame type', () => {
    const text = deltaFrame({ sessionId, seq: 1, offset: 0, text: 'x', type: 'done' } as never);
    expect((JSON.parse(text) as { type: string }).type).toBe('delta');
  });
});

describe('parseOutbound', () => {
  it('returns codes, never throws', () => {
    expect(parseOutbound('nope')).toMatchObject({ ok: false, code: 'bad_json' });
    expect(parseOutbound('{"type":"send"}')).toMatchObject({
      ok: false,
      code: 'unsupported_frame',
    });
    expect(parseOutbound('{"type":"pong","__proto__":{}}')).toMatchObject({
      ok: false,
      code: 'bad_frame',
    });
    const extra = parseOutbound(`{"type":"pong","a":1,"b":2}`);
    expect(extra).toEqual({
      ok: false,
      code: 'bad_frame',
      message: 'server frame refused: bad_frame (a: unknown key)',
      issues: [
        { path: 'a', message: 'unknown key' },
        { path: 'b', message: 'unknown key' },
      ],
    });
    expect(parseOutbound(42 as unknown as string)).toMatchObject({ ok: false, code: 'bad_frame' });
  });
});
