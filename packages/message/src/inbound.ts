import * as v from 'valibot';
import { MessageError } from './errors.js';
import { checkFrame, frameKeysOf } from './frame-check.js';
import { inboundSchemaFor, type InboundFrame } from './inbound-schema.js';
import { toJsonText } from './json-text.js';
import { resolveLimits, type InboundLimits } from './limits.js';
import { formatIssue, toWireIssues, type WireIssue } from './wire-issue.js';

export type InboundErrorCode = 'bad_json' | 'bad_frame' | 'too_long' | 'unsupported_frame';

export type ParseResult =
  | { ok: true; frame: InboundFrame }
  | { ok: false; code: InboundErrorCode; message: string; issues: WireIssue[] };

const SUMMARY: Readonly<Record<InboundErrorCode, string>> = Object.freeze({
  bad_json: 'frame is not valid JSON',
  bad_frame: 'frame does not match the protocol',
  too_long: 'frame or content is over the size limit',
  unsupported_frame: 'unsupported frame type',
});

// The keys do not depend on the limits, so the default schema's are used for every limit set.
const INBOUND_KEYS = frameKeysOf(inboundSchemaFor().options);

function refuse(code: InboundErrorCode, issues: WireIssue[]): ParseResult {
  const first = issues[0];
  const detail = first === undefined ? '' : ` (${formatIssue(first)})`;
  return { ok: false, code, message: `${SUMMARY[code]}${detail}`, issues };
}

function isContentLengthIssue(issue: v.BaseIssue<unknown>): boolean {
  const onContent = issue.path?.length === 1 && issue.path[0]?.key === 'content';
  return onContent && (issue.type === 'max_length' || issue.type === 'max_bytes');
}

/**
 * Client frame text → a validated, sanitised `InboundFrame`, or a refusal with a wire error code,
 * a one-line message and every issue (paths and reasons; input values are never echoed).
 * Never throws for any `text`; throws `MessageError` only for invalid `limits` (configuration).
 */
export function parseInbound(text: string, limits?: InboundLimits): ParseResult {
  const resolved = resolveLimits(limits);
  if (typeof text !== 'string')
    return refuse('bad_frame', [{ path: '', message: 'expected frame text' }]);
  if (text.length > resolved.maxFrameChars) {
    return refuse('too_long', [
      { path: '', message: `frame over ${resolved.maxFrameChars} characters` },
    ]);
  }
  const checked = checkFrame(text, inboundSchemaFor(resolved), INBOUND_KEYS);
  if (checked.ok) return { ok: true, frame: checked.frame };
  // `too_long` only when length is the frame's sole fault: shortening the text is then enough.
  const onlyLength =
    checked.schemaIssues.length > 0 && checked.schemaIssues.every(isContentLengthIssue);
  return refuse(onlyLength ? 'too_long' : checked.code, checked.issues);
}

/**
 * A client frame → JSON text, for the chat page, test clients and tools. Validated and sanitised
 * with the same schema the server uses, so what it writes is what `parseInbound` accepts.
 */
export function serializeInbound(frame: InboundFrame, limits?: InboundLimits): string {
  const result = v.safeParse(inboundSchemaFor(resolveLimits(limits)), frame);
  if (result.success) return toJsonText(result.output);
  const issues = toWireIssues(result.issues);
  const where = issues.map(formatIssue).join('; ');
  throw new MessageError('ERR_MESSAGE_INVALID_FRAME', `invalid inbound frame: ${where}`, {
    issues,
  });
}
