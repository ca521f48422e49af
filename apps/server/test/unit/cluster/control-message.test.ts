import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  encodeControlMessage,
  MAX_CONTROL_MESSAGE_CHARS,
  parseControlMessage,
} from '../../../src/cluster/control-message.js';
import type { ControlMessage } from '../../../src/cluster/control-message.js';

const sessionId = randomUUID();
const base = { v: 1, id: randomUUID(), origin: 'pod-a', sessionId };

describe('control messages', () => {
  it('round-trips every type', () => {
    const messages: ControlMessage[] = [
      { ...base, v: 1, type: 'session_bound', boundAt: 1_700_000_000_000 },
      { ...base, v: 1, type: 'cancel' },
      { ...base, v: 1, type: 'end_session' },
    ];
    for (const message of messages)
      expect(parseControlMessage(encodeControlMessage(message))).toEqual({ ok: true, message });
  });

  it.each([
    ['not JSON', '{', 'json'],
    ['too large', `"${'x'.repeat(MAX_CONTROL_MESSAGE_CHARS)}"`, 'too_large'],
    ['an array', '[1]', 'shape'],
    ['null', 'null', 'shape'],
    ['another version', JSON.stringify({ ...base, v: 2, type: 'cancel' }), 'version'],
    ['no version', JSON.stringify({ ...base, v: undefined, type: 'cancel' }), 'version'],
    ['an unknown type', JSON.stringify({ ...base, type: 'reboot' }), 'shape'],
    [
      'an operator as session id',
      JSON.stringify({ ...base, type: 'cancel', sessionId: { $ne: null } }),
      'shape',
    ],
    [
      'an upper-case session id',
      JSON.stringify({ ...base, type: 'cancel', sessionId: sessionId.toUpperCase() }),
      'shape',
    ],
    ['a message id that is no UUID', JSON.stringify({ ...base, id: 'x', type: 'cancel' }), 'shape'],
    ['an empty origin', JSON.stringify({ ...base, origin: '', type: 'cancel' }), 'shape'],
    [
      'an origin with spaces',
      JSON.stringify({ ...base, origin: 'pod a', type: 'cancel' }),
      'shape',
    ],
    [
      'an overlong origin',
      JSON.stringify({ ...base, origin: 'o'.repeat(129), type: 'cancel' }),
      'shape',
    ],
    ['an extra key', JSON.stringify({ ...base, type: 'cancel', boundAt: 5 }), 'shape'],
    [
      '__proto__',
      `{"v":1,"id":"${base.id}","origin":"o","type":"cancel","sessionId":"${sessionId}","__proto__":{"x":1}}`,
      'shape',
    ],
    ['a bind without boundAt', JSON.stringify({ ...base, type: 'session_bound' }), 'shape'],
    [
      'a fractional boundAt',
      JSON.stringify({ ...base, type: 'session_bound', boundAt: 1.5 }),
      'shape',
    ],
    [
      'a negative boundAt',
      JSON.stringify({ ...base, type: 'session_bound', boundAt: -1 }),
      'shape',
    ],
    ['a string boundAt', JSON.stringify({ ...base, type: 'session_bound', boundAt: '1' }), 'shape'],
  ])('refuses %s', (_name, text, reason) => {
    expect(parseControlMessage(text)).toEqual({ ok: false, reason });
  });
});
