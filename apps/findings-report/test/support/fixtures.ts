import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const STATUSES_ROOT = join(FIXTURES_DIR, 'statuses');
export const STATUSES_CATALOGUE = join(STATUSES_ROOT, 'catalogue.yaml');
export const FULL_RUN_ROOT = join(FIXTURES_DIR, 'full-run');
export const FIXED_NOW = new Date('2026-11-28T22:00:00.000Z');

/** Temporary directories that `cleanup()` removes (call it in afterEach). */
export function createTempDirs(): { make: (label: string) => string; cleanup: () => void } {
  const made: string[] = [];
  return {
    make(label) {
      const dir = mkdtempSync(join(tmpdir(), `findings-report-${label}-`));
      made.push(dir);
      return dir;
    },
    cleanup() {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A writable copy of a fixture root, for tests that change results between runs. */
export function copyFixture(root: string, into: string): string {
  const target = join(into, 'root');
  cpSync(root, target, { recursive: true });
  return target;
}
