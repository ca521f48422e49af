import { Writable } from 'node:stream';
import { loadConfig } from '@chatbox/config';
import type { Config } from '@chatbox/config';
import { connectWs, mintToken, randomSecret } from '@chatbox/testkit';
import type { WsTestClient } from '@chatbox/testkit';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { BuildAppOptions } from '../../src/app.js';

/** A development config on loopback with a run-time secret; `env` entries override. */
export function testConfig(env: Record<string, string> = {}): { config: Config; secret: string } {
  const secret = env.CHATBOX_AUTH_JWT_SECRET ?? randomSecret(32);
  const config = loadConfig({
    CHATBOX_AUTH_JWT_SECRET: secret,
    CHATBOX_LOG_LEVEL: 'silent',
    CHATBOX_LLM_PROVIDER: 'demo',
    CHATBOX_LLM_DEMO_DELAY_MS: '1',
    CHATBOX_SHUTDOWN_DEADLINE_MS: '3000',
    CHATBOX_SHUTDOWN_DRAIN_MS: '500',
    ...env,
  });
  return { config, secret };
}

/** Collects JSON log lines written by the app. */
export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];

  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    callback();
  }

  text(): string {
    return this.raw.join('\n');
  }
}

export interface RunningApp {
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly secret: string;
  readonly port: number;
  readonly baseUrl: string;
  readonly wsUrl: string;
  readonly origin: string;
  token(sub: string, roles?: string[], extra?: { expiresInSec?: number }): Promise<string>;
  connect(token: string, options?: { origin?: string }): Promise<WsTestClient>;
  close(): Promise<void>;
}

/** buildApp + listen on 127.0.0.1:0; close() shuts the app down and closes every client. */
export async function startApp(
  env: Record<string, string> = {},
  options: BuildAppOptions & { configOverride?: (config: Config) => Config } = {},
): Promise<RunningApp> {
  const built = testConfig(env);
  const config =
    options.configOverride === undefined ? built.config : options.configOverride(built.config);
  const app = await buildApp(config, options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const clients: WsTestClient[] = [];
  const origin = `http://127.0.0.1:${port}`;
  const wsUrl = `ws://127.0.0.1:${port}${config.websocket.path}`;
  return {
    app,
    config,
    secret: built.secret,
    port,
    baseUrl: origin,
    wsUrl,
    origin,
    token: (sub, roles = ['user'], extra = {}) =>
      mintToken({
        secret: built.secret,
        sub,
        roles,
        ...(extra.expiresInSec === undefined ? {} : { expiresInSec: extra.expiresInSec }),
      }),
    async connect(token, connectOptions = {}) {
      const client = await connectWs(wsUrl, {
        origin: connectOptions.origin ?? origin,
        protocols: ['chat.v1', `bearer.${token}`],
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.allSettled(clients.map((client) => client.close()));
      await app.chatbox.shutdown();
    },
  };
}

export interface HttpResult<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

/** A real HTTP request to a listening app (light-my-request's cookie dependency is ESM-only under Jest). */
export async function http<T = Record<string, unknown>>(
  baseUrl: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<HttpResult<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (the page, metrics): the text is the body.
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
}

export function adminHeaders(
  token: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { authorization: `Bearer ${token}`, ...extra };
}

/** Waits until `check` is true, polling; rejects after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  label = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
