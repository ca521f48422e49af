import type { ConfigIssue } from './errors.js';

export type ChatboxEnv = 'production' | 'development';
export type JwtAlgorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly trustProxyHops: number;
  readonly bodyLimitBytes: number;
}

export interface AuthConfig {
  /** HS secret, used as its UTF-8 bytes. Absent when a public key or JWKS URL is configured. */
  readonly jwtSecret?: string;
  /** True when no secret was configured in development and one was generated for this process. */
  readonly jwtSecretGenerated: boolean;
  readonly publicKeyPem?: string;
  readonly jwksUrl?: string;
  /** Never empty; all of one family (HS, or asymmetric), never `none`. */
  readonly algorithms: readonly JwtAlgorithm[];
  readonly issuer: string;
  readonly audience: string;
  readonly tokenType: string;
  readonly clockToleranceSec: number;
  readonly adminRole: string;
  readonly rolesClaim: string;
}

export interface WebSocketConfig {
  readonly path: string;
  /** Exact origins (`scheme://host[:port]`). Empty only in development (localhost then). */
  readonly allowedOrigins: readonly string[];
  readonly allowMissingOrigin: boolean;
  readonly maxPayloadBytes: number;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly sendBufferLimitBytes: number;
  readonly maxConnectionsPerUser: number;
  readonly invalidFramesPerMinute: number;
  readonly framesPerMinutePerConnection: number;
  readonly deltaCoalesceMs: number;
  readonly tokenExpiryCheckIntervalMs: number;
}

export interface SessionsConfig {
  readonly retentionMs: number;
  readonly maxEndedRetained: number;
  readonly idleTimeoutMs: number;
  readonly maxHistoryMessages: number;
  readonly sweepIntervalMs: number;
}

export interface RateLimitConfig {
  readonly messagesPerMinute: number;
  readonly adminRequestsPerMinute: number;
  readonly concurrentGenerationsPerUser: number;
  readonly maxInputChars: number;
  readonly backend: 'memory' | 'redis';
  readonly redisUrl?: string;
}

export interface ClusterConfig {
  readonly controlChannel: string;
}

export interface StorageRetryConfig {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly deadlineMs: number;
}

export interface StorageConfig {
  readonly backend: 'memory' | 'mongodb';
  readonly mongodbUri?: string;
  readonly database: string;
  readonly serverSelectionTimeoutMs: number;
  readonly retry: StorageRetryConfig;
  readonly streamFlushIntervalMs: number;
  readonly staleStreamingAfterMs: number;
}

export interface LlmConfig {
  readonly provider: 'anthropic' | 'demo';
  readonly apiKey?: string;
  readonly baseUrl?: string;
  readonly model: string;
  readonly maxTokens: number;
  readonly firstTokenTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly sdkTimeoutMs: number;
  readonly sdkMaxRetries: number;
  readonly demoDelayMs: number;
}

export interface ShutdownConfig {
  readonly deadlineMs: number;
  readonly drainMs: number;
}

export interface LogConfig {
  readonly level: LogLevel;
}

/** The validated, deeply frozen configuration. Only `loadConfig` / `safeLoadConfig` produce one. */
export interface Config {
  readonly env: ChatboxEnv;
  readonly server: ServerConfig;
  readonly auth: AuthConfig;
  readonly websocket: WebSocketConfig;
  readonly sessions: SessionsConfig;
  readonly rateLimit: RateLimitConfig;
  readonly cluster: ClusterConfig;
  readonly storage: StorageConfig;
  readonly llm: LlmConfig;
  readonly shutdown: ShutdownConfig;
  readonly log: LogConfig;
  /** What the loader decided on the operator's behalf (generated secret, demo fallback...). */
  readonly notices: readonly string[];
}

export interface LoadConfigOptions {
  /** Reads CHATBOX_CONFIG_FILE; defaults to `fs.readFileSync(path, 'utf8')`. */
  readonly readFile?: (path: string) => string;
  /** Source of the development JWT secret; defaults to `crypto.randomBytes`. */
  readonly randomBytes?: (size: number) => Uint8Array;
}

export type SafeLoadResult =
  | { readonly success: true; readonly config: Config }
  | { readonly success: false; readonly issues: readonly ConfigIssue[] };
