export type ReportErrorCode =
  | 'ERR_REPORT_ROOT_NOT_FOUND'
  | 'ERR_REPORT_CATALOGUE_UNREADABLE'
  | 'ERR_REPORT_CATALOGUE_INVALID'
  | 'ERR_REPORT_HISTORY_INVALID'
  | 'ERR_REPORT_INVALID_ARGUMENT'
  | 'ERR_REPORT_WRITE_FAILED';

/** The one error class of `@chatbox/findings-report`; callers branch on `code`, never on the message. */
export class ReportError extends Error {
  override readonly name = 'ReportError';
  readonly code: ReportErrorCode;

  constructor(code: ReportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isReportError(value: unknown): value is ReportError {
  return value instanceof ReportError;
}
