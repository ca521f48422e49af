import type { GatewayTimers } from './timers.js';

/** The part of a ws socket the heartbeat needs. */
export interface PingTarget {
  ping(): void;
  /** ws emits 'pong' with the socket as `this`: one listener serves every socket. */
  on(event: 'pong', listener: (this: PingTarget) => void): unknown;
  off(event: 'pong', listener: (this: PingTarget) => void): unknown;
}

export interface HeartbeatOptions<T> {
  intervalMs: number;
  timeoutMs: number;
  timers: GatewayTimers;
  /** No pong within `timeoutMs` of a ping: the peer is gone (R13). Called once per ping. */
  onTimeout: (owner: T) => void;
}

/** One heartbeat for every socket of a gateway. */
export interface SharedHeartbeat<T> {
  /** Pings `target` from the next round on; `owner` is what `onTimeout` is handed. */
  add(target: PingTarget, owner: T): void;
  /** Stops pinging `target`; idempotent. The last one out stops every timer. */
  remove(target: PingTarget): void;
  readonly size: number;
}

/**
 * One interval pings every socket without a ping outstanding; each round arms one timer,
 * `timeoutMs` later, that reports the sockets of that round still without a pong. Per socket the
 * heartbeat keeps a map entry (and, while a ping is outstanding, a second one): no timers, no
 * closures. A socket is pinged 0 to `intervalMs` after it joins, then every `intervalMs` (one
 * ping outstanding at a time), and reported exactly `timeoutMs` after an unanswered ping.
 */
export function createHeartbeat<T>(options: HeartbeatOptions<T>): SharedHeartbeat<T> {
  const { timers, intervalMs, timeoutMs, onTimeout } = options;
  const members = new Map<PingTarget, T>();
  // Insertion order is round order: a pong deletes the entry, the next ping appends it.
  const awaiting = new Map<PingTarget, number>();
  const deadlines = new Set<unknown>();
  let interval: unknown;
  let round = 0;

  function onPong(this: PingTarget): void {
    awaiting.delete(this);
  }

  const expire = (ofRound: number): void => {
    for (const [target, sentIn] of awaiting) {
      if (sentIn > ofRound) break;
      awaiting.delete(target);
      const owner = members.get(target);
      if (owner !== undefined) onTimeout(owner);
    }
  };

  const tick = (): void => {
    round += 1;
    const current = round;
    let pinged = false;
    for (const target of members.keys()) {
      if (awaiting.has(target)) continue;
      awaiting.set(target, current);
      pinged = true;
      try {
        target.ping();
      } catch {
        // The socket is closing; its close handler removes it.
      }
    }
    if (!pinged) return;
    const deadline = timers.setTimeout(() => {
      deadlines.delete(deadline);
      expire(current);
    }, timeoutMs);
    deadlines.add(deadline);
  };

  return {
    add(target, owner) {
      if (members.has(target)) return;
      members.set(target, owner);
      target.on('pong', onPong);
      interval ??= timers.setInterval(tick, intervalMs);
    },
    remove(target) {
      if (!members.delete(target)) return;
      awaiting.delete(target);
      target.off('pong', onPong);
      if (members.size > 0) return;
      if (interval !== undefined) timers.clearInterval(interval);
      interval = undefined;
      for (const deadline of deadlines) timers.clearTimeout(deadline);
      deadlines.clear();
    },
    get size() {
      return members.size;
    },
  };
}
