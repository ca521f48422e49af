import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ReportError } from './errors.js';

const WORKSPACE_MARKER = 'pnpm-workspace.yaml';
// The folders whose packages keep `reports/` (the conventions every package follows).
const PACKAGE_GROUPS = ['packages', 'apps'] as const;
const SINGLE_PACKAGES = ['deployments'] as const;

export interface WorkspacePackage {
  readonly name: string;
  /** Absolute directory. */
  readonly dir: string;
  /** Repo-relative directory with `/` separators. */
  readonly relDir: string;
}

/** Walks up from `start` to the directory holding pnpm-workspace.yaml. */
export function findRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, WORKSPACE_MARKER))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new ReportError(
        'ERR_REPORT_ROOT_NOT_FOUND',
        `no ${WORKSPACE_MARKER} found above ${start}; pass --root`,
      );
    }
    dir = parent;
  }
}

/** The workspace's packages, by directory; a directory without a readable package.json is skipped. */
export function discoverPackages(root: string): WorkspacePackage[] {
  const dirs = [
    ...PACKAGE_GROUPS.flatMap((group) => subdirectories(join(root, group))),
    ...SINGLE_PACKAGES.map((name) => join(root, name)),
  ];
  const packages: WorkspacePackage[] = [];
  for (const dir of dirs) {
    const name = packageName(dir);
    if (name !== null) packages.push({ name, dir, relDir: toRepoPath(root, dir) });
  }
  return packages.sort((a, b) => a.name.localeCompare(b.name));
}

/** A path relative to the root, always with `/`, for links and for findings.json. */
export function toRepoPath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

/** Inside the root: repo-relative (portable in findings.json); anywhere else: unchanged. */
export function displayPath(root: string, path: string): string {
  const rel = toRepoPath(root, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(dir, entry.name));
  } catch {
    // No such group in this repository (or not a directory): it holds no packages.
    return [];
  }
}

function packageName(dir: string): string | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'name' in parsed &&
      typeof parsed.name === 'string'
    )
      return parsed.name;
  } catch {
    // Not a package (no or broken package.json): nothing to report for it.
  }
  return null;
}
