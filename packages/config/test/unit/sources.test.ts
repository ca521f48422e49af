import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { defaultReadFile, readLayers } from '../../src/sources.js';
import { files } from '../support.js';

describe('readLayers', () => {
  it('lets environment variables override the file, setting by setting', () => {
    const yaml = 'server:\n  port: 9000\n  host: 0.0.0.0\nlog: { level: debug }\n';
    const layers = readLayers(
      { CHATBOX_CONFIG_FILE: 'c.yaml', CHATBOX_SERVER_PORT: '9100' },
      files({ 'c.yaml': yaml }),
    );
    expect(layers.raw).toEqual({
      server: { port: '9100', host: '0.0.0.0' },
      log: { level: 'debug' },
    });
    expect(layers.issues).toEqual([]);
  });

  it('treats empty variables and YAML nulls as unset, and an empty file as no settings', () => {
    const layers = readLayers(
      { CHATBOX_SERVER_PORT: '  ', CHATBOX_CONFIG_FILE: 'c.yaml' },
      files({ 'c.yaml': 'server:\n  port:\nllm: ~\n' }),
    );
    expect(layers.raw).toEqual({});
    expect(readLayers({ CHATBOX_CONFIG_FILE: 'e.yaml' }, files({ 'e.yaml': '' })).raw).toEqual({});
    expect(readLayers({ CHATBOX_CONFIG_FILE: ' ' }, files({})).issues).toEqual([]);
  });

  it('reports every unknown key with a suggestion, including prototype keys, without polluting', () => {
    const yaml =
      '__proto__:\n  polluted: true\nserver:\n  prot: 1\nsever:\n  port: 1\nallowedOrigins: []\nzzzzzzzz: 1\n';
    const { issues } = readLayers({ CHATBOX_CONFIG_FILE: 'c.yaml' }, files({ 'c.yaml': yaml }));
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['__proto__', 'unknown_key'],
      ['server.prot', 'unknown_key'],
      ['sever', 'unknown_key'],
      ['allowedOrigins', 'unknown_key'],
      ['zzzzzzzz', 'unknown_key'],
    ]);
    expect(issues[1]?.message).toContain('did you mean server.port?');
    expect(issues[3]?.message).toContain('websocket.allowedOrigins');
    expect(issues[4]?.message).toBe('unknown setting in the config file');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses sections that are not mappings and documents that are not mappings', () => {
    const { issues } = readLayers(
      { CHATBOX_CONFIG_FILE: 'c.yaml' },
      files({ 'c.yaml': 'server: 5\nstorage:\n  retry: [1]\n' }),
    );
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['server', 'invalid_type'],
      ['storage.retry', 'invalid_type'],
    ]);
    const list = readLayers({ CHATBOX_CONFIG_FILE: 'l.yaml' }, files({ 'l.yaml': '- 1\n- 2\n' }));
    expect(list.issues.map((issue) => issue.code)).toEqual(['file_invalid']);
  });

  it('reports unreadable and malformed files without quoting their content', () => {
    const secretLine = `auth:\n  jwtSecret: "${'q'.repeat(3)}-unterminated\n`;
    const bad = readLayers({ CHATBOX_CONFIG_FILE: 'bad.yaml' }, files({ 'bad.yaml': secretLine }));
    expect(bad.issues).toHaveLength(1);
    expect(bad.issues[0]).toMatchObject({
      path: 'configFile',
      env: 'CHATBOX_CONFIG_FILE',
      code: 'file_invalid',
    });
    expect(bad.issues[0]?.message).not.toContain('unterminated');
    expect(bad.issues[0]?.message).toMatch(/line \d+/);
    const duplicate = readLayers(
      { CHATBOX_CONFIG_FILE: 'd.yaml' },
      files({ 'd.yaml': 'log:\n  level: info\n  level: warn\n' }),
    );
    expect(duplicate.issues[0]?.message).toContain('duplicated mapping key');
    const missing = readLayers({ CHATBOX_CONFIG_FILE: '/nope.yaml' }, files({}));
    expect(missing.issues[0]).toMatchObject({
      code: 'file_unreadable',
      message: 'cannot read "/nope.yaml" (ENOENT)',
    });
    const odd = readLayers({ CHATBOX_CONFIG_FILE: 'x' }, () => {
      throw new Error('boom');
    });
    expect(odd.issues[0]?.message).toContain('(read failed)');
  });

  it('reads the file from disk by default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatbox-config-'));
    try {
      const file = join(dir, 'chatbox.yaml');
      writeFileSync(file, 'server:\n  port: 9443\n');
      expect(readLayers({ CHATBOX_CONFIG_FILE: file }, defaultReadFile).raw).toEqual({
        server: { port: 9443 },
      });
      expect(
        readLayers({ CHATBOX_CONFIG_FILE: join(dir, 'absent.yaml') }, defaultReadFile).issues[0]
          ?.message,
      ).toContain('(ENOENT)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('notices unknown CHATBOX_* variables but ignores Kubernetes service links', () => {
    const { notices, issues } = readLayers(
      {
        CHATBOX_SERVER_PROT: '1',
        CHATBOX_SERVICE_HOST: '10.0.0.1',
        CHATBOX_PORT: 'tcp://10.0.0.1:80',
        CHATBOX_PORT_80_TCP_ADDR: '10.0.0.1',
        CHATBOX_QQQQQQQQQQQQQQQQQQQQ: '1',
        OTHER: 'x',
      },
      files({}),
    );
    expect(issues).toEqual([]);
    expect(notices).toEqual([
      'ignored unknown environment variable CHATBOX_SERVER_PROT (did you mean CHATBOX_SERVER_PORT?)',
      'ignored unknown environment variable CHATBOX_QQQQQQQQQQQQQQQQQQQQ',
    ]);
  });
});
