import { execFileSync } from 'node:child_process';

const GIT_TIMEOUT_MS = 5_000;

/** The checkout's HEAD commit, or null outside a git checkout (or without git). */
export function gitCommit(root: string): string | null {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: GIT_TIMEOUT_MS,
    }).trim();
    return /^[0-9a-f]{7,64}$/.test(out) ? out : null;
  } catch {
    return null;
  }
}
