import { describe, expect, it } from '@jest/globals';
import { deepFreeze, REDACTED, redactConfig, redactText } from '../../src/redact.js';
import { loadConfig } from '../../src/load.js';
import { productionEnv, strongSecret } from '../support.js';

describe('redactConfig', () => {
  it('hides secrets, strips URL credentials, and leaves the original untouched', () => {
    const password = strongSecret(16);
    const config = loadConfig(
      productionEnv({
        CHATBOX_STORAGE_MONGODB_URI: `mongodb://app:${password}@db1:27017,db2:27017/chatbox?authSource=admin`,
        CHATBOX_RATE_LIMIT_REDIS_URL: `rediss://:${password}@cache.internal:6380`,
      }),
    );
    const redacted = redactConfig(config);
    expect(redacted.auth.jwtSecret).toBe(REDACTED);
    expect(redacted.llm.apiKey).toBe(REDACTED);
    expect(redacted.storage.mongodbUri).toBe(
      'mongodb://app:***@db1:27017,db2:27017/chatbox?authSource=admin',
    );
    expect(redacted.rateLimit.redisUrl).toBe('rediss://:***@cache.internal:6380');
    expect(redacted.server).toEqual(config.server);
    expect(config.storage.mongodbUri).toContain(password);
    expect(Object.isFrozen(redacted.storage)).toBe(true);
  });

  it('skips secrets that are not set', () => {
    const redacted = redactConfig(loadConfig({ CHATBOX_LLM_PROVIDER: 'demo' }));
    expect(redacted.llm.apiKey).toBeUndefined();
    expect(redacted.auth.jwtSecret).toBe(REDACTED);
  });
});

describe('redactText and deepFreeze', () => {
  it('replaces every occurrence of secrets of 4+ characters', () => {
    expect(redactText('a hunter2 b hunter2', ['hunter2', 'abc'])).toBe('a *** b ***');
  });

  it('freezes nested objects and arrays, and tolerates primitives', () => {
    const value = deepFreeze({ a: { b: [1, { c: 2 }] } });
    expect(Object.isFrozen(value.a.b[1])).toBe(true);
    expect(deepFreeze(3)).toBe(3);
  });
});
