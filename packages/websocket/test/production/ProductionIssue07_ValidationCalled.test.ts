import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { parseInbound, sanitize, type InboundFrame, type InboundLimits } from '@chatbox/message';
import type { WsTestClient } from '@chatbox/testkit';
import { nextOfType } from '../support/frames.js';
import { startHarness, type Harness } from '../support/harness.js';
import { observeRouter } from '../support/observed-router.js';
import { startStack, type Stack } from '../support/stack.js';

const LIMITS = { maxChars: 200 };

/** Frames the old handler passed straight to the router, with the code each must get instead. */
const INVALID: ReadonlyArray<readonly [string, string, string]> = [
  ['not JSON', '{"type":"send",', 'bad_json'],
  ['an array', '[1,2,3]', 'bad_frame'],
  ['no type', '{"content":"hi"}', 'bad_frame'],
  ['an unknown type', '{"type":"admin_reset"}', 'unsupported_frame'],
  ['a send without clientMessageId', '{"type":"send","content":"hi"}', 'bad_frame'],
  [
    'an operator as session id',
    `{"type":"send","clientMessageId":"${randomUUID()}","content":"hi","sessionId":{"$ne":null}}`,
    'bad_frame',
  ],
  [
    'a __proto__ key',
    `{"type":"send","clientMessageId":"${randomUUID()}","content":"hi","__proto__":{"admin":true}}`,
    'bad_frame',
  ],
  ['an extra key', `{"type":"ping","debug":true}`, 'bad_frame'],
  [
    'whitespace-only content',
    `{"type":"send","clientMessageId":"${randomUUID()}","content":" \\u0000 \\r\\n "}`,
    'bad_frame',
  ],
  [
    'content over the cap',
    JSON.stringify({ type: 'send', clientMessageId: randomUUID(), content: 'x'.repeat(201) }),
    'too_long',
  ],
  [
    'a negative lastSeq',
    `{"type":"resume","sessionId":"${randomUUID()}","lastSeq":-1}`,
    'bad_frame',
  ],
];

describe('finding 07: every WebSocket frame is parsed, validated and sanitised before routing', () => {
  let harness: Harness | undefined;
  let stack: Stack | undefined;
  afterEach(async () => {
    await harness?.close();
    await stack?.close();
  });

  it('ProductionIssue07_ValidationCalled', async () => {
    const parsed: string[] = [];
    const routed: InboundFrame[] = [];
    stack = startStack({ demo: { delayMs: 0, reply: () => 'noted' } });
    const router = observeRouter(stack.router, { before: (_conn, frame) => routed.push(frame) });
    harness = await startHarness({
      router,
      parseLimits: LIMITS,
      invalidFramesPerMinute: INVALID.length,
      // Spy on the real parser: it validates and sanitises (sanitize runs inside its schema).
      parse: (text: string, limits?: InboundLimits) => {
        parsed.push(text);
        return parseInbound(text, limits);
      },
    });
    const client: WsTestClient = await harness.connect({ sub: 'validator' });

    for (const [name, raw, code] of INVALID) {
      client.sendRaw(raw);
      const error = await nextOfType(client, 'error');
      expect({ name, code: error.code, retryable: error.retryable }).toEqual({
        name,
        code,
        retryable: false,
      });
      expect(error.correlationId.length).toBeGreaterThan(0);
    }
    expect(routed).toHaveLength(0);
    expect(parsed).toEqual(INVALID.map(([, raw]) => raw));

    // A valid frame with dirty content reaches the router sanitised, and is stored that way.
    const dirty = 'line one\r\nline two\u0007\u200b e\u0301 \u0085end';
    const clientMessageId = randomUUID();
    const frameText = JSON.stringify({ type: 'send', clientMessageId, content: dirty });
    client.sendRaw(frameText);
    const ack = await nextOfType(client, 'ack');
    await nextOfType(client, 'done');
    expect(parsed.at(-1)).toBe(frameText);
    expect(routed).toHaveLength(1);
    const delivered = routed[0];
    expect(delivered?.type === 'send' ? delivered.content : undefined).toBe(sanitize(dirty));
    expect(sanitize(dirty)).not.toBe(dirty);
    const stored = await stack.store.getMessages(ack.sessionId);
    expect(stored.find((m) => m.clientMessageId === clientMessageId)?.content).toBe(
      sanitize(dirty),
    );

    // One more violation inside the minute: repeated violations close the connection (S7).
    client.sendRaw('{"type":"nope"}');
    expect(await client.closed).toEqual({ code: 1008, reason: 'too_many_invalid_frames' });
    expect(routed).toHaveLength(1);
    const invalidEvents = harness.events.filter((e) => e.type === 'frame_invalid');
    expect(invalidEvents).toHaveLength(INVALID.length + 1);
  });

  it('ProductionIssue07_ValidationCalled: the default parser is @chatbox/message parseInbound', async () => {
    stack = startStack();
    harness = await startHarness({
      router: stack.router,
      parseLimits: LIMITS,
      invalidFramesPerMinute: 100,
    });
    const client = await harness.connect();
    for (const [name, raw, code] of INVALID) {
      client.sendRaw(raw);
      const expected = parseInbound(raw, LIMITS);
      expect(expected.ok).toBe(false);
      const error = await nextOfType(client, 'error');
      expect({ name, code: error.code }).toEqual({ name, code });
      if (!expected.ok) expect(error.message).toBe(expected.message);
    }
    expect(stack.router.stats().sessionsBound).toBe(0);
  });
});
