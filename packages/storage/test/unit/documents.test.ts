import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  fromMessageDocument,
  fromSessionDocument,
  toMessageDocument,
  toSessionDocument,
} from '../../src/index.js';
import { endedSnapshot, makeMessage, makeSnapshot, thrownBy } from '../support/fixtures.js';

describe('session documents', () => {
  it('round-trips an active and an ended snapshot, frozen, without sharing Dates', () => {
    const active = makeSnapshot({
      responseTimes: {
        count: 3,
        meanMs: 12.5,
        minMs: 1,
        maxMs: 30,
        p50Ms: 9,
        p95Ms: 29,
        p99Ms: 30,
      },
    });
    const ended = endedSnapshot(active, new Date(Date.UTC(2025, 5, 1, 0, 0, 0, 999)));
    for (const s of [active, ended]) {
      const doc = toSessionDocument(s);
      expect(doc.createdAt).not.toBe(s.createdAt);
      const back = fromSessionDocument(doc);
      expect(back).toEqual(s);
      expect(Object.isFrozen(back)).toBe(true);
      expect(Object.isFrozen(back.responseTimes)).toBe(true);
      doc.createdAt.setTime(0);
      expect(back.createdAt.getTime()).toBe(s.createdAt.getTime());
    }
    expect(toSessionDocument(active)).not.toHaveProperty('endTime');
  });

  it('reads a stored null as absent', () => {
    const s = makeSnapshot();
    expect(fromSessionDocument({ ...toSessionDocument(s), endTime: null })).toEqual(s);
  });

  it.each([
    ['not an object', 'x'],
    ['an array', []],
    ['a wrong type', { userId: 7 }],
    ['a missing date', { createdAt: undefined }],
    ['an invalid date', { updatedAt: new Date(Number.NaN) }],
    ['responseTimes not an object', { responseTimes: 5 }],
    ['responseTimes a Date', { responseTimes: new Date() }],
    ['a missing percentile', { responseTimes: { count: 1 } }],
    ['isActive not boolean', { isActive: 'yes' }],
  ])('refuses a corrupt document: %s', (_label, patch) => {
    const doc =
      Array.isArray(patch) || typeof patch !== 'object'
        ? patch
        : { ...toSessionDocument(makeSnapshot()), ...patch };
    expect(thrownBy(() => fromSessionDocument(doc))).toMatchObject({
      code: 'ERR_STORAGE_CORRUPT_DOCUMENT',
    });
  });
});

describe('message documents', () => {
  it('round-trips every optional field and keys the document by session and seq', () => {
    const sessionId = randomUUID();
    const full = makeMessage({
      sessionId,
      seq: 4,
      role: 'assistant',
      status: 'error',
      clientMessageId: 'abc_DEF-1',
      usage: { inputTokens: 1, outputTokens: 2 },
      stopReason: 'max_tokens',
      errorCode: 'upstream_interrupted',
    });
    const doc = toMessageDocument(full);
    expect(doc._id).toBe(`${sessionId}:4`);
    expect(doc.idemKey).toBe('abc_DEF-1');
    expect(fromMessageDocument(doc)).toEqual(full);
    const bare = makeMessage({ sessionId, seq: 5 });
    expect(toMessageDocument(bare).idemKey).toBe('seq:5');
    expect(fromMessageDocument(toMessageDocument(bare))).toEqual(bare);
    expect(Object.keys(toMessageDocument(bare))).not.toContain('usage');
  });

  it.each([
    ['an unknown role', { role: 'system' }],
    ['an unknown status', { status: 'done' }],
    ['usage not an object', { usage: 3 }],
    ['usage with a string', { usage: { inputTokens: '1', outputTokens: 2 } }],
    ['content missing', { content: undefined }],
  ])('refuses a corrupt document: %s', (_label, patch) => {
    const doc = {
      ...toMessageDocument(makeMessage({ sessionId: randomUUID(), seq: 1 })),
      ...patch,
    };
    expect(thrownBy(() => fromMessageDocument(doc))).toMatchObject({
      code: 'ERR_STORAGE_CORRUPT_DOCUMENT',
    });
  });
});
