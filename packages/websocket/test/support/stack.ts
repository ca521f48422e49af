import type { LlmProvider } from '@chatbox/llm';
import { createDemoProvider, type DemoProviderOptions } from '@chatbox/llm';
import {
  createMessageRouter,
  type MessageRouter,
  type MessageRouterOptions,
} from '@chatbox/router';
import { createSessionManager, type SessionManager } from '@chatbox/session';
import {
  createMemoryStore,
  createStreamWriter,
  type MeteredSessionStore,
  type SessionStore,
} from '@chatbox/storage';

/** The real layers under the gateway: session manager, in-memory store, an LLM provider, the router. */
export interface Stack {
  readonly sessions: SessionManager;
  readonly store: MeteredSessionStore;
  readonly llm: LlmProvider;
  readonly router: MessageRouter;
  close(): Promise<void>;
}

export interface StackOptions {
  llm?: LlmProvider;
  demo?: DemoProviderOptions;
  /** Wraps the store the router sees (e.g. to put its calls under a fast-check scheduler). */
  wrapStore?: (
    store: SessionStore,
  ) => MessageRouterOptions['store'] & Pick<SessionStore, 'updateMessage'>;
  router?: Partial<MessageRouterOptions>;
}

export function startStack(options: StackOptions = {}): Stack {
  const sessions = createSessionManager({ sweepIntervalMs: 0 });
  const store = createMemoryStore();
  const routed = options.wrapStore?.(store) ?? store;
  const llm = options.llm ?? createDemoProvider({ delayMs: 1, ...options.demo });
  const router = createMessageRouter({
    sessions,
    store: routed,
    llm,
    openStreamWriter: (sessionId, seq) =>
      createStreamWriter({ store: routed, sessionId, seq, flushIntervalMs: 100 }),
    maxInputChars: 4_000,
    maxTokens: 1_024,
    ...options.router,
  });
  let closed: Promise<void> | undefined;
  return {
    sessions,
    store,
    llm,
    router,
    close() {
      closed ??= (async () => {
        await router.close();
        await llm.close();
        sessions.close();
        await store.close();
      })();
      return closed;
    },
  };
}
