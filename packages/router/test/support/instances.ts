import type { LlmChunk, LlmProvider } from '@chatbox/llm';
import { createDemoProvider } from '@chatbox/llm';
import type { MeteredSessionStore, SessionStore } from '@chatbox/storage';
import type { ClusterMessageRouter, MessageRouterOptions, RouterStore } from '../../src/index.js';
import type { Harness, HarnessOptions } from './harness.js';
import { createHarness, streamWriterFor } from './harness.js';

type BusOptions = Pick<MessageRouterOptions, 'onSessionBound' | 'onClientControl'>;

/**
 * Stands in for the server's Redis control channel between instances: a notice reaches every
 * other instance asynchronously (as pub/sub does), never its publisher.
 */
export interface ControlBus {
  options(name: string): BusOptions;
  join(name: string, router: ClusterMessageRouter): void;
  /** What each instance did with the notices it received, e.g. `A release <id> true`. */
  readonly log: string[];
  /** Resolves once every notice published so far was handled. */
  settle(): Promise<void>;
}

export function createControlBus(): ControlBus {
  const members = new Map<string, ClusterMessageRouter>();
  const pending = new Set<Promise<void>>();
  const log: string[] = [];
  const publish = (
    from: string,
    deliver: (name: string, router: ClusterMessageRouter) => unknown,
  ) => {
    for (const [name, router] of members) {
      if (name === from) continue;
      const delivery = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => deliver(name, router))
        .then((result) => void log.push(`${name} ${String(result)}`));
      pending.add(delivery);
      void delivery.finally(() => pending.delete(delivery));
    }
  };
  return {
    log,
    options: (from) => ({
      onSessionBound: (sessionId, binding) =>
        publish(from, (name, router) => {
          const released = router.releaseSession(sessionId, {
            reason: `bound on ${from}`,
            boundBefore: binding.boundAt,
          });
          return `release ${sessionId} ${String(released)}`;
        }),
      onClientControl: (control) =>
        publish(from, async (name, router) => {
          if (control.type === 'cancel')
            return `cancel ${control.sessionId} ${String(router.cancelGeneration(control.sessionId))}`;
          const ended = await router.endSession(control.sessionId, { reason: `end on ${from}` });
          return `end ${control.sessionId} ${String(ended)}`;
        }),
    }),
    join: (name, router) => void members.set(name, router),
    async settle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

/** One instance: its own session manager and router on the shared store, joined to the bus. */
export function startInstance(
  name: string,
  bus: ControlBus,
  store: MeteredSessionStore,
  options: HarnessOptions = {},
): Harness {
  const h = createHarness({ store, ownStore: false, ...bus.options(name), ...options });
  bus.join(name, h.router);
  return h;
}

/** A store view that an instance loses at `sever()`: every later call fails, as for a dead pod. */
export interface SeverableStore {
  readonly view: RouterStore & Pick<SessionStore, 'updateMessage'>;
  sever(): void;
}

export function severable(store: MeteredSessionStore): SeverableStore {
  let severed = false;
  const guard = <T>(call: () => Promise<T>): Promise<T> =>
    severed ? Promise.reject(Object.assign(new Error('severed'), { code: 'ECONNRESET' })) : call();
  return {
    sever: () => {
      severed = true;
    },
    view: {
      createSession: (s) => guard(() => store.createSession(s)),
      saveSession: (s) => guard(() => store.saveSession(s)),
      endSession: (s) => guard(() => store.endSession(s)),
      getSession: (id) => guard(() => store.getSession(id)),
      appendMessage: (m) => guard(() => store.appendMessage(m)),
      getMessages: (id, o) => guard(() => store.getMessages(id, o)),
      updateMessage: (id, seq, patch) => guard(() => store.updateMessage(id, seq, patch)),
      markStaleStreaming: (olderThan) => guard(() => store.markStaleStreaming(olderThan)),
    },
  };
}

/** Harness options for an instance that writes through `view` (router calls and stream writer). */
export function writingThrough(view: SeverableStore['view']): HarnessOptions {
  return { wrapStore: () => view, openStreamWriter: streamWriterFor(view) };
}

/**
 * A provider that streams `text`, then goes silent until its call is aborted: a model that thinks
 * for a long time, or (with the instance's store severed) a generation whose instance died.
 */
export function stallingProvider(text: string): LlmProvider & { readonly aborted: number } {
  const inner = createDemoProvider();
  let aborted = 0;
  return {
    name: 'demo',
    demo: true,
    deadlines: inner.deadlines,
    get aborted() {
      return aborted;
    },
    async *stream(_request, options): AsyncIterable<LlmChunk> {
      yield { type: 'text', text };
      const signal = options?.signal;
      await new Promise<void>((_resolve, reject) => {
        const stop = (): void => {
          aborted += 1;
          reject(new Error('aborted'));
        };
        if (signal?.aborted === true) stop();
        else signal?.addEventListener('abort', stop, { once: true });
      });
    },
    close: () => inner.close(),
  };
}

/** Checks the deltas of `seq` continue each other from `start`: every character exactly once. */
export function contiguous(
  deltas: readonly { seq: number; offset: number; text: string }[],
  seq: number,
  start: number,
): boolean {
  let at = start;
  for (const delta of deltas) {
    if (delta.seq !== seq) continue;
    if (delta.offset !== at) return false;
    at += delta.text.length;
  }
  return true;
}
