import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { LevelWithSilent } from 'pino';

/** apps/server/public, from src/ (tests) and dist/ (the built server) alike. */
export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

const ASSETS: readonly { path: string; file: string; type: string }[] = [
  { path: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { path: '/app.js', file: 'app.js', type: 'text/javascript; charset=utf-8' },
  { path: '/texts.js', file: 'texts.js', type: 'text/javascript; charset=utf-8' },
  { path: '/view.js', file: 'view.js', type: 'text/javascript; charset=utf-8' },
  { path: '/app.css', file: 'app.css', type: 'text/css; charset=utf-8' },
  { path: '/favicon.svg', file: 'favicon.svg', type: 'image/svg+xml' },
];

/**
 * The strict page policy: scripts and styles only from our own files (no inline code, so an
 * injected `<script>` cannot run), WebSocket and fetch only back to this origin, no framing.
 */
export const PAGE_CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  manifestSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
} as const;

/** The chat page and its files, read once at start (a few KiB) and served from memory. */
export async function registerPageRoutes(
  app: FastifyInstance,
  publicDir: string = PUBLIC_DIR,
  logLevel: LevelWithSilent = 'warn',
): Promise<void> {
  for (const asset of ASSETS) {
    const body = await readFile(join(publicDir, asset.file));
    app.get(asset.path, { logLevel }, async (_request, reply) =>
      reply.type(asset.type).header('cache-control', 'no-cache').send(body),
    );
  }
}
