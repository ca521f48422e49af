import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { resolveLimits } from '@chatbox/message';
import websocketPlugin from '@fastify/websocket';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { GatewayConnection, GATEWAY_CLOSE, type ConnectionShared } from './connection.js';
import { WriteCoalescer } from './cork.js';
import { WebSocketError } from './errors.js';
import { createExpiryQueue } from './expiry.js';
import { createHeartbeat } from './heartbeat.js';
import { resolveOptions, type GatewayOptions, type ResolvedOptions } from './options.js';
import { createOriginPolicy, type OriginPolicy } from './origin.js';
import {
  runShutdown,
  shutdownOptionsProblem,
  shutdownClose,
  within,
  type ShutdownOptions,
} from './shutdown.js';
import { selectProtocol } from './token-extract.js';
import { admitUpgrade, UPGRADE_ERROR_CODE, type Admission } from './upgrade.js';

export interface WebSocketGateway {
  /** Registers @fastify/websocket (limits, no compression, chat.v1, our preClose) and the route. */
  readonly plugin: FastifyPluginAsync;
  /** Stop upgrades, drain, abort, close 1001/1012; resolves before `deadlineMs`. Idempotent. */
  shutdown(options: ShutdownOptions): Promise<void>;
  /** Swaps the origin allow-list in one assignment (finding 13); validated first, throws on error. */
  setAllowedOrigins(origins: readonly string[]): void;
  readonly accepting: boolean;
  readonly originListVersion: number;
  stats(): { connections: number; users: number };
}

type AdmittedUpgrade = Extract<Admission, { ok: true }>;

/** What an admitted upgrade keeps until its handler runs; dropped there. */
interface Admitted {
  readonly admission: AdmittedUpgrade;
  readonly response: ServerResponse;
  readonly onTcpClose: () => void;
}

class Gateway implements WebSocketGateway {
  readonly plugin: FastifyPluginAsync;
  readonly #options: ResolvedOptions;
  readonly #connections = new Set<GatewayConnection>();
  readonly #users = new Map<string, number>();
  // Keyed by the raw request and deleted in the handler: nothing keeps the request afterwards.
  readonly #admitted = new WeakMap<IncomingMessage, Admitted>();
  #policy: OriginPolicy;
  #accepting = true;
  #shutdown: Promise<void> | undefined;
  #restart = false;
  readonly #shared: ConnectionShared;
  /** Shared by every connection: no closure per socket. */
  readonly #onClosed = (connection: GatewayConnection): void => this.#forget(connection);
  readonly #onSocketError: (this: WebSocket, error: Error) => void;

