import { afterAll, describe, expect, it } from '@jest/globals';
import { createDemoProvider } from '@chatbox/llm';
import { createSessionManager } from '@chatbox/session';
import { createMemoryStore } from '@chatbox/storage';
import { createMessageRouter, isRouterError } from '../../src/index.js';
import type { MessageRouterOptions } from '../../src/index.js';
import { TurnTable } from '../../src/turns.js';
import { countingTimers } from '../support/counting-timers.js';
import { streamWriterFor } from '../support/harness.js';

const store = createMemoryStore();
const sessions = createSessionManager({ sweepIntervalMs: 0 });
const llm = createDemoProvider();
afterAll(async () => {
  await store.close();
  await llm.close();
});

const valid: MessageRouterOptions = {
  sessions,
  store,
  llm,
  openStreamWriter: streamWriterFor(store),
  maxInputChars: 100,
  maxTokens: 10,
};

function codeOf(options: unknown): string | undefined {
  try {
    createMessageRouter(options as MessageRouterOptions);
    return undefined;
  } catch (error) {
    return isRouterError(error) ? `${error.code}: ${error.message}` : 'other';
  }
}

describe('createMessageRouter options', () => {
  it('accepts the minimal options', async () => {
    const router = createMessageRouter(valid);
    expect(router.stats()).toEqual({ connections: 0, sessionsBound: 0, generations: 0 });
    await router.close();
  });

  it.each<[string, unknown]>([
    ['options', null],
    ['sessions', { ...valid, sessions: {} }],
    ['store', { ...valid, store: { createSession: () => undefined } }],
    ['llm', { ...valid, llm: undefined }],
    ['openStreamWriter', { ...valid, openStreamWriter: 'no' }],
    ['messageLimiter', { ...valid, messageLimiter: {} }],
    ['generationLimiter', { ...valid, generationLimiter: { acquire: 1 } }],
    ['system', { ...valid, system: 42 }],
    ['maxInputChars', { ...valid, maxInputChars: 0 }],
    ['maxTokens', { ...valid, maxTokens: 1.5 }],
    ['maxContextChars', { ...valid, maxContextChars: 50 }],
    ['maxReplayMessages', { ...valid, maxReplayMessages: -1 }],
    ['clock', { ...valid, clock: 5 }],
  ])('refuses a bad %s with ERR_ROUTER_INVALID_OPTIONS', (name, options) => {
    const result = codeOf(options);
    expect(result).toMatch(/^ERR_ROUTER_INVALID_OPTIONS: /);
    expect(result).toContain(name);
  });
});

describe('TurnTable', () => {
  it('one turn per session; whenEmpty resolves on release or times out, clearing its timer', async () => {
    const timers = countingTimers();
    const table = new TurnTable(timers);
    const turn = table.reserve('s', 'u', 'c', 'id')!;
    expect(table.reserve('s', 'u', 'c2', 'id2')).toBeUndefined();
    expect(await table.whenEmpty(10)).toBe(false);
    expect(timers.pending).toBe(0);
    const waiting = table.whenEmpty(5_000);
    const announced: string[] = [];
    table.release(turn, () => announced.push('done'));
    expect(await waiting).toBe(true);
    await turn.settled;
    expect(announced).toEqual(['done']);
    expect(timers.pending).toBe(0);
    turn.abort('cancelled');
    turn.abort('shutdown');
    expect(turn.reason).toBe('cancelled');
    expect(turn.signal.aborted).toBe(true);
  });
});
