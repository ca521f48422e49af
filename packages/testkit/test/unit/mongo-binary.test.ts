import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath, run, runsVersion } from '../../src/executables.js';
import {
  ferretDbCachePath,
  NO_MONGO_MESSAGE,
  resolveMongoPlan,
  runEnsureFerretDb,
  type MongoPlanDeps,
} from '../../src/mongo-binary.js';
import { mongoServerArgs, parseMongoHost } from '../../src/mongo.js';
import { uniqueDbName } from '../../src/index.js';

function deps(overrides: {
  env?: NodeJS.ProcessEnv;
  onPath?: Record<string, string>;
  working?: string[];
  built?: string;
}): MongoPlanDeps & { builds: number } {
  const result = {
    builds: 0,
    env: overrides.env ?? { HOME: '/home/t' },
    findOnPath: async (name: string) => overrides.onPath?.[name],
    works: async (bin: string) => (overrides.working ?? []).includes(bin),
    buildFerretDb: async () => {
      result.builds += 1;
      return overrides.built ?? '/built/ferretdb';
    },
  };
  return result;
}

describe('resolveMongoPlan', () => {
  it('prefers MONGODB_URI, then mongod on PATH', async () => {
    expect(
      await resolveMongoPlan(
        deps({ env: { MONGODB_URI: 'mongodb://db:27017' }, onPath: { mongod: '/usr/bin/mongod' } }),
      ),
    ).toEqual({
      kind: 'external',
      uri: 'mongodb://db:27017',
    });
    expect(
      await resolveMongoPlan(
        deps({ env: { MONGODB_URI: '' }, onPath: { mongod: '/usr/bin/mongod' } }),
      ),
    ).toEqual({
      kind: 'mongod',
      bin: '/usr/bin/mongod',
    });
  });

  it('uses CHATBOX_FERRETDB_BIN when it works and refuses it clearly when it does not', async () => {
    const env = { CHATBOX_FERRETDB_BIN: '/opt/ferretdb' };
    expect(await resolveMongoPlan(deps({ env, working: ['/opt/ferretdb'] }))).toEqual({
      kind: 'ferretdb',
      bin: '/opt/ferretdb',
    });
    await expect(resolveMongoPlan(deps({ env }))).rejects.toMatchObject({
      code: 'ERR_TESTKIT_MONGO_UNAVAILABLE',
      message: expect.stringContaining('CHATBOX_FERRETDB_BIN=/opt/ferretdb does not run'),
    });
  });

  it('takes a working ferretdb on PATH, else a working cached build', async () => {
    const onPath = { ferretdb: '/usr/local/bin/ferretdb' };
    expect(await resolveMongoPlan(deps({ onPath, working: ['/usr/local/bin/ferretdb'] }))).toEqual({
      kind: 'ferretdb',
      bin: '/usr/local/bin/ferretdb',
    });
    const env = { CHATBOX_CACHE_DIR: '/cache' };
    expect(await resolveMongoPlan(deps({ env, onPath, working: ['/cache/bin/ferretdb'] }))).toEqual(
      {
        kind: 'ferretdb',
        bin: '/cache/bin/ferretdb',
      },
    );
  });

  it('builds FerretDB when Go is present and nothing else works', async () => {
    const d = deps({ onPath: { go: '/usr/local/go/bin/go', ferretdb: '/broken/ferretdb' } });
    expect(await resolveMongoPlan(d)).toEqual({ kind: 'ferretdb', bin: '/built/ferretdb' });
    expect(d.builds).toBe(1);
  });

  it('says exactly how to get a server when nothing is available', async () => {
    await expect(resolveMongoPlan(deps({}))).rejects.toMatchObject({
      code: 'ERR_TESTKIT_MONGO_UNAVAILABLE',
      message: NO_MONGO_MESSAGE,
    });
    expect(NO_MONGO_MESSAGE).toMatch(/MONGODB_URI/);
    expect(NO_MONGO_MESSAGE).toMatch(/mongod/);
    expect(NO_MONGO_MESSAGE).toMatch(/Go .*FerretDB v1\.24\.2/);
  });

  it('places the cache under CHATBOX_CACHE_DIR or ~/.cache/chatbox', () => {
    expect(ferretDbCachePath({ CHATBOX_CACHE_DIR: '/c' })).toBe('/c/bin/ferretdb');
    expect(ferretDbCachePath({ HOME: '/home/u' })).toBe('/home/u/.cache/chatbox/bin/ferretdb');
  });
});

