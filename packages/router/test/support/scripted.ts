import { createDemoProvider } from '@chatbox/llm';
import type { LlmChunk, LlmProvider } from '@chatbox/llm';
import type { RouterTimers } from '../../src/index.js';

type Step = { text: string } | { end: true } | { fail: Error };

/**
 * A provider whose chunks the test releases one by one (`push`, `end`, `fail`); an abort of the
 * call's signal ends the stream with an error, as the real providers do.
 */
export interface ScriptedLlm extends LlmProvider {
  readonly calls: number;
  push(text: string): Promise<void>;
  end(): Promise<void>;
  fail(error: Error): Promise<void>;
}

/** Lets the router's promise chains run (several macrotask turns). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

export function scriptedLlm(): ScriptedLlm {
  const base = createDemoProvider({ delayMs: 0 });
  const queue: Step[] = [];
  let wake: (() => void) | undefined;
  let calls = 0;
  const enqueue = async (step: Step): Promise<void> => {
    queue.push(step);
    wake?.();
    await settle();
  };
  return {
    name: 'demo',
    demo: true,
    deadlines: base.deadlines,
    get calls() {
      return calls;
    },
    stream(_request, options): AsyncIterable<LlmChunk> {
      calls += 1;
      const signal = options?.signal;
      return {
        async *[Symbol.asyncIterator]() {
          for (;;) {
            if (signal?.aborted === true) throw new Error('aborted');
            const step = queue.shift();
            if (step === undefined) {
              await new Promise<void>((resolve) => {
                wake = resolve;
                signal?.addEventListener('abort', () => resolve(), { once: true });
              });
              wake = undefined;
              continue;
            }
            if ('fail' in step) throw step.fail;
            if ('end' in step) {
              yield {
                type: 'done',
                usage: { inputTokens: 1, outputTokens: 1 },
                stopReason: 'end_turn',
                model: 'scripted',
              };
              return;
            }
            yield { type: 'text', text: step.text };
          }
        },
      };
    },
    close: () => base.close(),
    push: (text) => enqueue({ text }),
    end: () => enqueue({ end: true }),
    fail: (error) => enqueue({ fail: error }),
  };
}

/** Timers the test fires by hand; real ones would make the tests depend on timing. */
export interface ManualTimers extends RouterTimers {
  /** Timers not fired or cleared yet, with this delay. */
  pending(ms: number): number;
  /** Fires the pending timers of this delay. */
  fire(ms: number): void;
}

export function manualTimers(): ManualTimers {
  const live = new Map<number, { ms: number; callback: () => void }>();
  let next = 1;
  return {
    setTimeout(callback, ms) {
      const id = next;
      next += 1;
      live.set(id, { ms, callback });
      return id;
    },
    clearTimeout(handle) {
      live.delete(handle as number);
    },
    pending(ms) {
      return [...live.values()].filter((t) => t.ms === ms).length;
    },
    fire(ms) {
      for (const [id, timer] of [...live]) {
        if (timer.ms !== ms) continue;
        live.delete(id);
        timer.callback();
      }
    },
  };
}
