/**
 * Google API errors as the Compute API writes them:
 * `{"error":{"code":404,"message":"...","errors":[{"message":"...","domain":"global","reason":"notFound"}]}}`
 * (plus `status` for 401/429 as Google's newer front ends add it).
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly status?: string,
  ) {
    super(message);
  }

  body(): unknown {
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: [{ message: this.message, domain: reasonDomain(this.reason), reason: this.reason }],
        ...(this.status === undefined ? {} : { status: this.status }),
      },
    };
  }
}

const reasonDomain = (reason: string) =>
  reason === 'rateLimitExceeded' ? 'usageLimits' : 'global';

export const notFound = (path: string) =>
  new ApiError(404, 'notFound', `The resource '${path}' was not found`);
export const alreadyExists = (path: string) =>
  new ApiError(409, 'alreadyExists', `The resource '${path}' already exists`);
export const invalid = (field: string, value: unknown, why: string) =>
  new ApiError(400, 'invalid', `Invalid value for field '${field}': '${String(value)}'. ${why}`);
export const required = (field: string) =>
  new ApiError(400, 'required', `Required field '${field}' not specified`);
export const badRequest = (reason: string, message: string) => new ApiError(400, reason, message);
export const inUse = (kind: string, path: string, user: string) =>
  new ApiError(
    400,
    'resourceInUseByAnotherResource',
    `The ${kind} resource '${path}' is already being used by '${user}'`,
  );
export const conditionNotMet = (message: string) => new ApiError(412, 'conditionNotMet', message);
export const unauthenticated = () =>
  new ApiError(
    401,
    'required',
    'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    'UNAUTHENTICATED',
  );
export const rateLimited = (code: 403 | 429) =>
  new ApiError(
    code,
    'rateLimitExceeded',
    "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'compute.googleapis.com' for consumer 'project_number:000000000000'.",
    code === 429 ? 'RESOURCE_EXHAUSTED' : 'PERMISSION_DENIED',
  );
export const backendError = () =>
  new ApiError(503, 'backendError', 'Internal error. Please try again or contact Google Support.');
