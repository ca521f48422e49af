export { loadConfig, safeLoadConfig } from './load.js';
export type { ConfigEnv } from './load.js';
export { ConfigError, isConfigError, formatIssue } from './errors.js';
export type {
  ConfigErrorCode,
  ConfigIssue,
  ConfigIssueCode,
  ConfigErrorOptions,
} from './errors.js';
export type {
  AuthConfig,
  ChatboxEnv,
  ClusterConfig,
  Config,
  JwtAlgorithm,
  LlmConfig,
  LoadConfigOptions,
  LogConfig,
  LogLevel,
  RateLimitConfig,
  SafeLoadResult,
  ServerConfig,
  SessionsConfig,
  ShutdownConfig,
  StorageConfig,
  StorageRetryConfig,
  WebSocketConfig,
} from './types.js';
export { CONFIG_FILE_ENV, CONFIG_SETTINGS } from './config-settings.js';
export type { ConfigSetting, ConfigSettingType } from './config-settings.js';
export { JWT_ALGORITHMS, LOG_LEVELS } from './setting-kinds.js';
export { DEFAULT_MIN_SECRET_BYTES, findSecretProblems } from './secret-policy.js';
export type { SecretPolicyOptions, SecretProblem, SecretProblemCode } from './secret-policy.js';
export { KNOWN_DEFAULT_SECRETS } from './secret-lists.js';
export { isSecretSettingName } from './secret-names.js';
export { REDACTED, redactConfig } from './redact.js';
export { redactUri } from './url.js';
export { formatDuration, parseDuration } from './duration.js';
export { checkOrigin } from './origin.js';
export type { OriginCheck } from './origin.js';
export { CHECK_USAGE, runCheck } from './check.js';
export type { CheckIo } from './check.js';
