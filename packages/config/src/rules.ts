import type { ConfigIssue } from './errors.js';
import { formatDuration } from './duration.js';
import { RuleContext } from './rule-context.js';
import { checkAuth } from './rules-auth.js';
import { envFor } from './settings.js';
import { isLoopbackUrl, uriPassword, urlScheme } from './url.js';

/** Anthropic keys are far longer; anything under this is a typo or a stand-in. */
export const MIN_API_KEY_BYTES = 20;

const d = (ms: number): string => formatDuration(ms);

/** `path` must be strictly (or, with `orEqual`, not) greater than `than`. */
function mustExceed(
  ctx: RuleContext,
  path: string,
  value: number,
  than: string,
  limit: number,
  why: string,
  orEqual = false,
): void {
  if (orEqual ? value >= limit : value > limit) return;
  ctx.report(
    path,
    'conflict',
    `must be ${orEqual ? 'at least' : 'greater than'} ${than} (${envFor(than) ?? than}); ${why}`,
  );
}

function checkWebSocket(ctx: RuleContext): void {
  const { websocket } = ctx.draft;
  // Finding 13: an empty allow-list in production would mean "every origin" or "no client at all".
  if (
    ctx.production &&
    ctx.ok('websocket.allowedOrigins') &&
    websocket.allowedOrigins.length === 0
  ) {
    ctx.report(
      'websocket.allowedOrigins',
      'required',
      'production requires at least one allowed origin',
    );
  }
  if (ctx.ok('websocket.pongTimeoutMs', 'websocket.pingIntervalMs')) {
    mustExceed(
      ctx,
      'websocket.pingIntervalMs',
      websocket.pingIntervalMs,
      'websocket.pongTimeoutMs',
      websocket.pongTimeoutMs,
      `a pong may take ${d(websocket.pongTimeoutMs)}, so the next ping would be sent before the last one could time out`,
    );
  }
  if (ctx.ok('rateLimit.maxInputChars', 'websocket.maxPayloadBytes')) {
    mustExceed(
      ctx,
      'websocket.maxPayloadBytes',
      websocket.maxPayloadBytes,
      'rateLimit.maxInputChars',
      ctx.draft.rateLimit.maxInputChars,
      'a message at the input limit must fit in one frame, or users get a 1009 close instead of a clear error',
    );
  }
}

function checkLlm(ctx: RuleContext): void {
  const { llm } = ctx.draft;
  if (
    ctx.ok('llm.provider', 'llm.apiKey') &&
    llm.provider === 'anthropic' &&
    llm.apiKey === undefined &&
    ctx.production
  ) {
    ctx.report('llm.apiKey', 'required', 'production with provider anthropic requires an API key');
  }
  if (ctx.ok('llm.apiKey') && llm.apiKey !== undefined)
    ctx.checkSecret('llm.apiKey', llm.apiKey, MIN_API_KEY_BYTES, 'the API key');
  if (
    ctx.ok('llm.baseUrl') &&
    llm.baseUrl !== undefined &&
    urlScheme(llm.baseUrl) === 'http' &&
    !isLoopbackUrl(llm.baseUrl)
  ) {
    ctx.report(
      'llm.baseUrl',
      'insecure_url',
      'must use https: the API key would cross the network in clear text (http is accepted for loopback hosts only)',
    );
  }
  if (ctx.ok('llm.idleTimeoutMs', 'llm.totalTimeoutMs')) {
    mustExceed(
      ctx,
      'llm.totalTimeoutMs',
      llm.totalTimeoutMs,
      'llm.idleTimeoutMs',
      llm.idleTimeoutMs,
      'the idle deadline could never fire',
    );
  }
  if (ctx.ok('llm.firstTokenTimeoutMs', 'llm.totalTimeoutMs')) {
    mustExceed(
      ctx,
      'llm.totalTimeoutMs',
      llm.totalTimeoutMs,
      'llm.firstTokenTimeoutMs',
      llm.firstTokenTimeoutMs,
      'the first-token deadline could never fire',
      true,
    );
  }
}

function checkUriCredentials(
  ctx: RuleContext,
  path: 'storage.mongodbUri' | 'rateLimit.redisUrl',
  uri: string,
): void {
  const password = uriPassword(uri);
  if (password === undefined) return;
  // Finding 06: a placeholder password in a connection string is as bad as a placeholder secret.
  // Length and entropy are the database's policy; placeholders and published defaults are ours.
  ctx.checkSecret(path, password, 0, 'the password in the URL', ['low_entropy']);
}

