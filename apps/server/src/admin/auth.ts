import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TokenVerifier } from '@chatbox/websocket';
import { isWebSocketError } from '@chatbox/websocket';
import { ServerError } from '../errors.js';

export interface Principal {
  readonly userId: string;
  readonly roles: readonly string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller of an admin route; null until (or unless) its token verifies. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The action name written to the audit log. */
    audit?: string;
  }
}

const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/i;

export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER.exec(header)?.[1];
}

/**
 * S10: every admin route needs a verified token (401) carrying the admin role (403). Runs in
 * `onRequest`, before the rate limit, so the limit is keyed by the verified user (S9).
 */
export function adminAuthHook(verifier: TokenVerifier, adminRole: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      void reply.header('www-authenticate', 'Bearer realm="chatbox-admin"');
      throw new ServerError('ERR_SERVER_UNAUTHORIZED', 'a bearer token is required');
    }
    let verified;
    try {
      verified = await verifier.verify(token);
    } catch (error) {
      if (isWebSocketError(error) && error.code === 'ERR_WEBSOCKET_AUTH_UNAVAILABLE') throw error;
      const reason = isWebSocketError(error) ? error.reason : undefined;
      void reply.header('www-authenticate', 'Bearer realm="chatbox-admin", error="invalid_token"');
      throw new ServerError(
        'ERR_SERVER_UNAUTHORIZED',
        `token refused${reason === undefined ? '' : `: ${reason}`}`,
        { cause: error },
      );
    }
    request.principal = { userId: verified.userId, roles: verified.roles };
    if (!verified.roles.includes(adminRole)) {
      throw new ServerError('ERR_SERVER_FORBIDDEN', 'the admin role is required');
    }
  };
}
