import type { FastifyInstance } from 'fastify';
import type { ConcurrencyLimiter, Limiter } from '@chatbox/ratelimit';
import type { SessionStore } from '@chatbox/storage';
import { MAX_LIST_LIMIT } from '@chatbox/storage';
import { ServerError } from '../errors.js';
import type { SessionEnder } from '../cluster/cluster.js';
import type { AuditLog } from './audit.js';

export const DEFAULT_ADMIN_MESSAGES_LIMIT = 200;
export const MAX_ADMIN_MESSAGES_LIMIT = 1_000;
export const DEFAULT_AUDIT_PAGE = 100;

// S11: ids reach a store filter only as validated scalars; UUIDs in either case, stored lower-case.
const UUID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
// A token subject: printable, no control characters, bounded like storage's userId.
const USER_ID_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: 256,
  pattern: '^[^\\u0000-\\u001f\\u007f]+$',
} as const;
const SESSION_PARAMS = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: UUID_PATTERN } },
  additionalProperties: false,
} as const;

export interface AdminRouteDeps {
  readonly store: SessionStore;
  readonly messages: Limiter;
  readonly generations: ConcurrencyLimiter;
  readonly generationLimit: number;
  readonly ender: SessionEnder;
  readonly audit: AuditLog;
}

interface ListQuery {
  active?: boolean;
  userId?: string;
  cursor?: string;
  limit?: number;
}

export function registerAdminRoutes(admin: FastifyInstance, deps: AdminRouteDeps): void {
  admin.get<{ Querystring: ListQuery }>(
    '/sessions',
    {
      config: { audit: 'sessions.list' },
      schema: {
        querystring: {
          type: 'object',
          properties: {
            active: { type: 'boolean' },
            userId: USER_ID_SCHEMA,
            cursor: { type: 'string', minLength: 1, maxLength: 512 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_LIST_LIMIT },
          },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const { active, userId, cursor, limit } = request.query;
      const page = await deps.store.listSessions({
        ...(active === undefined ? {} : { active }),
        ...(userId === undefined ? {} : { userId }),
        ...(cursor === undefined ? {} : { cursor }),
        ...(limit === undefined ? {} : { limit }),
      });
      return {
        sessions: page.sessions,
        ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
      };
    },
  );

  admin.get<{ Params: { id: string }; Querystring: { limit?: number } }>(
    '/sessions/:id',
    {
      config: { audit: 'sessions.get' },
      schema: {
        params: SESSION_PARAMS,
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: MAX_ADMIN_MESSAGES_LIMIT } },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const id = request.params.id.toLowerCase();
      const session = await deps.store.getSession(id);
      if (session === undefined) throw new ServerError('ERR_SERVER_NOT_FOUND', 'no such session');
      const messages = await deps.store.getMessages(id, {
        limit: request.query.limit ?? DEFAULT_ADMIN_MESSAGES_LIMIT,
      });
      return { session, messages };
    },
  );

  admin.post<{ Params: { id: string } }>(
    '/sessions/:id/end',
    { config: { audit: 'sessions.end' }, schema: { params: SESSION_PARAMS } },
    async (request) => {
      const id = request.params.id.toLowerCase();
      const ended = await deps.ender.end(id);
      if (!ended && (await deps.store.getSession(id)) === undefined) {
        throw new ServerError('ERR_SERVER_NOT_FOUND', 'no such session');
      }
      return { sessionId: id, ended, alreadyEnded: !ended };
    },
  );

  admin.get<{ Params: { userId: string } }>(
    '/users/:userId/rate-limit',
    {
      config: { audit: 'users.rate_limit' },
      schema: {
        params: {
          type: 'object',
          required: ['userId'],
          properties: { userId: USER_ID_SCHEMA },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const { userId } = request.params;
      const [decision, active] = await Promise.all([
        deps.messages.peek(userId),
        deps.generations.active(userId),
      ]);
      return {
        userId,
        messages: {
          limit: decision.limit,
          remaining: decision.remaining,
          retryAfterMs: decision.retryAfterMs,
          resetMs: decision.resetMs,
        },
        generations: { active, limit: deps.generationLimit },
      };
    },
  );

  admin.get<{ Querystring: { limit?: number } }>(
    '/audit',
    {
      config: { audit: 'audit.list' },
      schema: {
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1_000 } },
          additionalProperties: false,
        },
      },
    },
    (request, reply) =>
      reply.send({
        entries: deps.audit.recent(request.query.limit ?? DEFAULT_AUDIT_PAGE),
        total: deps.audit.total,
      }),
  );
}
