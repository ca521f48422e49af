import { isSecretSettingName } from './secret-names.js';

// Multi-host MongoDB URIs (`mongodb://a:27017,b:27017/db`) are not WHATWG URLs, so URLs are split
// by hand: scheme, optional userinfo, host list, rest.
const URI_PARTS = /^([a-z][a-z0-9+.-]*):\/\/(?:([^@/?#\s]*)@)?([^/?#\s]*)([^\s]*)$/i;
const HOST_PORT =
  /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(?::\d{1,5})?$/i;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

interface UriParts {
  readonly scheme: string;
  readonly userinfo: string | undefined;
  readonly hosts: readonly string[];
  readonly rest: string;
}

function splitUri(value: string): UriParts | undefined {
  const match = URI_PARTS.exec(value);
  if (match === null) return undefined;
  return {
    scheme: match[1]!.toLowerCase(),
    userinfo: match[2],
    hosts: match[3]!.split(','),
    rest: match[4]!,
  };
}

/** Why `value` is not a usable URL with one of `schemes`, or undefined when it is. */
export function checkUrl(value: string, schemes: readonly string[]): string | undefined {
  const parts = splitUri(value);
  if (parts === undefined) return 'is not a URL (scheme://host[:port]/...)';
  if (!schemes.includes(parts.scheme))
    return `must use ${schemes.map((s) => `${s}://`).join(' or ')}`;
  if (parts.hosts.some((host) => !HOST_PORT.test(host))) return 'has an invalid host';
  const multiHost = parts.scheme === 'mongodb';
  if (parts.hosts.length > 1 && !multiHost) return 'must name exactly one host';
  if (!multiHost) {
    try {
      new URL(value);
    } catch {
      return 'is not a valid URL';
    }
  }
  return undefined;
}

/** True when every host of the URL is a loopback address (plain http is then acceptable). */
export function isLoopbackUrl(value: string): boolean {
  const parts = splitUri(value);
  if (parts === undefined) return false;
  return parts.hosts.every((host) => LOOPBACK_HOSTS.has(host.toLowerCase().replace(/:\d+$/, '')));
}

export function urlScheme(value: string): string | undefined {
  return splitUri(value)?.scheme;
}

/** The password inside a URL's userinfo (`redis://:pw@host`), decoded. */
export function uriPassword(value: string): string | undefined {
  const userinfo = splitUri(value)?.userinfo;
  if (userinfo === undefined) return undefined;
  const colon = userinfo.indexOf(':');
  if (colon < 0) return undefined;
  const raw = userinfo.slice(colon + 1);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Hides credentials in a URL: the password (`mongodb://user:***@host`), a bare userinfo token
 * (`https://***@host`) and query parameters whose names hold secrets (`?password=***`).
 * Text that is not a URL comes back unchanged.
 */
export function redactUri(value: string): string {
  const parts = splitUri(value);
  if (parts === undefined) return value;
  let userinfo = '';
  if (parts.userinfo !== undefined) {
    const colon = parts.userinfo.indexOf(':');
    userinfo = colon < 0 ? '***@' : `${parts.userinfo.slice(0, colon)}:***@`;
  }
  const rest = parts.rest.replace(
    /([?&])([^=&#]+)=([^&#]*)/g,
    (whole, sep: string, name: string) => (isSecretSettingName(name) ? `${sep}${name}=***` : whole),
  );
  const scheme = /^[a-z][a-z0-9+.-]*/i.exec(value)![0];
  return `${scheme}://${userinfo}${parts.hosts.join(',')}${rest}`;
}
