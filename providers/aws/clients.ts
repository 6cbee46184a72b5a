import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsSettings } from './settings.js';

/** The two SDK clients the AWS provider needs: ELBv2 for the NLB, EC2 for security groups and subnets. */
export interface AwsClients {
  elb: ElasticLoadBalancingV2Client;
  ec2: EC2Client;
}

export interface ClientOptions {
  /** The process environment as given to the provider; static keys found here win over the SDK's default chain. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Per-request socket timeout; a timed-out call is transient and retried by lbctl. */
  requestTimeoutMs?: number;
}

/**
 * Creates the clients; no call is made. Credentials come from the SDK's default chain
 * (environment, shared config and profiles, web identity, container and instance metadata),
 * the endpoint from settings when one is configured (emulators). The SDK's own retries are off
 * (`maxAttempts: 1`): retries, backoff and rate limiting are lbctl's (providers/shared), so
 * that every attempt is counted and throttling slows the whole API class down.
 */
export function createClients(settings: AwsSettings, options: ClientOptions = {}): AwsClients {
  const env = options.env ?? {};
  const keyId = env['AWS_ACCESS_KEY_ID'];
  const secret = env['AWS_SECRET_ACCESS_KEY'];
  const session = env['AWS_SESSION_TOKEN'];
  const credentials =
    keyId && secret
      ? {
          accessKeyId: keyId,
          secretAccessKey: secret,
          ...(session ? { sessionToken: session } : {}),
        }
      : undefined;
  // Emulators need some region; real AWS gets the SDK's own resolution (AWS_REGION, profile).
  const region = settings.region ?? (settings.endpoint === undefined ? undefined : 'us-east-1');
  const config = {
    maxAttempts: 1,
    requestHandler: {
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      connectionTimeout: 5_000,
    },
    ...(region === undefined ? {} : { region }),
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(credentials === undefined ? {} : { credentials }),
  };
  return { elb: new ElasticLoadBalancingV2Client(config), ec2: new EC2Client(config) };
}

export function destroyClients(clients: AwsClients): void {
  clients.elb.destroy();
  clients.ec2.destroy();
}
