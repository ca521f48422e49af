import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { ConfigError } from './errors.js';
import type { ConfigIssue } from './errors.js';
import { finalizeConfig } from './finalize.js';
import { redactText } from './redact.js';
import type { Draft } from './rule-context.js';
import { checkRules } from './rules.js';
import { parseSettings } from './schema.js';
import { SETTING_DEFINITIONS } from './settings.js';
import { defaultReadFile, readLayers } from './sources.js';
import type { Config, LoadConfigOptions, SafeLoadResult } from './types.js';
import { uriPassword } from './url.js';

export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/** Every secret-bearing input, so that no message can echo one even by accident. */
function secretInputs(env: ConfigEnv, raw: Record<string, unknown>): string[] {
  const values: string[] = [];
  for (const definition of SETTING_DEFINITIONS.filter((candidate) => candidate.secret)) {
    const fromFile = definition.path
      .split('.')
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], raw);
    for (const value of [env[definition.env], fromFile]) {
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      const text = String(value).trim();
      values.push(text, uriPassword(text) ?? '');
    }
  }
  return values.filter((value) => value !== '');
}

/**
 * Loads and validates every setting (finding 19): the file named by CHATBOX_CONFIG_FILE, then
 * CHATBOX_* variables over it. Returns every problem at once, or a deeply frozen `Config`.
 */
export function safeLoadConfig(env: ConfigEnv, options: LoadConfigOptions = {}): SafeLoadResult {
  const layers = readLayers(env, options.readFile ?? defaultReadFile);
  const parsed = parseSettings(layers.raw);
  const structural = [...layers.issues, ...parsed.issues];
  const rules = checkRules(
    parsed.draft,
    structural.map((issue) => issue.path),
  );
  const issues: ConfigIssue[] = [...structural, ...rules.issues];
  if (issues.length > 0) {
    const secrets = secretInputs(env, layers.raw);
    return {
      success: false,
      issues: issues.map((issue) => ({ ...issue, message: redactText(issue.message, secrets) })),
    };
  }
  const config = finalizeConfig(parsed.draft as Draft, {
    randomBytes: options.randomBytes ?? cryptoRandomBytes,
    notices: [...layers.notices, ...rules.notices],
  });
  return { success: true, config };
}

/** As `safeLoadConfig`, but throws one `ConfigError` (`ERR_CONFIG_INVALID`) listing every problem. */
export function loadConfig(env: ConfigEnv, options: LoadConfigOptions = {}): Config {
  const result = safeLoadConfig(env, options);
  if (!result.success) throw new ConfigError('ERR_CONFIG_INVALID', result.issues);
  return result.config;
}
