import { LbctlError } from '../../src/core/errors.js';

/**
 * Google's error → the LbctlError kind that decides the retry:
 * 429 and 403 `rateLimitExceeded`/`userRateLimitExceeded` throttled; 5xx and network errors
 * transient (the client does not retry a 503, lbctl does); 404 not-found; 409 and 412
 * (`conditionNotMet`, a stale fingerprint) conflict; 400 `resourceNotReady` and
 * `resourceInUseByAnotherResource` provisioning (another operation is still finishing);
 * any other 400/401/403 terminal.
 */
export function classifyGcpError(error: unknown, operation = 'Compute API call'): LbctlError {
  if (error instanceof LbctlError) return error;
  const { status, reason, message, retryAfterMs } = describe(error);
  const text = `${operation}: ${status === undefined ? '' : `HTTP ${status} `}${reason === undefined ? '' : `${reason}: `}${message}`;
  const opts = { cause: error, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (
    status === 429 ||
    (status === 403 && /rateLimitExceeded|userRateLimitExceeded/.test(reason ?? ''))
  ) {
    return new LbctlError('throttled', text, opts);
  }
  if (status === undefined) {
    return new LbctlError(isNetworkError(error) ? 'transient' : 'terminal', text, opts);
  }
  if (status >= 500) return new LbctlError('transient', text, opts);
  if (status === 404) return new LbctlError('not-found', text, opts);
  if (status === 409 || status === 412) return new LbctlError('conflict', text, opts);
  if (
    status === 400 &&
    /resourceNotReady|resourceInUseByAnotherResource|RESOURCE_NOT_READY|RESOURCE_IN_USE/.test(
      reason ?? '',
    )
  ) {
    return new LbctlError('provisioning', text, { ...opts, retryAfterMs: retryAfterMs ?? 5000 });
  }
  return new LbctlError('terminal', text, opts);
}

/** An Operation that ended DONE with `error.errors`. */
export class OperationFailedError extends Error {
  constructor(
    readonly operationName: string,
    readonly httpStatus: number | undefined,
    readonly codes: string[],
    message: string,
  ) {
    super(message);
    this.name = 'OperationFailedError';
  }
}

export interface GoogleErrorInfo {
  status: number | undefined;
  reason: string | undefined;
  message: string;
  retryAfterMs: number | undefined;
  /** The `errors[].reason` of the Google error JSON, or the Operation error codes. */
  reasons: string[];
}

export function describe(error: unknown): GoogleErrorInfo {
  if (error instanceof OperationFailedError) {
    return {
      status: error.httpStatus,
      reason: error.codes[0],
      message: error.message,
      retryAfterMs: undefined,
      reasons: error.codes,
    };
  }
  const e = (error ?? {}) as {
    code?: unknown;
    status?: unknown;
    message?: unknown;
    response?: {
      status?: number;
      headers?: Record<string, string> | { get?: (k: string) => string | null };
    };
  };
  const status =
    typeof e.code === 'number'
      ? e.code
      : typeof e.status === 'number'
        ? e.status
        : e.response?.status;
  const raw = typeof e.message === 'string' ? e.message : String(error);
  let message = raw;
  let reasons: string[] = [];
  try {
    const body = JSON.parse(raw) as {
      error?: { message?: string; errors?: { reason?: string }[] };
    };
    message = body.error?.message ?? raw;
    reasons = (body.error?.errors ?? []).map((x) => x.reason ?? '').filter((x) => x !== '');
  } catch {
    // not Google's JSON: a network error or a client-side error
  }
  const headers = e.response?.headers;
  const retryAfter =
    headers === undefined
      ? undefined
      : typeof (headers as { get?: unknown }).get === 'function'
        ? ((headers as { get: (k: string) => string | null }).get('retry-after') ?? undefined)
        : (headers as Record<string, string>)['retry-after'];
  const seconds = retryAfter === undefined ? NaN : Number(retryAfter);
  return {
    status,
    reason: reasons[0],
    message,
    retryAfterMs: Number.isFinite(seconds) ? seconds * 1000 : undefined,
    reasons,
  };
}

/** True when the error's Google reason is one of `reasons`. */
export const hasReason = (error: unknown, ...reasons: string[]): boolean =>
  describe(error instanceof LbctlError ? error.cause : error).reasons.some((r) =>
    reasons.includes(r),
  );

export const statusOf = (error: unknown): number | undefined =>
  describe(error instanceof LbctlError ? error.cause : error).status;

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    typeof code === 'string' &&
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND'].includes(code)
  );
}
