import { createMemoryStore } from '@chatbox/storage';
import type { MeteredSessionStore } from '@chatbox/storage';

type Method = Exclude<keyof MeteredSessionStore, 'metrics' | 'durable'>;

export interface ControlledStore {
  readonly store: MeteredSessionStore;
  /** Calls per method since creation. */
  readonly calls: Map<string, number>;
  /** Every call in order, with its arguments. */
  readonly history: { method: string; args: unknown[] }[];
  /** Every later call of `method` rejects with `error` until cleared. */
  fail(method: Method, error: Error | undefined): void;
  /** Every later call of `method` waits for `gate` first. */
  hold(method: Method, gate: Promise<void> | undefined): void;
}

/** A memory store whose calls can be counted, failed or held: storage faults without a server. */
export function controlledStore(base: MeteredSessionStore = createMemoryStore()): ControlledStore {
  const calls = new Map<string, number>();
  const history: { method: string; args: unknown[] }[] = [];
  const failures = new Map<string, Error>();
  const holds = new Map<string, Promise<void>>();
  const store = new Proxy(base, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return async (...args: unknown[]) => {
        calls.set(property, (calls.get(property) ?? 0) + 1);
        history.push({ method: property, args });
        await holds.get(property);
        const failure = failures.get(property);
        if (failure !== undefined) throw failure;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    store,
    calls,
    history,
    fail(method, error) {
      if (error === undefined) failures.delete(method);
      else failures.set(method, error);
    },
    hold(method, gate) {
      if (gate === undefined) holds.delete(method);
      else holds.set(method, gate);
    },
  };
}
