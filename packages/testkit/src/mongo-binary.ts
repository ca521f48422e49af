import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestkitError } from './errors.js';
import { findOnPath, forgetVersionCheck, run, runsVersion } from './executables.js';

export const FERRETDB_VERSION = 'v1.24.2';
// A cold build downloads modules and compiles: minutes on a slow machine.
export const FERRETDB_BUILD_TIMEOUT_MS = 10 * 60_000;

export type MongoPlan =
  | { readonly kind: 'external'; readonly uri: string }
  | { readonly kind: 'mongod'; readonly bin: string }
  | { readonly kind: 'ferretdb'; readonly bin: string };

export interface MongoPlanDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly findOnPath: (name: string) => Promise<string | undefined>;
  readonly works: (bin: string) => Promise<boolean>;
  /** Runs scripts/ensure-ferretdb.sh; resolves to the binary it printed. */
  readonly buildFerretDb: () => Promise<string>;
}

export const NO_MONGO_MESSAGE =
  'No MongoDB-compatible server is available for tests. Do one of: ' +
  'set MONGODB_URI to a running server (e.g. MONGODB_URI=mongodb://127.0.0.1:27017); ' +
  'install mongod so it is on PATH; ' +
  `or install Go (https://go.dev/dl/) so the test kit builds FerretDB ${FERRETDB_VERSION} ` +
  '(packages/testkit/scripts/ensure-ferretdb.sh).';

export function ferretDbCachePath(env: NodeJS.ProcessEnv): string {
  const cacheDir = env['CHATBOX_CACHE_DIR'] ?? join(env['HOME'] ?? homedir(), '.cache', 'chatbox');
  return join(cacheDir, 'bin', 'ferretdb');
}

export const ENSURE_FERRETDB_SCRIPT = fileURLToPath(
  new URL('../scripts/ensure-ferretdb.sh', import.meta.url),
);

/** Lookup order: MONGODB_URI, mongod, CHATBOX_FERRETDB_BIN, ferretdb on PATH, the cache, a build. */
export async function resolveMongoPlan(deps: MongoPlanDeps): Promise<MongoPlan> {
  const uri = deps.env['MONGODB_URI'];
  if (uri !== undefined && uri !== '') return { kind: 'external', uri };

  const mongod = await deps.findOnPath('mongod');
  if (mongod !== undefined) return { kind: 'mongod', bin: mongod };

  const explicit = deps.env['CHATBOX_FERRETDB_BIN'];
  if (explicit !== undefined && explicit !== '') {
    if (await deps.works(explicit)) return { kind: 'ferretdb', bin: explicit };
    throw new TestkitError(
      'ERR_TESTKIT_MONGO_UNAVAILABLE',
      `CHATBOX_FERRETDB_BIN=${explicit} does not run (\`${explicit} --version\` failed). ` +
        `Unset it or point it at a working FerretDB ${FERRETDB_VERSION} binary.`,
    );
  }

  const onPath = await deps.findOnPath('ferretdb');
  if (onPath !== undefined && (await deps.works(onPath))) return { kind: 'ferretdb', bin: onPath };

  const cached = ferretDbCachePath(deps.env);
  if (await deps.works(cached)) return { kind: 'ferretdb', bin: cached };

  if ((await deps.findOnPath('go')) !== undefined) {
    return { kind: 'ferretdb', bin: await deps.buildFerretDb() };
  }
  throw new TestkitError('ERR_TESTKIT_MONGO_UNAVAILABLE', NO_MONGO_MESSAGE);
}

export async function runEnsureFerretDb(
  env: NodeJS.ProcessEnv,
  script = ENSURE_FERRETDB_SCRIPT,
): Promise<string> {
  const result = await run('bash', [script], { env, timeoutMs: FERRETDB_BUILD_TIMEOUT_MS });
  const lines = result.stdout.trim().split('\n');
  const bin = lines[lines.length - 1]?.trim() ?? '';
  if (result.code !== 0 || bin === '') {
    throw new TestkitError(
      'ERR_TESTKIT_MONGO_UNAVAILABLE',
      `Building FerretDB ${FERRETDB_VERSION} failed (${script}, exit ${result.code}):\n${result.stderr.slice(-2_000)}\n${NO_MONGO_MESSAGE}`,
    );
  }
  forgetVersionCheck(bin);
  return bin;
}

let planPromise: Promise<MongoPlan> | undefined;

/** The plan for this process's environment, resolved once (a build runs at most once). */
export function defaultMongoPlan(): Promise<MongoPlan> {
  if (planPromise === undefined) {
    const env = process.env;
    planPromise = resolveMongoPlan({
      env,
      findOnPath: (name) => findOnPath(name, env['PATH']),
      works: runsVersion,
      buildFerretDb: () => runEnsureFerretDb(env),
    });
    // A failed lookup is retried on the next call (e.g. after the test installs something).
    planPromise.catch(() => {
      planPromise = undefined;
    });
  }
  return planPromise;
}
