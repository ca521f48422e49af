import * as v from 'valibot';
import type { ConfigIssue, ConfigIssueCode } from './errors.js';
import { formatDuration } from './duration.js';
import { leafSchema } from './leaf-schemas.js';
import type { LeafSchema } from './leaf-schemas.js';
import { checkOrigin } from './origin.js';
import { definitionAt, SETTING_DEFINITIONS } from './settings.js';
import type { SettingDefinition, SettingKind } from './setting-kinds.js';
import { checkUrl, redactUri } from './url.js';

export interface SettingTree {
  readonly [key: string]: SettingTree | SettingDefinition;
}

export function isDefinition(node: SettingTree | SettingDefinition): node is SettingDefinition {
  return typeof node.path === 'string' && typeof node.env === 'string';
}

function buildTree(): SettingTree {
  const root: Record<string, unknown> = {};
  for (const definition of SETTING_DEFINITIONS) {
    const keys = definition.path.split('.');
    let node = root;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[keys.at(-1)!] = definition;
  }
  return root as SettingTree;
}

/** Every section and setting, nested as in `Config`. */
export const SETTING_TREE: SettingTree = buildTree();

function schemaFor(tree: SettingTree): LeafSchema {
  const entries: Record<string, LeafSchema> = {};
  for (const [key, node] of Object.entries(tree)) {
    if (isDefinition(node)) {
      const fallback = node.default;
      entries[key] = v.optional(
        leafSchema(node.kind),
        Array.isArray(fallback) ? () => [...(fallback as string[])] : fallback,
      );
    } else {
      entries[key] = v.optional(schemaFor(node), () => ({}));
    }
  }
  return v.object(entries);
}

/** Finding 19: the one schema every loaded value goes through; there is no unvalidated path. */
export const CONFIG_SCHEMA = schemaFor(SETTING_TREE);

const KIND_CODE: Readonly<Record<SettingKind['type'], ConfigIssueCode>> = {
  integer: 'invalid_number',
  duration: 'invalid_duration',
  boolean: 'invalid_boolean',
  enum: 'invalid_enum',
  list: 'invalid_enum',
  origins: 'invalid_origin',
  url: 'invalid_url',
  pem: 'invalid_key',
  string: 'invalid_string',
};

const MAX_SHOWN_CHARS = 80;

/** The offending value as it may appear in a message: never for secrets, credentials stripped. */
export function shownValue(definition: SettingDefinition, input: unknown): string | undefined {
  if (definition.secret) return undefined;
  if (typeof input !== 'string' && typeof input !== 'number' && typeof input !== 'boolean')
    return undefined;
  const raw = String(input);
  if (raw.trim() === '') return undefined;
  const clean = definition.kind.type === 'url' ? redactUri(raw) : raw;
  return JSON.stringify(
    clean.length > MAX_SHOWN_CHARS ? `${clean.slice(0, MAX_SHOWN_CHARS)}...` : clean,
  );
}

function kindMessage(kind: SettingKind, issue: v.BaseIssue<unknown>): string {
  switch (kind.type) {
    case 'integer':
      return `must be an integer from ${kind.min} to ${kind.max}`;
    case 'duration':
      return `must be a duration from ${formatDuration(kind.min)} to ${formatDuration(kind.max)}: milliseconds, or 250ms, 30s, 15m, 1h`;
    case 'boolean':
      return 'must be true or false';
    case 'enum':
      return `must be one of: ${kind.values.join(', ')}`;
    case 'list':
      if (issue.type === 'min_length') return 'must list at least one value';
      return typeof issue.input === 'string'
        ? `is not accepted; use one of: ${kind.values.join(', ')}`
        : `must be a comma-separated list of: ${kind.values.join(', ')}`;
    case 'origins': {
      if (typeof issue.input !== 'string') return 'must be a comma-separated list of origins';
      const check = checkOrigin(issue.input);
      const reason = check.ok ? 'is not an origin' : check.reason;
      const hint =
        !check.ok && check.suggestion !== undefined
          ? `; use ${JSON.stringify(check.suggestion)}`
          : '';
      return `${reason}: origins are exact scheme://host[:port]${hint}`;
    }
    case 'url':
      return typeof issue.input === 'string'
        ? `${checkUrl(issue.input, kind.schemes) ?? 'is not valid'}`
        : 'must be a URL';
    case 'pem':
      return 'must be a PEM block (-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----)';
    case 'string':
      if (issue.type === 'min_length') return 'must not be empty';
      if (issue.type === 'max_length') return `must be at most ${kind.maxLength ?? 512} characters`;
      return kind.hint === undefined || issue.type !== 'regex'
        ? 'must be a string'
        : `must be ${kind.hint}`;
  }
}

function issueCode(kind: SettingKind, issue: v.BaseIssue<unknown>): ConfigIssueCode {
  if (issue.type === 'min_value' || issue.type === 'max_value' || issue.type === 'max_length')
    return 'out_of_range';
  return KIND_CODE[kind.type];
}

function pathText(keys: readonly unknown[]): string {
  return keys
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function toConfigIssue(issue: v.BaseIssue<unknown>): ConfigIssue {
  const keys = (issue.path ?? []).map((item) => item.key);
  const path = pathText(keys);
  const dotted = keys.filter((key): key is string => typeof key === 'string').join('.');
  const definition = definitionAt(dotted);
  if (definition === undefined) {
    return { path, code: 'invalid_type', message: 'must be a mapping of settings' };
  }
  const shown = shownValue(definition, issue.input);
  const message =
    kindMessage(definition.kind, issue) + (shown === undefined ? '' : ` (got ${shown})`);
  return { path, env: definition.env, code: issueCode(definition.kind, issue), message };
}

export interface SchemaResult {
  /** Defaults applied; values at a path with an issue are unusable. */
  readonly draft: unknown;
  readonly issues: readonly ConfigIssue[];
}

export function parseSettings(raw: unknown): SchemaResult {
  const result = v.safeParse(CONFIG_SCHEMA, raw, { abortEarly: false, abortPipeEarly: true });
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const issue of (result.issues ?? []).map(toConfigIssue)) {
    if (seen.has(issue.path)) continue;
    seen.add(issue.path);
    issues.push(issue);
  }
  return { draft: result.output, issues };
}
