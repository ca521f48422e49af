export interface ChatboxEnvOptions {
  readonly secret: string;
  /** Pause before each demo chunk; 0 for the echo scenario. */
  readonly demoDelayMs: number;
  /** max_tokens; the demo reply is cut at 4 characters per token. */
  readonly maxTokens?: number;
  readonly mongo?: { readonly uri: string; readonly database: string };
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
  return env;
}
