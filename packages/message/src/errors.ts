import type { WireIssue } from './wire-issue.js';

export type MessageErrorCode =
  /** A `limits` option is not a positive safe integer (a programmer error, never client input). */
  | 'ERR_MESSAGE_INVALID_LIMITS'
  /** A frame handed to a builder or serialiser does not match the protocol. */
  | 'ERR_MESSAGE_INVALID_FRAME';

export interface MessageErrorOptions {
  readonly cause?: unknown;
  readonly issues?: readonly WireIssue[];
}

export class MessageError extends Error {
  override readonly name = 'MessageError';
  readonly code: MessageErrorCode;
  /** Where the frame failed; paths and reasons only, never the offending values. */
  readonly issues: readonly WireIssue[];

  constructor(code: MessageErrorCode, message: string, options: MessageErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
  }
}
