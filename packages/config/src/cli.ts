#!/usr/bin/env node
import { runCli } from './check.js';

// eslint-disable-next-line no-restricted-properties -- the binary is a process boundary: it checks the environment the server would start with.
const env = process.env;

process.exitCode = runCli(process.argv.slice(2), env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
