import { expect } from '@jest/globals';
import { RateLimitError } from '@chatbox/ratelimit';

/** Awaits a rejection and checks its class and `code`; returns the error for further checks. */
export async function expectCode(
  promise: Promise<unknown>,
  code: string,
  errorClass: abstract new (...args: never[]) => Error = RateLimitError,
): Promise<Error> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(errorClass);
  expect((error as { code?: unknown }).code).toBe(code);
  return error as Error;
}
