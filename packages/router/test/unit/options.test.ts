import { afterAll, describe, expect, it } from '@jest/globals';
import { createDemoProvider } from '@chatbox/llm';
import { createSessionManager } from '@chatbox/session';
import { createMemoryStore } from '@chatbox/storage';
import {
  createMessageRouter,
  DEFAULT_FOLLOW_INTERVAL_MS,
  DEFAULT_FOLLOW_TIMEOUT_MS,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_STALE_STREAMING_AFTER_MS,
  isRouterError,
} from '../../src/index.js';
import type { MessageRouterOptions } from '../../src/index.js';
import { normalizeOptions } from '../../src/options.js';
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

/** The router's store methods of the memory store, as own properties (spreadable). */
function storeMethods(): Record<string, unknown> {
  return {
    createSession: () => undefined,
    saveSession: () => undefined,
    endSession: () => undefined,
    getSession: () => undefined,
    appendMessage: () => undefined,
    getMessages: () => undefined,
    updateMessage: () => undefined,
  };
}

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
    ['updateMessage', { ...valid, store: { ...storeMethods(), updateMessage: undefined } }],
    ['markStaleStreaming', { ...valid, store: { ...storeMethods(), markStaleStreaming: 1 } }],
    ['appendMessages', { ...valid, store: { ...storeMethods(), appendMessages: 'x' } }],
    ['coalesceMs', { ...valid, coalesceMs: -1 }],
    ['coalesceMs', { ...valid, coalesceMs: 2.5 }],
    ['coalesceMaxChars', { ...valid, coalesceMaxChars: 0 }],
    ['onSessionBound', { ...valid, onSessionBound: 'publish' }],
    ['onClientControl', { ...valid, onClientControl: {} }],
    ['heartbeatIntervalMs', { ...valid, heartbeatIntervalMs: 0 }],
    [
      'staleStreamingAfterMs',
      { ...valid, heartbeatIntervalMs: 1_000, staleStreamingAfterMs: 1_500 },
    ],
    ['followIntervalMs', { ...valid, followIntervalMs: -5 }],
    ['followTimeoutMs', { ...valid, followTimeoutMs: Infinity }],
  ])('refuses a bad %s with ERR_ROUTER_INVALID_OPTIONS', (name, options) => {
    const result = codeOf(options);
    expect(result).toMatch(/^ERR_ROUTER_INVALID_OPTIONS: /);
    expect(result).toContain(name);
  });
});

describe('instance options (issue 11)', () => {
  it('derive the follow timeout from the provider total deadline and the stale time', () => {
    const normalized = normalizeOptions(valid);
    expect(normalized).toMatchObject({
      heartbeatIntervalMs: DEFAULT_HEARTBEAT_INTERVAL_MS,
      staleStreamingAfterMs: DEFAULT_STALE_STREAMING_AFTER_MS,
      followIntervalMs: DEFAULT_FOLLOW_INTERVAL_MS,
      followTimeoutMs: llm.deadlines.totalMs + DEFAULT_STALE_STREAMING_AFTER_MS,
    });
    const bare = {
      name: 'demo',
      demo: true,
      stream: llm.stream.bind(llm),
      close: () => llm.close(),
    };
    expect(normalizeOptions({ ...valid, llm: bare as never }).followTimeoutMs).toBe(
      DEFAULT_FOLLOW_TIMEOUT_MS,
    );
    // A long heartbeat raises the default stale time to two heartbeats.
    expect(normalizeOptions({ ...valid, heartbeatIntervalMs: 20_000 }).staleStreamingAfterMs).toBe(
      40_000,
    );
    const store = { ...storeMethods() } as unknown as MessageRouterOptions['store'];
    expect(normalizeOptions({ ...valid, store }).store).toBe(store);
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

describe('frame coalescing options', () => {
  it('default to DEFAULT_COALESCE_MS / DEFAULT_COALESCE_MAX_CHARS; 0 ms is allowed', () => {
    expect(normalizeOptions(valid)).toMatchObject({ coalesceMs: 25, coalesceMaxChars: 4_096 });
    expect(normalizeOptions({ ...valid, coalesceMs: 0, coalesceMaxChars: 1 })).toMatchObject({
      coalesceMs: 0,
      coalesceMaxChars: 1,
    });
  });
});
