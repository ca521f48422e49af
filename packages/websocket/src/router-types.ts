// The router ↔ websocket contract, owned by @chatbox/router (types and close codes only).
export { CLOSE_CODES } from '@chatbox/router';
export type { Connection, MessageRouter } from '@chatbox/router';
