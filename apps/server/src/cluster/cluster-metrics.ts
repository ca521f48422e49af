import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ControlChannelObserver } from './control-channel.js';
import type { ClusterStatus } from './cluster.js';

/**
 * The control channel's series on the app's own registry. `chatbox_redis_up` has one series per
 * connection (`main`: limiters and publishing, `subscriber`: the control channel) and none at all
 * with the memory backend, so "Redis down" can never be alerted on where there is no Redis.
 */
export function createClusterMetrics(
  registry: Registry,
  status: () => ClusterStatus,
): ControlChannelObserver {
  const registers = [registry];
  new Gauge({
    name: 'chatbox_redis_up',
    help: 'Whether the Redis connection is ready (1) or not (0), by connection',
    labelNames: ['connection'],
    registers,
    collect() {
      const current = status();
      if (current.status === 'off') return;
      this.set({ connection: 'main' }, current.main === 'up' ? 1 : 0);
      this.set(
        { connection: 'subscriber' },
        current.subscriber === 'up' && current.subscribed ? 1 : 0,
      );
    },
  });
  const received = new Counter({
    name: 'chatbox_control_messages_in_total',
    help: 'Control messages received from other instances, by type',
    labelNames: ['type'],
    registers,
  });
  const published = new Counter({
    name: 'chatbox_control_messages_out_total',
    help: 'Control messages published, by type',
    labelNames: ['type'],
    registers,
  });
  const failed = new Counter({
    name: 'chatbox_control_messages_publish_failures_total',
    help: 'Control messages not published (Redis not connected or the publish failed), by type',
    labelNames: ['type'],
    registers,
  });
  const invalid = new Counter({
    name: 'chatbox_control_messages_invalid_total',
    help: 'Control messages ignored as invalid, by reason',
    labelNames: ['reason'],
    registers,
  });
  return {
    received: (type) => received.inc({ type }),
    published: (type) => published.inc({ type }),
    publishFailed: (type) => failed.inc({ type }),
    invalid: (reason) => invalid.inc({ reason }),
  };
}
