import { describe, expect, it } from '@jest/globals';
import { createKeyedSerializer } from '../../src/keyed-serializer.js';

describe('createKeyedSerializer', () => {
  it('runs tasks of one key in order, other keys concurrently, and forgets idle keys', async () => {
    const idle: string[] = [];
    const serializer = createKeyedSerializer((key) => idle.push(key));
    const log: string[] = [];
    let releaseA: () => void = () => undefined;
    const a1 = serializer.run('a', async () => {
      await new Promise<void>((r) => (releaseA = r));
      log.push('a1');
    });
    const a2 = serializer.run('a', async () => {
      log.push('a2');
      return 2;
    });
    const b1 = serializer.run('b', async () => {
      log.push('b1');
    });
    await b1;
    expect(log).toEqual(['b1']);
    expect(serializer.size).toBe(2);
    releaseA();
    await expect(a2).resolves.toBe(2);
    await a1;
    expect(log).toEqual(['b1', 'a1', 'a2']);
    await new Promise((r) => setImmediate(r));
    expect(serializer.size).toBe(0);
    expect(idle.sort()).toEqual(['a', 'b']);
  });

  it('keeps going after a task fails', async () => {
    const serializer = createKeyedSerializer();
    const failed = serializer.run('k', async () => {
      throw new Error('boom');
    });
    const next = serializer.run('k', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
