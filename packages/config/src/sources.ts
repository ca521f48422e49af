import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { CONFIG_FILE_ENV } from './config-settings.js';
import type { ConfigIssue } from './errors.js';
import { isDefinition, SETTING_TREE } from './schema.js';
import type { SettingTree } from './schema.js';
import { SETTING_DEFINITIONS } from './settings.js';
import { closestMatch } from './suggest.js';

type RawTree = Record<string, unknown>;

export interface Layers {
  /** File values overlaid with environment values, nested like `Config`, not yet validated. */
  readonly raw: RawTree;
  readonly issues: readonly ConfigIssue[];
  readonly notices: readonly string[];
}

const ALL_PATHS = SETTING_DEFINITIONS.map((definition) => definition.path);
const ALL_ENV = SETTING_DEFINITIONS.map((definition) => definition.env);
// A Kubernetes Service named `chatbox` injects CHATBOX_SERVICE_* and CHATBOX_PORT*; they are not ours.
const SERVICE_LINK_ENV = /^CHATBOX_(?:SERVICE_|PORT(?:_|$))/;

export function defaultReadFile(path: string): string {
  return readFileSync(path, 'utf8');
}

function setPath(tree: RawTree, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = tree;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = (
      typeof next === 'object' && next !== null && !Array.isArray(next) ? next : (node[key] = {})
    ) as RawTree;
  }
  node[keys.at(-1)!] = value;
}

function isMapping(value: unknown): value is RawTree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies known keys of a file mapping; every unknown key is an issue (finding 19: no silent typos). */
function copyKnown(
  source: RawTree,
  tree: SettingTree,
  prefix: string,
  out: RawTree,
  issues: ConfigIssue[],
): void {
  for (const key of Object.keys(source)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const value = source[key];
    const node = Object.hasOwn(tree, key) ? tree[key] : undefined;
    if (node === undefined) {
      const near = closestMatch(path, ALL_PATHS);
      const hint = near === undefined ? '' : `; did you mean ${near}?`;
      issues.push({
        path,
        env: CONFIG_FILE_ENV,
        code: 'unknown_key',
        message: `unknown setting in the config file${hint}`,
      });
    } else if (value === null || value === undefined) {
      continue;
    } else if (isDefinition(node)) {
      setPath(out, path, value);
    } else if (isMapping(value)) {
      copyKnown(value, node, path, out, issues);
    } else {
      issues.push({
        path,
        env: CONFIG_FILE_ENV,
        code: 'invalid_type',
        message: 'must be a mapping of settings',
      });
    }
  }
}

function readFileLayer(
  file: string,
  readFile: (path: string) => string,
  out: RawTree,
  issues: ConfigIssue[],
): void {
  const fail = (code: 'file_unreadable' | 'file_invalid', message: string): void => {
    issues.push({ path: 'configFile', env: CONFIG_FILE_ENV, code, message });
  };
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'read failed';
    fail('file_unreadable', `cannot read ${JSON.stringify(file)} (${reason})`);
    return;
  }
  let document: unknown;
  try {
    // CORE_SCHEMA: plain scalars only, no timestamps or binary; duplicate keys are errors.
    document = yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: file });
  } catch (error) {
    // The reason and line only: js-yaml's full message quotes the file, which may hold secrets.
    const problem =
      error instanceof yaml.YAMLException
        ? `${error.reason} at line ${error.mark.line + 1}`
        : 'unparsable';
    fail('file_invalid', `${JSON.stringify(file)} is not valid YAML: ${problem}`);
    return;
  }
  if (document === undefined || document === null) return;
  if (!isMapping(document)) {
    fail('file_invalid', `${JSON.stringify(file)} must hold a mapping of settings`);
    return;
  }
  copyKnown(document, SETTING_TREE, '', out, issues);
}

function unknownEnvNotices(env: Readonly<Record<string, string | undefined>>): string[] {
  const notices: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('CHATBOX_') || name === CONFIG_FILE_ENV || SERVICE_LINK_ENV.test(name))
      continue;
    if (ALL_ENV.includes(name)) continue;
    const near = closestMatch(name, ALL_ENV);
    notices.push(
      `ignored unknown environment variable ${name}${near === undefined ? '' : ` (did you mean ${near}?)`}`,
    );
  }
  return notices;
}

/** Reads the optional YAML file, then overlays CHATBOX_* variables; empty variables count as unset. */
export function readLayers(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string,
): Layers {
  const raw: RawTree = {};
  const issues: ConfigIssue[] = [];
  const file = env[CONFIG_FILE_ENV]?.trim();
  if (file !== undefined && file !== '') readFileLayer(file, readFile, raw, issues);
  for (const definition of SETTING_DEFINITIONS) {
    const value = env[definition.env];
    if (value !== undefined && value.trim() !== '') setPath(raw, definition.path, value);
  }
  return { raw, issues, notices: unknownEnvNotices(env) };
}
