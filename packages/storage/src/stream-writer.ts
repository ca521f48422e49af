import type { MessageStatus, Usage } from '@chatbox/session';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { StorageError } from './errors.js';
import type { Timers } from './retry.js';
import { realTimers } from './retry.js';
import type { SessionStore } from './store.js';
import { assertSeq, assertSessionId } from './validation.js';

/** R5: partial text reaches storage at least this often while a reply streams. */
export const DEFAULT_FLUSH_INTERVAL_MS = 500;
export const MAX_FLUSH_INTERVAL_MS = 1_000;
export const DEFAULT_FLUSH_CHARS = 2_000;

export interface StreamWriterOptions {
  readonly store: Pick<SessionStore, 'updateMessage'>;
  readonly sessionId: string;
  /** The seq of the assistant message, already appended with status `streaming`. */
  readonly seq: number;
  /** At most 1000 (R5); a crash loses at most this window of text. */
  readonly flushIntervalMs?: number;
  /** Unflushed characters that trigger a flush before the interval is up. */
  readonly flushChars?: number;
  /** Milliseconds since the epoch; stamps each flush's heartbeat. */
  readonly clock?: () => number;
  readonly timers?: Timers;
  readonly logger?: Logger;
}

export interface StreamFinal {
  readonly status: Exclude<MessageStatus, 'streaming'>;
  readonly usage?: Usage;
  readonly stopReason?: string;
  readonly errorCode?: string;
}

export interface StreamWriter {
  append(text: string): void;
  /** Stops the timer, waits for a flush in flight, writes the full text with the final status. */
  finish(final: StreamFinal): Promise<void>;
  /** Intermediate flushes that reached the store. */
  readonly flushes: number;
  /** Intermediate flushes that failed (the text stays pending and goes with the next flush). */
  readonly failedFlushes: number;
}

function positive(
  value: number | undefined,
  field: string,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new StorageError(
      'ERR_STORAGE_INVALID_OPTIONS',
      `${field} must be an integer in 1..${max}`,
    );
  }
  return value;
}

/**
 * Write-behind for one streaming assistant message (R5). Each write sets the whole text so far, so
 * a retried or repeated write is idempotent (an append-style `$concat` would duplicate text on a
 * retry), and the store sees one write per window, never one per token.
 */
class BufferedStreamWriter implements StreamWriter {
  readonly #options: StreamWriterOptions;
  readonly #intervalMs: number;
  readonly #flushChars: number;
  readonly #clock: () => number;
  readonly #timers: Timers;
  readonly #logger: Logger;
  #text = '';
  #flushedLength = 0;
  #timer: unknown;
  #inFlight: Promise<void> | undefined;
  #finished = false;
  #flushes = 0;
  #failedFlushes = 0;

  constructor(options: StreamWriterOptions) {
    assertSessionId(options.sessionId);
    assertSeq(options.seq);
    this.#options = options;
    this.#intervalMs = positive(
      options.flushIntervalMs,
      'flushIntervalMs',
      DEFAULT_FLUSH_INTERVAL_MS,
      MAX_FLUSH_INTERVAL_MS,
    );
    this.#flushChars = positive(options.flushChars, 'flushChars', DEFAULT_FLUSH_CHARS);
    this.#clock = options.clock ?? Date.now;
    this.#timers = options.timers ?? realTimers;
    this.#logger = options.logger ?? pino({ level: 'silent' });
  }

  get flushes(): number {
    return this.#flushes;
  }

  get failedFlushes(): number {
    return this.#failedFlushes;
  }

  append(text: string): void {
    if (this.#finished)
      throw new StorageError('ERR_STORAGE_WRITER_FINISHED', 'append after finish');
    if (typeof text !== 'string')
      throw new StorageError('ERR_STORAGE_INVALID_ARGUMENT', 'text must be a string');
    if (text === '') return;
    this.#text += text;
    if (this.#text.length - this.#flushedLength >= this.#flushChars) {
      this.#flushSoon(0);
    } else {
      this.#flushSoon(this.#intervalMs);
    }
  }

  #flushSoon(delayMs: number): void {
    if (delayMs > 0 && this.#timer !== undefined) return;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      this.#startFlush();
    }, delayMs);
  }

  #startFlush(): void {
    if (this.#finished || this.#text.length === this.#flushedLength) return;
    // One write at a time: text arriving meanwhile waits for the next window.
    if (this.#inFlight !== undefined) {
      this.#flushSoon(this.#intervalMs);
      return;
    }
    const length = this.#text.length;
    const { store, sessionId, seq } = this.#options;
    this.#inFlight = store
      .updateMessage(sessionId, seq, { content: this.#text, heartbeatAt: new Date(this.#clock()) })
      .then(
        () => {
          this.#flushes += 1;
          this.#flushedLength = Math.max(this.#flushedLength, length);
        },
        (error: unknown) => {
          this.#failedFlushes += 1;
          this.#logger.warn(
            { sessionId, seq, code: (error as { code?: unknown }).code },
            'partial text flush failed',
          );
        },
      )
      .finally(() => {
        this.#inFlight = undefined;
        if (!this.#finished && this.#text.length > this.#flushedLength)
          this.#flushSoon(this.#intervalMs);
      });
  }

  async finish(final: StreamFinal): Promise<void> {
    if (this.#finished)
      throw new StorageError('ERR_STORAGE_WRITER_FINISHED', 'finish called twice');
    this.#finished = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
    const { store, sessionId, seq } = this.#options;
    await store.updateMessage(sessionId, seq, {
      content: this.#text,
      status: final.status,
      heartbeatAt: new Date(this.#clock()),
      ...(final.usage === undefined ? {} : { usage: final.usage }),
      ...(final.stopReason === undefined ? {} : { stopReason: final.stopReason }),
      ...(final.errorCode === undefined ? {} : { errorCode: final.errorCode }),
    });
    this.#flushedLength = this.#text.length;
  }
}

export function createStreamWriter(options: StreamWriterOptions): StreamWriter {
  return new BufferedStreamWriter(options);
}
