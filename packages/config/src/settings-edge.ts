import {
  JWT_ALGORITHMS,
  MIB,
  MINUTE_MS,
  ms,
  NAME,
  NAME_HINT,
  int,
  oneOf,
  SECOND_MS,
  setting,
  str,
} from './setting-kinds.js';
import type { SettingDefinition } from './setting-kinds.js';

/** What faces clients: mode, listener, token verification, WebSocket limits. */
export const EDGE_SETTINGS: readonly SettingDefinition[] = [
  setting(
    'env',
    oneOf('production', 'development'),
    'development',
    'Deployment mode; production turns every safety rule on. NODE_ENV is never read.',
    { requiredInProduction: true },
  ),

  setting(
    'server.host',
    str(/^[A-Za-z0-9.\-:]+$/, 'an IP address or host name'),
    '127.0.0.1',
    'Listen address; 0.0.0.0 in a container.',
  ),
  setting('server.port', int(1, 65_535), 8080, 'Listen port.'),
  setting(
    'server.trustProxyHops',
    int(0, 10),
    0,
    'Reverse proxies in front of the server whose X-Forwarded-For is trusted (S9).',
  ),
  setting('server.bodyLimitBytes', int(1_024, 100 * MIB), MIB, 'Largest HTTP request body.'),

  setting(
    'auth.jwtSecret',
    { type: 'string', maxLength: 4_096 },
    undefined,
    'HMAC secret for HS* tokens (>= 32 bytes for HS256, RFC 7518 §3.2). Generated per process in development when no key source is set.',
    { secret: true, requiredWhen: 'production, unless publicKeyPem or jwksUrl is set' },
  ),
  setting(
    'auth.publicKeyPem',
    { type: 'pem' },
    undefined,
    'PEM public key (SPKI) for RS*/PS*/ES*/EdDSA tokens; literal \\n sequences are accepted.',
  ),
  setting(
    'auth.jwksUrl',
    { type: 'url', schemes: ['https', 'http'] },
    undefined,
    'JWKS endpoint for asymmetric tokens; https unless loopback.',
  ),
  setting(
    'auth.algorithms',
    { type: 'list', values: JWT_ALGORITHMS },
    undefined,
    'Accepted JWT algorithms, comma-separated; one family only, never none.',
    {
      defaultText:
        'HS256 with a secret, from the key type with a public key, RS256 with a JWKS URL',
    },
  ),
  setting('auth.issuer', str(), 'chatbox', 'Required `iss` claim.'),
  setting('auth.audience', str(), 'chatbox', 'Required `aud` claim.'),
  setting(
    'auth.tokenType',
    str(/^[A-Za-z0-9+.\-/]+$/, 'a media type such as JWT or at+jwt'),
    'JWT',
    'Required `typ` header.',
  ),
  setting(
    'auth.clockToleranceSec',
    int(0, 300),
    30,
    'Allowed clock skew for exp/nbf/iat, in seconds.',
  ),
  setting(
    'auth.adminRole',
    str(NAME, NAME_HINT),
    'admin',
    'Role that grants the admin routes (S10).',
  ),
  setting('auth.rolesClaim', str(NAME, NAME_HINT), 'roles', 'Token claim holding the roles array.'),

  setting(
    'websocket.path',
    str(/^\/[A-Za-z0-9\-._~/]*$/, 'an absolute path without query'),
    '/chat/ws',
    'WebSocket endpoint path.',
  ),
  setting(
    'websocket.allowedOrigins',
    { type: 'origins' },
    [],
    'Exact browser origins allowed to connect (S1, finding 13); empty means localhost only, and is refused in production.',
    { requiredInProduction: true },
  ),
  setting(
    'websocket.allowMissingOrigin',
    { type: 'boolean' },
    false,
    'Accept upgrades without an Origin header (non-browser clients).',
  ),
  setting(
    'websocket.maxPayloadBytes',
    int(1_024, 16 * MIB),
    65_536,
    'Largest inbound frame; larger closes with 1009 (finding 14).',
  ),
  setting(
    'websocket.pingIntervalMs',
    ms(SECOND_MS, 10 * MINUTE_MS),
    30 * SECOND_MS,
    'Heartbeat ping interval (R13).',
  ),
  setting(
    'websocket.pongTimeoutMs',
    ms(100, 10 * MINUTE_MS),
    10 * SECOND_MS,
    'Time allowed for a pong before the socket is terminated.',
  ),
  setting(
    'websocket.sendBufferLimitBytes',
    int(16_384, 256 * MIB),
    MIB,
    'Unsent bytes allowed per socket before the generation is aborted and the socket closed 1013.',
  ),
  setting('websocket.maxConnectionsPerUser', int(1, 1_000), 5, 'Concurrent sockets per user (S8).'),
  setting(
    'websocket.invalidFramesPerMinute',
    int(1, 10_000),
    10,
    'Invalid frames tolerated per minute before close 1008 (S7).',
  ),
  setting(
    'websocket.framesPerMinutePerConnection',
    int(1, 1_000_000),
    120,
    'Frames one socket may send per minute; a flood beyond it is refused (S7, S8).',
  ),
  setting(
    'websocket.deltaCoalesceMs',
    ms(0, SECOND_MS),
    25,
    'Window in which streamed text after the first chunk is merged into one delta frame; 0 sends every chunk at once.',
  ),
  setting(
    'websocket.tokenExpiryCheckIntervalMs',
    ms(100, 10 * MINUTE_MS),
    15 * SECOND_MS,
    'How often open sockets are checked for an expired token (S5).',
  ),
];
