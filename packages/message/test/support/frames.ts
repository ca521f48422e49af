import { randomUUID } from 'node:crypto';
import type { ParseResult } from '../../src/inbound.js';

export const frame = (value: Record<string, unknown>): string => JSON.stringify(value);

export const send = (extra: Record<string, unknown> = {}): string =>
  frame({ type: 'send', clientMessageId: randomUUID(), content: 'hello', ...extra });

export function refused(result: ParseResult): Extract<ParseResult, { ok: false }> {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.frame)}`);
  return result;
}
