import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import * as entry from '../../src/index.js';

describe('public entry', () => {
  it('exports exactly the documented runtime names', () => {
    expect(Object.keys(entry).sort()).toEqual(
      [
        'DEFAULT_LIMITS',
        'DEFAULT_MAX_CONTENT_BYTES',
        'DEFAULT_MAX_CONTENT_CHARS',
        'DONE_STATUSES',
        'FRAME_OVERHEAD_CHARS',
        'INBOUND_FRAME_TYPES',
        'MAX_ERROR_MESSAGE_CHARS',
        'MAX_PING_ID_CHARS',
        'MAX_REPORTED_ISSUES',
        'MESSAGE_ROLES',
        'MESSAGE_STATUSES',
        'MessageError',
        'OUTBOUND_FRAME_TYPES',
        'WIRE_ERROR_CODES',
        'WIRE_ERROR_RETRYABLE',
        'ackFrame',
        'createDeltaSerializer',
        'createInboundSchema',
        'deltaFrame',
        'doneFrame',
        'errorFrame',
        'inboundSchemaFor',
        'isUnsafeKey',
        'isWireErrorCode',
        'outboundFrameSchema',
        'parseInbound',
        'parseOutbound',
        'pongFrame',
        'replayFrame',
        'resolveLimits',
        'sanitize',
        'serializeInbound',
        'serializeOutbound',
        'sessionFrame',
      ].sort(),
    );
  });

  it('a refused client frame becomes an error frame a client can parse (the websocket path)', () => {
    const correlationId = randomUUID();
    const result = entry.parseInbound(
      '{"type":"send","clientMessageId":{"$ne":null},"content":"x"}',
    );
    if (result.ok) throw new Error('expected a refusal');
    const reply = entry.errorFrame({ code: result.code, message: result.message, correlationId });
    const parsed = entry.parseOutbound(reply);
    expect(parsed).toEqual({
      ok: true,
      frame: {
        type: 'error',
        code: 'bad_frame',
        message: result.message,
        retryable: false,
        correlationId,
      },
    });
  });

  it('DEFAULT_LIMITS and the frame type lists are frozen', () => {
    for (const value of [
      entry.DEFAULT_LIMITS,
      entry.INBOUND_FRAME_TYPES,
      entry.OUTBOUND_FRAME_TYPES,
      entry.DONE_STATUSES,
    ]) {
      expect(Object.isFrozen(value)).toBe(true);
    }
  });
});
