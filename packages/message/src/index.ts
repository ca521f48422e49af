export { MessageError } from './errors.js';
export type { MessageErrorCode, MessageErrorOptions } from './errors.js';
export {
  DEFAULT_LIMITS,
  DEFAULT_MAX_CONTENT_BYTES,
  DEFAULT_MAX_CONTENT_CHARS,
  FRAME_OVERHEAD_CHARS,
  MAX_PING_ID_CHARS,
  resolveLimits,
} from './limits.js';
export type { InboundLimits, ResolvedLimits } from './limits.js';
export { sanitize } from './sanitize.js';
export { isWireErrorCode, WIRE_ERROR_CODES, WIRE_ERROR_RETRYABLE } from './wire-error-codes.js';
export type { WireErrorCode } from './wire-error-codes.js';
export { MAX_REPORTED_ISSUES } from './wire-issue.js';
export type { WireIssue } from './wire-issue.js';
export { isUnsafeKey } from './unsafe-keys.js';
export { createInboundSchema, INBOUND_FRAME_TYPES, inboundSchemaFor } from './inbound-schema.js';
export type {
  CancelFrame,
  EndSessionFrame,
  InboundFrame,
  InboundFrameType,
  InboundSchema,
  PingFrame,
  ResumeFrame,
  SendFrame,
} from './inbound-schema.js';
export { parseInbound, serializeInbound } from './inbound.js';
export type { InboundErrorCode, ParseResult } from './inbound.js';
export {
  DONE_STATUSES,
  MAX_ERROR_MESSAGE_CHARS,
  MESSAGE_ROLES,
  MESSAGE_STATUSES,
  OUTBOUND_FRAME_TYPES,
  outboundFrameSchema,
} from './outbound-schema.js';
export type {
  AckFrame,
  DeltaFrame,
  DoneFrame,
  DoneStatus,
  ErrorFrame,
  MessageRole,
  MessageStatus,
  OutboundFrame,
  OutboundFrameType,
  PongFrame,
  ReplayFrame,
  ReplayMessage,
  SessionFrame,
  TokenUsage,
} from './outbound-schema.js';
export {
  ackFrame,
  createDeltaSerializer,
  deltaFrame,
  doneFrame,
  errorFrame,
  parseOutbound,
  pongFrame,
  replayFrame,
  serializeOutbound,
  sessionFrame,
} from './outbound.js';
export type {
  DeltaSerializer,
  ErrorFrameFields,
  OutboundErrorCode,
  OutboundParseResult,
} from './outbound.js';
