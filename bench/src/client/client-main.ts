import type { WebSocket } from 'ws';
import { serveParent } from '../child.js';
import { openSockets } from './connect.js';
import { Load } from './load.js';
import type { ClientCommands } from './protocol.js';

// The load generator runs in its own process: its CPU never competes inside the server's event loop.

let sockets: WebSocket[] = [];
let load: Load | undefined;

function current(): Load {
  if (load === undefined) throw new Error('start a load first');
  return load;
}

function closeAll(): void {
  for (const socket of sockets) socket.terminate();
  sockets = [];
  load = undefined;
}

await serveParent<ClientCommands>(
  {
    open: (payload) => openSockets(payload, sockets),
    start: (payload) => {
      load = new Load(sockets);
      load.start(payload);
      return null;
    },
    mark: () => {
      current().mark();
      return null;
    },
    collect: () => current().collect(),
    stop: async ({ drainMs }) => ({ inFlight: await current().stop(drainMs) }),
    closeAll: () => {
      closeAll();
      return null;
    },
  },
  { pid: process.pid },
  () => {
    closeAll();
    return Promise.resolve();
  },
);
