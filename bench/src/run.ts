import { loadavg } from 'node:os';
import type { ScenarioResult } from './figures.js';
import { commit, machine, renderTable, RESULTS_PATH, writeReport } from './report.js';
import { BenchContext } from './scenarios/context.js';
import { runEcho } from './scenarios/echo.js';
import { runIdle } from './scenarios/idle.js';
import { runSoak } from './scenarios/soak.js';
import { runStorage } from './scenarios/storage.js';
import { runStreaming } from './scenarios/streaming.js';
import { loadSettings, SCENARIOS, type ScenarioName } from './settings.js';

const RUNNERS: Readonly<Record<ScenarioName, (ctx: BenchContext) => Promise<ScenarioResult>>> = {
  echo: runEcho,
  streaming: runStreaming,
  idle: runIdle,
  storage: runStorage,
  soak: runSoak,
};

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

async function main(): Promise<number> {
  const settings = loadSettings();
  const startedAt = new Date();
  const started = performance.now();
  const loadStart = loadavg();
  // Read before the run: the checkout may move on while it lasts.
  const head = commit();
  const ctx = new BenchContext(settings);
  const scenarios: ScenarioResult[] = [];
  let failed = false;
  const stop = (): void => {
    log('interrupted: closing servers and load generators');
    void ctx.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for (const name of SCENARIOS) {
      if (!settings.only.has(name)) continue;
      const scenarioStarted = performance.now();
      log(`${name}: running`);
      try {
        scenarios.push(await RUNNERS[name](ctx));
      } catch (error) {
        failed = true;
        const message = error instanceof Error ? error.message : String(error);
        log(`${name}: failed: ${message}`);
        scenarios.push({ name, figures: [], notes: [`failed: ${message.split('\n')[0] ?? ''}`] });
      }
      log(`${name}: ${((performance.now() - scenarioStarted) / 1_000).toFixed(1)} s`);
    }
  } finally {
    await ctx.close();
  }
  writeReport({
    machine: machine(),
    node: process.version,
    commit: head,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    scenarios,
    settings: {
      quick: settings.quick,
      runs: settings.runs,
      loadAverage: { start: loadStart, end: loadavg() },
    },
  });
  process.stdout.write(renderTable(scenarios));
  log(`wrote ${RESULTS_PATH} in ${((performance.now() - started) / 1_000).toFixed(1)} s`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
