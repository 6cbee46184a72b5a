import {
  AddressesClient,
  FirewallsClient,
  ForwardingRulesClient,
  GlobalOperationsClient,
  InstancesClient,
  NetworkEndpointGroupsClient,
  RegionBackendServicesClient,
  RegionHealthChecksClient,
  RegionOperationsClient,
  TargetPoolsClient,
  ZoneOperationsClient,
} from '@google-cloud/compute';
import { GoogleAuth, OAuth2Client } from 'google-auth-library';
import { LbctlError } from '../../src/core/errors.js';
import { LegacyHttpHealthChecks } from './legacy.js';
import type { GcpSettings } from './settings.js';

/** The official @google-cloud/compute clients lbctl uses, created once per provider. */
export interface ComputeClients {
  addresses: AddressesClient;
  healthChecks: RegionHealthChecksClient;
  backendServices: RegionBackendServicesClient;
  forwardingRules: ForwardingRulesClient;
  endpointGroups: NetworkEndpointGroupsClient;
  firewalls: FirewallsClient;
  /** Read only: the nodes' network tags and subnetworks. */
  instances: InstancesClient;
  /** Read and delete only: the in-tree provider's target pools, taken over by `--adopt` (issue 12). */
  targetPools: TargetPoolsClient;
  /** Read and delete only: the in-tree provider's legacy HTTP health checks (no generated client). */
  httpHealthChecks: LegacyHttpHealthChecks;
  regionOperations: RegionOperationsClient;
  zoneOperations: ZoneOperationsClient;
  globalOperations: GlobalOperationsClient;
  close(): Promise<void>;
}

type ClientOptions = ConstructorParameters<typeof AddressesClient>[0];

/**
 * With an `endpoint` setting (the local fake), the clients speak plain HTTP to it with a fixed
 * bearer token (`access-token`, default `lbctl-fake-token`) and never look for credentials.
 * Otherwise they use Application Default Credentials (google-auth-library): workload identity,
 * GOOGLE_APPLICATION_CREDENTIALS, gcloud's user credentials or the metadata server.
 */
export function clientOptions(
  settings: Pick<GcpSettings, 'endpoint' | 'accessToken'>,
): ClientOptions {
  if (settings.endpoint === undefined) return { fallback: true };
  const url = new URL(settings.endpoint);
  const authClient = new OAuth2Client();
  authClient.setCredentials({
    access_token: settings.accessToken ?? 'lbctl-fake-token',
    expiry_date: Date.now() + 10 * 365 * 86_400_000,
  });
  return {
    apiEndpoint: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    protocol: url.protocol.replace(':', ''),
    authClient,
    fallback: true,
  } as unknown as ClientOptions;
}

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

/**
 * Finds the Application Default Credentials once, before any client exists: without them every
 * generated client would fail on its first call, and google-gax leaves some of its own stub
 * promises rejected with nobody waiting on them (Node then exits with their stack traces).
 */
export async function requireCredentials(
  auth: Pick<GoogleAuth, 'getClient'> = new GoogleAuth({ scopes: [CLOUD_PLATFORM] }),
): Promise<void> {
  try {
    await auth.getClient();
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
    throw new LbctlError(
      'invalid',
      `gcp: no credentials: ${why} lbctl uses Application Default Credentials: GKE workload identity or the metadata server, GOOGLE_APPLICATION_CREDENTIALS=FILE (a service account key or a workload identity federation config), or \`gcloud auth application-default login\`.`,
      { cause: e },
    );
  }
}

export function createClients(
  settings: Pick<GcpSettings, 'endpoint' | 'accessToken'>,
): ComputeClients {
  const o = clientOptions(settings);
  const clients = {
    addresses: new AddressesClient(o),
    healthChecks: new RegionHealthChecksClient(o),
    backendServices: new RegionBackendServicesClient(o),
    forwardingRules: new ForwardingRulesClient(o),
    endpointGroups: new NetworkEndpointGroupsClient(o),
    firewalls: new FirewallsClient(o),
    instances: new InstancesClient(o),
    targetPools: new TargetPoolsClient(o),
    regionOperations: new RegionOperationsClient(o),
    zoneOperations: new ZoneOperationsClient(o),
    globalOperations: new GlobalOperationsClient(o),
  };
  return {
    ...clients,
    httpHealthChecks: legacyHealthChecks(settings, o),
    async close() {
      await Promise.all(Object.values(clients).map((c) => c.close()));
    },
  };
}

/** The legacy health checks over the same endpoint and credentials as the generated clients. */
export function legacyHealthChecks(
  settings: Pick<GcpSettings, 'endpoint'>,
  o: ClientOptions,
): LegacyHttpHealthChecks {
  const given = (o as unknown as { authClient?: OAuth2Client }).authClient;
  if (settings.endpoint !== undefined && given !== undefined) {
    return new LegacyHttpHealthChecks(given, new URL(settings.endpoint).origin);
  }
  const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM] });
  return new LegacyHttpHealthChecks(auth, 'https://compute.googleapis.com');
}
