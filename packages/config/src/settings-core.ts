import {
  DAY_MS,
  HOUR_MS,
  LOG_LEVELS,
  MINUTE_MS,
  ms,
  int,
  NAME,
  NAME_HINT,
  oneOf,
  SECOND_MS,
  setting,
  str,
} from './setting-kinds.js';
import type { SettingDefinition } from './setting-kinds.js';

/** What runs behind the edge: sessions, limits, storage, the model, shutdown, logging. */
export const CORE_SETTINGS: readonly SettingDefinition[] = [
  setting(
    'sessions.retentionMs',
    ms(0, 7 * DAY_MS),
    15 * MINUTE_MS,
    'How long an ended session stays readable in memory (finding 01).',
  ),
  setting(
    'sessions.maxEndedRetained',
    int(0, 10_000_000),
    10_000,
    'Most ended sessions kept in memory.',
  ),
  setting(
    'sessions.idleTimeoutMs',
    ms(SECOND_MS, 7 * DAY_MS),
    30 * MINUTE_MS,
    'An inactive session ends after this long.',
  ),
  setting(
    'sessions.maxHistoryMessages',
    int(1, 10_000),
    100,
    'Messages of history kept per session and sent to the model.',
  ),
  setting(
    'sessions.sweepIntervalMs',
    ms(100, HOUR_MS),
    MINUTE_MS,
    'How often the retention sweeper runs.',
  ),

  setting('rateLimit.messagesPerMinute', int(1, 100_000), 20, 'Messages per user per minute (S8).'),
  setting(
    'rateLimit.adminRequestsPerMinute',
    int(1, 100_000),
    30,
    'Admin requests per caller per minute (finding 18).',
  ),
  setting(
    'rateLimit.concurrentGenerationsPerUser',
    int(1, 100),
    2,
    'Model calls in flight per user.',
  ),
  setting(
    'rateLimit.maxInputChars',
    int(1, 1_000_000),
    16_000,
    'Longest user message, in characters.',
  ),
  setting(
    'rateLimit.backend',
    oneOf('memory', 'redis'),
    'memory',
    'memory for one instance, redis for several (finding 11).',
  ),
  setting(
    'rateLimit.redisUrl',
    { type: 'url', schemes: ['redis', 'rediss'] },
    undefined,
    'Redis URL for the shared limiter.',
    { secret: true, requiredWhen: 'rateLimit.backend is redis' },
  ),

  setting(
    'cluster.controlChannel',
    str(NAME, NAME_HINT),
    'chatbox:control',
    'Redis pub/sub channel the instances share for cross-instance actions (redis backend only); pub/sub ignores the database number, so deployments sharing a Redis need different channels.',
  ),

  setting(
    'storage.backend',
    oneOf('memory', 'mongodb'),
    'memory',
    'memory (embedded, not durable) or mongodb.',
  ),
  setting(
    'storage.mongodbUri',
    { type: 'url', schemes: ['mongodb', 'mongodb+srv'] },
    undefined,
    'MongoDB connection string.',
    { secret: true, requiredWhen: 'storage.backend is mongodb' },
  ),
  setting(
    'storage.database',
    str(
      /^[^/\\. "$*<>:|?]{1,63}$/,
      'a MongoDB database name (no /\\. "$*<>:|?, at most 63 characters)',
    ),
    'chatbox',
    'MongoDB database name.',
  ),
  setting(
    'storage.serverSelectionTimeoutMs',
    ms(100, 2 * MINUTE_MS),
    5 * SECOND_MS,
    'Driver server-selection timeout per attempt.',
  ),
  setting(
    'storage.retry.attempts',
    int(1, 20),
    6,
    'Attempts per storage call, first included (finding 09).',
  ),
  setting(
    'storage.retry.baseDelayMs',
    ms(1, MINUTE_MS),
    50,
    'First backoff delay; doubles per attempt, with jitter.',
  ),
  setting('storage.retry.maxDelayMs', ms(1, 5 * MINUTE_MS), SECOND_MS, 'Largest backoff delay.'),
  setting(
    'storage.retry.deadlineMs',
    ms(100, 10 * MINUTE_MS),
    5 * SECOND_MS,
    'Overall deadline of one storage call, retries included.',
  ),
  setting(
    'storage.streamFlushIntervalMs',
    ms(50, SECOND_MS),
    500,
    'Partial assistant text is flushed at least this often (R5: at most 1s).',
  ),
  setting(
    'storage.staleStreamingAfterMs',
    ms(SECOND_MS, DAY_MS),
    2 * MINUTE_MS,
    'A streaming message untouched this long is marked interrupted (crash recovery).',
  ),

  setting(
    'llm.provider',
    oneOf('anthropic', 'demo'),
    'anthropic',
    'anthropic, or demo (local, deterministic). Development without a key falls back to demo.',
  ),
  setting('llm.apiKey', { type: 'string', maxLength: 4_096 }, undefined, 'Anthropic API key.', {
    secret: true,
    requiredInProduction: true,
    requiredWhen: 'llm.provider is anthropic',
  }),
  setting(
    'llm.baseUrl',
    { type: 'url', schemes: ['https', 'http'] },
    undefined,
    'Anthropic API base URL; https unless loopback.',
    { defaultText: 'the SDK default (https://api.anthropic.com)' },
  ),
  setting(
    'llm.model',
    str(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'a model id'),
    'claude-sonnet-5-5',
    'Model id.',
  ),
  setting('llm.maxTokens', int(1, 128_000), 1_024, 'max_tokens per reply (S8).'),
  setting(
    'llm.firstTokenTimeoutMs',
    ms(100, 10 * MINUTE_MS),
    15 * SECOND_MS,
    'Deadline for the first streamed token (R7).',
  ),
  setting(
    'llm.idleTimeoutMs',
    ms(100, 10 * MINUTE_MS),
    30 * SECOND_MS,
    'Deadline between two streamed tokens (R7).',
  ),
  setting(
    'llm.totalTimeoutMs',
    ms(SECOND_MS, HOUR_MS),
    2 * MINUTE_MS,
    'Deadline for a whole reply (R7).',
  ),
  setting(
    'llm.sdkTimeoutMs',
    ms(SECOND_MS, HOUR_MS),
    undefined,
    'SDK per-attempt timeout, a backstop behind totalTimeoutMs.',
    { defaultText: 'totalTimeoutMs + 5s' },
  ),
  setting('llm.sdkMaxRetries', int(0, 10), 2, 'SDK retries before the stream starts.'),
  setting('llm.demoDelayMs', ms(0, 10 * SECOND_MS), 20, 'Delay between demo provider tokens.'),

  setting(
    'shutdown.deadlineMs',
    ms(SECOND_MS, 10 * MINUTE_MS),
    20 * SECOND_MS,
    'Hard deadline for graceful shutdown (finding 15); keep below terminationGracePeriodSeconds minus preStop.',
  ),
  setting(
    'shutdown.drainMs',
    ms(0, 10 * MINUTE_MS),
    15 * SECOND_MS,
    'Time streams get to finish after SIGTERM, before they are interrupted (R10).',
  ),

  setting('log.level', oneOf(...LOG_LEVELS), 'info', 'pino log level.'),
];
