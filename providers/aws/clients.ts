import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { debuglog } from 'node:util';
import type { AwsSettings } from './settings.js';

/** The AWS SDK's documented switch for its Node version warning (aws/aws-sdk-js-v3#7983). */
export const SDK_NODE_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** The Node major the AWS SDK releases after the first week of January 2027 require. */
export const SDK_NEXT_NODE_MAJOR = 22;

const debug = debuglog('lbctl');

/**
 * The SDK prints a multi-line Node 20 support warning on stderr at the first client it builds,
 * i.e. in every `lbctl plan`. The image runs Node 22 and the warning is about SDK releases
 * after January 2027, so it is noise in plans and CI logs, yet not something to hide for good:
 * unless the operator set the SDK's switch themselves (`=false` brings the SDK's text back),
 * lbctl turns it on and says the same in one line at debug level (`NODE_DEBUG=lbctl`), once.
 */
export function quietNodeSupportWarning(
  env: Record<string, string | undefined> = process.env,
  version: string = process.version,
  log: (message: string) => void = debug,
): void {
  if (env[SDK_NODE_WARNING_SWITCH] !== undefined) return;
  env[SDK_NODE_WARNING_SWITCH] = 'true';
  const major = Number(version.replace(/^v/, '').split('.')[0]);
  if (major < SDK_NEXT_NODE_MAJOR) {
    log(
      `AWS SDK releases after the first week of January 2027 require Node >=${SDK_NEXT_NODE_MAJOR} (running ${version}); set ${SDK_NODE_WARNING_SWITCH}=false to see the SDK's own warning`,
    );
  }
}

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
  quietNodeSupportWarning();
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