function checkBackend(
  ctx: RuleContext,
  backendPath: string,
  backend: string,
  wanted: string,
  uriPath: 'storage.mongodbUri' | 'rateLimit.redisUrl',
  uri: string | undefined,
  notices: string[],
): void {
  if (!ctx.ok(backendPath, uriPath)) return;
  if (backend === wanted && uri === undefined) {
    ctx.report(uriPath, 'required', `is required when ${backendPath} is ${wanted}`);
  } else if (backend !== wanted && uri !== undefined) {
    const message = `is set but ${backendPath} is ${backend}, so it would be ignored; set ${envFor(backendPath) ?? backendPath}=${wanted} or remove it`;
    if (ctx.production) ctx.report(uriPath, 'conflict', message);
    else notices.push(`${envFor(uriPath) ?? uriPath} ${message}`);
  }
  if (uri !== undefined) checkUriCredentials(ctx, uriPath, uri);
}

function checkStorage(ctx: RuleContext): void {
  const { storage, llm } = ctx.draft;
  const { retry } = storage;
  if (ctx.ok('storage.retry.baseDelayMs', 'storage.retry.maxDelayMs')) {
    mustExceed(
      ctx,
      'storage.retry.maxDelayMs',
      retry.maxDelayMs,
      'storage.retry.baseDelayMs',
      retry.baseDelayMs,
      'the backoff cap is below its first step',
      true,
    );
  }
  if (ctx.ok('storage.retry.maxDelayMs', 'storage.retry.deadlineMs')) {
    mustExceed(
      ctx,
      'storage.retry.deadlineMs',
      retry.deadlineMs,
      'storage.retry.maxDelayMs',
      retry.maxDelayMs,
      'one backoff wait would outlast the whole deadline',
    );
  }
  if (ctx.ok('storage.serverSelectionTimeoutMs', 'storage.retry.deadlineMs')) {
    mustExceed(
      ctx,
      'storage.retry.deadlineMs',
      retry.deadlineMs,
      'storage.serverSelectionTimeoutMs',
      storage.serverSelectionTimeoutMs,
      'a single attempt could outlast the deadline',
      true,
    );
  }
  if (
    ctx.ok(
      'storage.staleStreamingAfterMs',
      'storage.streamFlushIntervalMs',
      'llm.firstTokenTimeoutMs',
      'llm.idleTimeoutMs',
    )
  ) {
    const quietest =
      Math.max(llm.firstTokenTimeoutMs, llm.idleTimeoutMs) + storage.streamFlushIntervalMs;
    if (storage.staleStreamingAfterMs <= quietest) {
      ctx.report(
        'storage.staleStreamingAfterMs',
        'conflict',
        `must be greater than ${d(quietest)} (the longest model silence plus one flush interval), or live streams are marked interrupted`,
      );
    }
  }
}

function checkLifecycle(ctx: RuleContext): void {
  const { shutdown, sessions } = ctx.draft;
  if (ctx.ok('shutdown.drainMs', 'shutdown.deadlineMs')) {
    mustExceed(
      ctx,
      'shutdown.deadlineMs',
      shutdown.deadlineMs,
      'shutdown.drainMs',
      shutdown.drainMs,
      'streams must be stored and storage closed after the drain, inside the deadline',
    );
  }
  if (
    ctx.ok('sessions.sweepIntervalMs', 'sessions.retentionMs') &&
    sessions.retentionMs > 0 &&
    sessions.sweepIntervalMs > sessions.retentionMs
  ) {
    ctx.report(
      'sessions.sweepIntervalMs',
      'conflict',
      `must not exceed sessions.retentionMs (${d(sessions.retentionMs)}); ended sessions would outlive their retention (finding 01)`,
    );
  }
}

export interface RuleResult {
  readonly issues: readonly ConfigIssue[];
  readonly notices: readonly string[];
}

/** Every cross-field rule; `failedPaths` are paths whose values did not parse. */
export function checkRules(draft: unknown, failedPaths: readonly string[]): RuleResult {
  const ctx = new RuleContext(draft, failedPaths);
  const notices: string[] = [];
  checkAuth(ctx);
  checkWebSocket(ctx);
  checkLlm(ctx);
  const { storage, rateLimit } = ctx.draft;
  checkBackend(
    ctx,
    'storage.backend',
    storage.backend,
    'mongodb',
    'storage.mongodbUri',
    storage.mongodbUri,
    notices,
  );
  checkBackend(
    ctx,
    'rateLimit.backend',
    rateLimit.backend,
    'redis',
    'rateLimit.redisUrl',
    rateLimit.redisUrl,
    notices,
  );
  checkStorage(ctx);
  checkLifecycle(ctx);
  return { issues: ctx.issues, notices };
}
