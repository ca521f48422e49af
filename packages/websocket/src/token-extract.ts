import type { IncomingHttpHeaders } from 'node:http';

/** The one application subprotocol; a browser offers it next to `bearer.<jwt>`. */
export const CHAT_PROTOCOL = 'chat.v1';
/** Browsers cannot set headers on a WebSocket, so they carry the token as a subprotocol. */
export const BEARER_PROTOCOL_PREFIX = 'bearer.';

export interface ExtractedToken {
  token?: string;
  /** `chat.v1` when the client offered it: the server selects it in the handshake. */
  protocol?: string;
}

const BEARER_HEADER = /^Bearer +([^\s,]+) *$/i;

function protocolsOf(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const joined = Array.isArray(header) ? header.join(',') : header;
  return joined
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/**
 * The bearer token of an upgrade request: `Authorization: Bearer <jwt>` first, else the
 * `bearer.<jwt>` entry of `Sec-WebSocket-Protocol`. Only reads headers; never logs them.
 */
export function extractToken(headers: IncomingHttpHeaders): ExtractedToken {
  const protocols = protocolsOf(headers['sec-websocket-protocol']);
  const result: ExtractedToken = {};
  if (protocols.includes(CHAT_PROTOCOL)) result.protocol = CHAT_PROTOCOL;
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.length > 0) {
    const match = BEARER_HEADER.exec(authorization);
    if (match?.[1] !== undefined) result.token = match[1];
    return result;
  }
  const bearer = protocols.find((item) => item.startsWith(BEARER_PROTOCOL_PREFIX));
  const token = bearer?.slice(BEARER_PROTOCOL_PREFIX.length);
  if (token !== undefined && token.length > 0) result.token = token;
  return result;
}

/** ws `handleProtocols`: select `chat.v1`, never echo the `bearer.` entry. */
export function selectProtocol(protocols: Set<string>): string | false {
  return protocols.has(CHAT_PROTOCOL) ? CHAT_PROTOCOL : false;
}
