import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createAuditLog, outcomeOf } from '../../src/admin/audit.js';
import type { AuditEntry } from '../../src/admin/audit.js';
import { LogCapture } from '../support/harness.js';

function entry(i: number): AuditEntry {
  return {
    at: new Date(i).toISOString(),
    actor: `admin-${i}`,
    action: 'sessions.list',
    target: null,
    outcome: 'ok',
    status: 200,
    correlationId: `c-${i}`,
  };
}

describe('audit log', () => {
  it('keeps the newest entries in a bounded ring, newest first, and logs each one', () => {
    const capture = new LogCapture();
    const audit = createAuditLog(pino(capture), 3);
    for (let i = 1; i <= 5; i += 1) audit.record(entry(i));
    expect(audit.size).toBe(3);
    expect(audit.total).toBe(5);
    expect(audit.recent(10).map((e) => e.correlationId)).toEqual(['c-5', 'c-4', 'c-3']);
    expect(audit.recent(2).map((e) => e.correlationId)).toEqual(['c-5', 'c-4']);
    expect(audit.recent(0)).toEqual([]);
    expect(Object.isFrozen(audit.recent(1)[0])).toBe(true);
    expect(capture.lines.filter((line) => line.msg === 'admin action')).toHaveLength(5);
    expect(capture.lines[0]).toMatchObject({ audit: { actor: 'admin-1', outcome: 'ok' } });
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => createAuditLog(pino({ level: 'silent' }), 0)).toThrow(TypeError);
    expect(() => createAuditLog(pino({ level: 'silent' }), 1.5)).toThrow(TypeError);
  });

  it('names the outcome of every status', () => {
    expect([200, 401, 403, 404, 429, 503, 400, 413, 500, 502].map(outcomeOf)).toEqual([
      'ok',
      'unauthorized',
      'forbidden',
      'not_found',
      'rate_limited',
      'unavailable',
      'invalid',
      'invalid',
      'error',
      'error',
    ]);
  });
});
