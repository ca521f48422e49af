export type TestkitErrorCode =
  | 'ERR_TESTKIT_MONGO_UNAVAILABLE'
  | 'ERR_TESTKIT_REDIS_UNAVAILABLE'
  | 'ERR_TESTKIT_START_FAILED'
  | 'ERR_TESTKIT_EXTERNAL_SERVER'
  | 'ERR_TESTKIT_INVALID_ARGUMENT'
  | 'ERR_TESTKIT_GC_UNAVAILABLE'
  | 'ERR_TESTKIT_TIMEOUT'
  | 'ERR_TESTKIT_WS_UPGRADE_REFUSED'
  | 'ERR_TESTKIT_WS_CLOSED';

export interface TestkitErrorOptions {
  readonly cause?: unknown;
  /** HTTP status of a refused WebSocket upgrade. */
  readonly statusCode?: number;
}

export class TestkitError extends Error {
  override readonly name = 'TestkitError';
  readonly code: TestkitErrorCode;
  readonly statusCode: number | undefined;

  constructor(code: TestkitErrorCode, message: string, options: TestkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.statusCode = options.statusCode;
  }
}
