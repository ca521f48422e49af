import { formatDuration } from './duration.js';
import { SECOND_MS } from './setting-kinds.js';
import type { SettingDefinition } from './setting-kinds.js';
import { CORE_SETTINGS } from './settings-core.js';
import { EDGE_SETTINGS } from './settings-edge.js';

/** Every setting, in documentation order: the single source of the schema, env names and docs. */
export const SETTING_DEFINITIONS: readonly SettingDefinition[] = Object.freeze([
  ...EDGE_SETTINGS,
  ...CORE_SETTINGS,
]);

export const SDK_TIMEOUT_MARGIN_MS = 5 * SECOND_MS;

/** Human-readable default, as documented. */
export function defaultText(definition: SettingDefinition): string | undefined {
  if (definition.defaultText !== undefined) return definition.defaultText;
  const value = definition.default;
  if (value === undefined) return undefined;
  if (definition.kind.type === 'duration' && typeof value === 'number')
    return formatDuration(value);
  if (Array.isArray(value)) return value.length === 0 ? '(empty)' : value.join(',');
  return String(value);
}

const BY_PATH = new Map(SETTING_DEFINITIONS.map((definition) => [definition.path, definition]));

export function definitionAt(path: string): SettingDefinition | undefined {
  return BY_PATH.get(path);
}

export function envFor(path: string): string | undefined {
  return BY_PATH.get(path)?.env;
}
