import { describe, expect, it } from '@jest/globals';
import { checkUrl, isLoopbackUrl, redactUri, uriPassword, urlScheme } from '../../src/url.js';

describe('checkUrl', () => {
  it('accepts single-host URLs and multi-host MongoDB URIs', () => {
    expect(checkUrl('https://api.example.com/v1', ['https'])).toBeUndefined();
    expect(
      checkUrl('mongodb://u:p@db1:27017,db2:27017/chatbox?replicaSet=rs0', ['mongodb']),
    ).toBeUndefined();
    expect(
      checkUrl('mongodb+srv://u:p@cluster0.example.net/chatbox', ['mongodb+srv']),
    ).toBeUndefined();
    expect(checkUrl('redis://:pw@127.0.0.1:6379/0', ['redis'])).toBeUndefined();
  });

  it('explains each refusal', () => {
    expect(checkUrl('not a url', ['https'])).toMatch(/is not a URL/);
    expect(checkUrl('ftp://x.example.com', ['https', 'http'])).toBe('must use https:// or http://');
    expect(checkUrl('https://bad_host!/', ['https'])).toBe('has an invalid host');
    expect(checkUrl('redis://a:1,b:2', ['redis'])).toBe('must name exactly one host');
    expect(checkUrl('https://example.com:99999', ['https'])).toBe('is not a valid URL');
  });
});

describe('loopback, scheme and password helpers', () => {
  it('recognises loopback hosts only', () => {
    expect(isLoopbackUrl('http://127.0.0.1:4000')).toBe(true);
    expect(isLoopbackUrl('http://localhost')).toBe(true);
    expect(isLoopbackUrl('http://[::1]:80/x')).toBe(true);
    expect(isLoopbackUrl('http://127.0.0.1.example.com')).toBe(false);
    expect(isLoopbackUrl('nonsense')).toBe(false);
  });

  it('extracts the decoded password, if any', () => {
    expect(urlScheme('REDIS://x')).toBe('redis');
    expect(urlScheme('x')).toBeUndefined();
    expect(uriPassword('mongodb://user:p%40ss@db/x')).toBe('p@ss');
    expect(uriPassword('mongodb://user:%E0%A4%A@db/x')).toBe('%E0%A4%A');
    expect(uriPassword('https://token@host')).toBeUndefined();
    expect(uriPassword('https://host')).toBeUndefined();
    expect(uriPassword('nonsense')).toBeUndefined();
  });
});

describe('redactUri', () => {
  it.each([
    [
      'mongodb://user:pass@db1:27017,db2:27017/chatbox',
      'mongodb://user:***@db1:27017,db2:27017/chatbox',
    ],
    ['redis://:pw@127.0.0.1:6379', 'redis://:***@127.0.0.1:6379'],
    ['https://abc123@hooks.example.com/x', 'https://***@hooks.example.com/x'],
    [
      'https://h.example.com/p?user=a&password=b&api_key=c#frag',
      'https://h.example.com/p?user=a&password=***&api_key=***#frag',
    ],
    ['https://h.example.com/p', 'https://h.example.com/p'],
    ['not a url at all', 'not a url at all'],
  ])('%s → %s', (input, output) => {
    expect(redactUri(input)).toBe(output);
  });
});
