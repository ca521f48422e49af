import type { Logger } from 'pino';
import { pino } from 'pino';
import type { MongoClient, MongoClientOptions } from 'mongodb';
import { StorageError } from './errors.js';
import type { RetryOptions, Timers } from './retry.js';
import { DEFAULT_RETRY, realTimers, validateRetryOptions } from './retry.js';

export const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 2_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
export const DEFAULT_SOCKET_TIMEOUT_MS = 3_000;
export const DEFAULT_MAX_POOL_SIZE = 20;
export const DEFAULT_WAIT_QUEUE_TIMEOUT_MS = 2_000;
export const DEFAULT_APP_NAME = 'chatbox';

/** A driver command-monitoring event, reduced to what metrics and tests need. */
export interface CommandEvent {
  readonly phase: 'started' | 'succeeded' | 'failed';
  readonly commandName: string;
  readonly requestId: number;
  readonly databaseName: string;
  readonly failure?: Error;
}

export interface MongoRetryInfo {
  readonly op: string;
  readonly attempt: number;
  readonly error: unknown;
}

export interface MongoStoreOptions {
  readonly uri: string;
  readonly database: string;
  readonly serverSelectionTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly socketTimeoutMs?: number;
  readonly maxPoolSize?: number;
  readonly waitQueueTimeoutMs?: number;
  readonly appName?: string;
  /** Merged over DEFAULT_RETRY. */
  readonly retry?: Partial<RetryOptions>;
  /** Creates TTL indexes for ended sessions where the server supports them; purgeEnded() always works. */
  readonly retentionMs?: number;
  readonly logger?: Logger;
  /** Milliseconds since the epoch; stamps updatedAt on updates. */
  readonly clock?: () => number;
  readonly random?: () => number;
  readonly timers?: Timers;
  readonly onRetry?: (info: MongoRetryInfo) => void;
  /** Enables the driver's command monitoring (monitorCommands) and forwards every event. */
  readonly onCommand?: (event: CommandEvent) => void;
}

export interface NormalisedMongoOptions {
  readonly uri: string;
  readonly database: string;
  readonly client: MongoClientOptions;
  readonly retry: RetryOptions;
  readonly retentionMs: number | undefined;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly random: () => number;
  readonly timers: Timers;
  readonly onRetry: ((info: MongoRetryInfo) => void) | undefined;
  readonly onCommand: ((event: CommandEvent) => void) | undefined;
}

const DATABASE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,63}$/;

function positiveInteger(value: number | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new StorageError('ERR_STORAGE_INVALID_OPTIONS', `${field} must be a positive integer`);
  }
  return value;
}

export function normaliseMongoOptions(options: MongoStoreOptions): NormalisedMongoOptions {
  if (typeof options.uri !== 'string' || !/^mongodb(\+srv)?:\/\//.test(options.uri)) {
    throw new StorageError(
      'ERR_STORAGE_INVALID_OPTIONS',
      'uri must be a mongodb:// or mongodb+srv:// connection string',
    );
  }
  if (typeof options.database !== 'string' || !DATABASE_NAME_PATTERN.test(options.database)) {
    throw new StorageError(
      'ERR_STORAGE_INVALID_OPTIONS',
      'database must be 1-63 characters of [A-Za-z0-9_-]',
    );
  }
  let retry: RetryOptions;
  try {
    retry = validateRetryOptions({ ...DEFAULT_RETRY, ...options.retry });
  } catch (error) {
    throw new StorageError('ERR_STORAGE_INVALID_OPTIONS', (error as Error).message, {
      cause: error,
    });
  }
  const retentionMs =
    options.retentionMs === undefined
      ? undefined
      : positiveInteger(options.retentionMs, 'retentionMs', 0);
  // Finding 09: every bound is explicit. timeoutMS is deprecated with no effect in driver 7, so
  // time is bounded by these, plus the overall retry deadline.
  const client: MongoClientOptions = {
    serverSelectionTimeoutMS: positiveInteger(
      options.serverSelectionTimeoutMs,
      'serverSelectionTimeoutMs',
      DEFAULT_SERVER_SELECTION_TIMEOUT_MS,
    ),
    connectTimeoutMS: positiveInteger(
      options.connectTimeoutMs,
      'connectTimeoutMs',
      DEFAULT_CONNECT_TIMEOUT_MS,
    ),
    socketTimeoutMS: positiveInteger(
      options.socketTimeoutMs,
      'socketTimeoutMs',
      DEFAULT_SOCKET_TIMEOUT_MS,
    ),
    maxPoolSize: positiveInteger(options.maxPoolSize, 'maxPoolSize', DEFAULT_MAX_POOL_SIZE),
    waitQueueTimeoutMS: positiveInteger(
      options.waitQueueTimeoutMs,
      'waitQueueTimeoutMs',
      DEFAULT_WAIT_QUEUE_TIMEOUT_MS,
    ),
    retryWrites: true,
    retryReads: true,
    appName: options.appName ?? DEFAULT_APP_NAME,
    monitorCommands: options.onCommand !== undefined,
    ignoreUndefined: true,
  };
  return {
    uri: options.uri,
    database: options.database,
    client,
    retry,
    retentionMs,
    logger: options.logger ?? pino({ level: 'silent' }),
    clock: options.clock ?? Date.now,
    random: options.random ?? Math.random,
    timers: options.timers ?? realTimers,
    onRetry: options.onRetry,
    onCommand: options.onCommand,
  };
}

/** Forwards the driver's command monitoring events (monitorCommands: true) to `onCommand`. */
export function attachCommandMonitor(client: MongoClient, options: NormalisedMongoOptions): void {
  const onCommand = options.onCommand;
  if (onCommand === undefined) return;
  client.on('commandStarted', (e) =>
    onCommand({
      phase: 'started',
      commandName: e.commandName,
      requestId: e.requestId,
      databaseName: e.databaseName,
    }),
  );
  client.on('commandSucceeded', (e) =>
    onCommand({
      phase: 'succeeded',
      commandName: e.commandName,
      requestId: e.requestId,
      databaseName: e.databaseName,
    }),
  );
  client.on('commandFailed', (e) =>
    onCommand({
      phase: 'failed',
      commandName: e.commandName,
      requestId: e.requestId,
      databaseName: e.databaseName,
      failure: e.failure,
    }),
  );
}
