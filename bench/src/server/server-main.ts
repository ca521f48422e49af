import { serveParent, specOf } from '../child.js';
import type { ProcessSample, ServerCommands, ServerReady, ServerSpec } from './protocol.js';
import {
  startBareServer,
  startChatboxServer,
  startFastifyServer,
  type RunningServer,
} from './servers.js';

// One server under test per process, so its CPU time (process.cpuUsage) and memory are its own.

function sample(): ProcessSample {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    cpuUs: cpu.user + cpu.system,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    externalBytes: memory.external,
  };
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the server process needs --expose-gc');
  gc();
  gc();
}

function start(spec: ServerSpec): Promise<RunningServer> {
  switch (spec.kind) {
    case 'bare':
      return startBareServer(spec.paced);
    case 'fastify':
      return startFastifyServer(spec.releaseRequest === true);
    case 'chatbox':
      return startChatboxServer(spec.env);
  }
}

const server = await start(specOf<ServerSpec>());
const ready: ServerReady = { port: server.port };
await serveParent<ServerCommands>(
  {
    usage: () => sample(),
    gc: () => {
      collectGarbage();
      return sample();
    },
    connections: () => server.connections(),
  },
  ready,
  () => server.close(),
);
