import { describe, expect, it } from 'vitest';
import { LbctlError } from '../../src/core/errors.js';
import { StaleEtagError } from '../../providers/azure/api.js';
import { classifyAzureError } from '../../providers/azure/classify.js';

const restError = (
  statusCode: number | undefined,
  code: string,
  headers: Record<string, string> = {},
) =>
  Object.assign(new Error(`${code} happened\nsecond line`), {
    name: 'RestError',
    statusCode,
    code,
    response: { headers: { get: (n: string) => headers[n.toLowerCase()] } },
  });

describe('classifyAzureError', () => {
  it.each([
    [429, 'TooManyRequests', 'throttled'],
    [500, 'InternalServerError', 'transient'],
    [503, 'ServiceUnavailable', 'transient'],
    [404, 'ResourceNotFound', 'not-found'],
    [409, 'AnotherOperationInProgress', 'conflict'],
    [412, 'PreconditionFailed', 'conflict'],
    [400, 'InvalidResourceReference', 'terminal'],
    [403, 'AuthorizationFailed', 'terminal'],
    [undefined, 'ECONNRESET', 'transient'],
  ] as const)('%s %s → %s', (status, code, kind) => {
    const e = classifyAzureError(restError(status, code));
    expect(e.kind).toBe(kind);
    expect(e.message).toContain(code);
    expect(e.message).not.toContain('second line');
    expect(e.cause).toBeInstanceOf(Error);
  });

  it('honours Retry-After in seconds on 429 and 409', () => {
    expect(
      classifyAzureError(restError(429, 'TooManyRequests', { 'retry-after': '7' })).retryAfterMs,
    ).toBe(7000);
    expect(
      classifyAzureError(restError(409, 'AnotherOperationInProgress', { 'retry-after': '2' }))
        .retryAfterMs,
    ).toBe(2000);
    expect(classifyAzureError(restError(429, 'TooManyRequests')).retryAfterMs).toBeUndefined();
  });

  it('treats a failed long-running operation as transient and passes LbctlErrors through', () => {
    expect(
      classifyAzureError(
        new Error('The long-running operation has failed. InternalServerError. boom'),
      ).kind,
    ).toBe('transient');
    const own = new LbctlError('invalid', 'x');
    expect(classifyAzureError(own)).toBe(own);
  });

  it('a stale etag is a conflict the cloud caller does not retry (the read-modify-write does)', () => {
    const e = new StaleEtagError('loadBalancers/prod');
    expect(e.kind).toBe('conflict');
    expect(e.retryable).toBe(false);
  });
});

describe('classifyAzureError: no credential', () => {
  it('the credential chain finding nothing is terminal and says how to give one', async () => {
    const { ChainedTokenCredential, CredentialUnavailableError } = await import('@azure/identity');
    const none = {
      getToken: () =>
        Promise.reject(new CredentialUnavailableError('EnvironmentCredential is unavailable')),
    };
    const error = await new ChainedTokenCredential(none, none)
      .getToken('https://management.azure.com/.default')
      .catch((e: unknown) => e);
    const e = classifyAzureError(error);
    expect(e.kind).toBe('terminal');
    expect(e.message).toContain('ChainedTokenCredential authentication failed');
    expect(e.message).toContain('AZURE_FEDERATED_TOKEN_FILE');
    expect(e.message).toContain('az login');
  });
});
