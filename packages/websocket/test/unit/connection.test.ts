import { afterEach, describe, expect, it } from '@jest/globals';
import { parseInbound } from '@chatbox/message';
import type { Connection } from '@chatbox/router';
import { startHarness, type Harness, type HarnessOptions } from '../support/harness.js';
import { nextOfType } from '../support/frames.js';
import { createStubRouter, until, type StubRouter } from '../support/stub-router.js';

describe('GatewayConnection', () => {
  let harness: Harness;
  let router: StubRouter;
  afterEach(async () => harness.close());

  const start = async (overrides: Partial<HarnessOptions> = {}) => {
    router = createStubRouter();
    harness = await startHarness({ router, ...overrides });
  };
  const conn = (index = 0): Connection => router.attached[index]!;

  it('exposes the token identity and a unique id to the router', async () => {
    await start();
    await harness.connect({ sub: 'alice' });
    await harness.connect({ sub: 'alice' });
    expect(conn(0).userId).toBe('alice');
    expect(conn(0).roles).toEqual(['user']);
    expect(conn(0).id).not.toBe(conn(1).id);
  });

  it('closes 1003 on a binary frame and detaches from the router', async () => {
    await start();
    const client = await harness.connect();
    client.sendRaw(Buffer.from([1, 2, 3]));
    expect(await client.closed).toEqual({ code: 1003, reason: 'binary_frames_not_supported' });
    expect(router.detached).toEqual([conn()]);
    expect(router.handled).toHaveLength(0);
  });

  it('closes 1007 on invalid UTF-8 (ws validates text frames)', async () => {
    await start();
    const client = await harness.connect();
    client.sendRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await client.closed).code).toBe(1007);
    await router.waitForDetached(1);
    expect(router.handled).toHaveLength(0);
  });

  it('answers invalid frames with their code, keeps the socket, then closes 1008 past the limit', async () => {
    await start({ invalidFramesPerMinute: 3 });
    const client = await harness.connect();
    const bad = ['{', '[]', '{"type":"warp"}'];
    const codes: string[] = [];
    for (const raw of bad) {
      client.sendRaw(raw);
      codes.push((await nextOfType(client, 'error')).code);
    }
    expect(codes).toEqual(['bad_json', 'bad_frame', 'unsupported_frame']);
    client.send({ type: 'ping', id: 'still-open' });
    await router.waitForHandled(1);
    client.sendRaw('{"type":"send"}');
    expect(await client.closed).toEqual({ code: 1008, reason: 'too_many_invalid_frames' });
    expect(router.handled.map((h) => h.frame.type)).toEqual(['ping']);
    const invalid = harness.events.filter((e) => e.type === 'frame_invalid');
    expect(invalid).toHaveLength(4);
  });

  it('limits frames per connection with a retryable rate_limited error', async () => {
    await start({ framesPerMinutePerConnection: 3 });
    const client = await harness.connect();
    for (let i = 0; i < 5; i += 1) client.send({ type: 'ping', id: `p${i}` });
    const error = await nextOfType(client, 'error');
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(error.retryAfterMs).toBeGreaterThan(0);
    await nextOfType(client, 'error');
    expect(router.handled).toHaveLength(3);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('turns a router failure or a parser crash into an internal error frame', async () => {
    let parseCrash = false;
    await start({
      parse: (text, limits) => {
        if (parseCrash) throw new Error('parser bug');
        return parseInbound(text, limits);
      },
    });
    const client = await harness.connect();
    router.onHandle = () => Promise.reject(new Error('router bug'));
    client.send({ type: 'ping' });
    expect((await nextOfType(client, 'error')).code).toBe('internal');
    router.onHandle = () => {
      throw new Error('sync router bug');
    };
    client.send({ type: 'ping' });
    expect((await nextOfType(client, 'error')).code).toBe('internal');
    parseCrash = true;
    client.send({ type: 'ping' });
    const error = await nextOfType(client, 'error');
    expect(error.code).toBe('internal');
    expect(error.message).not.toContain('bug');
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('terminates a peer that stops answering pings, and keeps one that answers', async () => {
    await start({ pingIntervalMs: 40, pongTimeoutMs: 60 });
    const alive = await harness.connect();
    const silent = await harness.connect();
    silent.pause();
    await until(
      () => harness.events.some((e) => e.type === 'heartbeat_timeout'),
      3_000,
      'heartbeat timeout',
    );
    silent.resume();
    expect((await silent.closed).code).toBe(1006);
    expect(router.detached).toEqual([conn(1)]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(alive.socket.readyState).toBe(alive.socket.OPEN);
  });

  it('closes 4001 token_expired when the token expires while connected', async () => {
    // The gateway clock runs 300 s ahead, so a 301 s token has between 0 and 1 s left.
    await start({ clock: () => Date.now() + 300_000 });
    const client = await harness.connect({ token: await harness.token({ expiresInSec: 301 }) });
    const opened = Date.now();
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    expect(await client.closed).toEqual({ code: 4001, reason: 'token_expired' });
    expect(Date.now() - opened).toBeLessThan(2_000);
    expect(router.detached).toEqual([conn()]);
    await until(
      () => harness.events.some((e) => e.type === 'connection_closed'),
      3_000,
      'close event',
    );
    const closed = harness.events.find((e) => e.type === 'connection_closed');
    expect(closed).toMatchObject({ code: 4001, reason: 'token_expired' });
  });

  it('closes at once when the token is already past its expiry by the gateway clock', async () => {
    await start({ clock: () => Date.now() + 301_000 });
    const client = await harness.connect();
    expect((await client.closed).code).toBe(4001);
  });

  it('cuts off a reader that stops reading: 1013 once the send buffer passes its bound', async () => {
    await start({ sendBufferLimitBytes: 256 * 1024, closeGraceMs: 10_000 });
    const client = await harness.connect();
    client.pause();
    const frame = JSON.stringify({ type: 'pong', id: 'x'.repeat(16 * 1024) });
    let accepted = 0;
    while (accepted < 4_000 && conn().send(frame)) accepted += 1;
    expect(accepted).toBeLessThan(4_000);
    expect(conn().send(frame)).toBe(false);
    const exceeded = harness.events.find((e) => e.type === 'send_buffer_exceeded');
    expect(exceeded).toMatchObject({ limitBytes: 256 * 1024 });
    if (exceeded?.type === 'send_buffer_exceeded')
      expect(exceeded.bufferedBytes).toBeLessThanOrEqual(256 * 1024);
    expect(router.detached).toEqual([conn()]);
    client.resume();
    expect(await client.closed).toEqual({ code: 1013, reason: 'send_buffer_full' });
  });

  it('terminates a peer that does not finish the close handshake', async () => {
    await start({ closeGraceMs: 100 });
    const client = await harness.connect();
    client.pause();
    const started = Date.now();
    conn().close(4000, 'replaced');
    // ws alone would wait 30 s for the peer's close frame.
    await until(() => harness.events.some((e) => e.type === 'connection_closed'), 3_000, 'close');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(harness.gateway.stats().connections).toBe(0);
    client.resume();
    expect((await client.closed).code).toBe(4000);
  });

  it('clips a long close reason to the 123 bytes a close frame allows', async () => {
    await start();
    const client = await harness.connect();
    conn().close(4002, 'é'.repeat(100));
    conn().close(4002, 'second call is ignored');
    const { code, reason } = await client.closed;
    expect(code).toBe(4002);
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    expect(reason.startsWith('éé')).toBe(true);
    expect(conn().send('{"type":"pong"}')).toBe(false);
  });

  it('ignores frames that arrive after the close started', async () => {
    await start({ closeGraceMs: 500 });
    const client = await harness.connect();
    conn().close(4000, 'replaced');
    client.send({ type: 'ping' });
    await client.closed;
    expect(router.handled).toHaveLength(0);
  });

  it('closes 1011 when the router refuses to attach, and survives a throwing event sink', async () => {
    await start({
      onEvent: () => {
        throw new Error('metrics down');
      },
    });
    router.attach = () => {
      throw new Error('registry full');
    };
    const client = await harness.connect();
    expect(await client.closed).toEqual({ code: 1011, reason: 'internal_error' });
  });
});
