export type DeployErrorCode =
  | 'ERR_DEPLOY_PATH_NOT_FOUND'
  | 'ERR_DEPLOY_READ_FAILED'
  | 'ERR_DEPLOY_UNSUPPORTED_FILE'
  | 'ERR_DEPLOY_MANIFEST_INVALID';

export interface DeployErrorOptions {
  readonly cause?: unknown;
}

/** The one error class of @chatbox/deployments; branch on `code`, never on the message. */
export class DeployError extends Error {
  readonly code: DeployErrorCode;

  constructor(code: DeployErrorCode, message: string, options: DeployErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeployError';
    this.code = code;
  }
}

export function isDeployError(value: unknown): value is DeployError {
  return value instanceof DeployError;
}
