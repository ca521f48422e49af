import { describe, expect, it } from '@jest/globals';
import { createMetrics } from '../../src/metrics.js';

function metrics() {
  return createMetrics({
    sessions: () => ({
      active: 3,
      endedRetained: 7,
      queued: 0,
      evictedTotal: 0,
      idleEndedTotal: 0,
    }),
    router: () => ({ connections: 2, sessionsBound: 2, generations: 1 }),
    storage: () => ({ retries: 4, failures: 1 }),
    auditEntries: () => 9,
  });
}

const value = (text: string, series: string): number =>
  Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);

describe('metrics', () => {
  it('turns gateway and router events into bounded series', async () => {
    const m = metrics();
    m.onGatewayEvent({ type: 'frame_in', connectionId: 'c', frameType: 'send' });
    m.onGatewayEvent({ type: 'frame_in', connectionId: 'c', frameType: 'x'.repeat(40) });
    m.onGatewayEvent({ type: 'frame_invalid', connectionId: 'c', code: 'rate_limited' });
    m.onGatewayEvent({
      type: 'send_buffer_exceeded',
      connectionId: 'c',
      bufferedBytes: 10,
      limitBytes: 5,
    });
    m.onGatewayEvent({ type: 'heartbeat_timeout', connectionId: 'c' });
    m.onGatewayEvent({
      type: 'upgrade_refused',
      status: 429,
      reason: 'too_many_connections',
      code: 'ERR_WEBSOCKET_TOO_MANY_CONNECTIONS',
      originListVersion: 1,
    });
    m.onGatewayEvent({
      type: 'upgrade_refused',
      status: 403,
      reason: 'origin_not_allowed',
      code: 'ERR_WEBSOCKET_FORBIDDEN_ORIGIN',
      originListVersion: 1,
    });
    m.onGatewayEvent({
      type: 'connection_closed',
      connectionId: 'c',
      code: 1001,
      reason: 'server_shutdown',
      durationMs: 5,
    });
    m.onRouterEvent({ type: 'refused', reason: 'too_many_generations' });
    m.onRouterEvent({ type: 'storage_error', code: 'ERR_STORAGE_UNAVAILABLE' });
    m.onRouterEvent({ type: 'generation_finished', ms: 1500, status: 'interrupted' });
    m.refused('admin', 'admin_requests_per_minute');
    m.limiterBackendError('acquire');
    const text = await m.render();
    expect(value(text, 'chatbox_websocket_frames_in_total{type="send"}')).toBe(1);
    expect(value(text, 'chatbox_websocket_frames_in_total{type="other"}')).toBe(1);
    expect(value(text, 'chatbox_websocket_send_buffer_exceeded_total')).toBe(1);
    expect(value(text, 'chatbox_websocket_heartbeat_timeouts_total')).toBe(1);
    expect(
      value(
        text,
        'chatbox_websocket_upgrades_refused_total{status="403",reason="origin_not_allowed"}',
      ),
    ).toBe(1);
    expect(value(text, 'chatbox_websocket_connections_closed_total{code="1001"}')).toBe(1);
    expect(
      value(
        text,
        'chatbox_rate_limit_refusals_total{scope="websocket",reason="frames_per_minute"}',
      ),
    ).toBe(1);
    expect(
      value(
        text,
        'chatbox_rate_limit_refusals_total{scope="websocket",reason="too_many_connections"}',
      ),
    ).toBe(1);
    expect(
      value(
        text,
        'chatbox_rate_limit_refusals_total{scope="router",reason="too_many_generations"}',
      ),
    ).toBe(1);
    expect(
      value(
        text,
        'chatbox_rate_limit_refusals_total{scope="admin",reason="admin_requests_per_minute"}',
      ),
    ).toBe(1);
    expect(value(text, 'chatbox_rate_limiter_backend_errors_total{operation="acquire"}')).toBe(1);
    expect(value(text, 'chatbox_storage_errors_total{code="ERR_STORAGE_UNAVAILABLE"}')).toBe(1);
    expect(value(text, 'chatbox_generation_duration_seconds_sum{status="interrupted"}')).toBe(1.5);
    expect(value(text, 'chatbox_sessions_active')).toBe(3);
    expect(value(text, 'chatbox_sessions_retained')).toBe(7);
    expect(value(text, 'chatbox_generations_active')).toBe(1);
    expect(value(text, 'chatbox_storage_retries_total')).toBe(4);
    expect(value(text, 'chatbox_storage_failures_total')).toBe(1);
    expect(value(text, 'chatbox_admin_audit_entries_total')).toBe(9);
    // Scraping twice does not double the mirrored counters.
    expect(value(await m.render(), 'chatbox_storage_retries_total')).toBe(4);
  });
});
