import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createDemoProvider } from '@chatbox/llm';
import type { WsTestClient } from '@chatbox/testkit';
import { adminHeaders, http, startApp, waitFor } from '../support/harness.js';
import type { RunningApp } from '../support/harness.js';
import { nextFrame } from '../support/frames.js';
import type { FrameOf } from '../support/frames.js';

const LONG_REPLY = Array.from(
  { length: 40 },
  (_, i) => `Sentence ${i + 1} of a long demo reply.`,
).join(' ');

function slowDemo(delayMs = 15) {
  return createDemoProvider({ delayMs, chunkSize: 8, reply: () => LONG_REPLY });
}

async function collectReply(
  client: WsTestClient,
  seq: number,
): Promise<{ text: string; done: FrameOf<'done'> }> {
  let text = '';
  for (;;) {
    const frame = await nextFrame(client, ['delta', 'done'], (f) => f.seq === seq, 10_000);
    if (frame.type === 'done') return { text, done: frame };
    expect(frame.offset).toBe(text.length);
    text += frame.text;
  }
}

describe('chat over the real WebSocket path', () => {
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('sends a message and streams the demo reply, labelled as demo', async () => {
    running = await startApp();
    const client = await running.connect(await running.token('alice'));
    const clientMessageId = randomUUID();
    client.send({ type: 'send', clientMessageId, content: 'hello there' });
    const session = await nextFrame(client, 'session');
    expect(session.demo).toBe(true);
    const ack = await nextFrame(client, 'ack');
    expect(ack).toMatchObject({
      clientMessageId,
      seq: 1,
      duplicate: false,
      sessionId: session.sessionId,
    });
    const reply = await collectReply(client, 2);
    expect(reply.done.status).toBe('complete');
    expect(reply.text).toContain('[demo]');
    expect(reply.text).toContain('hello there');
  });

  it('resumes after a dropped connection without losing or repeating text (R6)', async () => {
    running = await startApp({}, { llm: slowDemo() });
    const token = await running.token('bob');
    const first = await running.connect(token);
    first.send({ type: 'send', clientMessageId: randomUUID(), content: 'tell me a long story' });
    const { sessionId } = await nextFrame(first, 'session');
    let partial = '';
    for (let i = 0; i < 3; i += 1) {
      const delta = await nextFrame(first, 'delta');
      partial += delta.text;
    }
    first.socket.terminate();
    await first.closed;

    const second = await running.connect(token);
    second.send({ type: 'resume', sessionId, lastSeq: 1 });
    const replay = await nextFrame(second, 'replay');
    const replayed = replay.messages.find((m) => m.seq === 2);
    // R9: the dropped reader aborted the model call; what was written is kept as `interrupted`,
    // holds every delta the first socket received, and is replayed once.
    expect(replay.messages.filter((m) => m.seq === 2)).toHaveLength(1);
    expect(replayed).toMatchObject({ status: 'interrupted' });
    const text = replayed?.content ?? '';
    expect(text.startsWith(partial)).toBe(true);
    expect(LONG_REPLY.startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(LONG_REPLY.length);
  });

  it('stops a reply on cancel and stores it as cancelled (R9)', async () => {
    running = await startApp({}, { llm: slowDemo(20) });
    const client = await running.connect(await running.token('carol'));
    client.send({ type: 'send', clientMessageId: randomUUID(), content: 'go on' });
    const { sessionId } = await nextFrame(client, 'session');
    await nextFrame(client, 'delta');
    client.send({ type: 'cancel', sessionId });
    const done = await nextFrame(client, 'done');
    expect(done.status).toBe('cancelled');
    const admin = await running.token('root', ['admin']);
    await waitFor(
      async () => {
        const response = await http<{
          messages: { seq: number; status: string; content: string }[];
        }>(running!.baseUrl, `/chat/admin/sessions/${sessionId}`, { headers: adminHeaders(admin) });
        const reply = response.body.messages.find((m) => m.seq === 2);
        return (
          reply?.status === 'cancelled' &&
          reply.content.length > 0 &&
          reply.content.length < LONG_REPLY.length
        );
      },
      5_000,
      'cancelled reply stored',
    );
  });
});
