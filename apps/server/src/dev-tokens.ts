import type { Config } from '@chatbox/config';
import { SignJWT } from 'jose';

export const DEV_TOKEN_TTL_SEC = 12 * 60 * 60;
export const DEV_USER_ID = 'demo-user';
export const DEV_ADMIN_ID = 'demo-admin';

export interface DevTokens {
  readonly user: string;
  readonly admin: string;
  readonly expiresAt: Date;
}

export interface DevTokenOptions {
  /** ms since the epoch. */
  readonly clock?: () => number;
  readonly ttlSec?: number;
}

/**
 * Development only: tokens for a demo user and a demo admin, signed with the configured (or
 * generated) HS secret. Production never mints (the server verifies tokens, it does not issue
 * them); nor does a deployment that verifies with a public key, whose private half it lacks.
 */
export async function mintDevTokens(
  config: Config,
  options: DevTokenOptions = {},
): Promise<DevTokens | undefined> {
  const { auth } = config;
  const alg = auth.algorithms.find((candidate) => candidate.startsWith('HS'));
  if (config.env !== 'development' || auth.jwtSecret === undefined || alg === undefined)
    return undefined;
  const key = new TextEncoder().encode(auth.jwtSecret);
  const now = Math.floor((options.clock ?? Date.now)() / 1000);
  const exp = now + (options.ttlSec ?? DEV_TOKEN_TTL_SEC);
  const sign = (sub: string, roles: readonly string[]): Promise<string> =>
    new SignJWT({ [auth.rolesClaim]: [...roles] })
      .setProtectedHeader({ alg, typ: auth.tokenType })
      .setSubject(sub)
      .setIssuer(auth.issuer)
      .setAudience(auth.audience)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(key);
  const [user, admin] = await Promise.all([
    sign(DEV_USER_ID, ['user']),
    sign(DEV_ADMIN_ID, ['user', auth.adminRole]),
  ]);
  return { user, admin, expiresAt: new Date(exp * 1000) };
}

/** A URL a browser can open: the loopback address when bound to every interface. */
export function publicUrl(host: string, port: number): string {
  const shown =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}/`;
}

/** The lines printed after listen; the token rides in the fragment, which browsers never send. */
export function startupBanner(
  url: string,
  adminPrefix: string,
  tokens: DevTokens | undefined,
): string[] {
  const lines = [`chatbox is listening on ${url}`];
  if (tokens === undefined) return lines;
  lines.push(
    '',
    `  Open the chat (development token for "${DEV_USER_ID}", expires ${tokens.expiresAt.toISOString()}):`,
    `    ${url}#token=${tokens.user}`,
    '',
    `  Admin API (token for "${DEV_ADMIN_ID}"):`,
    `    curl -H 'Authorization: Bearer ${tokens.admin}' ${url.replace(/\/$/, '')}${adminPrefix}/sessions`,
    '',
  );
  return lines;
}
