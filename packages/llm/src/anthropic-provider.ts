import { Anthropic } from '@anthropic-ai/sdk';
import type { Middleware } from '@anthropic-ai/sdk';
import type {
  MessageCreateParamsStreaming,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages';
import { normaliseAnthropicOptions } from './anthropic-options.js';
import type { AnthropicProviderOptions, AnthropicSettings } from './anthropic-options.js';
import { sdkLoggerFor, settleCall } from './call-log.js';
import type { CallTotals } from './call-log.js';
import { CallGuard } from './deadlines.js';
import { LlmError } from './errors.js';
import { prepareRequest } from './request-limits.js';
import type { PreparedRequest } from './request-limits.js';
import type { LlmChunk, LlmDeadlines, LlmProvider, LlmRequest, LlmStreamOptions } from './types.js';
import { mapUpstreamError, retryAfterMsOf } from './upstream-errors.js';
import type { UpstreamPhase } from './upstream-errors.js';

interface StreamTotals extends CallTotals {
  /** `message_stop` seen: the upstream finished the message. */
  stopped: boolean;
}

const RETRYABLE_STATUSES = new Set([408, 409, 429]);

class AnthropicProvider implements LlmProvider {
  readonly name = 'anthropic' as const;
  readonly demo = false;
  readonly deadlines: LlmDeadlines;
  readonly #settings: AnthropicSettings;
  readonly #client: Anthropic;
  readonly #active = new Set<CallGuard>();
  #closed = false;

  constructor(options: AnthropicProviderOptions) {
    const settings = normaliseAnthropicOptions(options);
    this.#settings = settings;
    this.deadlines = settings.deadlines;
    this.#client = new Anthropic({
      apiKey: settings.apiKey,
      baseURL: settings.baseURL,
      timeout: settings.sdkTimeoutMs,
      maxRetries: settings.sdkMaxRetries,
      // S15: the SDK's debug lines carry request bodies; only its warnings pass, without arguments.
      logLevel: 'warn',
      logger: sdkLoggerFor(settings.logger),
    });
    const { sdkTimeoutMs, sdkMaxRetries, deadlines } = settings;
    const origin = new URL(settings.baseURL).origin;
    const model = settings.limits.model;
    settings.logger.info(
      { model, origin, deadlines, sdkTimeoutMs, sdkMaxRetries },
      'anthropic LLM provider ready',
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

  async *#run(request: LlmRequest, signal: AbortSignal | undefined): AsyncGenerator<LlmChunk> {
    if (this.#closed) {
      throw new LlmError('ERR_LLM_UNAVAILABLE', 'LLM provider closed', { retryable: true });
    }
    const { deadlines, clock, timers, logger } = this.#settings;
    const prepared = prepareRequest(request, this.#settings.limits);
    const guard = new CallGuard({ deadlines, clock, timers, callerSignal: signal });
    this.#active.add(guard);
    const usage = { inputTokens: 0, outputTokens: 0 };
    const totals: StreamTotals = {
      usage,
      stopReason: 'unknown',
      model: prepared.model,
      stopped: false,
      completed: false,
      outputChars: 0,
    };
    let phase: UpstreamPhase = 'connect';
    let failure: LlmError | undefined;
    try {
      if (guard.aborted) throw guard.error();
      const events = await this.#open(prepared, guard);
      phase = 'stream';
      guard.waiting();
      for await (const event of events) {
        const text = this.#apply(event, totals, guard);
        if (text !== undefined) yield { type: 'text', text };
        guard.waiting();
      }
      // The SDK ends the iteration quietly when its request is aborted.
      if (guard.aborted) throw guard.error();
      if (!totals.stopped) {
        const partial = guard.partial;
        throw new LlmError('ERR_LLM_INTERRUPTED', 'model stream ended early', {
          retryable: true,
          partial,
        });
      }
      totals.completed = true;
      yield { type: 'done', usage, stopReason: totals.stopReason, model: totals.model };
    } catch (error) {
      failure = this.#failure(error, guard, phase);
      throw failure;
    } finally {
      // A consumer that stops iterating early ends the call: abort so the HTTP request closes.
      if (!totals.completed && !guard.aborted) guard.abort('cancelled');
      guard.dispose();
      this.#active.delete(guard);
      const durationMs = clock.now() - guard.startedAt;
      settleCall(logger, { prepared, totals, durationMs, failure });
    }
  }

  #failure(error: unknown, guard: CallGuard, phase: UpstreamPhase): LlmError {
    if (error instanceof LlmError) return error;
    // Our own abort explains the SDK's error (APIUserAbortError, aborted body read).
    if (guard.aborted) return guard.error();
    return mapUpstreamError(error, phase, guard.partial, this.#settings.clock.now());
  }

  #open(
    prepared: PreparedRequest,
    guard: CallGuard,
  ): Promise<AsyncIterable<RawMessageStreamEvent>> {
    const params: MessageCreateParamsStreaming = {
      model: prepared.model,
      max_tokens: prepared.maxTokens,
      messages: prepared.messages,
      stream: true,
    };
    if (prepared.system !== undefined) params.system = prepared.system;
    return this.#client.messages.create(params, {
      signal: guard.signal,
      timeout: this.#settings.sdkTimeoutMs,
      maxRetries: this.#settings.sdkMaxRetries,
      middleware: [this.#retryBudget(guard)],
    });
  }

  /**
   * R7: the SDK sleeps `retry-after` before retrying a 429/529/5xx. When that sleep would outlast the
   * first-token deadline, the retry cannot help: tell the SDK not to retry so the caller gets
   * ERR_LLM_RATE_LIMITED / ERR_LLM_OVERLOADED with `retryAfterMs` now, not a timeout later.
   */
  #retryBudget(guard: CallGuard): Middleware {
    return async (request, next) => {
      const response = await next(request);
      const retryable = RETRYABLE_STATUSES.has(response.status) || response.status >= 500;
      if (response.ok || !retryable) return response;
      const waitMs = retryAfterMsOf(response.headers, this.#settings.clock.now());
      if (waitMs === undefined || waitMs < guard.firstTokenBudgetMs()) return response;
      const headers = new Headers(response.headers);
      headers.set('x-should-retry', 'false');
      const { status, statusText } = response;
      return new Response(response.body, { status, statusText, headers });
    };
  }

  #apply(event: RawMessageStreamEvent, totals: StreamTotals, guard: CallGuard): string | undefined {
    switch (event.type) {
      case 'message_start':
        totals.model = event.message.model;
        totals.usage.inputTokens = event.message.usage.input_tokens;
        totals.usage.outputTokens = event.message.usage.output_tokens;
        break;
      case 'content_block_delta':
        if (event.delta.type === 'text_delta' && event.delta.text.length > 0) {
          guard.received(true);
          totals.outputChars += event.delta.text.length;
          return event.delta.text;
        }
        break;
      case 'message_delta':
        if (event.delta.stop_reason !== null) totals.stopReason = event.delta.stop_reason;
        totals.usage.outputTokens = event.usage.output_tokens;
        if (typeof event.usage.input_tokens === 'number') {
          totals.usage.inputTokens = event.usage.input_tokens;
        }
        break;
      case 'message_stop':
        totals.stopped = true;
        break;
      case 'content_block_start':
      case 'content_block_stop':
        break;
    }
    guard.received(false);
    return undefined;
  }
}

/** The Anthropic Messages API, streamed, behind chatbox's deadlines, limits and typed errors. */
export function createAnthropicProvider(options: AnthropicProviderOptions): LlmProvider {
  return new AnthropicProvider(options);
}
