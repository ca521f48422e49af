import { describe, expect, it } from '@jest/globals';
import { randomSecret } from '@chatbox/testkit';
import { createLogger, quietLevel, REDACTED_TEXT } from '../../src/logger.js';
import { LogCapture, testConfig } from '../support/harness.js';

describe('logger', () => {
  it('never writes tokens, secrets or prompts (S2, S15)', () => {
    const capture = new LogCapture();
    const { config } = testConfig({ CHATBOX_LOG_LEVEL: 'info' });
    const logger = createLogger(config, { destination: capture });
    const token = randomSecret();
    const prompt = `my private question ${randomSecret(8)}`;
    logger.info(
      {
        req: {
          headers: {
            authorization: `Bearer ${token}`,
            'sec-websocket-protocol': `chat.v1, bearer.${token}`,
            cookie: token,
            host: 'h',
          },
        },
        frame: { content: prompt, token },
        apiKey: token,
        nested: { deeper: { secret: token, text: prompt } },
      },
      'something happened',
    );
    const line = capture.text();
    expect(line).not.toContain(token);
    expect(line).not.toContain(prompt);
    expect(line).toContain(REDACTED_TEXT);
    expect(capture.lines[0]).toMatchObject({
      service: 'chatbox',
      env: 'development',
      req: { headers: { host: 'h' } },
    });
  });

  it('keeps chatty routes at warn, or quieter when configured quieter', () => {
    expect(quietLevel('info')).toBe('warn');
    expect(quietLevel('debug')).toBe('warn');
    expect(quietLevel('error')).toBe('error');
    expect(quietLevel('silent')).toBe('silent');
  });
});
