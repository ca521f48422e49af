import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TokenVerifier } from '@chatbox/websocket';
import type { Redis } from 'ioredis';
import { ServerError } from '../errors.js';
import type { AppMetrics } from '../metrics.js';
import { outcomeOf } from './audit.js';
import { adminAuthHook } from './auth.js';
import type { AdminRouteDeps } from './routes.js';
import { registerAdminRoutes } from './routes.js';

export const ADMIN_PREFIX = '/chat/admin';
export const ADMIN_WINDOW_MS = 60_000;
export const ADMIN_RATE_LIMIT_NAMESPACE = 'chatbox:admin-rl:';

export interface AdminPluginOptions extends AdminRouteDeps {
  readonly verifier: TokenVerifier;
  readonly adminRole: string;
  readonly requestsPerMinute: number;
  /** The shared limiter client: admin limits hold across instances (finding 18). */
  readonly redis: Redis | undefined;
  readonly metrics: AppMetrics;
}

function targetOf(request: FastifyRequest): string | null {
  const params = request.params as { id?: unknown; userId?: unknown } | undefined;
  const value = params?.id ?? params?.userId;
  return typeof value === 'string' ? value.slice(0, 256) : null;
}

/**
 * The admin API in its own encapsulated context (fastify style): its auth hook, rate limit and
 * audit hook apply to these routes only. Order per request: auth (onRequest, 401/403) → schema
 * validation (400, S11) → per-admin limit (preHandler, 429, S9) → handler → audit (onResponse).
 */
export async function adminPlugin(
  admin: FastifyInstance,
  options: AdminPluginOptions,
): Promise<void> {
  admin.decorateRequest('principal', null);
  admin.addHook('onRequest', adminAuthHook(options.verifier, options.adminRole));
  admin.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('cache-control', 'no-store');
    return payload;
  });
  admin.addHook('onResponse', async (request, reply) => {
    options.audit.record({
      at: new Date().toISOString(),
      actor: request.principal?.userId ?? null,
      action: request.routeOptions.config.audit ?? 'unknown',
      target: targetOf(request),
      outcome: outcomeOf(reply.statusCode),
      status: reply.statusCode,
      correlationId: request.id,
    });
  });

  await admin.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: options.requestsPerMinute,
    timeWindow: ADMIN_WINDOW_MS,
    // S9: keyed by the verified admin, never the address, so X-Forwarded-For changes nothing.
    keyGenerator: (request) => `admin:${request.principal?.userId ?? 'anonymous'}`,
    ...(options.redis === undefined
      ? {}
      : { redis: options.redis, nameSpace: ADMIN_RATE_LIMIT_NAMESPACE }),
    // A Redis outage must not lock admins out during the incident they are handling; the
    // token and role checks still hold, and limiter errors are logged.
    skipOnError: true,
    onExceeded: () => options.metrics.refused('admin', 'admin_requests_per_minute'),
    errorResponseBuilder: (_request, context) =>
      new ServerError(
        'ERR_SERVER_RATE_LIMITED',
        `too many admin requests, retry in ${context.after}`,
        {
          retryAfterMs: context.ttl,
        },
      ),
  });

  registerAdminRoutes(admin, options);
}
