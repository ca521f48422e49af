import type { Logger } from 'pino';
import { CallGuard, normaliseDeadlines, positiveInteger } from './deadlines.js';
import type { DeadlineOptions } from './deadlines.js';
import { LlmError } from './errors.js';
import { DEFAULT_MAX_INPUT_CHARS, prepareRequest } from './request-limits.js';
import type { RequestLimits } from './request-limits.js';
import { silentLogger, systemClock, systemTimers } from './runtime.js';
import type {
  LlmChunk,
  LlmClock,
  LlmDeadlines,
  LlmProvider,
  LlmRequest,
  LlmStreamOptions,
  LlmTimers,
} from './types.js';

/** The model name every demo reply reports, so stored replies are labelled as canned. */
export const DEMO_MODEL = 'chatbox-demo';
export const DEFAULT_DEMO_DELAY_MS = 30;
export const DEFAULT_DEMO_CHUNK_SIZE = 12;
export const DEFAULT_DEMO_MAX_TOKENS = 1_024;
const CHARS_PER_TOKEN = 4;
const ECHO_CHARS = 200;

export interface DemoProviderOptions extends DeadlineOptions {
  /** Pause before each chunk. */
  delayMs?: number;
  /** Characters (code points) per chunk. */
  chunkSize?: number;
  reply?: (request: LlmRequest) => string;
  maxTokens?: number;
  maxInputChars?: number;
  logger?: Logger;
  clock?: LlmClock;
  timers?: LlmTimers;
}

function defaultReply(request: LlmRequest): string {
  const lastUser = [...request.messages].reverse().find((message) => message.role === 'user');
  const said = Array.from(lastUser?.content ?? '')
    .slice(0, ECHO_CHARS)
    .join('');
  return `[demo] No language model is configured, so this reply is canned. You said: "${said}"`;
}

function tokensFor(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

function pause(ms: number, timers: LlmTimers, signal: AbortSignal): Promise<void> {
  if (ms === 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = (): void => {
      timers.clearTimeout(handle);
      resolve();
    };
    const handle = timers.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

class DemoProvider implements LlmProvider {
  readonly name = 'demo' as const;
  readonly demo = true;
  readonly deadlines: LlmDeadlines;
  readonly #delayMs: number;
  readonly #chunkSize: number;
  readonly #reply: (request: LlmRequest) => string;
  readonly #limits: RequestLimits;
  readonly #clock: LlmClock;
  readonly #timers: LlmTimers;
  readonly #active = new Set<CallGuard>();
  #closed = false;

  constructor(options: DemoProviderOptions) {
    this.deadlines = normaliseDeadlines(options);
    const delayMs = options.delayMs ?? DEFAULT_DEMO_DELAY_MS;
    if (!Number.isSafeInteger(delayMs) || delayMs < 0) {
      throw new TypeError(`delayMs must be a non-negative integer, got ${String(options.delayMs)}`);
    }
    this.#delayMs = delayMs;
    this.#chunkSize = positiveInteger('chunkSize', options.chunkSize, DEFAULT_DEMO_CHUNK_SIZE);
    this.#reply = options.reply ?? defaultReply;
    this.#limits = {
      model: DEMO_MODEL,
      maxTokens: positiveInteger('maxTokens', options.maxTokens, DEFAULT_DEMO_MAX_TOKENS),
      maxInputChars: positiveInteger(
        'maxInputChars',
        options.maxInputChars,
        DEFAULT_MAX_INPUT_CHARS,
      ),
    };
    this.#clock = options.clock ?? systemClock;
    this.#timers = options.timers ?? systemTimers;
    const logger = (options.logger ?? silentLogger()).child({ component: 'llm', provider: 'demo' });
    logger.warn(
      { model: DEMO_MODEL, deadlines: this.deadlines },
      'demo LLM provider: replies are canned, no model is called',
    );
  }

  stream(request: LlmRequest, options: LlmStreamOptions = {}): AsyncIterable<LlmChunk> {
    return this.#run(request, options.signal);
  }

  close(): Promise<void> {
    this.#closed = true;
    for (const guard of this.#active) guard.abort('closed');
    return Promise.resolve();
  }

  async *#run(
    request: LlmRequest,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<LlmChunk, void, undefined> {
    if (this.#closed)
      throw new LlmError('ERR_LLM_UNAVAILABLE', 'LLM provider closed', { retryable: true });
    const prepared = prepareRequest(request, this.#limits);
    const guard = new CallGuard({
      deadlines: this.deadlines,
      clock: this.#clock,
      timers: this.#timers,
      callerSignal: signal,
    });
    this.#active.add(guard);
    let completed = false;
    try {
      const budget = prepared.maxTokens * CHARS_PER_TOKEN;
      const full = Array.from(this.#reply(request));
      const text = full.slice(0, budget);
      for (let start = 0; start < text.length; start += this.#chunkSize) {
        guard.waiting();
        await pause(this.#delayMs, this.#timers, guard.signal);
        if (guard.aborted) throw guard.error();
        guard.received(true);
        yield { type: 'text', text: text.slice(start, start + this.#chunkSize).join('') };
      }
      if (guard.aborted) throw guard.error();
      completed = true;
      yield {
        type: 'done',
        usage: {
          inputTokens: tokensFor(prepared.inputChars),
          outputTokens: tokensFor(text.length),
        },
        stopReason: full.length > text.length ? 'max_tokens' : 'end_turn',
        model: DEMO_MODEL,
      };
    } finally {
      if (!completed && !guard.aborted) guard.abort('cancelled');
      guard.dispose();
      this.#active.delete(guard);
    }
  }
}

/** Local, deterministic replies at a configurable pace, for running without an API key. */
export function createDemoProvider(options: DemoProviderOptions = {}): LlmProvider {
  return new DemoProvider(options);
}
