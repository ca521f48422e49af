#!/usr/bin/env node
import { formatIssue, safeLoadConfig } from '@chatbox/config';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ADMIN_PREFIX } from './admin/plugin.js';
import { mintDevTokens, publicUrl, startupBanner } from './dev-tokens.js';

// The process boundary: environment in, exit code out. Everything else lives in app.ts.
async function main(): Promise<void> {
  const started = performance.now();
  const loaded = safeLoadConfig(process.env);
  if (!loaded.success) {
    // Findings 17 and 19: every problem at once, secrets never quoted, and no start.
    process.stderr.write(
      `chatbox: refusing to start, ${loaded.issues.length} configuration problem(s):\n`,
    );
    for (const issue of loaded.issues) process.stderr.write(`  - ${formatIssue(issue)}\n`);
    process.exit(1);
  }
  const config = loaded.config;
  const app = await buildApp(config);

  closeWithGrace(
    {
      delay: config.shutdown.deadlineMs,
      logger: {
        error: (message: unknown) => app.log.error({ detail: String(message) }, 'shutdown problem'),
      },
      onSecondSignal: (signal) => app.log.warn({ signal }, 'second signal: exiting now'),
      onTimeout: (delay) => app.log.error({ delayMs: delay }, 'shutdown deadline passed: exiting'),
    },
    async ({ signal, err }) => {
      if (err !== undefined) app.log.fatal({ err }, 'fatal error: shutting down');
      else app.log.info({ signal }, 'shutting down');
      await app.chatbox.shutdown();
    },
  );

  await app.listen({ host: config.server.host, port: config.server.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.server.port;
  const url = publicUrl(config.server.host, port);
  app.log.info({ url, startupMs: Math.round(performance.now() - started) }, 'listening');
  const tokens = await mintDevTokens(config);
  process.stdout.write(`${startupBanner(url, ADMIN_PREFIX, tokens).join('\n')}\n`);
}

main().catch((error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  process.stderr.write(
    `chatbox: failed to start: ${typeof code === 'string' ? `${code} ` : ''}${(error as Error).message}\n`,
  );
  process.exit(1);
});
