import type { IncomingMessage, ServerResponse } from 'node:http';
import type { buildApp } from '@chatbox/server';

// The parts of packages reached through `importViaServer` that the benchmark calls, written out
// structurally (the package declares only @chatbox/server and @chatbox/testkit).

export type ChatboxConfig = Parameters<typeof buildApp>[0];

/** Public metadata of one setting (`CONFIG_SETTINGS`): the bench asks which settings exist. */
export interface ConfigSettingLike {
  readonly env: string;
  readonly path: string;
  readonly type: string;
  /** Accepted values or range, human-readable (`1-10000`). */
  readonly allowed?: string;
  readonly default?: string;
}

export interface ConfigModule {
  readonly loadConfig: (env: Readonly<Record<string, string | undefined>>) => ChatboxConfig;
  readonly CONFIG_SETTINGS: readonly ConfigSettingLike[];
}

export interface SessionSnapshotLike {
  readonly id: string;
}

export interface SessionManagerLike {
  create(userId: string): SessionSnapshotLike;
  appendMessage(
    id: string,
    draft: {
      role: 'user' | 'assistant';
      content: string;
      status: 'complete' | 'streaming';
      clientMessageId?: string;
    },
  ): { seq: number };
  updateMessage(id: string, seq: number, patch: { content?: string; status?: 'complete' }): unknown;
  end(id: string): unknown;
  sweep(): { evicted: number; idleEnded: number };
  stats(): { active: number; endedRetained: number };
  close(): void;
}

export interface SessionModule {
  readonly createSessionManager: (options?: {
    clock?: () => number;
    sweepIntervalMs?: number;
  }) => SessionManagerLike;
  readonly DEFAULT_RETENTION_MS: number;
  readonly DEFAULT_MAX_ENDED_RETAINED: number;
}

export interface LimiterLike {
  consume(key: string): Promise<{ allowed: boolean }>;
  cleanup(): Promise<number>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export interface RateLimitModule {
  readonly createMemoryLimiter: (options: {
    limit: number;
    windowMs: number;
    clock?: () => number;
  }) => LimiterLike;
  readonly DEFAULT_MAX_KEYS: number;
}

export interface ChatMessageLike {
  readonly sessionId: string;
  readonly seq: number;
  readonly role: 'user' | 'assistant';
  readonly content: string;
  readonly status: 'streaming' | 'complete';
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface StoreLike {
  appendMessage(message: ChatMessageLike): Promise<unknown>;
  updateMessage(
    sessionId: string,
    seq: number,
    patch: { content?: string; status?: 'complete' },
  ): Promise<void>;
  close(): Promise<void>;
}

export interface StreamWriterLike {
  append(text: string): void;
  finish(final: { status: 'complete' }): Promise<void>;
  readonly flushes: number;
}

export interface StorageModule {
  readonly createMongoStore: (options: { uri: string; database: string }) => Promise<StoreLike>;
  readonly createStreamWriter: (options: {
    store: StoreLike;
    sessionId: string;
    seq: number;
    flushIntervalMs?: number;
  }) => StreamWriterLike;
  readonly DEFAULT_FLUSH_INTERVAL_MS: number;
}

export interface WsSocketLike {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(event: 'error'): unknown;
  send(data: Buffer, options: { binary: boolean }): void;
}

export interface FastifyLike {
  register(plugin: unknown, options?: unknown): Promise<unknown>;
  addHook(
    name: 'onRequest',
    hook: (request: { raw: IncomingMessage }, reply: { raw: ServerResponse }) => Promise<void>,
  ): unknown;
  get(
    path: string,
    options: { websocket: true },
    handler: (socket: WsSocketLike, request: { raw: IncomingMessage }) => void,
  ): unknown;
  listen(options: { host: string; port: number }): Promise<string>;
  close(): Promise<void>;
  readonly server: { address(): unknown };
}

export interface FastifyModule {
  default: (options: { logger: boolean }) => FastifyLike;
}

export interface FastifyWebsocketModule {
  default: unknown;
}

export interface RouterModule {
  /** The router's delta coalescing window when nothing sets it (issue 10). */
  readonly DEFAULT_COALESCE_MS?: number;
}
