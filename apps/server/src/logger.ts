import type { Config } from '@chatbox/config';
import { pino } from 'pino';
import type { DestinationStream, LevelWithSilent, Logger } from 'pino';

/**
 * S2, S15: logs never hold tokens, keys, secrets or prompts. Request headers that carry a token
 * (Authorization, the `bearer.<jwt>` WebSocket subprotocol, cookies) and every field named like a
 * secret or a message body are censored wherever they appear, two levels deep.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'headers.authorization',
  'headers.cookie',
  'headers["sec-websocket-protocol"]',
  ...[
    'token',
    'accessToken',
    'secret',
    'jwtSecret',
    'apiKey',
    'password',
    'authorization',
    'content',
    'prompt',
    'text',
    'system',
  ].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

export const REDACTED_TEXT = '[redacted]';

export interface LoggerOptions {
  /** Where JSON lines go; stdout by default. */
  readonly destination?: DestinationStream;
}

export function createLogger(
  config: Pick<Config, 'log' | 'env'>,
  options: LoggerOptions = {},
): Logger {
  return pino(
    {
      level: config.log.level,
      base: { service: 'chatbox', env: config.env },
      redact: { paths: [...REDACT_PATHS], censor: REDACTED_TEXT },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

const LEVEL_RANK: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

/**
 * The level for chatty routes (probes, metrics, static files): `warn`, unless the configured
 * level is quieter. Fastify gives a route's logger its own level, which could otherwise turn
 * logging back on under `silent`.
 */
export function quietLevel(configured: LevelWithSilent): LevelWithSilent {
  return (LEVEL_RANK[configured] ?? 0) > (LEVEL_RANK.warn ?? 0) ? configured : 'warn';
}
