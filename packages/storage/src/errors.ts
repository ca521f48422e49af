export type StorageErrorCode =
  | 'ERR_STORAGE_UNAVAILABLE'
  | 'ERR_STORAGE_CLOSED'
  | 'ERR_STORAGE_ABORTED'
  | 'ERR_STORAGE_INVALID_ID'
  | 'ERR_STORAGE_INVALID_ARGUMENT'
  | 'ERR_STORAGE_INVALID_OPTIONS'
  | 'ERR_STORAGE_CONFLICT'
  | 'ERR_STORAGE_NOT_FOUND'
  | 'ERR_STORAGE_CORRUPT_DOCUMENT'
  | 'ERR_STORAGE_WRITER_FINISHED'
  | 'ERR_STORAGE_FAILED';

/** The one error class of `@chatbox/storage`; callers branch on `code`, never on the message. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** True when the same call may succeed later (the router answers `storage_unavailable`, retryable). */
  get retryable(): boolean {
    return this.code === 'ERR_STORAGE_UNAVAILABLE';
  }
}

export function isStorageError(value: unknown): value is StorageError {
  return value instanceof StorageError;
}
