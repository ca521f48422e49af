import { LlmError } from './errors.js';
import type { LlmMessage, LlmRequest } from './types.js';

/** S8: prompts over this size are refused before any upstream call (UTF-16 code units). */
export const DEFAULT_MAX_INPUT_CHARS = 100_000;

export interface RequestLimits {
  model: string;
  maxTokens: number;
  maxInputChars: number;
}

export interface PreparedRequest {
  model: string;
  maxTokens: number;
  system?: string;
  messages: LlmMessage[];
  inputChars: number;
}

function badRequest(message: string): LlmError {
  return new LlmError('ERR_LLM_BAD_REQUEST', message);
}

function copyMessages(messages: unknown): LlmMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw badRequest('request needs at least one message');
  }
  return messages.map((message: unknown, index) => {
    const candidate = message as Partial<LlmMessage> | null;
    const role = candidate?.role;
    const content = candidate?.content;
    if ((role !== 'user' && role !== 'assistant') || typeof content !== 'string') {
      throw badRequest(`message ${index} needs role 'user' or 'assistant' and string content`);
    }
    return { role, content };
  });
}

function resolveMaxTokens(requested: number | undefined, cap: number): number {
  if (requested === undefined) return cap;
  if (!Number.isSafeInteger(requested) || requested <= 0) {
    throw badRequest('maxTokens must be a positive integer');
  }
  return Math.min(requested, cap);
}

/**
 * S8: checked and capped before the model is called, so an oversized prompt or an inflated
 * `max_tokens` never costs an upstream request. The copy also detaches the caller's arrays.
 */
export function prepareRequest(request: LlmRequest, limits: RequestLimits): PreparedRequest {
  const messages = copyMessages(request.messages);
  if (request.system !== undefined && typeof request.system !== 'string') {
    throw badRequest('system must be a string');
  }
  const model = request.model ?? limits.model;
  if (typeof model !== 'string' || model.length === 0) {
    throw badRequest('model must be a non-empty string');
  }
  let inputChars = request.system?.length ?? 0;
  for (const message of messages) inputChars += message.content.length;
  if (inputChars > limits.maxInputChars) {
    throw new LlmError(
      'ERR_LLM_INPUT_TOO_LARGE',
      `input of ${inputChars} characters exceeds the limit of ${limits.maxInputChars}`,
    );
  }
  const prepared: PreparedRequest = {
    model,
    maxTokens: resolveMaxTokens(request.maxTokens, limits.maxTokens),
    messages,
    inputChars,
  };
  if (request.system !== undefined && request.system.length > 0) prepared.system = request.system;
  return prepared;
}
