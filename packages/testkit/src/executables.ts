import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export const VERSION_CHECK_TIMEOUT_MS = 15_000;

/** The first executable named `name` on the given PATH, like `command -v`. */
export async function findOnPath(
  name: string,
  pathValue: string | undefined,
): Promise<string | undefined> {
  for (const dir of (pathValue ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        env: options.env,
        timeout: options.timeoutMs ?? 0,
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr: error !== null && stderr === '' ? error.message : stderr });
      },
    );
  });
}

const versionChecks = new Map<string, Promise<boolean>>();

/** True when `<bin> --version` exits 0 (a go-install FerretDB build panics here). Memoised. */
export function runsVersion(bin: string): Promise<boolean> {
  let check = versionChecks.get(bin);
  if (check === undefined) {
    check = run(bin, ['--version'], { timeoutMs: VERSION_CHECK_TIMEOUT_MS }).then(
      (result) => result.code === 0,
    );
    versionChecks.set(bin, check);
  }
  return check;
}

export function forgetVersionCheck(bin: string): void {
  versionChecks.delete(bin);
}