  constructor(options: GatewayOptions) {
    this.#options = resolveOptions(options);
    const { timers, clock, logger } = this.#options;
    this.#shared = {
      heartbeat: createHeartbeat<GatewayConnection>({
        intervalMs: this.#options.pingIntervalMs,
        timeoutMs: this.#options.pongTimeoutMs,
        timers,
        onTimeout: (connection) => connection.heartbeatTimedOut(),
      }),
      expiry: createExpiryQueue<GatewayConnection>({
        clock,
        timers,
        onExpired: (connection) => connection.tokenExpired(),
      }),
      coalescer: new WriteCoalescer(),
    };
    this.#onSocketError = function onSocketError(this: WebSocket, error: Error): void {
      socketError(logger, error, this);
    };
    try {
      resolveLimits(options.parseLimits);
    } catch (cause) {
      throw new WebSocketError('ERR_WEBSOCKET_INVALID_OPTIONS', 'parseLimits are invalid', {
        cause,
      });
    }
    this.#policy = createOriginPolicy({
      env: this.#options.env,
      allowedOrigins: options.allowedOrigins,
      allowMissingOrigin: this.#options.allowMissingOrigin,
    });
    this.plugin = (app) => this.#register(app);
  }

  get accepting(): boolean {
    return this.#accepting;
  }

  get originListVersion(): number {
    return this.#policy.version;
  }

  setAllowedOrigins(origins: readonly string[]): void {
    const next = createOriginPolicy({
      env: this.#options.env,
      allowedOrigins: origins,
      allowMissingOrigin: this.#options.allowMissingOrigin,
      version: this.#policy.version + 1,
    });
    this.#policy = next;
  }

  stats(): { connections: number; users: number } {
    return { connections: this.#connections.size, users: this.#users.size };
  }

  shutdown(options: ShutdownOptions): Promise<void> {
    if (this.#shutdown === undefined) {
      const problem = shutdownOptionsProblem(options);
      if (problem !== undefined) return Promise.reject(new TypeError(problem));
      this.#accepting = false;
      this.#restart = options.restart === true;
      const { router, clock, timers, logger } = this.#options;
      const context = { router, clock, timers, logger, connections: () => [...this.#connections] };
      this.#shutdown = runShutdown(context, options);
    }
    return this.#shutdown;
  }

  async #register(app: FastifyInstance): Promise<void> {
    const options = this.#options;
    await app.register(websocketPlugin, {
      options: {
        maxPayload: options.maxPayloadBytes,
        perMessageDeflate: false,
        handleProtocols: selectProtocol,
        clientTracking: true,
      },
      preClose: () => this.#preClose(app),
      errorHandler: (error, socket) => socketError(options.logger, error, socket),
    });
    app.get(
      options.path,
      { websocket: true, onRequest: (request, reply) => this.#onRequest(request, reply) },
      (socket, request) => this.#onSocket(socket, request),
    );
  }

  async #onRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!request.ws) return;
    const policy = this.#policy;
    const admission = await admitUpgrade(request.headers, {
      options: this.#options,
      policy,
      accepting: () => this.#accepting,
    });
    if (!admission.ok) {
      const { status, reason } = admission;
      this.#options.emit({
        type: 'upgrade_refused',
        status,
        reason,
        code: UPGRADE_ERROR_CODE[reason],
        originListVersion: policy.version,
      });
      if (status === 503) reply.header('retry-after', '1');
      if (status === 401) reply.header('www-authenticate', 'Bearer error="invalid_token"');
      await reply.code(status).header('connection', 'close').send({ error: reason });
      return;
    }
    // An upgrade that never completes still frees its slot when the TCP connection goes.
    const onTcpClose = (): void => void admission.release();
    request.raw.socket.once('close', onTcpClose);
    this.#admitted.set(request.raw, { admission, response: reply.raw, onTcpClose });
  }

  /**
   * Lets go of what @fastify/websocket would keep for the socket's life (about 3 KiB a
   * connection, and the request's child logger): the ServerResponse it assigned to the TCP
   * socket (which holds the request) and its per-socket error listener, a closure over request
   * and reply. The replacement listener is one function for every socket.
   */
  #releaseUpgrade(socket: WebSocket, tcp: Socket | undefined, admitted: Admitted): void {
    if (tcp !== undefined) {
      tcp.off('close', admitted.onTcpClose);
      try {
        admitted.response.detachSocket(tcp);
      } catch {
        // Not the response on this socket (an injected upgrade): nothing to let go of.
      }
    }
    for (const listener of socket.listeners('error'))
      socket.off('error', listener as (...args: unknown[]) => void);
    socket.on('error', this.#onSocketError);
  }

  #onSocket(socket: WebSocket, request: FastifyRequest): void {
    const admitted = this.#admitted.get(request.raw);
    this.#admitted.delete(request.raw);
    if (admitted === undefined) {
      socket.close(GATEWAY_CLOSE.internalError, 'internal_error');
      return;
    }
    const { admission } = admitted;
    const tcp = (request.raw.socket as Socket | null | undefined) ?? undefined;
    this.#releaseUpgrade(socket, tcp, admitted);
    if (!this.#accepting) {
      const { code, reason } = shutdownClose(this.#restart);
      socket.close(code, reason);
      void admission.release();
      return;
    }
    const { userId, roles, expiresAt } = admission.token;
    const connection = new GatewayConnection(
      socket,
      {
        userId,
        roles,
        expiresAt,
        release: admission.release,
        onClosed: this.#onClosed,
        rawSocket: tcp,
      },
      this.#options,
      this.#shared,
    );
    this.#connections.add(connection);
    this.#users.set(userId, (this.#users.get(userId) ?? 0) + 1);
    this.#options.emit({
      type: 'connection_opened',
      connectionId: connection.id,
      originListVersion: admission.originListVersion,
    });
    connection.start();
  }

  #forget(connection: GatewayConnection): void {
    if (!this.#connections.delete(connection)) return;
    const left = (this.#users.get(connection.userId) ?? 1) - 1;
    if (left <= 0) this.#users.delete(connection.userId);
    else this.#users.set(connection.userId, left);
  }

  /** app.close() without shutdown(): still 1001/1012 with a reason, never 1005, and bounded. */
  async #preClose(app: FastifyInstance): Promise<void> {
    this.#accepting = false;
    await this.#shutdown?.catch(() => undefined);
    const open = [...this.#connections];
    const { code, reason } = shutdownClose(this.#restart);
    for (const connection of open) connection.close(code, reason);
    const closed = Promise.all(open.map((connection) => connection.closed));
    if (!(await within(closed, this.#options.closeGraceMs, this.#options.timers))) {
      for (const connection of this.#connections) connection.terminate();
      await within(closed, this.#options.closeGraceMs, this.#options.timers);
    }
    await new Promise<void>((resolve) => app.websocketServer.close(() => resolve()));
  }
}

/** ws has already closed with the right code (1007, 1009, ...); only log the code. */
function socketError(logger: ResolvedOptions['logger'], error: unknown, socket: WebSocket): void {
  logger.debug({ code: (error as { code?: unknown }).code }, 'websocket error');
  if (socket.readyState === socket.OPEN)
    socket.close(GATEWAY_CLOSE.internalError, 'internal_error');
}

/**
 * The WebSocket edge as a Fastify plugin. Throws ERR_WEBSOCKET_ORIGINS_REQUIRED in production with
 * an empty allow-list (finding 13); in development an empty list admits only localhost origins.
 */
export function createWebSocketGateway(options: GatewayOptions): WebSocketGateway {
  return new Gateway(options);
}
