import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { recordFigure } from '@chatbox/testkit';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../../src/index.js';
import { nextOfType } from '../support/frames.js';
import { startHarness, type Harness } from '../support/harness.js';
import { until } from '../support/stub-router.js';
import { startStack, type Stack } from '../support/stack.js';

const LIMIT = DEFAULT_MAX_PAYLOAD_BYTES;

/** A valid `send` frame of exactly `bytes` UTF-8 bytes, padded with `fill`. */
function sendFrameOf(bytes: number, fill = 'x'): string {
  const clientMessageId = randomUUID();
  const base = JSON.stringify({ type: 'send', clientMessageId, content: '' });
  const room = bytes - base.length;
  const repeats = Math.floor(room / Buffer.byteLength(fill));
  const content = fill.repeat(repeats) + 'x'.repeat(room - repeats * Buffer.byteLength(fill));
  const frame = JSON.stringify({ type: 'send', clientMessageId, content });
  expect(Buffer.byteLength(frame)).toBe(bytes);
  return frame;
}

describe('finding 14: inbound frame size limit', () => {
  let harness: Harness | undefined;
  let stack: Stack | undefined;
  afterEach(async () => {
    await harness?.close();
    await stack?.close();
  });

  it('ProductionIssue14_FrameSizeLimit', async () => {
    // The router and parser accept long content, so the only limit in play is the frame's bytes.
    stack = startStack({
      demo: { delayMs: 0, reply: () => 'ok' },
      router: { maxInputChars: 2 * LIMIT, maxContextChars: 8 * LIMIT },
    });
    harness = await startHarness({
      router: stack.router,
      maxPayloadBytes: LIMIT,
      parseLimits: { maxChars: 2 * LIMIT, maxBytes: 2 * LIMIT },
    });
    const client = await harness.connect({ sub: 'sizer' });

    for (const bytes of [LIMIT - 1, LIMIT]) {
      client.sendRaw(sendFrameOf(bytes));
      const ack = await nextOfType(client, 'ack');
      expect(ack.duplicate).toBe(false);
      await nextOfType(client, 'done');
    }
    recordFigure('14', 'largest inbound frame accepted', LIMIT, 'bytes');

    // The limit counts bytes, not characters: fewer than LIMIT characters, more than LIMIT bytes.
    const multibyte = sendFrameOf(LIMIT + 1, 'é');
    expect(multibyte.length).toBeLessThan(LIMIT);
    const other = await harness.connect({ sub: 'sizer' });
    other.sendRaw(multibyte);
    expect((await other.closed).code).toBe(1009);

    // ws alone would take frames up to 100 MiB; one byte over the configured limit closes 1009.
    client.sendRaw(sendFrameOf(LIMIT + 1));
    expect((await client.closed).code).toBe(1009);
    await until(
      () => harness!.events.filter((e) => e.type === 'connection_closed').length === 2,
      3_000,
      'both closes',
    );
    expect(harness.gateway.stats().connections).toBe(0);
    expect(stack.router.stats().connections).toBe(0);
    const stored = await stack.store.getMessages(stack.sessions.activeSessionsOf('sizer')[0]!);
    expect(
      stored.filter((m) => m.role === 'user').map((m) => Buffer.byteLength(m.content)),
    ).toHaveLength(2);
  });
});
