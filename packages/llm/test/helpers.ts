import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import type { LlmChunk } from '../src/index.js';

export interface Collected {
  chunks: LlmChunk[];
  text: string;
  error: unknown;
  elapsedMs: number;
}

/** Drains a stream, keeping what arrived before a failure. */
export async function collect(
  iterable: AsyncIterable<LlmChunk>,
  onChunk?: (chunk: LlmChunk) => void,
): Promise<Collected> {
  const started = performance.now();
  const chunks: LlmChunk[] = [];
  let error: unknown;
  try {
    for await (const chunk of iterable) {
      chunks.push(chunk);
      onChunk?.(chunk);
    }
  } catch (caught) {
    error = caught;
  }
  const text = chunks.map((chunk) => (chunk.type === 'text' ? chunk.text : '')).join('');
  return { chunks, text, error, elapsedMs: performance.now() - started };
}

/** A throwaway key built at run time, so no secret-looking literal lives in the repository. */
export function testApiKey(): string {
  return `test-${randomBytes(24).toString('hex')}`;
}

/** A pino logger whose lines are kept in memory, to assert what is (not) logged. */
export function memoryLogger(): { logger: Logger; lines: () => string } {
  const parts: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines: () => parts.join('') };
}

export interface ManualTimers {
  clock: { now(): number };
  timers: {
    setTimeout(callback: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
  };
  /** Moves time forward, firing due callbacks in order. */
  advance(ms: number): void;
  pending(): number;
}

/** Deterministic clock and timers for unit tests: nothing fires until `advance()`. */
export function manualTimers(): ManualTimers {
  let now = 0;
  let nextId = 1;
  const due = new Map<number, { at: number; callback: () => void }>();
  return {
    clock: { now: () => now },
    timers: {
      setTimeout(callback, ms) {
        const id = nextId++;
        due.set(id, { at: now + ms, callback });
        return id;
      },
      clearTimeout(handle) {
        due.delete(handle as number);
      },
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        let first: [number, { at: number; callback: () => void }] | undefined;
        for (const entry of due)
          if (entry[1].at <= target && (first === undefined || entry[1].at < first[1].at))
            first = entry;
        if (first === undefined) break;
        due.delete(first[0]);
        now = first[1].at;
        first[1].callback();
      }
      now = target;
    },
    pending: () => due.size,
  };
}

/** Lets queued promise callbacks run (the demo provider awaits between chunks). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
