import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import {
  NetworkManagementClient,
  type NetworkManagementClientOptionalParams,
} from '@azure/arm-network';
import { InvalidInputError } from '../../src/core/errors.js';
import type { AzureSettings } from './settings.js';

type Policy = NonNullable<
  NetworkManagementClientOptionalParams['additionalPolicies']
>[number]['policy'];

export interface ClientOptions {
  /** Overrides the credential chain (tests pass a fixed token). */
  credential?: TokenCredential;
  /** PEM of a CA to trust for this client only (a fake's certificate); wins over `settings.caFile`. */
  ca?: string;
}

/**
 * The one NetworkManagementClient of a provider. The SDK's own retries are off: every attempt
 * goes through the cloud caller (rate limits, classified retries, call log), so a throttled
 * call is neither retried twice nor hidden from the call counts.
 */
export function createNetworkClient(
  settings: AzureSettings,
  options: ClientOptions = {},
): NetworkManagementClient {
  if (settings.subscriptionId === undefined) {
    throw new InvalidInputError('azure provider settings', [
      {
        type: 'Required',
        field: 'subscription-id',
        detail: 'set --set subscription-id=<GUID> or LBCTL_AZURE_SUBSCRIPTION_ID',
      },
    ]);
  }
  const ca =
    options.ca ??
    (settings.caFile === undefined ? undefined : readFileSync(settings.caFile, 'utf8'));
  const policies: NetworkManagementClientOptionalParams['additionalPolicies'] = [];
  policies.push({ policy: conditionalWritesOnly, position: 'perCall' });
  if (ca !== undefined) policies.push({ policy: trustPolicy(ca), position: 'perCall' });
  return new NetworkManagementClient(credentialFor(settings, options), settings.subscriptionId, {
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    retryOptions: { maxRetries: 0 },
    additionalPolicies: policies,
    userAgentOptions: { userAgentPrefix: 'lbctl' },
  });
}

/** DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI...), or a fixed token for a fake. */
function credentialFor(settings: AzureSettings, options: ClientOptions): TokenCredential {
  if (options.credential !== undefined) return options.credential;
  if (settings.token !== undefined && settings.endpoint !== undefined)
    return staticTokenCredential(settings.token);
  return new DefaultAzureCredential();
}

export function staticTokenCredential(token: string): TokenCredential {
  return {
    getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}

/** Trusts one extra CA for this client's requests only, leaving the process's TLS settings alone. */
function trustPolicy(ca: string): Policy {
  const agent = new Agent({ ca, keepAlive: true });
  return {
    name: 'lbctlTrustCa',
    sendRequest: (request, next) => {
      request.agent = agent;
      return next(request);
    },
  };
}

/**
 * Preconditions (`If-Match`, `If-None-Match`) belong to the write only: the SDK repeats an
 * operation's custom headers on its long-running-operation polls and final GET, where they
 * would mean something else (a GET with `If-None-Match: *` asks for 304).
 */
const conditionalWritesOnly: Policy = {
  name: 'lbctlConditionalWritesOnly',
  sendRequest: (request, next) => {
    if (request.method === 'GET') {
      request.headers.delete('If-Match');
      request.headers.delete('If-None-Match');
    }
    return next(request);
  },
};
