#!/usr/bin/env node
// Build first (pnpm --filter @chatbox/deployments build); the logic is runScanCli in src/cli.ts.
import { runScanCli } from '../dist/cli.js';

process.exitCode = await runScanCli(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
