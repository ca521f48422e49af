// Runs the TypeScript sources directly for `pnpm bench` (no build step): see loader.mjs.
import { register } from 'node:module';

register('./loader.mjs', import.meta.url);
