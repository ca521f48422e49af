import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import { startMongo, startRedis } from '../../src/index.js';
import { isCompleteReply, NO_REDIS_MESSAGE, parseRedisUrl, redisCommand } from '../../src/redis.js';

describe('servers named by the environment', () => {
  const saved = { ...process.env };

  afterEach(() => {
    for (const key of ['MONGODB_URI', 'REDIS_URL', 'PATH']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('MONGODB_URI gives an external server that cannot be stopped and closes as a no-op', async () => {
    process.env['MONGODB_URI'] = 'mongodb://db.internal:27099/chat';
    const server = await startMongo();
    expect(server).toMatchObject({
      kind: 'external',
      uri: 'mongodb://db.internal:27099/chat',
      host: 'db.internal',
      port: 27099,
    });
    await expect(server.stop()).rejects.toMatchObject({
      code: 'ERR_TESTKIT_EXTERNAL_SERVER',
      message: expect.stringContaining('MONGODB_URI'),
    });
    await expect(server.restart()).rejects.toMatchObject({ code: 'ERR_TESTKIT_EXTERNAL_SERVER' });
    await expect(server.close()).resolves.toBeUndefined();
  });

  it('REDIS_URL gives an external server', async () => {
    process.env['REDIS_URL'] = 'redis://cache.internal:6390/0';
    const server = await startRedis();
    expect(server).toMatchObject({
      kind: 'external',
      url: 'redis://cache.internal:6390/0',
      host: 'cache.internal',
      port: 6390,
    });
    await expect(server.stop()).rejects.toMatchObject({
      code: 'ERR_TESTKIT_EXTERNAL_SERVER',
      message: expect.stringContaining('REDIS_URL'),
    });
    await expect(server.close()).resolves.toBeUndefined();
  });

  it('without REDIS_URL or redis-server, says what to install', async () => {
    delete process.env['REDIS_URL'];
    process.env['PATH'] = '/nonexistent';
    await expect(startRedis()).rejects.toMatchObject({
      code: 'ERR_TESTKIT_REDIS_UNAVAILABLE',
      message: NO_REDIS_MESSAGE,
    });
    expect(NO_REDIS_MESSAGE).toMatch(/apt-get install -y redis-server/);
    expect(NO_REDIS_MESSAGE).toMatch(/REDIS_URL/);
  });
});

describe('redis helpers', () => {
  let silent: Server | undefined;

  beforeEach(() => {
    silent = undefined;
  });

  afterEach(async () => {
    const open = silent;
    if (open !== undefined) await new Promise<void>((resolve) => open.close(() => resolve()));
  });

  it('parseRedisUrl reads host and port, defaulting to 6379', () => {
    expect(parseRedisUrl('redis://127.0.0.1:7000')).toEqual({ host: '127.0.0.1', port: 7000 });
    expect(parseRedisUrl('rediss://:pw@cache.example/2')).toEqual({
      host: 'cache.example',
      port: 6379,
    });
    expect(parseRedisUrl('redis://[::1]:7001')).toEqual({ host: '::1', port: 7001 });
  });

  it('isCompleteReply waits for a whole status line or bulk string', () => {
    expect(isCompleteReply(Buffer.from('+PONG'))).toBe(false);
    expect(isCompleteReply(Buffer.from('+PONG\r\n'))).toBe(true);
    expect(isCompleteReply(Buffer.from('-ERR x\r\n'))).toBe(true);
    expect(isCompleteReply(Buffer.from('$5\r\nhel'))).toBe(false);
    expect(isCompleteReply(Buffer.from('$5\r\nhello\r\n'))).toBe(true);
    expect(isCompleteReply(Buffer.from('$-1\r\n'))).toBe(true);
  });

  it('redisCommand times out against a server that never answers', async () => {
    const sockets: Array<{ destroy(): void }> = [];
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent!.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await expect(redisCommand(port, 'PING', 100)).rejects.toMatchObject({
      code: 'ERR_TESTKIT_TIMEOUT',
    });
    for (const socket of sockets) socket.destroy();
  });
});
