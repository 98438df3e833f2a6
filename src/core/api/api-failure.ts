import type { ApiErrorCode } from '../../shared/contract.ts';

/** A handler's refusal with the error code the renderer sees (dispatch passes it through unchanged). */
export class ApiFailure extends Error {
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiFailure';
    this.code = code;
  }
}

export const notFound = (message: string): ApiFailure => new ApiFailure('not_found', message);
export const conflict = (message: string): ApiFailure => new ApiFailure('conflict', message);
export const badRequest = (message: string): ApiFailure => new ApiFailure('bad_request', message);
