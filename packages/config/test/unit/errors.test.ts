import { describe, expect, it } from '@jest/globals';
import { ConfigError, formatIssue } from '../../src/errors.js';
import type { ConfigIssue } from '../../src/errors.js';

describe('ConfigError', () => {
  it('lists every issue in its message and freezes them', () => {
    const issues: ConfigIssue[] = [
      {
        path: 'server.port',
        env: 'CHATBOX_SERVER_PORT',
        code: 'out_of_range',
        message: 'must be an integer from 1 to 65535',
      },
      { path: 'configFile', code: 'file_invalid', message: 'is not YAML' },
    ];
    const error = new ConfigError('ERR_CONFIG_INVALID', issues);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe(
      'invalid configuration (2 problems):\n  - server.port (CHATBOX_SERVER_PORT): must be an integer from 1 to 65535 [out_of_range]\n  - configFile: is not YAML [file_invalid]',
    );
    expect(Object.isFrozen(error.issues)).toBe(true);
    expect(Object.isFrozen(error.issues[0])).toBe(true);
    expect(error.cause).toBeUndefined();
    expect(formatIssue(issues[1]!)).toBe('configFile: is not YAML [file_invalid]');
  });

  it('caps the listing in the message but keeps every issue, and carries a cause', () => {
    const issues: ConfigIssue[] = Array.from({ length: 60 }, (_, i) => ({
      path: `p${i}`,
      code: 'required',
      message: 'm',
    }));
    const cause = new Error('root');
    const error = new ConfigError('ERR_CONFIG_INVALID', issues, { cause });
    expect(error.issues).toHaveLength(60);
    expect(error.message).toContain('... and 10 more');
    expect(error.message.startsWith('invalid configuration (60 problems)')).toBe(true);
    expect(error.cause).toBe(cause);
    expect(new ConfigError('ERR_CONFIG_INVALID', issues.slice(0, 1)).message).toContain(
      '(1 problem)',
    );
  });
});
