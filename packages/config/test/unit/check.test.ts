import { describe, expect, it } from '@jest/globals';
import { CHECK_USAGE, runCheck, runCli } from '../../src/check.js';
import { files, productionEnv, strongSecret } from '../support.js';

function capture(): {
  out: string[];
  err: string[];
  io: { out: (line: string) => void; err: (line: string) => void };
} {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (line) => out.push(line), err: (line) => err.push(line) } };
}

describe('runCheck', () => {
  it('prints every problem with its path and variable, and exits 1', () => {
    const { out, err, io } = capture();
    expect(runCheck({ CHATBOX_SERVER_PORT: '0', CHATBOX_LOG_LEVEL: 'loud' }, io)).toBe(1);
    expect(out).toEqual([]);
    expect(err[0]).toBe('chatbox-config: 2 configuration problems');
    expect(err[1]).toContain(
      'server.port (CHATBOX_SERVER_PORT): must be an integer from 1 to 65535',
    );
    expect(err[2]).toContain('log.level (CHATBOX_LOG_LEVEL)');
    const single = capture();
    expect(runCheck({ CHATBOX_LOG_LEVEL: 'loud' }, single.io)).toBe(1);
    expect(single.err[0]).toBe('chatbox-config: 1 configuration problem');
  });

  it('prints "configuration OK", notices and a redacted summary, and exits 0', () => {
    const { out, err, io } = capture();
    expect(runCheck({}, io)).toBe(0);
    expect(err).toEqual([]);
    expect(out[0]).toBe('configuration OK (env: development)');
    expect(out).toContain(
      'notice: no CHATBOX_LLM_API_KEY: using the demo provider (development only)',
    );
    expect(out).toContain('  auth.jwtSecret = "***" (generated)');
    expect(out).toContain('  server.port = 8080');
    expect(out.some((line) => line.startsWith('  auth.publicKeyPem'))).toBe(false);
  });

  it('reads the config file through the injected reader', () => {
    const { out, io } = capture();
    const secret = strongSecret();
    const env = productionEnv({ CHATBOX_AUTH_JWT_SECRET: secret, CHATBOX_CONFIG_FILE: 'c.yaml' });
    expect(
      runCheck(env, { ...io, readFile: files({ 'c.yaml': 'server: { port: 9443 }\n' }) }),
    ).toBe(0);
    expect(out).toContain('  server.port = 9443');
    expect(out.join('\n')).not.toContain(secret);
  });
});

describe('runCli', () => {
  it('runs check, prints help, and refuses anything else with exit code 2', () => {
    const ok = capture();
    expect(runCli(['check'], {}, ok.io)).toBe(0);
    const help = capture();
    expect(runCli(['--help'], {}, help.io)).toBe(0);
    expect(help.out).toEqual([CHECK_USAGE]);
    for (const argv of [[], ['chek'], ['check', '--strict']]) {
      const bad = capture();
      expect(runCli(argv, {}, bad.io)).toBe(2);
      expect(bad.err).toEqual([CHECK_USAGE]);
    }
  });
});
