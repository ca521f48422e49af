import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { createMemoryStore } from '../../src/index.js';
import { describeStoreContract } from '../support/store-contract.js';

describeStoreContract('memory', async () => createMemoryStore());

describe('createMemoryStore', () => {
  it('says at start that it is not durable', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const store = createMemoryStore({ logger: pino({ level: 'info' }, sink) });
    expect(store.durable).toBe(false);
    expect(store.metrics).toEqual({ retries: 0, failures: 0 });
    await store.close();
    expect(lines.join('')).toMatch(/lost when the process exits/);
  });
});
