import { describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOnPath, run } from '../../src/executables.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/ensure-ferretdb.sh', import.meta.url));
// A cold build downloads and compiles FerretDB; a warm Go cache makes it a few seconds.
const BUILD_TIMEOUT_MS = 10 * 60_000;

describe('scripts/ensure-ferretdb.sh', () => {
  it(
    'replaces a broken cached binary (the go-install panic) with a working FerretDB v1.24.2 build',
    async () => {
      const cache = mkdtempSync(join(tmpdir(), 'chatbox-ferret-cache-'));
      try {
        mkdirSync(join(cache, 'bin'));
        const broken = join(cache, 'bin', 'ferretdb');
        writeFileSync(
          broken,
          '#!/bin/sh\necho "panic: Invalid build/version/version.txt file content." >&2\nexit 2\n',
        );
        chmodSync(broken, 0o755);
        const env = { ...process.env, CHATBOX_CACHE_DIR: cache };
        const result = await run('bash', [SCRIPT], { env, timeoutMs: BUILD_TIMEOUT_MS });
        if ((await findOnPath('go', process.env['PATH'])) === undefined) {
          expect(result.code).not.toBe(0);
          expect(result.stderr).toMatch(/Install Go/);
          return;
        }
        expect(result.code).toBe(0);
        expect(result.stdout.trim().split('\n').pop()).toBe(broken);
        const version = await run(broken, ['--version']);
        expect(version.code).toBe(0);
        expect(version.stdout).toContain('v1.24.2');
        // Idempotent: a second run reuses the working binary.
        const again = await run('bash', [SCRIPT], { env, timeoutMs: BUILD_TIMEOUT_MS });
        expect(again).toMatchObject({ code: 0, stdout: `${broken}\n` });
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    },
    BUILD_TIMEOUT_MS,
  );
});
