import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The bench package declares only @chatbox/server and @chatbox/testkit; the packages the server
 * composes (config, session, ratelimit, storage) and its framework (fastify, @fastify/websocket)
 * are resolved from the server's own dependencies, as its built dist/ would load them. Types for
 * what is used come from `./workspace-types.ts`.
 */
export async function importViaServer<T>(specifier: string): Promise<T> {
  const serverEntry = fileURLToPath(import.meta.resolve('@chatbox/server'));
  const resolved = createRequire(serverEntry).resolve(specifier);
  return (await import(pathToFileURL(resolved).href)) as T;
}
