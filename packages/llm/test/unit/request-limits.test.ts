import { describe, expect, it } from '@jest/globals';
import { LlmError } from '../../src/errors.js';
import type { LlmRequest } from '../../src/index.js';
import { prepareRequest } from '../../src/request-limits.js';

const limits = { model: 'claude-test', maxTokens: 100, maxInputChars: 50 };

function codeOf(request: unknown): string | undefined {
  try {
    prepareRequest(request as LlmRequest, limits);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(LlmError);
    return (error as LlmError).code;
  }
}

describe('prepareRequest', () => {
  it('copies messages, fills the model and caps max_tokens', () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    const prepared = prepareRequest({ messages, system: 'sys', maxTokens: 1_000 }, limits);
    expect(prepared).toEqual({
      model: 'claude-test',
      maxTokens: 100,
      system: 'sys',
      messages,
      inputChars: 5,
    });
    expect(prepared.messages).not.toBe(messages);
    expect(prepareRequest({ messages, maxTokens: 7, model: 'other', system: '' }, limits)).toEqual({
      model: 'other',
      maxTokens: 7,
      messages,
      inputChars: 2,
    });
  });

  it('counts the system prompt and every message against the input cap', () => {
    expect(codeOf({ messages: [{ role: 'user', content: 'x'.repeat(50) }] })).toBeUndefined();
    expect(codeOf({ messages: [{ role: 'user', content: 'x'.repeat(51) }] })).toBe(
      'ERR_LLM_INPUT_TOO_LARGE',
    );
    expect(
      codeOf({
        system: 'x'.repeat(30),
        messages: [
          { role: 'user', content: 'x'.repeat(10) },
          { role: 'assistant', content: 'x'.repeat(11) },
        ],
      }),
    ).toBe('ERR_LLM_INPUT_TOO_LARGE');
  });

  it('refuses malformed requests with ERR_LLM_BAD_REQUEST', () => {
    const user = { role: 'user', content: 'hi' };
    const bad: unknown[] = [
      { messages: [] },
      { messages: 'hi' },
      { messages: [null] },
      { messages: [{ role: 'system', content: 'hi' }] },
      { messages: [{ role: 'user', content: 42 }] },
      { messages: [user], maxTokens: 0 },
      { messages: [user], maxTokens: 2.5 },
      { messages: [user], system: 42 },
      { messages: [user], model: '' },
    ];
    for (const request of bad) expect(codeOf(request)).toBe('ERR_LLM_BAD_REQUEST');
  });
});
