import { inspectPublicKey } from './public-key.js';
import { attachRedactedViews, deepFreeze, redactConfig } from './redact.js';
import type { Draft } from './rule-context.js';
import { SDK_TIMEOUT_MARGIN_MS } from './settings.js';
import type { Config, JwtAlgorithm } from './types.js';

export const GENERATED_SECRET_BYTES = 32;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export interface FinalizeOptions {
  readonly randomBytes: (size: number) => Uint8Array;
  readonly notices: readonly string[];
}

function defaultAlgorithms(auth: Draft['auth']): readonly JwtAlgorithm[] {
  if (auth.algorithms !== undefined) return auth.algorithms;
  if (auth.publicKeyPem !== undefined) {
    const info = inspectPublicKey(auth.publicKeyPem);
    if (info.ok) return [info.preferred];
  }
  return auth.jwksUrl !== undefined ? ['RS256'] : ['HS256'];
}

/** Fills in derived values and the development conveniences, then freezes. Input is fully valid. */
export function finalizeConfig(draft: Draft, options: FinalizeOptions): Config {
  const notices = [...options.notices];
  const production = draft.env === 'production';
  let { jwtSecret } = draft.auth;
  const generate =
    !production &&
    jwtSecret === undefined &&
    draft.auth.publicKeyPem === undefined &&
    draft.auth.jwksUrl === undefined;
  if (generate) {
    // Kept in memory only: tokens signed before a restart stop verifying, which is fine in development.
    jwtSecret = Buffer.from(options.randomBytes(GENERATED_SECRET_BYTES)).toString('base64url');
    notices.push(
      'no JWT key configured: generated a random HS256 secret for this process (development only)',
    );
  }
  const auth = {
    ...draft.auth,
    jwtSecret,
    algorithms: defaultAlgorithms(draft.auth),
    jwtSecretGenerated: generate,
  };
  const fallBack =
    !production && draft.llm.provider === 'anthropic' && draft.llm.apiKey === undefined;
  if (fallBack) notices.push('no CHATBOX_LLM_API_KEY: using the demo provider (development only)');
  const llm = {
    ...draft.llm,
    provider: fallBack ? ('demo' as const) : draft.llm.provider,
    sdkTimeoutMs: draft.llm.sdkTimeoutMs ?? draft.llm.totalTimeoutMs + SDK_TIMEOUT_MARGIN_MS,
  };
  if (production && draft.storage.backend === 'memory') {
    notices.push(
      'storage.backend is memory: sessions are lost on restart and not shared between instances',
    );
  }
  if (production && draft.rateLimit.backend === 'memory') {
    notices.push(
      'rateLimit.backend is memory: limits are per instance, not shared between replicas',
    );
  }
  if (production && LOOPBACK_HOSTS.has(draft.server.host)) {
    notices.push(`server.host is ${draft.server.host}: only clients on this machine can connect`);
  }
  const config: Config = { ...draft, auth, llm, notices };
  const frozen = JSON.parse(JSON.stringify(config)) as Config;
  attachRedactedViews(frozen, redactConfig(frozen));
  return deepFreeze(frozen);
}
