import type { ConfigSetting } from '@chatbox/config';

export interface ChatboxEnvOptions {
  readonly secret: string;
  /** Pause before each demo chunk; 0 for the echo scenario. */
  readonly demoDelayMs: number;
  /** max_tokens; the demo reply is cut at 4 characters per token. */
  readonly maxTokens?: number;
  readonly mongo?: { readonly uri: string; readonly database: string };
  /** More CHATBOX_* variables (settings found by `optionalSettings`). */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * A development configuration with every per-user limit raised out of the way (each load
 * connection is its own user) and the production log level, so log lines are part of the cost.
 */
export function chatboxEnv(options: ChatboxEnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    CHATBOX_ENV: 'development',
    CHATBOX_SERVER_HOST: '127.0.0.1',
    CHATBOX_AUTH_JWT_SECRET: options.secret,
    CHATBOX_LLM_PROVIDER: 'demo',
    CHATBOX_LLM_DEMO_DELAY_MS: String(options.demoDelayMs),
    CHATBOX_RATE_LIMIT_MESSAGES_PER_MINUTE: '100000',
    CHATBOX_RATE_LIMIT_CONCURRENT_GENERATIONS_PER_USER: '100',
    CHATBOX_WEBSOCKET_MAX_CONNECTIONS_PER_USER: '1000',
    CHATBOX_WEBSOCKET_INVALID_FRAMES_PER_MINUTE: '10000',
    CHATBOX_LOG_LEVEL: 'info',
  };
  if (options.maxTokens !== undefined) env.CHATBOX_LLM_MAX_TOKENS = String(options.maxTokens);
  if (options.mongo !== undefined) {
    env.CHATBOX_STORAGE_BACKEND = 'mongodb';
    env.CHATBOX_STORAGE_MONGODB_URI = options.mongo.uri;
    env.CHATBOX_STORAGE_DATABASE = options.mongo.database;
  }
  return { ...env, ...options.extra };
}

/** A setting the bench uses when the built @chatbox/config has it. */
export interface OptionalSetting {
  readonly env: string;
  readonly path: string;
  /** Upper end of its range (`allowed` `a-b`), when it is a plain integer range. */
  readonly max: number | undefined;
  /** The default as @chatbox/config prints it. */
  readonly default: string | undefined;
}

/** Settings added for issue 10 that older builds of @chatbox/config do not have. */
export interface OptionalSettings {
  /** CHATBOX_WEBSOCKET_FRAMES_PER_MINUTE_PER_CONNECTION: the gateway's per-connection frame bucket. */
  readonly framesPerMinute: OptionalSetting | undefined;
  /** CHATBOX_WEBSOCKET_DELTA_COALESCE_MS: the router's delta coalescing window, 0 = off. */
  readonly deltaCoalesce: OptionalSetting | undefined;
}

function find(
  settings: readonly ConfigSetting[],
  env: string,
  key: string,
): OptionalSetting | undefined {
  const found =
    settings.find((setting) => setting.env === env) ??
    settings.find((setting) => setting.path.split('.').at(-1) === key);
  if (found === undefined) return undefined;
  const range = /^\s*(\d[\d_,]*)\s*-\s*(\d[\d_,]*)\s*$/.exec(found.allowed ?? '');
  const max = range?.[2] === undefined ? undefined : Number(range[2].replace(/[_,]/g, ''));
  return {
    env: found.env,
    path: found.path,
    max: max !== undefined && Number.isSafeInteger(max) ? max : undefined,
    default: found.default,
  };
}

/** Which optional settings the built @chatbox/config (the one the servers load) knows. */
export async function optionalSettings(): Promise<OptionalSettings> {
  const { CONFIG_SETTINGS } = await import('@chatbox/config');
  const settings = Array.isArray(CONFIG_SETTINGS) ? CONFIG_SETTINGS : [];
  return {
    framesPerMinute: find(
      settings,
      'CHATBOX_WEBSOCKET_FRAMES_PER_MINUTE_PER_CONNECTION',
      'framesPerMinutePerConnection',
    ),
    deltaCoalesce: find(settings, 'CHATBOX_WEBSOCKET_DELTA_COALESCE_MS', 'deltaCoalesceMs'),
  };
}
