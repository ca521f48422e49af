import { afterEach, describe, expect, it } from '@jest/globals';
import { connectWs, mintToken, randomSecret } from '@chatbox/testkit';
import { http } from '../support/harness.js';
import { listening, spawnServer } from '../support/process.js';
import type { ServerProcess } from '../support/process.js';

// Weak values are built at run time; each is refused for the reason named.
const WEAK: readonly { name: string; value: () => string; code: string }[] = [
  {
    name: 'test123 (the review’s example)',
    value: () => ['test', '123'].join(''),
    code: 'secret_too_short',
  },
  {
    name: 'a short random secret (12 bytes)',
    value: () => randomSecret(12),
    code: 'secret_too_short',
  },
  { name: 'a long low-entropy secret', value: () => 'ab'.repeat(24), code: 'secret_low_entropy' },
  {
    name: 'a placeholder',
    value: () => ['CHANGE', 'ME'].join('-').repeat(4),
    code: 'secret_placeholder',
  },
  {
    name: 'a published default',
    value: () => ['your', '256', 'bit', 'secret'].join('-'),
    code: 'secret_known_default',
  },
];

const PRODUCTION_ENV = {
  CHATBOX_ENV: 'production',
  CHATBOX_LLM_PROVIDER: 'demo',
  CHATBOX_WEBSOCKET_ALLOWED_ORIGINS: 'https://chat.example.com',
};

// Finding 17 (server half): the old service accepted any JWT secret, `test123` included.
describe('ProductionIssue17_WeakSecretAcceptance', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  for (const env of ['development', 'production'] as const) {
    for (const weak of WEAK) {
      it(`refuses to start in ${env} with ${weak.name}, saying why`, async () => {
        const secret = weak.value();
        server = await spawnServer({
          ...(env === 'production' ? PRODUCTION_ENV : {}),
          CHATBOX_AUTH_JWT_SECRET: secret,
        });
        const exit = await server.exited;
        expect(exit.code).toBe(1);
        const stderr = server.stderr.join('\n');
        expect(stderr).toContain('refusing to start');
        expect(stderr).toContain('CHATBOX_AUTH_JWT_SECRET');
        expect(stderr).toContain(`[${weak.code}]`);
        // The reason is printed, the value never.
        expect(`${stderr}\n${server.stdout.join('\n')}`).not.toContain(secret);
        expect(server.stdout.some((line) => line.includes('"msg":"listening"'))).toBe(false);
      });
    }
  }

  it('starts with a strong secret and refuses a token signed with a weak key, even when presented', async () => {
    const secret = randomSecret(32);
    server = await spawnServer({ ...PRODUCTION_ENV, CHATBOX_AUTH_JWT_SECRET: secret });
    await listening(server);
    const weakKey = ['test', '123'].join('');
    const forged = await mintToken({ secret: weakKey, sub: 'mallory', roles: ['user', 'admin'] });
    const origin = 'https://chat.example.com';
    const url = `ws://127.0.0.1:${server.port}/chat/ws`;
    await expect(
      connectWs(url, { origin, protocols: ['chat.v1', `bearer.${forged}`] }),
    ).rejects.toMatchObject({ statusCode: 401 });
    const admin = await http(server.baseUrl, '/chat/admin/sessions', {
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(admin.status).toBe(401);
    expect(admin.body).toMatchObject({ code: 'ERR_SERVER_UNAUTHORIZED' });
    // The same claims signed with the configured secret are accepted: only the key differs.
    const genuine = await mintToken({ secret, sub: 'mallory', roles: ['user', 'admin'] });
    const client = await connectWs(url, { origin, protocols: ['chat.v1', `bearer.${genuine}`] });
    await client.close();
    expect(
      (
        await http(server.baseUrl, '/chat/admin/sessions', {
          headers: { authorization: `Bearer ${genuine}` },
        })
      ).status,
    ).toBe(200);
    // Production never mints development tokens.
    expect(server.stdout.join('\n')).not.toContain('#token=');
  });
});
