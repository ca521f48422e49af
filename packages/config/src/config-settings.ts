import { formatDuration } from './duration.js';
import { defaultText, SETTING_DEFINITIONS } from './settings.js';
import type { SettingDefinition, SettingKind } from './setting-kinds.js';

export type ConfigSettingType = SettingKind['type'];

/** Public metadata of one setting: for docs, `chatbox-config check` and manifest cross-checks. */
export interface ConfigSetting {
  readonly env: string;
  /** Dotted path in `Config`. */
  readonly path: string;
  readonly type: ConfigSettingType;
  /** Accepted values or range, human-readable (`1-65535`, `memory | redis`). */
  readonly allowed?: string;
  /** Must come from a Secret, is redacted everywhere. */
  readonly secret: boolean;
  readonly requiredInProduction: boolean;
  readonly requiredWhen?: string;
  readonly default?: string;
  readonly description: string;
}

export function allowedText(kind: SettingKind): string | undefined {
  switch (kind.type) {
    case 'integer':
      return `${kind.min}-${kind.max}`;
    case 'duration':
      return `${formatDuration(kind.min)}-${formatDuration(kind.max)}`;
    case 'boolean':
      return 'true | false';
    case 'enum':
      return kind.values.join(' | ');
    case 'list':
      return `comma-separated: ${kind.values.join(', ')}`;
    case 'url':
      return kind.schemes.map((scheme) => `${scheme}://`).join(' | ');
    case 'origins':
      return 'comma-separated scheme://host[:port]';
    case 'pem':
      return 'PEM public key';
    case 'string':
      return kind.hint;
  }
}

function toPublic(definition: SettingDefinition): ConfigSetting {
  const allowed = allowedText(definition.kind);
  const fallback = defaultText(definition);
  return Object.freeze({
    env: definition.env,
    path: definition.path,
    type: definition.kind.type,
    ...(allowed === undefined ? {} : { allowed }),
    secret: definition.secret,
    requiredInProduction: definition.requiredInProduction,
    ...(definition.requiredWhen === undefined ? {} : { requiredWhen: definition.requiredWhen }),
    ...(fallback === undefined ? {} : { default: fallback }),
    description: definition.description,
  });
}

/** Every setting chatbox reads, in documentation order. */
export const CONFIG_SETTINGS: readonly ConfigSetting[] = Object.freeze(
  SETTING_DEFINITIONS.map(toPublic),
);

/** Environment variables that set configuration, plus CHATBOX_CONFIG_FILE. */
export const CONFIG_FILE_ENV = 'CHATBOX_CONFIG_FILE';
