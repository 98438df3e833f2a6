import type { ApiErrorCode, ApiErrorData } from './contract.ts';

/** The error every renderer transport rejects with, so callers can branch on `code` whatever the transport. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }

  static from(data: ApiErrorData): ApiError {
    return new ApiError(data.code, data.message);
  }
}
