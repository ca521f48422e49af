import { startChild } from '../child.js';
import { atMost, figure, type ScenarioResult } from '../figures.js';
import type { BenchContext } from './context.js';
import type { MemoryPoint, SoakCommands, SoakResult } from './soak-protocol.js';

const MIB = 1_024 * 1_024;
const SAMPLE_EVERY_SESSIONS = 500;
const LIVE_SAMPLES = 10;
const SOAK_TIMEOUT_MS = 300_000;

const growth = (from: number, to: number): number => ((to - from) / from) * 100;

/**
 * Scenario 5: session churn (create, two messages, end) interleaved with limiter events, in a
 * process of its own; memory at the start, the peak and the end (after retention), per run.
 */
export async function runSoak(ctx: BenchContext): Promise<ScenarioResult> {
  const { soak, runs } = ctx.settings;
  const results: SoakResult[] = [];
  for (let round = 0; round < runs; round += 1) {
    const child = await startChild<SoakCommands, unknown>('./scenarios/soak-main.js', {
      name: 'soak',
      execArgv: ['--expose-gc'],
    });
    try {
      results.push(
        await child.request(
          'soak',
          {
            sessions: soak.sessions,
            limiterEvents: soak.limiterEvents,
            liveSessions: soak.liveSessions,
            limiterKeys: soak.limiterKeys,
            sampleEvery: SAMPLE_EVERY_SESSIONS,
            liveSampleEvery: Math.max(1, Math.floor(soak.sessions / LIVE_SAMPLES)),
          },
          SOAK_TIMEOUT_MS,
        ),
      );
    } finally {
      await child.close();
    }
  }
  const mib = (pick: (result: SoakResult) => MemoryPoint, key: keyof MemoryPoint): number[] =>
    results.map((result) => pick(result)[key] / MIB);
  const within = atMost(10, 'end within 10 % of start');
  const retained = results[0]?.retainedBeforeSweep ?? 0;
  return {
    name: 'soak: session churn and limiter events',
    figures: [
      figure({ name: 'RSS at start', unit: 'MiB', runs: mib((r) => r.start, 'rssBytes') }),
      figure({ name: 'RSS at peak', unit: 'MiB', runs: mib((r) => r.peak, 'rssBytes') }),
      figure({ name: 'RSS at end', unit: 'MiB', runs: mib((r) => r.end, 'rssBytes') }),
      figure({
        name: 'RSS growth, start → end',
        unit: '%',
        runs: results.map((r) => growth(r.start.rssBytes, r.end.rssBytes)),
        target: within,
        digits: 1,
      }),
      figure({ name: 'heap at start', unit: 'MiB', runs: mib((r) => r.start, 'heapUsedBytes') }),
      figure({
        name: 'heap at peak (garbage included)',
        unit: 'MiB',
        runs: mib((r) => r.peak, 'heapUsedBytes'),
      }),
      figure({
        name: 'heap at peak, live (after full collections)',
        unit: 'MiB',
        runs: results.map((r) => r.livePeakHeapBytes / MIB),
      }),
      figure({ name: 'heap at end', unit: 'MiB', runs: mib((r) => r.end, 'heapUsedBytes') }),
      figure({
        name: 'heap growth, start → end',
        unit: '%',
        runs: results.map((r) => growth(r.start.heapUsedBytes, r.end.heapUsedBytes)),
        target: within,
        digits: 1,
      }),
      figure({
        name: 'heap with ended sessions still retained',
        unit: 'MiB',
        runs: mib((r) => r.beforeRetention, 'heapUsedBytes'),
      }),
      figure({
        name: 'session cycles per second',
        unit: 'sessions/s',
        runs: results.map((r) => r.sessionsPerSecond),
        digits: 0,
      }),
      figure({
        name: 'limiter events per second',
        unit: 'events/s',
        runs: results.map((r) => r.limiterEventsPerSecond),
        digits: 0,
      }),
    ],
    notes: [
      `${soak.sessions.toLocaleString('en-US')} sessions created, given two messages and ended (${soak.liveSessions.toLocaleString('en-US')} open at once) interleaved with ${soak.limiterEvents.toLocaleString('en-US')} limiter events over ${soak.limiterKeys.toLocaleString('en-US')} users, production defaults, a fresh process per run`,
      `end = after the retention window: the soak's clock skips past it, then sweep() and cleanup() run (before that, ${retained.toLocaleString('en-US')} ended sessions are retained by design)`,
      `peak: sampled every ${SAMPLE_EVERY_SESSIONS} sessions without collecting; live peak: after a full collection at ${LIVE_SAMPLES} checkpoints; RSS keeps the pages the heap grew into (V8 and malloc do not hand them back at once), the heap shows what is held`,
    ],
  };
}
