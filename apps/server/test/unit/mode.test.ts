import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { announceMode, modeSummary } from '../../src/mode.js';
import { LogCapture, testConfig } from '../support/harness.js';

describe('mode announcement', () => {
  it('says, first thing, which embedded defaults run, then what the config loader decided', () => {
    const { config } = testConfig({ CHATBOX_AUTH_JWT_SECRET: '' });
    expect(config.auth.jwtSecretGenerated).toBe(true);
    const capture = new LogCapture();
    const summary = announceMode(config, { name: 'demo', demo: true }, pino(capture));
    expect(summary).toMatchObject({
      env: 'development',
      storage: 'memory',
      limiter: 'memory',
      llm: 'demo',
    });
    const messages = capture.lines.map((line) => line.msg);
    expect(messages[0]).toBe('chatbox starting in development');
    expect(messages.slice(1, 5)).toEqual([
      'development mode',
      'in-memory store (not durable: sessions die with the process)',
      'in-memory rate limiter (limits hold per instance)',
      'demo model (canned replies, no language model is called)',
    ]);
    expect(config.notices.length).toBeGreaterThan(0);
    expect(messages.slice(5)).toEqual(config.notices);
  });

  it('lists nothing embedded when real backends are configured', () => {
    const { config } = testConfig({
      CHATBOX_ENV: 'production',
      CHATBOX_WEBSOCKET_ALLOWED_ORIGINS: 'https://chat.example.com',
      CHATBOX_STORAGE_BACKEND: 'mongodb',
      CHATBOX_STORAGE_MONGODB_URI: 'mongodb://127.0.0.1:27017',
      CHATBOX_RATE_LIMIT_BACKEND: 'redis',
      CHATBOX_RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(modeSummary(config, { name: 'anthropic', demo: false }).embedded).toEqual([]);
  });
});
