import { describe, expect, it } from '@jest/globals';
import { extractToken } from '../../src/index.js';
import { selectProtocol } from '../../src/token-extract.js';

describe('extractToken', () => {
  it('reads an Authorization bearer token, any scheme case', () => {
    expect(extractToken({ authorization: 'Bearer a.b.c' })).toEqual({ token: 'a.b.c' });
    expect(extractToken({ authorization: 'bearer   a.b.c ' })).toEqual({ token: 'a.b.c' });
  });

  it('ignores other schemes and malformed headers instead of guessing', () => {
    expect(extractToken({ authorization: 'Basic dXNlcjpwYXNz' })).toEqual({});
    expect(extractToken({ authorization: 'Bearer a b' })).toEqual({});
    expect(extractToken({ authorization: 'Bearer' })).toEqual({});
  });

  it('reads the bearer subprotocol and selects chat.v1', () => {
    expect(extractToken({ 'sec-websocket-protocol': 'chat.v1, bearer.a.b.c' })).toEqual({
      token: 'a.b.c',
      protocol: 'chat.v1',
    });
    expect(
      extractToken({ 'sec-websocket-protocol': ['bearer.x.y.z', 'chat.v1'] as unknown as string }),
    ).toEqual({ token: 'x.y.z', protocol: 'chat.v1' });
    expect(extractToken({ 'sec-websocket-protocol': 'bearer.' })).toEqual({});
    expect(extractToken({ 'sec-websocket-protocol': 'chat.v1' })).toEqual({ protocol: 'chat.v1' });
  });

  it('prefers the Authorization header over the subprotocol', () => {
    expect(
      extractToken({
        authorization: 'Bearer h.h.h',
        'sec-websocket-protocol': 'chat.v1, bearer.p.p.p',
      }),
    ).toEqual({
      token: 'h.h.h',
      protocol: 'chat.v1',
    });
  });

  it('never echoes the bearer entry as the selected protocol', () => {
    expect(selectProtocol(new Set(['bearer.a.b.c', 'chat.v1']))).toBe('chat.v1');
    expect(selectProtocol(new Set(['bearer.a.b.c']))).toBe(false);
  });
});
