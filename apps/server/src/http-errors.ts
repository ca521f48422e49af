import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChatboxErrorCode } from './errors-table.js';
import { mappingOf } from './errors-table.js';
import { isServerError } from './errors.js';

/** What an HTTP client sees of any failure (S14): a code, a fixed message, the correlation id. */
export interface HttpErrorBody {
  readonly code: ChatboxErrorCode;
  readonly message: string;
  readonly correlationId: string;
}

const STATUS_MESSAGES: Readonly<Record<number, string>> = {
  400: 'the request is not valid',
  401: 'authentication is required',
  403: 'not allowed',
  404: 'not found',
  409: 'the request conflicts with the current state',
  410: 'gone',
  413: 'the request is too large',
  429: 'too many requests',
  500: 'internal error',
  502: 'an upstream service refused the request',
  503: 'temporarily unavailable, try again',
  504: 'an upstream service did not answer in time',
};

interface Resolved {
  readonly status: number;
  readonly code: ChatboxErrorCode;
  readonly message: string;
  readonly retryAfterMs?: number;
}

function fastifyStatus(error: FastifyError): number | undefined {
  const status = error.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

function resolve(error: FastifyError): Resolved {
  const mapped = mappingOf(error);
  if (mapped !== undefined) {
    const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
    return {
      status: mapped.mapping.http,
      code: mapped.code,
      // Only our own messages are written for clients; a package's may name internals.
      message: isServerError(error)
        ? error.message
        : (STATUS_MESSAGES[mapped.mapping.http] ?? 'error'),
      ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
    };
  }
  const status = fastifyStatus(error);
  if (error.validation !== undefined) {
    // Fastify's validation messages name the field and the rule, never the value received.
    return {
      status: 400,
      code: 'ERR_SERVER_INVALID_REQUEST',
      message: `invalid request: ${error.message}`.slice(0, 300),
    };
  }
  if (status === 413)
    return { status, code: 'ERR_SERVER_BODY_TOO_LARGE', message: STATUS_MESSAGES[413] ?? '' };
  if (status === 503)
    return { status, code: 'ERR_SERVER_UNAVAILABLE', message: STATUS_MESSAGES[503] ?? '' };
  if (status !== undefined && status < 500) {
    return {
      status,
      code: 'ERR_SERVER_INVALID_REQUEST',
      message: STATUS_MESSAGES[status] ?? STATUS_MESSAGES[400] ?? '',
    };
  }
  return { status: 500, code: 'ERR_SERVER_INTERNAL', message: STATUS_MESSAGES[500] ?? '' };
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  resolved: Resolved,
): FastifyReply {
  if (resolved.retryAfterMs !== undefined && (resolved.status === 429 || resolved.status === 503)) {
    void reply.header('retry-after', String(Math.max(1, Math.ceil(resolved.retryAfterMs / 1000))));
  }
  const body: HttpErrorBody = {
    code: resolved.code,
    message: resolved.message,
    correlationId: request.id,
  };
  return reply.code(resolved.status).type('application/json; charset=utf-8').send(body);
}

/** One error handler for every route (S14): no stack, no upstream body, ever. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const resolved = resolve(error);
    if (resolved.status >= 500)
      request.log.error({ err: error, code: resolved.code }, 'request failed');
    else request.log.info({ code: resolved.code, status: resolved.status }, 'request refused');
    return sendError(request, reply, resolved);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, {
      status: 404,
      code: 'ERR_SERVER_NOT_FOUND',
      message: STATUS_MESSAGES[404] ?? '',
    }),
  );
}
