import { INBOUND_FRAME_TYPES } from '@chatbox/message';
import type { RouterEvent, RouterStats } from '@chatbox/router';
import type { SessionManagerStats } from '@chatbox/session';
import type { StorageMetrics } from '@chatbox/storage';
import type { GatewayEvent } from '@chatbox/websocket';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const FRAME_TYPES: ReadonlySet<string> = new Set(INBOUND_FRAME_TYPES);

/** Seconds: from 50 ms (a local demo token) to the 2 min default total deadline. */
export const DURATION_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
export const FIRST_TOKEN_BUCKETS_SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15];

export interface MetricsSources {
  readonly sessions: () => SessionManagerStats;
  readonly router: () => RouterStats;
  readonly storage: () => StorageMetrics;
  readonly auditEntries: () => number;
}

export interface AppMetrics {
  readonly registry: Registry;
  onRouterEvent(event: RouterEvent): void;
  onGatewayEvent(event: GatewayEvent): void;
  /** A refusal outside the router: `admin` (HTTP 429) or a limiter backend failing open. */
  refused(scope: 'admin' | 'websocket', reason: string): void;
  limiterBackendError(operation: string): void;
  render(): Promise<string>;
}

/**
 * One Registry per app, never prom-client's global one, so two apps in one process (tests,
 * blue/green in-process) never collide and every series belongs to its own server.
 */
export function createMetrics(sources: MetricsSources): AppMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'chatbox_websocket_connections',
    help: 'Open authenticated WebSocket connections',
    registers,
    collect() {
      this.set(sources.router().connections);
    },
  });
  const opened = new Counter({
    name: 'chatbox_websocket_connections_opened_total',
    help: 'Connections accepted',
    registers,
  });
  const closed = new Counter({
    name: 'chatbox_websocket_connections_closed_total',
    help: 'Connections closed, by close code',
    labelNames: ['code'],
    registers,
  });
  const framesIn = new Counter({
    name: 'chatbox_websocket_frames_in_total',
    help: 'Inbound frames, by type',
    labelNames: ['type'],
    registers,
  });
  const framesOut = new Counter({
    name: 'chatbox_websocket_frames_out_total',
    help: 'Outbound frames',
    registers,
  });
  const bytesOut = new Counter({
    name: 'chatbox_websocket_bytes_out_total',
    help: 'Outbound frame bytes',
    registers,
  });
  const invalid = new Counter({
    name: 'chatbox_websocket_frames_invalid_total',
    help: 'Inbound frames refused, by code',
    labelNames: ['code'],
    registers,
  });
  const upgradesRefused = new Counter({
    name: 'chatbox_websocket_upgrades_refused_total',
    help: 'Upgrades answered with an HTTP status, by status and reason',
    labelNames: ['status', 'reason'],
    registers,
  });
  const slowConsumers = new Counter({
    name: 'chatbox_websocket_send_buffer_exceeded_total',
    help: 'Sockets cut off for not reading',
    registers,
  });
  const heartbeats = new Counter({
    name: 'chatbox_websocket_heartbeat_timeouts_total',
    help: 'Sockets terminated for a missing pong',
    registers,
  });

  new Gauge({
    name: 'chatbox_sessions_active',
    help: 'Active sessions held in memory',
    registers,
    collect() {
      this.set(sources.sessions().active);
    },
  });
  new Gauge({
    name: 'chatbox_sessions_retained',
    help: 'Ended sessions still held in memory (bounded retention, finding 01)',
    registers,
    collect() {
      this.set(sources.sessions().endedRetained);
    },
  });
  new Gauge({
    name: 'chatbox_generations_active',
    help: 'Model replies streaming now',
    registers,
    collect() {
      this.set(sources.router().generations);
    },
  });
  const started = new Counter({
    name: 'chatbox_generations_started_total',
    help: 'Model replies started',
    registers,
  });
  const duration = new Histogram({
    name: 'chatbox_generation_duration_seconds',
    help: 'Model reply duration, by final status',
    labelNames: ['status'],
    buckets: DURATION_BUCKETS_SECONDS,
    registers,
  });
  const firstToken = new Histogram({
    name: 'chatbox_time_to_first_token_seconds',
    help: 'Time from the user message to the first streamed token',
    buckets: FIRST_TOKEN_BUCKETS_SECONDS,
    registers,
  });
  const llmErrors = new Counter({
    name: 'chatbox_llm_errors_total',
    help: 'Model call failures, by code',
    labelNames: ['code'],
    registers,
  });
  const storageErrors = new Counter({
    name: 'chatbox_storage_errors_total',
    help: 'Storage failures seen by the router, by code',
    labelNames: ['code'],
    registers,
  });
  new Counter({
    name: 'chatbox_storage_retries_total',
    help: 'Storage attempts repeated after a transient failure (finding 09)',
    registers,
    collect() {
      this.reset();
      this.inc(sources.storage().retries);
    },
  });
  new Counter({
    name: 'chatbox_storage_failures_total',
    help: 'Storage operations that failed after their retries',
    registers,
    collect() {
      this.reset();
      this.inc(sources.storage().failures);
    },
  });
  const refusals = new Counter({
    name: 'chatbox_rate_limit_refusals_total',
    help: 'Requests refused by a limit, by scope and reason',
    labelNames: ['scope', 'reason'],
    registers,
  });
  const limiterErrors = new Counter({
    name: 'chatbox_rate_limiter_backend_errors_total',
    help: 'Limiter backend failures (requests allowed: fail open)',
    labelNames: ['operation'],
    registers,
  });
  new Counter({
    name: 'chatbox_admin_audit_entries_total',
    help: 'Admin requests audit-logged',
    registers,
    collect() {
      this.reset();
      this.inc(sources.auditEntries());
    },
  });

  return {
    registry,
    onRouterEvent(event) {
      switch (event.type) {
        case 'generation_started':
          started.inc();
          return;
        case 'first_token':
          firstToken.observe(event.ms / 1000);
          return;
        case 'generation_finished':
          duration.observe({ status: event.status }, event.ms / 1000);
          return;
        case 'llm_error':
          llmErrors.inc({ code: event.code });
          return;
        case 'storage_error':
          storageErrors.inc({ code: event.code });
          return;
        case 'refused':
          refusals.inc({ scope: 'router', reason: event.reason });
          return;
      }
    },
    onGatewayEvent(event) {
      switch (event.type) {
        case 'connection_opened':
          opened.inc();
          return;
        case 'connection_closed':
          closed.inc({ code: String(event.code) });
          return;
        case 'frame_in':
          // Label values stay bounded whatever a client sends.
          framesIn.inc({ type: FRAME_TYPES.has(event.frameType) ? event.frameType : 'other' });
          return;
        case 'frame_out':
          framesOut.inc();
          bytesOut.inc(event.bytes);
          return;
        case 'frame_invalid':
          invalid.inc({ code: event.code });
          if (event.code === 'rate_limited')
            refusals.inc({ scope: 'websocket', reason: 'frames_per_minute' });
          return;
        case 'send_buffer_exceeded':
          slowConsumers.inc();
          return;
        case 'heartbeat_timeout':
          heartbeats.inc();
          return;
        case 'upgrade_refused':
          upgradesRefused.inc({ status: String(event.status), reason: event.reason });
          if (event.reason === 'too_many_connections')
            refusals.inc({ scope: 'websocket', reason: event.reason });
          return;
      }
    },
    refused(scope, reason) {
      refusals.inc({ scope, reason });
    },
    limiterBackendError(operation) {
      limiterErrors.inc({ operation });
    },
    render() {
      return registry.metrics();
    },
  };
}
