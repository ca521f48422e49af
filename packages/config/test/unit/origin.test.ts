import { describe, expect, it } from '@jest/globals';
import { checkOrigin } from '../../src/origin.js';

describe('checkOrigin', () => {
  it.each([
    'https://chat.example.com',
    'http://localhost:3000',
    'https://127.0.0.1:8443',
    'http://[::1]:8080',
  ])('accepts %s', (origin) => {
    expect(checkOrigin(origin)).toEqual({ ok: true });
  });

  it.each([
    ['https://chat.example.com/', 'is not in canonical form', 'https://chat.example.com'],
    [
      'https://chat.example.com/app',
      'must not have a path, query or fragment',
      'https://chat.example.com',
    ],
    ['https://Chat.Example.com', 'is not in canonical form', 'https://chat.example.com'],
    ['https://chat.example.com:443', 'is not in canonical form', 'https://chat.example.com'],
    [
      'https://chat.example.com?x=1',
      'must not have a path, query or fragment',
      'https://chat.example.com',
    ],
  ])('refuses %s and suggests the exact origin', (origin, reason, suggestion) => {
    expect(checkOrigin(origin)).toEqual({ ok: false, reason, suggestion });
  });

  it.each([
    ['*', 'wildcards are not allowed'],
    ['https://*.example.com', 'wildcards are not allowed'],
    ['null', 'the opaque origin "null" is not allowed'],
    ['chat.example.com', 'is not a URL'],
    ['ws://chat.example.com', 'must use http or https'],
    ['https://user:pw@chat.example.com', 'must not contain credentials'],
  ])('refuses %s', (origin, reason) => {
    expect(checkOrigin(origin)).toEqual({ ok: false, reason });
  });
});
