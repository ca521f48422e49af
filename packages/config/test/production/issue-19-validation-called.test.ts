import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as api from '@chatbox/config';
import {
  CONFIG_SETTINGS,
  ConfigError,
  loadConfig,
  parseDuration,
  safeLoadConfig,
} from '@chatbox/config';
import type { ConfigIssue, ConfigSetting } from '@chatbox/config';
import { files, paths, productionEnv } from '../support.js';

function rangeOf(setting: ConfigSetting): [number, number] {
  const [min, max] = (setting.allowed ?? '').split('-');
  const read = (text: string | undefined): number =>
    (setting.type === 'duration' ? parseDuration(text ?? '') : Number(text)) ?? Number.NaN;
  return [read(min), read(max)];
}

/** Values each setting must refuse, chosen from its public metadata. */
function invalidValues(setting: ConfigSetting): string[] {
  switch (setting.type) {
    case 'integer':
      return ['abc', '1.5', String(rangeOf(setting)[1] + 1), '-1'];
    case 'duration':
      return ['15 min', '-5s', '1.5s', String(rangeOf(setting)[1] + 1)];
    case 'boolean':
      return ['yes', 'maybe'];
    case 'enum':
      return ['bogus'];
    case 'list':
      return ['none', 'HS256,nope'];
    case 'url':
      return ['not a url', 'ftp://example.com'];
    case 'origins':
      return ['https://chat.example.com/app', '*', 'chat.example.com'];
    case 'pem':
      return ['not a pem'];
    case 'string':
      if (setting.secret) return ['changeme', 'test123'];
      return setting.allowed === undefined ? ['x'.repeat(600)] : ['has spaces !'];
  }
}

function covers(issues: readonly ConfigIssue[], path: string): boolean {
  return issues.some((issue) => issue.path === path || issue.path.startsWith(`${path}[`));
}

function nest(entries: readonly (readonly [string, string])[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, value] of entries) {
    const keys = path.split('.');
    let node = root;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[keys.at(-1)!] = value;
  }
  return root;
}

const badSetting = fc
  .constantFrom(...CONFIG_SETTINGS)
  .chain((setting) =>
    fc.tuple(fc.constant(setting), fc.constantFrom(...invalidValues(setting)), fc.boolean()),
  );

describe('ProductionIssue19_ValidationCalled', () => {
  it('returns a Config only for valid input: the baselines load without any explicit validate step', () => {
    expect(loadConfig({}).env).toBe('development');
    expect(loadConfig(productionEnv()).env).toBe('production');
    // The old Load()/Validate() split: there is no separate validation function to forget.
    expect(Object.keys(api).filter((name) => /validate/i.test(name))).toEqual([]);
  });

  it('never returns a Config for invalid input, and reports every invalid setting, from env or file', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(badSetting, {
          minLength: 1,
          maxLength: 6,
          selector: ([setting]) => setting.path,
        }),
        fc.boolean(),
        (bad, production) => {
          const env: Record<string, string | undefined> = production ? productionEnv() : {};
          const inFile = bad.filter(([, , fromFile]) => fromFile);
          for (const [setting, value, fromFile] of bad)
            env[setting.env] = fromFile ? undefined : value;
          if (inFile.length > 0) env.CHATBOX_CONFIG_FILE = 'chatbox.yaml';
          // JSON is YAML: the file carries the same invalid values.
          const readFile = files({
            'chatbox.yaml': JSON.stringify(
              nest(inFile.map(([setting, value]) => [setting.path, value])),
            ),
          });

          const result = safeLoadConfig(env, { readFile });
          expect(result.success).toBe(false);
          expect('config' in result).toBe(false);
          const issues = result.success ? [] : result.issues;
          for (const [setting] of bad) expect(covers(issues, setting.path)).toBe(true);

          let thrown: unknown;
          try {
            loadConfig(env, { readFile });
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(ConfigError);
          expect((thrown as ConfigError).code).toBe('ERR_CONFIG_INVALID');
          expect((thrown as ConfigError).issues).toEqual(issues);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reports all three of three independent errors in one ConfigError', () => {
    const env = productionEnv({
      CHATBOX_SERVER_PORT: '0',
      CHATBOX_WEBSOCKET_ALLOWED_ORIGINS: 'https://chat.example.com/',
      CHATBOX_WEBSOCKET_PONG_TIMEOUT_MS: '45s',
    });
    let error: ConfigError | undefined;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(paths(error!.issues).sort()).toEqual([
      'server.port',
      'websocket.allowedOrigins[0]',
      'websocket.pingIntervalMs',
    ]);
    expect(error!.issues.map((issue) => issue.code).sort()).toEqual([
      'conflict',
      'invalid_origin',
      'out_of_range',
    ]);
    expect(error!.message).toContain('3 problems');
    for (const env of [
      'CHATBOX_SERVER_PORT',
      'CHATBOX_WEBSOCKET_ALLOWED_ORIGINS',
      'CHATBOX_WEBSOCKET_PING_INTERVAL_MS',
    ]) {
      expect(error!.message).toContain(env);
    }
  });

  it('returns a deeply frozen Config, so nothing can make it invalid after validation', () => {
    const config = loadConfig(productionEnv());
    expect(() => {
      (config.server as { port: number }).port = 0;
    }).toThrow(TypeError);
    expect(() => {
      (config.websocket.allowedOrigins as string[]).push('*');
    }).toThrow(TypeError);
    expect(() => {
      (config.storage.retry as { attempts: number }).attempts = -1;
    }).toThrow(TypeError);
    expect(config.server.port).toBe(8080);
    expect(config.websocket.allowedOrigins).toEqual(['https://chat.example.com']);
  });
});
