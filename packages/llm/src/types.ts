export interface LlmMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface LlmRequest {
  messages: readonly LlmMessage[];
  system?: string;
  /** Capped at the provider's `maxTokens` before the call. */
  maxTokens?: number;
  model?: string;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
}

export type LlmChunk =
  | { type: 'text'; text: string }
  | { type: 'done'; usage: LlmUsage; stopReason: string; model: string };

export interface LlmStreamOptions {
  signal?: AbortSignal;
}

export interface LlmDeadlines {
  /** From the start of the call to the first text delta. */
  firstTokenMs: number;
  /** Longest wait for the next upstream event once text has started. */
  idleMs: number;
  /** From the start of the call to the end of the stream. */
  totalMs: number;
}

export interface LlmProvider {
  readonly name: 'anthropic' | 'demo';
  /** True for the local canned provider: replies are not from a model. */
  readonly demo: boolean;
  readonly deadlines: LlmDeadlines;
  /** The call starts when iteration starts; breaking out of the loop aborts it. */
  stream(request: LlmRequest, options?: LlmStreamOptions): AsyncIterable<LlmChunk>;
  /** Aborts calls in flight (ERR_LLM_UNAVAILABLE) and refuses new ones. Idempotent. */
  close(): Promise<void>;
}

export interface LlmClock {
  now(): number;
}

export type TimerHandle = unknown;

export interface LlmTimers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}
