import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { parseInbound } from '../../src/inbound.js';
import { DEFAULT_MAX_CONTENT_BYTES, DEFAULT_MAX_CONTENT_CHARS } from '../../src/limits.js';
import { frame, refused, send } from '../support/frames.js';

describe('parseInbound refuses bad input (reliability.md, bad-input scenarios)', () => {
  it.each([
    '',
    'not json',
    '{',
    '{"type":"send",}',
    "{'type':'ping'}",
    'undefined',
    'NaN',
    '\uFEFF{}',
  ])('bad_json for %j, without quoting the input', (text) => {
    const result = refused(parseInbound(text));
    expect(result.code).toBe('bad_json');
    expect(result.issues).toEqual([{ path: '', message: 'not valid JSON' }]);
  });

  it.each(['null', '42', '"send"', 'true', '[]', '[{"type":"ping"}]'])(
    'bad_frame for the non-object %s',
    (text) => {
      expect(refused(parseInbound(text)).code).toBe('bad_frame');
    },
  );

  it('bad_frame when type is missing or not a string; unsupported_frame for an unknown type', () => {
    expect(refused(parseInbound('{}')).code).toBe('bad_frame');
    expect(refused(parseInbound('{"type":1}')).code).toBe('bad_frame');
    expect(refused(parseInbound('{"type":["send"]}')).code).toBe('bad_frame');
    const unknown = refused(parseInbound('{"type":"delta","text":"x"}'));
    expect(unknown.code).toBe('unsupported_frame');
    expect(unknown.issues).toEqual([
      { path: 'type', message: 'not a frame type of this protocol' },
    ]);
    expect(refused(parseInbound('{"type":"SEND"}')).code).toBe('unsupported_frame');
  });

  it('R4: send without clientMessageId is refused', () => {
    const result = refused(parseInbound(frame({ type: 'send', content: 'hi' })));
    expect(result.code).toBe('bad_frame');
    expect(result.issues).toEqual([
      { path: 'clientMessageId', message: 'required key is missing' },
    ]);
  });

  it('resume needs sessionId and lastSeq', () => {
    const result = refused(parseInbound(frame({ type: 'resume' })));
    expect(result.issues.map((issue) => issue.path).sort()).toEqual(['lastSeq', 'sessionId']);
  });

  it.each([
    ['an operator object', { $ne: null }, 'clientMessageId.$ne'],
    ['a $gt operator', { $gt: '' }, 'clientMessageId.$gt'],
    ['a $where operator', { $where: 'sleep(1000)' }, 'clientMessageId.$where'],
  ])('S11: %s in an id is refused as a forbidden key', (_name, value, path) => {
    const result = refused(parseInbound(send({ clientMessageId: value })));
    expect(result.code).toBe('bad_frame');
    expect(result.issues).toContainEqual({ path, message: 'forbidden key' });
  });

  it.each([
    null,
    1,
    true,
    [],
    {},
    ['a'],
    { id: 'x' },
    'not-a-uuid',
    `${randomUUID()} `,
    `{${randomUUID()}}`,
  ])('S11: the non-UUID %j in every id field is refused', (value) => {
    const sessionId = randomUUID();
    const texts = [
      send({ clientMessageId: value }),
      send({ sessionId: value }),
      frame({ type: 'cancel', sessionId: value }),
      frame({ type: 'resume', sessionId: value, lastSeq: 0 }),
      frame({ type: 'end_session', sessionId: value }),
    ];
    if (typeof value !== 'number') texts.push(frame({ type: 'resume', sessionId, lastSeq: value }));
    for (const text of texts) expect(refused(parseInbound(text)).code).toBe('bad_frame');
  });

  it.each(['__proto__', 'constructor', 'prototype', '$set', '$'])(
    'refuses the key %s at the top level',
    (key) => {
      const result = refused(parseInbound(`{"type":"ping","${key}":{"polluted":true}}`));
      expect(result.code).toBe('bad_frame');
      expect(result.issues).toContainEqual({ path: key, message: 'forbidden key' });
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    },
  );

  it('refuses a __proto__ key nested anywhere, before the schema runs', () => {
    const result = refused(parseInbound('{"type":"ping","id":[1,{"a":{"__proto__":{"x":1}}}]}'));
    expect(result.issues).toEqual([{ path: 'id.1.a.__proto__', message: 'forbidden key' }]);
  });

  it('refuses extra keys and reports every issue at once', () => {
    const result = refused(
      parseInbound(
        frame({ type: 'send', clientMessageId: 'x', content: 7, role: 'system', admin: true }),
      ),
    );
    expect(result.code).toBe('bad_frame');
    expect(result.issues.map((issue) => issue.path).sort()).toEqual([
      'admin',
      'clientMessageId',
      'content',
      'role',
    ]);
    expect(result.message).toMatch(/^frame does not match the protocol \(/);
  });

  it('refuses empty, whitespace-only and control-only content', () => {
    for (const content of ['', ' \n\t ', '\u0000\u0007', '\r\n']) {
      const result = refused(parseInbound(send({ content })));
      expect(result.code).toBe('bad_frame');
      expect(result.issues).toEqual([
        { path: 'content', message: 'must contain non-whitespace text' },
      ]);
    }
  });

  it('too_long for content over the character cap (prompts over the cap)', () => {
    const result = refused(
      parseInbound(send({ content: 'a'.repeat(DEFAULT_MAX_CONTENT_CHARS + 1) })),
    );
    expect(result.code).toBe('too_long');
    expect(result.issues).toEqual([
      { path: 'content', message: `too long: at most ${DEFAULT_MAX_CONTENT_CHARS} characters` },
    ]);
  });

  it('too_long for content over the byte cap while under the character cap', () => {
    // A UTF-16 code unit is at most 3 UTF-8 bytes, so the byte cap binds once maxChars > maxBytes / 3.
    const maxChars = DEFAULT_MAX_CONTENT_BYTES;
    const content = '中'.repeat(DEFAULT_MAX_CONTENT_BYTES / 3 + 1);
    expect(content.length).toBeLessThan(maxChars);
    const result = refused(parseInbound(send({ content }), { maxChars }));
    expect(result.code).toBe('too_long');
    expect(result.issues).toEqual([
      { path: 'content', message: `too long: at most ${DEFAULT_MAX_CONTENT_BYTES} UTF-8 bytes` },
    ]);
  });

  it('applies the limits to the sanitised text: NFC growth past the cap is refused', () => {
    // U+0344 has no NFC form of its own: it becomes two code units.
    expect(refused(parseInbound(send({ content: '\u0344'.repeat(3) }), { maxChars: 5 })).code).toBe(
      'too_long',
    );
    expect(parseInbound(send({ content: 'ab\r\n' }), { maxChars: 3 }).ok).toBe(true);
  });

  it('bad_frame, not too_long, when an over-long content comes with another fault', () => {
    const result = refused(
      parseInbound(send({ content: 'a'.repeat(11), extra: 1 }), { maxChars: 10 }),
    );
    expect(result.code).toBe('bad_frame');
    expect(result.issues).toHaveLength(2);
  });

  it('too_long for an oversized frame before it is parsed', () => {
    const result = refused(
      parseInbound(`{"type":"ping","id":"${'x'.repeat(2_000)}"}`, { maxFrameChars: 1_000 }),
    );
    expect(result.code).toBe('too_long');
    expect(result.issues).toEqual([{ path: '', message: 'frame over 1000 characters' }]);
    const huge = `{"type":"ping","pad":"${' '.repeat(6 * DEFAULT_MAX_CONTENT_CHARS + 1_024)}"}`;
    expect(refused(parseInbound(huge)).code).toBe('too_long');
  });

  it('binary data handed over as a non-string is bad_frame, not a crash', () => {
    const binary = Buffer.from([0xff, 0xfe, 0x00]) as unknown as string;
    expect(refused(parseInbound(binary)).code).toBe('bad_frame');
  });

  it('text that was invalid UTF-8 (decoded to U+FFFD) or holds lone surrogates stays data', () => {
    const decoded = new TextDecoder().decode(Buffer.from([0x68, 0xc3, 0x28, 0x69]));
    const result = parseInbound(send({ content: decoded }));
    expect(result.ok && result.frame.type === 'send' && result.frame.content).toBe('h\uFFFD(i');
  });

  it('refuses a negative, fractional, huge or string lastSeq and bad ping ids', () => {
    const sessionId = randomUUID();
    // Written as JSON text: 1e400 parses to Infinity, 9007199254740992 is 2^53.
    for (const lastSeq of [
      '-1',
      '1.5',
      '9007199254740992',
      '"1"',
      '1e400',
      'null',
      '{"n":1}',
      '[1]',
    ]) {
      const text = `{"type":"resume","sessionId":"${sessionId}","lastSeq":${lastSeq}}`;
      expect(refused(parseInbound(text)).issues[0]?.path).toBe('lastSeq');
    }
    for (const id of ['', 'x'.repeat(65), 'tab\there', 'é', 5]) {
      expect(refused(parseInbound(frame({ type: 'ping', id }))).issues[0]?.path).toBe('id');
    }
  });

  it('never echoes the offending value in messages or paths', () => {
    const marker = `m${randomUUID()}`;
    const texts = [
      `${marker}`,
      send({ clientMessageId: marker }),
      send({ [marker]: 1 }),
      frame({ type: 'ping', id: `${marker}\u0000` }),
      frame({ type: marker }),
    ];
    for (const text of texts) {
      const result = refused(parseInbound(text));
      expect(JSON.stringify(result)).not.toContain(marker.slice(8));
    }
  });

  it('caps the number of issues reported for a frame full of bad keys', () => {
    const keys = Object.fromEntries(Array.from({ length: 500 }, (_, index) => [`$k${index}`, 1]));
    expect(refused(parseInbound(frame({ type: 'ping', ...keys }))).issues).toHaveLength(20);
    const extras = Object.fromEntries(Array.from({ length: 500 }, (_, index) => [`k${index}`, 1]));
    expect(refused(parseInbound(frame({ type: 'ping', ...extras }))).issues).toHaveLength(20);
  });
});
