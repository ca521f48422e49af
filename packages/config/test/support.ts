import { randomBytes } from 'node:crypto';
import type { ConfigIssue } from '../src/index.js';

export type Env = Record<string, string | undefined>;

/** 32 random bytes, base64url: what `openssl rand` would give an operator. Built at run time. */
export function strongSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A complete, valid production environment; tests break one thing at a time. */
export function productionEnv(overrides: Env = {}): Env {
  return {
    CHATBOX_ENV: 'production',
    CHATBOX_SERVER_HOST: '0.0.0.0',
    CHATBOX_AUTH_JWT_SECRET: strongSecret(),
    CHATBOX_WEBSOCKET_ALLOWED_ORIGINS: 'https://chat.example.com',
    CHATBOX_LLM_API_KEY: `sk-ant-${strongSecret(40)}`,
    CHATBOX_STORAGE_BACKEND: 'mongodb',
    CHATBOX_STORAGE_MONGODB_URI: 'mongodb://127.0.0.1:27017/chatbox',
    CHATBOX_RATE_LIMIT_BACKEND: 'redis',
    CHATBOX_RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:6379/0',
    ...overrides,
  };
}

/** A file reader over an in-memory map, so no test touches the disk. */
export function files(map: Record<string, string>): (path: string) => string {
  return (path) => {
    const text = map[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  };
}

export function paths(issues: readonly ConfigIssue[]): string[] {
  return issues.map((issue) => issue.path);
}

export function codesAt(issues: readonly ConfigIssue[], path: string): string[] {
  return issues.filter((issue) => issue.path === path).map((issue) => issue.code);
}
