import { randomUUID } from 'node:crypto';
import { createDemoProvider } from '@chatbox/llm';
import type { LlmProvider } from '@chatbox/llm';
import type { SendFrame } from '@chatbox/message';
import { createSessionManager } from '@chatbox/session';
import type { SessionManager, SessionManagerOptions } from '@chatbox/session';
import { createMemoryStore, createStreamWriter } from '@chatbox/storage';
import type { MeteredSessionStore, SessionStore } from '@chatbox/storage';
import { createMessageRouter } from '../../src/index.js';
import type {
  ClusterMessageRouter,
  MessageRouterOptions,
  RouterEvent,
  RouterStore,
} from '../../src/index.js';
import { FakeConnection } from './fake-connection.js';

export interface Harness {
  readonly router: ClusterMessageRouter;
  readonly sessions: SessionManager;
  readonly store: MeteredSessionStore;
  readonly llm: LlmProvider;
  readonly events: RouterEvent[];
  connect(userId?: string): FakeConnection;
  close(): Promise<void>;
}

export interface HarnessOptions extends Partial<Omit<MessageRouterOptions, 'store'>> {
  readonly store?: MeteredSessionStore;
  /** Wraps the store the router sees (fault injection); the harness keeps the real one. */
  readonly wrapStore?: (store: MeteredSessionStore) => RouterStore;
  readonly sessionOptions?: SessionManagerOptions;
  /** Close the store in close() (default true). */
  readonly ownStore?: boolean;
}

/** The stream writer adapter the server uses: storage's write-behind writer per reply. */
export function streamWriterFor(
  store: Pick<SessionStore, 'updateMessage'>,
  flushIntervalMs = 50,
): MessageRouterOptions['openStreamWriter'] {
  return (sessionId, seq) => createStreamWriter({ store, sessionId, seq, flushIntervalMs });
}

export function createHarness(options: HarnessOptions = {}): Harness {
  const { wrapStore, sessionOptions, ownStore = true, store: given, ...routerOptions } = options;
  const store = given ?? createMemoryStore();
  const sessions =
    routerOptions.sessions ?? createSessionManager({ sweepIntervalMs: 0, ...sessionOptions });
  const llm = routerOptions.llm ?? createDemoProvider({ delayMs: 1, chunkSize: 8 });
  const events: RouterEvent[] = [];
  const router = createMessageRouter({
    maxInputChars: 4_000,
    maxTokens: 256,
    openStreamWriter: streamWriterFor(store),
    onEvent: (event) => events.push(event),
    ...routerOptions,
    sessions,
    llm,
    store: wrapStore === undefined ? store : wrapStore(store),
  });
  const connections: FakeConnection[] = [];
  return {
    router,
    sessions,
    store,
    llm,
    events,
    connect(userId = 'user-1') {
      const conn = new FakeConnection(userId);
      conn.onClose = () => router.detach(conn);
      connections.push(conn);
      router.attach(conn);
      return conn;
    },
    async close() {
      await router.close();
      for (const conn of connections) {
        try {
          conn.close(1001, 'test over');
        } catch {
          // A test replaced close() with a throwing one.
        }
      }
      await llm.close();
      sessions.close();
      if (ownStore) await store.close();
    },
  };
}

export function sendFrame(content: string, extra: Partial<SendFrame> = {}): SendFrame {
  return { type: 'send', clientMessageId: randomUUID(), content, ...extra };
}

/** Resolves after `ms`; the timer is cleared when it fires, so nothing is left behind. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `predicate` every 5 ms until it holds; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(5);
  }
}
