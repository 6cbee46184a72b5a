import { LbctlError } from '../../src/core/errors.js';

/**
 * Turns what @azure/arm-network threw into an LbctlError whose kind decides the retry:
 * 429 throttled (Retry-After honoured), 5xx and network errors transient, 404 not found,
 * 409 (another operation in progress, a resource in use) and 412 (etag mismatch) conflict,
 * other 4xx terminal. A long-running operation that ended `Failed` is transient: the next
 * attempt re-reads the resource and writes it again.
 */
export function classifyAzureError(error: unknown): LbctlError {
  if (error instanceof LbctlError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isRestError(error)) {
    const status = error.statusCode;
    const code = error.code ?? '';
    const text = `Azure ${status ?? 'network error'}${code === '' ? '' : ` ${code}`}: ${firstLine(message)}`;
    if (status === undefined) return new LbctlError('transient', text, { cause: error });
    if (status === 429) {
      return new LbctlError('throttled', text, {
        cause: error,
        ...retryAfter(error.response?.headers.get('retry-after')),
      });
    }
    if (status >= 500) return new LbctlError('transient', text, { cause: error });
    if (status === 404) return new LbctlError('not-found', text, { cause: error });
    if (status === 409 || status === 412) {
      return new LbctlError('conflict', text, {
        cause: error,
        ...retryAfter(error.response?.headers.get('retry-after')),
      });
    }
    return new LbctlError('terminal', text, { cause: error });
  }
  if (isCredentialFailure(error)) {
    return new LbctlError('terminal', `Azure: ${firstLine(message)} ${CREDENTIAL_HINT}`, {
      cause: error,
    });
  }
  if (message.startsWith('The long-running operation has failed')) {
    return new LbctlError('transient', `Azure: ${firstLine(message)}`, { cause: error });
  }
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TypeError')) {
    return new LbctlError('terminal', `Azure: ${firstLine(message)}`, { cause: error });
  }
  return new LbctlError('transient', `Azure: ${firstLine(message)}`, { cause: error });
}

/**
 * What DefaultAzureCredential (providers/azure/clients.ts) can use, in the words of
 * @azure/identity's documentation: retrying without one of them cannot succeed.
 */
const CREDENTIAL_HINT =
  'lbctl signs in with DefaultAzureCredential: set AZURE_TENANT_ID and AZURE_CLIENT_ID with ' +
  'AZURE_FEDERATED_TOKEN_FILE (workload identity) or AZURE_CLIENT_SECRET, run where a managed ' +
  'identity is assigned, or sign in with `az login`.';

/** @azure/identity found no credential to use (every one of the chain is unavailable or refused). */
const isCredentialFailure = (e: unknown): boolean =>
  e instanceof Error &&
  (e.name === 'CredentialUnavailableError' || e.name === 'AggregateAuthenticationError');

/** Retry-After in seconds or as an HTTP date; absent or unparsable gives no hint. */
function retryAfter(value: string | undefined): { retryAfterMs?: number } {
  if (value === undefined) return {};
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return { retryAfterMs: seconds * 1000 };
  return {};
}

/** Duck-typed so that no transitive package (@azure/core-rest-pipeline) is imported directly. */
interface RestErrorLike {
  name: 'RestError';
  message: string;
  statusCode?: number;
  code?: string;
  response?: { headers: { get(name: string): string | undefined } };
}
const isRestError = (e: unknown): e is RestErrorLike =>
  e instanceof Error && e.name === 'RestError';

const firstLine = (s: string): string => s.split('\n')[0] ?? s;
