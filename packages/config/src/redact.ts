import { inspect } from 'node:util';
import { SETTING_DEFINITIONS } from './settings.js';
import type { Config } from './types.js';
import { redactUri } from './url.js';

export const REDACTED = '***';
const MIN_REDACTED_LENGTH = 4;

type Node = Record<string, unknown>;

function cloneTree(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneTree);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, cloneTree(item)]));
  }
  return value;
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

function parentOf(root: Node, path: string): [Node, string] | undefined {
  const keys = path.split('.');
  let node: unknown = root;
  for (const key of keys.slice(0, -1)) {
    node = (node as Node)[key];
    if (typeof node !== 'object' || node === null) return undefined;
  }
  return [node as Node, keys.at(-1)!];
}

/** A deeply frozen copy with every secret replaced by `***` and credentials stripped from URLs. */
export function redactConfig(config: Config): Config {
  const copy = cloneTree(config) as Node;
  for (const definition of SETTING_DEFINITIONS) {
    if (!definition.secret) continue;
    const slot = parentOf(copy, definition.path);
    const value = slot?.[0][slot[1]];
    if (slot === undefined || typeof value !== 'string') continue;
    slot[0][slot[1]] = definition.kind.type === 'url' ? redactUri(value) : REDACTED;
  }
  return deepFreeze(copy) as unknown as Config;
}

/** Replaces every occurrence of the given secret values in `text`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_REDACTED_LENGTH) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * S15: `JSON.stringify`, pino and `console.log` of the config, or of any section, print the
 * redacted form. The hooks are non-enumerable, so spreading and equality checks see plain data.
 */
export function attachRedactedViews(config: Config, redacted: Config): void {
  const attach = (target: object, view: unknown): void => {
    Object.defineProperty(target, 'toJSON', { value: () => view, enumerable: false });
    Object.defineProperty(target, inspect.custom, { value: () => view, enumerable: false });
  };
  attach(config, redacted);
  for (const [key, section] of Object.entries(config) as [string, unknown][]) {
    if (typeof section === 'object' && section !== null && !Array.isArray(section)) {
      attach(section, (redacted as unknown as Node)[key]);
    }
  }
}
