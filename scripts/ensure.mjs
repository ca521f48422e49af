#!/usr/bin/env node
// Makes a fresh clone runnable: `deps` installs pnpm (pinned) and the workspace's dependencies when
// they are missing or stale; `peers` provides what the test suites need (a MongoDB-compatible
// server, redis-server, Chromium), or stops with a message saying how to get each.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = '12.4.2';
const steps = new Set(process.argv.slice(2));

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}
function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (r.status !== 0) {
    console.error(`chatbox: '${cmd} ${args.join(' ')}' failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}
function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function ensurePnpm() {
  let version = '';
  try {
    version = execFileSync('pnpm', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    /* not installed */
  }
  if (version === PNPM_VERSION) return;
  console.log(`chatbox: installing pnpm ${PNPM_VERSION} (found: ${version || 'none'})`);
  run('npm', ['install', '--global', `pnpm@${PNPM_VERSION}`]);
}

function ensureDeps() {
  ensurePnpm();
  const marker = join(ROOT, 'node_modules', '.modules.yaml');
  const lock = join(ROOT, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('chatbox: installing dependencies (pnpm install --frozen-lockfile)');
  run('pnpm', ['install', '--frozen-lockfile']);
}

function ensurePeers() {
  // MongoDB-compatible server: MONGODB_URI, else mongod, else FerretDB built with Go.
  if (!process.env.MONGODB_URI && !has('mongod')) {
    run('bash', ['packages/testkit/scripts/ensure-ferretdb.sh'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  if (!process.env.REDIS_URL && !has('redis-server')) {
    run('bash', ['packages/testkit/scripts/ensure-redis.sh']);
  }
  if (!existsSync('/usr/bin/chromium')) {
    if (!isRoot() || !has('apt-get')) {
      console.error(
        "chatbox: the browser tests need Debian's Chromium at /usr/bin/chromium: apt-get install chromium",
      );
      process.exit(1);
    }
    console.log("chatbox: installing Debian's chromium for the browser tests");
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
  }
}

if (steps.has('deps')) ensureDeps();
if (steps.has('peers')) ensurePeers();
