import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DeployError } from './errors.js';

export type ScannedFileType = 'yaml' | 'json' | 'env' | 'dockerfile';

/** The format a file is scanned as, from its name; undefined when the gate does not read it. */
export function fileTypeOf(path: string): ScannedFileType | undefined {
  const name = basename(path);
  const lower = name.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  if (lower === '.env' || lower.startsWith('.env.') || lower.endsWith('.env')) return 'env';
  if (
    name === 'Dockerfile' ||
    name === 'Containerfile' ||
    name.startsWith('Dockerfile.') ||
    lower.endsWith('.dockerfile')
  )
    return 'dockerfile';
  return undefined;
}

export interface ScanTarget {
  readonly path: string;
  readonly type: ScannedFileType;
}

async function walkDirectory(
  dir: string,
  ignore: ReadonlySet<string>,
  out: ScanTarget[],
): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (ignore.has(entry.name)) continue;
    const path = join(dir, entry.name);
    // Symbolic links are not followed: pnpm's node_modules are links, and a link can loop.
    if (entry.isDirectory()) await walkDirectory(path, ignore, out);
    else if (entry.isFile()) {
      const type = fileTypeOf(path);
      if (type !== undefined) out.push({ path, type });
    }
  }
}

/**
 * The files to scan under `paths`: directories are walked (skipping entries named in
 * `ignore`), files named explicitly must be of a scanned type.
 */
export async function collectTargets(
  paths: readonly string[],
  ignore: ReadonlySet<string>,
): Promise<ScanTarget[]> {
  const targets: ScanTarget[] = [];
  for (const path of paths) {
    const info = await stat(path).catch((cause: unknown) => {
      throw new DeployError(
        'ERR_DEPLOY_PATH_NOT_FOUND',
        `cannot scan ${path}: it does not exist or is unreadable`,
        { cause },
      );
    });
    if (info.isDirectory()) {
      await walkDirectory(path, ignore, targets);
      continue;
    }
    const type = fileTypeOf(path);
    if (type === undefined) {
      throw new DeployError(
        'ERR_DEPLOY_UNSUPPORTED_FILE',
        `cannot scan ${path}: not a YAML, JSON, .env or Dockerfile file`,
      );
    }
    targets.push({ path, type });
  }
  return targets;
}
