// The container image, checked statically (no Docker engine runs here): base images pinned,
// numeric non-root USER, no ADD of remote URLs, no secrets, node as PID 1 in exec form, the
// config's port exposed, and a HEALTHCHECK on a real liveness route. The old-style leaky
// Dockerfile fixture shows each rule can fail.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { CONFIG_SETTINGS } from '@chatbox/config';
import {
  checkDockerfile,
  execForm,
  formatViolation,
  LIVENESS_PATH,
  parseDockerfile,
  scanForSecrets,
} from '../../src/index.js';
import { DOCKERFILE, DOCKERIGNORE, LEAKY_DIR, REPO_ROOT, SERVER_DIR } from '../support/paths.js';

const DEFAULT_PORT = Number(
  CONFIG_SETTINGS.find((setting) => setting.env === 'CHATBOX_SERVER_PORT')!.default,
);
let text: string;

beforeAll(async () => {
  text = await readFile(DOCKERFILE, 'utf8');
});

function instructions(name: string): ReturnType<typeof parseDockerfile> {
  return parseDockerfile(text).filter((instruction) => instruction.instruction === name);
}

describe('Dockerfile (static)', () => {
  it('breaks no image rule, and the secret gate finds nothing in it', async () => {
    expect(
      checkDockerfile(text, { port: DEFAULT_PORT, healthPath: LIVENESS_PATH }).map(formatViolation),
    ).toEqual([]);
    expect(await scanForSecrets([DOCKERFILE])).toEqual([]);
  });

  it('every stage starts from the same exactly pinned node image, and the runtime runs as a numeric user >= 10000', () => {
    const froms = instructions('FROM').map((instruction) => instruction.args);
    expect(froms).toEqual([
      'node:20.20.2-bookworm-slim AS build',
      'node:20.20.2-bookworm-slim AS runtime',
    ]);
    expect(instructions('USER').map((instruction) => instruction.args)).toEqual(['10001:10001']);
    expect(instructions('ADD')).toEqual([]);
  });

  it('builds with the pinned pnpm, deploys production dependencies only, and starts node on the built entry', async () => {
    const packageManager = (
      JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
        packageManager: string;
      }
    ).packageManager;
    const runs = instructions('RUN').map((instruction) => instruction.args);
    expect(runs).toContain(`npm install --global ${packageManager}`);
    expect(runs).toContain("pnpm --filter '@chatbox/server...' run build");
    expect(runs).toContain('pnpm --filter @chatbox/server --prod deploy /out');
    const cmd = execForm(instructions('CMD').at(-1)!);
    expect(cmd).toEqual(['node', 'dist/main.js']);
    // dist/main.js is what apps/server's build emits from src/main.ts.
    await expect(access(join(SERVER_DIR, 'src', 'main.ts'))).resolves.toBeUndefined();
    const build = JSON.parse(await readFile(join(SERVER_DIR, 'tsconfig.build.json'), 'utf8')) as {
      compilerOptions: { rootDir: string; outDir: string };
    };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
  });

  it("exposes the config's default port and health-checks a real liveness path", () => {
    expect(instructions('EXPOSE').map((instruction) => instruction.args)).toEqual([
      String(DEFAULT_PORT),
    ]);
    expect(instructions('HEALTHCHECK')[0]!.args).toContain(
      `|| ${DEFAULT_PORT}) + '${LIVENESS_PATH}'`,
    );
  });

  it('.dockerignore keeps local secrets, git history and host builds out of the build context', async () => {
    const patterns = (await readFile(DOCKERIGNORE, 'utf8'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(patterns).toEqual(
      expect.arrayContaining(['.env', '.env.*', '**/*.env', '.git', '**/node_modules', '**/dist']),
    );
  });

  it('the leaky fixture breaks every rule: floating base, remote ADD, secrets, shell CMD, no USER, no EXPOSE', async () => {
    const leaky = await readFile(join(LEAKY_DIR, 'Dockerfile.leaky'), 'utf8');
    const found = checkDockerfile(leaky, {
      file: 'Dockerfile.leaky',
      port: DEFAULT_PORT,
      healthPath: LIVENESS_PATH,
    }).map(formatViolation);
    expect(found).toEqual([
      'dockerfile Dockerfile.leaky:1: FROM node:latest: pin an exact version tag (not latest) or a digest',
      'dockerfile Dockerfile.leaky:5: ADD of a remote URL: fetch with a pinned checksum in a build stage instead',
      'dockerfile Dockerfile.leaky:2: NPM_TOKEN is a build argument, visible in the image history; use RUN --mount=type=secret',
      'dockerfile Dockerfile.leaky:3: CHATBOX_LLM_API_KEY looks like a placeholder (your-*)',
      'dockerfile Dockerfile.leaky:1: the final stage must run as a numeric USER >= 10000 (runAsNonRoot can only verify numeric IDs)',
      'dockerfile Dockerfile.leaky:1: EXPOSE must list the server port 8080',
      'dockerfile Dockerfile.leaky:6: CMD/ENTRYPOINT must use the exec form: a shell as PID 1 does not forward SIGTERM',
      'dockerfile Dockerfile.leaky:1: HEALTHCHECK must probe /healthz',
    ]);
  });
});
