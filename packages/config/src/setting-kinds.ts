export const JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const MIB = 1_048_576;

export type SettingKind =
  | {
      readonly type: 'string';
      readonly pattern?: RegExp;
      readonly hint?: string;
      readonly maxLength?: number;
    }
  | { readonly type: 'integer'; readonly min: number; readonly max: number }
  | { readonly type: 'duration'; readonly min: number; readonly max: number }
  | { readonly type: 'boolean' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'list'; readonly values: readonly string[] }
  | { readonly type: 'url'; readonly schemes: readonly string[] }
  | { readonly type: 'origins' }
  | { readonly type: 'pem' };

export type SettingValue = string | number | boolean | readonly string[];

export interface SettingDefinition {
  readonly path: string;
  readonly env: string;
  readonly kind: SettingKind;
  /** Absent: optional, or derived from other settings (`defaultText` says how). */
  readonly default?: SettingValue;
  readonly defaultText?: string;
  readonly secret: boolean;
  readonly requiredInProduction: boolean;
  /** When the setting is required only under a condition (another setting's value). */
  readonly requiredWhen?: string;
  readonly description: string;
}

type Flags = Partial<
  Pick<SettingDefinition, 'secret' | 'requiredInProduction' | 'requiredWhen' | 'defaultText'>
>;

/** `server.trustProxyHops` → `CHATBOX_SERVER_TRUST_PROXY_HOPS`. */
export function envNameFor(path: string): string {
  const words = path
    .split('.')
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase());
  return `CHATBOX_${words.join('_')}`;
}

/** One setting; its variable name is derived from the path. */
export function setting(
  path: string,
  kind: SettingKind,
  value: SettingValue | undefined,
  description: string,
  flags: Flags = {},
): SettingDefinition {
  return Object.freeze({
    path,
    env: envNameFor(path),
    kind,
    ...(value === undefined ? {} : { default: value }),
    secret: flags.secret ?? false,
    requiredInProduction: flags.requiredInProduction ?? false,
    ...(flags.requiredWhen === undefined ? {} : { requiredWhen: flags.requiredWhen }),
    ...(flags.defaultText === undefined ? {} : { defaultText: flags.defaultText }),
    description,
  });
}

export const int = (min: number, max: number): SettingKind => ({ type: 'integer', min, max });
export const ms = (min: number, max: number): SettingKind => ({ type: 'duration', min, max });
export const str = (pattern?: RegExp, hint?: string): SettingKind => ({
  type: 'string',
  maxLength: 512,
  ...(pattern && hint ? { pattern, hint } : {}),
});
export const oneOf = (...values: string[]): SettingKind => ({ type: 'enum', values });
export const NAME = /^[A-Za-z0-9_.:-]+$/;
export const NAME_HINT = 'letters, digits, _ . : -';
