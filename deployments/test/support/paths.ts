import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO_ROOT = join(PACKAGE_DIR, '..');
export const KUBERNETES_DIR = join(PACKAGE_DIR, 'kubernetes');
export const FIXTURES_DIR = join(PACKAGE_DIR, 'test', 'fixtures');
export const LEAKY_DIR = join(FIXTURES_DIR, 'leaky');
export const DOCKERFILE = join(REPO_ROOT, 'Dockerfile');
export const DOCKERIGNORE = join(REPO_ROOT, '.dockerignore');
export const SERVER_DIR = join(REPO_ROOT, 'apps', 'server');
