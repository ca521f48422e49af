import type { ChatMessage, SessionSnapshot } from '@chatbox/session';
import { StorageError } from '@chatbox/storage';
import type {
  AppendResult,
  GetMessagesOptions,
  ListSessionsFilter,
  MessagePatch,
  MeteredSessionStore,
  SessionPage,
  StorageMetrics,
} from '@chatbox/storage';
import type { Logger } from 'pino';

export const DEFAULT_CONNECT_RETRY_BASE_MS = 250;
export const DEFAULT_CONNECT_RETRY_MAX_MS = 5_000;

export interface ConnectorTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface StoreConnectorOptions {
  readonly connect: () => Promise<MeteredSessionStore>;
  readonly durable: boolean;
  readonly logger: Logger;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly timers?: ConnectorTimers;
}

/** The store the app hands out at once, while the real one may still be connecting. */
export interface ConnectingStore extends MeteredSessionStore {
  readonly connected: boolean;
  /** Resolves once connected; rejects with ERR_STORAGE_CLOSED when closed first. */
  whenConnected(): Promise<void>;
}

const NO_METRICS: StorageMetrics = Object.freeze({ retries: 0, failures: 0 });

const realTimers: ConnectorTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

/**
 * Storage down at start must not crash-loop the pod (reliability.md, process scenarios): the
 * process serves liveness at once, stays not-ready while it retries the connection with capped
 * backoff, and every call made meanwhile fails with the retryable ERR_STORAGE_UNAVAILABLE.
 */
class StoreConnector implements ConnectingStore {
  readonly durable: boolean;
  readonly #options: StoreConnectorOptions;
  readonly #timers: ConnectorTimers;
  readonly #connected: Promise<void>;
  readonly #loopDone: Promise<void>;
  #target: MeteredSessionStore | undefined;
  #closed = false;
  #wait: { handle: unknown; wake: () => void } | undefined;
  #resolve!: () => void;
  #reject!: (error: Error) => void;

  constructor(options: StoreConnectorOptions) {
    this.#options = options;
    this.durable = options.durable;
    this.#timers = options.timers ?? realTimers;
    this.#connected = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#connected.catch(() => undefined);
    this.#loopDone = this.#loop();
  }

  get connected(): boolean {
    return this.#target !== undefined;
  }

  get metrics(): StorageMetrics {
    return this.#target?.metrics ?? NO_METRICS;
  }

  whenConnected(): Promise<void> {
    return this.#connected;
  }

  async #loop(): Promise<void> {
    const base = this.#options.retryBaseMs ?? DEFAULT_CONNECT_RETRY_BASE_MS;
    const max = this.#options.retryMaxMs ?? DEFAULT_CONNECT_RETRY_MAX_MS;
    for (let attempt = 1; !this.#closed; attempt += 1) {
      try {
        const store = await this.#options.connect();
        if (this.#closed) {
          await store.close();
          return;
        }
        this.#target = store;
        this.#resolve();
        return;
      } catch (error) {
        const delayMs = Math.min(max, base * 2 ** Math.min(attempt - 1, 16));
        this.#options.logger.warn(
          { attempt, delayMs, code: errorCode(error) },
          'storage not reachable yet, retrying',
        );
        await new Promise<void>((wake) => {
          this.#wait = { handle: this.#timers.setTimeout(wake, delayMs), wake };
        });
        this.#wait = undefined;
      }
    }
  }

  #store(): MeteredSessionStore {
    if (this.#closed) throw new StorageError('ERR_STORAGE_CLOSED', 'store is closed');
    if (this.#target === undefined)
      throw new StorageError('ERR_STORAGE_UNAVAILABLE', 'storage is not connected yet');
    return this.#target;
  }

  async #call<T>(work: (store: MeteredSessionStore) => Promise<T>): Promise<T> {
    return work(this.#store());
  }

  createSession(snapshot: SessionSnapshot): Promise<void> {
    return this.#call((s) => s.createSession(snapshot));
  }
  saveSession(snapshot: SessionSnapshot): Promise<void> {
    return this.#call((s) => s.saveSession(snapshot));
  }
  endSession(snapshot: SessionSnapshot): Promise<void> {
    return this.#call((s) => s.endSession(snapshot));
  }
  getSession(id: string): Promise<SessionSnapshot | undefined> {
    return this.#call((s) => s.getSession(id));
  }
  listSessions(filter: ListSessionsFilter): Promise<SessionPage> {
    return this.#call((s) => s.listSessions(filter));
  }
  appendMessage(message: ChatMessage): Promise<AppendResult> {
    return this.#call((s) => s.appendMessage(message));
  }
  // Issue 10: one write per turn (user message and reply placeholder) where the store batches.
  appendMessages(messages: readonly ChatMessage[]): Promise<AppendResult[]> {
    return this.#call(async (s) => {
      if (s.appendMessages !== undefined) return s.appendMessages(messages);
      const results: AppendResult[] = [];
      for (const message of messages) results.push(await s.appendMessage(message));
      return results;
    });
  }
  updateMessage(sessionId: string, seq: number, patch: MessagePatch): Promise<void> {
    return this.#call((s) => s.updateMessage(sessionId, seq, patch));
  }
  getMessages(sessionId: string, options?: GetMessagesOptions): Promise<ChatMessage[]> {
    return this.#call((s) => s.getMessages(sessionId, options));
  }
  markStaleStreaming(olderThan: Date): Promise<number> {
    return this.#call((s) => s.markStaleStreaming(olderThan));
  }
  purgeEnded(olderThan: Date): Promise<number> {
    return this.#call((s) => s.purgeEnded(olderThan));
  }
  ping(): Promise<void> {
    return this.#call((s) => s.ping());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#wait !== undefined) {
      this.#timers.clearTimeout(this.#wait.handle);
      this.#wait.wake();
    }
    this.#reject(new StorageError('ERR_STORAGE_CLOSED', 'store closed before it connected'));
    // A connection attempt in flight ends within its own retry deadline, and is closed by the loop.
    await this.#loopDone;
    await this.#target?.close();
  }
}

export function createStoreConnector(options: StoreConnectorOptions): ConnectingStore {
  return new StoreConnector(options);
}