describe('executables', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatbox-exec-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function script(name: string, body: string): string {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it('findOnPath finds executables only, in PATH order', async () => {
    const exe = script('tool', 'exit 0');
    writeFileSync(join(dir, 'plain'), 'not executable');
    expect(await findOnPath('tool', `/nonexistent::${dir}`)).toBe(exe);
    expect(await findOnPath('plain', dir)).toBeUndefined();
    expect(await findOnPath('tool', undefined)).toBeUndefined();
  });

  it('runsVersion is true only for a binary whose --version exits 0', async () => {
    expect(await runsVersion(script('good', 'echo v1'))).toBe(true);
    expect(await runsVersion(script('panics', 'echo panic >&2; exit 2'))).toBe(false);
    expect(await runsVersion(join(dir, 'missing'))).toBe(false);
  });

  it('run reports exit codes and output', async () => {
    expect(await run('/bin/sh', ['-c', 'echo out; echo err >&2; exit 3'])).toEqual({
      code: 3,
      stdout: 'out\n',
      stderr: 'err\n',
    });
    const missing = await run(join(dir, 'nope'), []);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/ENOENT/);
  });

  it('runEnsureFerretDb returns the last stdout line, or fails with the script output', async () => {
    const ok = script('ensure-ok.sh', 'echo building >&2; echo noise; echo /cache/bin/ferretdb');
    expect(await runEnsureFerretDb({ PATH: process.env['PATH'] }, ok)).toBe('/cache/bin/ferretdb');
    const bad = script('ensure-bad.sh', 'echo "install Go" >&2; exit 1');
    await expect(runEnsureFerretDb({ PATH: process.env['PATH'] }, bad)).rejects.toMatchObject({
      code: 'ERR_TESTKIT_MONGO_UNAVAILABLE',
      message: expect.stringContaining('install Go'),
    });
  });
});

describe('mongo helpers', () => {
  it('parseMongoHost reads the first host of a URI', () => {
    expect(parseMongoHost('mongodb://127.0.0.1:27018/db')).toEqual({
      host: '127.0.0.1',
      port: 27018,
    });
    expect(parseMongoHost('mongodb://user:p%40ss@a.example:1,b.example:2/?replicaSet=rs')).toEqual({
      host: 'a.example',
      port: 1,
    });
    expect(parseMongoHost('mongodb+srv://cluster.example/db')).toEqual({
      host: 'cluster.example',
      port: 27017,
    });
    expect(parseMongoHost('mongodb://[::1]:27019')).toEqual({ host: '::1', port: 27019 });
    expect(() => parseMongoHost('mongodb:///db')).toThrow(
      expect.objectContaining({ code: 'ERR_TESTKIT_INVALID_ARGUMENT' }),
    );
  });

  it('uniqueDbName is unique, legal and keeps a readable prefix', () => {
    const names = new Set(Array.from({ length: 1_000 }, () => uniqueDbName('storage test/run.1')));
    expect(names.size).toBe(1_000);
    for (const name of names) {
      expect(name).toMatch(/^storage_test_run_1_[a-z0-9]+_[0-9a-f]{8}$/);
      expect(name.length).toBeLessThan(64);
    }
    expect(uniqueDbName('')).toMatch(/^test_/);
    expect(uniqueDbName('x'.repeat(200)).length).toBeLessThan(64);
  });

  it('launches mongod and FerretDB on loopback with their own data directory', () => {
    expect(mongoServerArgs({ kind: 'mongod', bin: 'mongod' }, 1234, '/d')).toEqual([
      '--dbpath',
      '/d',
      '--port',
      '1234',
      '--bind_ip',
      '127.0.0.1',
      '--quiet',
    ]);
    const ferret = mongoServerArgs({ kind: 'ferretdb', bin: 'ferretdb' }, 1234, '/d');
    expect(ferret).toEqual(
      expect.arrayContaining([
        '--handler=sqlite',
        '--sqlite-url=file:/d/',
        '--listen-addr=127.0.0.1:1234',
        '--debug-addr=-',
        '--telemetry=disable',
      ]),
    );
  });
});

describe('ensure-ferretdb.sh cache', () => {
  it('reuses a working cached binary without building', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'chatbox-cache-'));
    try {
      mkdirSync(join(cache, 'bin'));
      const fake = join(cache, 'bin', 'ferretdb');
      writeFileSync(fake, '#!/bin/sh\necho "version: v1.24.2"\n');
      chmodSync(fake, 0o755);
      expect(await runEnsureFerretDb({ PATH: '/usr/bin:/bin', CHATBOX_CACHE_DIR: cache })).toBe(
        fake,
      );
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('without Go, fails and says to install Go, mongod or set MONGODB_URI', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'chatbox-cache-'));
    try {
      const result = await run(
        'bash',
        [new URL('../../scripts/ensure-ferretdb.sh', import.meta.url).pathname],
        {
          env: { PATH: '/usr/bin:/bin', CHATBOX_CACHE_DIR: cache },
        },
      );
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/Install Go/);
      expect(result.stderr).toMatch(/MONGODB_URI/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
