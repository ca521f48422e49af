import type { GatewayTimers } from './timers.js';

/** The part of a ws socket the heartbeat needs. */
export interface PingTarget {
  ping(): void;
  on(event: 'pong', listener: () => void): unknown;
  off(event: 'pong', listener: () => void): unknown;
}

export interface HeartbeatOptions {
  intervalMs: number;
  timeoutMs: number;
  timers: GatewayTimers;
  /** No pong within `timeoutMs` of a ping: the peer is gone (R13). */
  onTimeout: () => void;
}

export interface Heartbeat {
  stop(): void;
}

/** Pings every `intervalMs`; one ping outstanding at a time; a late pong is a dead peer. */
export function startHeartbeat(target: PingTarget, options: HeartbeatOptions): Heartbeat {
  const { timers } = options;
  let waiting: unknown;
  let stopped = false;
  const onPong = (): void => {
    if (waiting === undefined) return;
    timers.clearTimeout(waiting);
    waiting = undefined;
  };
  const tick = (): void => {
    if (stopped || waiting !== undefined) return;
    waiting = timers.setTimeout(() => {
      waiting = undefined;
      if (!stopped) options.onTimeout();
    }, options.timeoutMs);
    try {
      target.ping();
    } catch {
      // The socket is closing; its close handler stops the heartbeat.
    }
  };
  target.on('pong', onPong);
  const interval = timers.setInterval(tick, options.intervalMs);
  return {
    stop(): void {
      if (stopped) return;
      stopped = true;
      timers.clearInterval(interval);
      if (waiting !== undefined) timers.clearTimeout(waiting);
      waiting = undefined;
      target.off('pong', onPong);
    },
  };
}
