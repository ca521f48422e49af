import { serveParent } from '../child.js';
import type { MemoryPoint, SoakCommands, SoakPayload, SoakResult } from './soak-protocol.js';

// The soak runs alone in this process so its memory figures are its own.

/** The server's default message limit (CHATBOX_RATE_LIMIT_MESSAGES_PER_MINUTE). */
const LIMIT_PER_MINUTE = 20;
const WINDOW_MS = 60_000;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the soak process needs --expose-gc');
  gc();
  gc();
}

function point(): MemoryPoint {
  const { rss, heapUsed } = process.memoryUsage();
  return { rssBytes: rss, heapUsedBytes: heapUsed };
}

async function soak(payload: SoakPayload): Promise<SoakResult> {
  const { createSessionManager, DEFAULT_RETENTION_MS } = await import('@chatbox/session');
  const { createMemoryLimiter } = await import('@chatbox/ratelimit');
  // A clock the soak moves: a cycle is 1 ms, and the end skips past retention and the window.
  let now = Date.now();
  const clock = (): number => now;
  const sessions = createSessionManager({ clock });
  const limiter = createMemoryLimiter({ limit: LIMIT_PER_MINUTE, windowMs: WINDOW_MS, clock });
  collect();
  const start = point();
  let peak = start;
  const observe = (): void => {
    const current = point();
    peak = {
      rssBytes: Math.max(peak.rssBytes, current.rssBytes),
      heapUsedBytes: Math.max(peak.heapUsedBytes, current.heapUsedBytes),
    };
  };
  const eventsPerCycle = Math.ceil(payload.limiterEvents / payload.sessions);
  const live: string[] = [];
  let events = 0;
  let livePeakHeapBytes = start.heapUsedBytes;
  const started = performance.now();
  for (let cycle = 0; cycle < payload.sessions; cycle += 1) {
    now += 1;
    const user = `user-${cycle % payload.limiterKeys}`;
    const { id } = sessions.create(user);
    sessions.appendMessage(id, { role: 'user', content: `message ${cycle}`, status: 'complete' });
    const reply = sessions.appendMessage(id, {
      role: 'assistant',
      content: '',
      status: 'streaming',
    });
    sessions.updateMessage(id, reply.seq, {
      content: `reply to message ${cycle}`,
      status: 'complete',
    });
    live.push(id);
    if (live.length > payload.liveSessions) sessions.end(live.shift() ?? id);
    for (let i = 0; i < eventsPerCycle && events < payload.limiterEvents; i += 1, events += 1) {
      await limiter.consume(`user-${events % payload.limiterKeys}`);
    }
    if (cycle % payload.sampleEvery === 0) observe();
    if (cycle % payload.liveSampleEvery === payload.liveSampleEvery - 1) {
      observe();
      collect();
      livePeakHeapBytes = Math.max(livePeakHeapBytes, point().heapUsedBytes);
    }
  }
  for (const id of live.splice(0)) sessions.end(id);
  const elapsedSeconds = (performance.now() - started) / 1_000;
  observe();
  collect();
  const beforeRetention = point();
  const retainedBeforeSweep = sessions.stats().endedRetained;
  const limiterKeysBeforeCleanup = await limiter.size();
  now += DEFAULT_RETENTION_MS + WINDOW_MS;
  sessions.sweep();
  await limiter.cleanup();
  collect();
  const end = point();
  sessions.close();
  await limiter.close();
  return {
    start,
    peak,
    livePeakHeapBytes,
    beforeRetention,
    end,
    retainedBeforeSweep,
    limiterKeysBeforeCleanup,
    sessionsPerSecond: payload.sessions / elapsedSeconds,
    limiterEventsPerSecond: events / elapsedSeconds,
  };
}

await serveParent<SoakCommands>({ soak }, { pid: process.pid }, () => Promise.resolve());
