import { describe, expect, it } from '@jest/globals';
import { LlmError } from '@chatbox/llm';
import type { LlmErrorCode } from '@chatbox/llm';
import { SessionError } from '@chatbox/session';
import { RouterError } from '../../src/index.js';
import type { RouterErrorCode } from '../../src/index.js';
import {
  abortOutcome,
  failureOutcome,
  llmOutcome,
  requestFailure,
  storedFailure,
} from '../../src/wire-errors.js';

describe('requestFailure', () => {
  it.each<[RouterErrorCode, string]>([
    ['ERR_ROUTER_DRAINING', 'server_draining'],
    ['ERR_ROUTER_SESSION_NOT_FOUND', 'session_not_found'],
    ['ERR_ROUTER_SESSION_NOT_OWNED', 'forbidden'],
    ['ERR_ROUTER_SESSION_ENDED', 'session_ended'],
    ['ERR_ROUTER_STORAGE_UNAVAILABLE', 'storage_unavailable'],
    ['ERR_ROUTER_INPUT_TOO_LONG', 'too_long'],
    ['ERR_ROUTER_RATE_LIMITED', 'rate_limited'],
    ['ERR_ROUTER_TOO_MANY_GENERATIONS', 'too_many_generations'],
    ['ERR_ROUTER_INVALID_OPTIONS', 'internal'],
  ])('%s → %s', (code, wire) => {
    expect(requestFailure(new RouterError(code, 'x'))?.code).toBe(wire);
  });

  it('says nothing for a connection that is gone, and carries retryAfterMs', () => {
    expect(requestFailure(new RouterError('ERR_ROUTER_CONNECTION_GONE', 'gone'))).toBeUndefined();
    expect(
      requestFailure(new RouterError('ERR_ROUTER_RATE_LIMITED', 'x', { retryAfterMs: 12.2 })),
    ).toMatchObject({ retryAfterMs: 13, retryable: true });
  });

  it('maps session errors and hides anything else as internal (S14)', () => {
    expect(requestFailure(new SessionError('ERR_SESSION_QUEUE_FULL', 'x'))?.code).toBe(
      'too_many_generations',
    );
    expect(requestFailure(new SessionError('ERR_SESSION_LIMIT_REACHED', 'x'))?.code).toBe(
      'rate_limited',
    );
    expect(requestFailure(new SessionError('ERR_SESSION_INVALID_ARGUMENT', 'x'))?.code).toBe(
      'internal',
    );
    const failure = requestFailure(new Error('stack and secrets'));
    expect(failure).toEqual({ code: 'internal', message: 'internal error', retryable: false });
  });
});

describe('outcomes', () => {
  it.each<[LlmErrorCode, boolean, string, string]>([
    ['ERR_LLM_FIRST_TOKEN_TIMEOUT', false, 'error', 'upstream_timeout'],
    ['ERR_LLM_DEADLINE', false, 'error', 'upstream_timeout'],
    ['ERR_LLM_IDLE_TIMEOUT', true, 'interrupted', 'upstream_interrupted'],
    ['ERR_LLM_OVERLOADED', true, 'interrupted', 'upstream_interrupted'],
    ['ERR_LLM_OVERLOADED', false, 'error', 'upstream_unavailable'],
    ['ERR_LLM_UNAVAILABLE', false, 'error', 'upstream_unavailable'],
    ['ERR_LLM_CANCELLED', false, 'error', 'upstream_unavailable'],
    ['ERR_LLM_RATE_LIMITED', false, 'error', 'rate_limited'],
    ['ERR_LLM_AUTH', false, 'error', 'upstream_rejected'],
    ['ERR_LLM_BAD_REQUEST', false, 'error', 'upstream_rejected'],
    ['ERR_LLM_INPUT_TOO_LARGE', false, 'error', 'upstream_rejected'],
  ])('%s (text before: %s) → %s / %s', (code, hadText, status, wire) => {
    const outcome = llmOutcome(new LlmError(code, 'x', { retryAfterMs: 5 }), hadText);
    expect(outcome.status).toBe(status);
    expect(outcome.failure?.code).toBe(wire);
    expect(outcome.errorCode).toBe(code);
  });

  it('abort reasons and non-LLM failures', () => {
    expect(abortOutcome('cancelled', true)).toEqual({
      status: 'cancelled',
      errorCode: 'cancelled',
    });
    expect(abortOutcome('session_ended', false).status).toBe('cancelled');
    expect(abortOutcome('disconnected', true)).toEqual({
      status: 'interrupted',
      errorCode: 'client_disconnected',
    });
    expect(abortOutcome('shutdown', false).failure).toMatchObject({
      code: 'upstream_interrupted',
      partial: false,
    });
    expect(failureOutcome(new Error('bug'), false)).toMatchObject({
      status: 'error',
      failure: { code: 'internal' },
    });
    expect(failureOutcome(new Error('bug'), true)).toMatchObject({
      status: 'interrupted',
      failure: { code: 'internal', partial: true },
    });
  });
});

describe('storedFailure (a reply finished from storage, issue 11)', () => {
  it.each<[string | undefined, string]>([
    ['ERR_LLM_OVERLOADED', 'upstream_unavailable'],
    ['ERR_LLM_AUTH', 'upstream_rejected'],
    ['ERR_LLM_FIRST_TOKEN_TIMEOUT', 'upstream_timeout'],
    ['ERR_LLM_RATE_LIMITED', 'rate_limited'],
    ['internal', 'internal'],
    [undefined, 'upstream_unavailable'],
  ])("status 'error' with errorCode %s → %s", (errorCode, wire) => {
    expect(storedFailure('error', errorCode, false)?.code).toBe(wire);
  });

  it('interrupted says whether text came; complete and cancelled say nothing', () => {
    expect(storedFailure('interrupted', 'stream_stale', true)).toMatchObject({
      code: 'upstream_interrupted',
      partial: true,
      retryable: true,
    });
    expect(storedFailure('interrupted', undefined, false)).toMatchObject({ partial: false });
    expect(storedFailure('complete', undefined, true)).toBeUndefined();
    expect(storedFailure('cancelled', 'cancelled', true)).toBeUndefined();
  });
});
