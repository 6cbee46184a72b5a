import { TargetPoolsClient } from '@google-cloud/compute';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import type { ComputeClients } from '../../providers/gcp/clients.js';
import { clientOptions } from '../../providers/gcp/clients.js';
import { parseProviderID } from '../../providers/gcp/desired.js';
import { inTreeExternal } from '../../providers/gcp/intree.js';
import { HEALTH_CHECK_RANGES } from '../../providers/gcp/names.js';
import type { FakeCompute } from '../fakes/gcp/server.js';

/**
 * What the in-tree GCE provider (kubernetes/cloud-provider-gcp, ensureExternalLoadBalancer)
 * leaves behind for an external Service, through the SDK over HTTP: the legacy HTTP health check
 * (shared `k8s-<id>-node`, /healthz on 10256, 8 s / 1 s / 1 / 3, described with its own name; or
 * the Service's own `<lb>` on its healthCheckNodePort for Local), the target pool with the nodes'
 * instances (`/zones/Z/instances/N`), the forwarding rule (portRange lowest-highest port, target
 * the pool) on an ephemeral IP, the traffic firewall `k8s-fw-<lb>` and the health-check firewall
 * (destination: the bare IP). The in-tree provider reserves `<lb>` first and releases it at the
 * end ("demotes it to ephemeral"); the end state, built here directly, is the same: no address.
 */
export async function inTreeTargetPool(
  c: ComputeClients,
  fake: FakeCompute,
  intent: LoadBalancerIntent,
  options: {
    clusterID: string;
    healthCheckNodePort?: number;
    nodeTag?: string;
    /** A static IP the user reserved and requested (`spec.loadBalancerIP`): the rule uses it, nothing is released. */
    userIP?: string;
    /** The in-tree provider's own static address `<lb>` left reserved ("Orphaning static IP" after a failed update). */
    keepAddress?: boolean;
  },
): Promise<{ ip: string; names: ReturnType<typeof inTreeExternal> }> {
  const local = intent.externalTrafficPolicy === 'Local';
  const names = inTreeExternal(intent.service, { clusterID: options.clusterID, local });
  const project = fake.project;
  const region = fake.region;
  const serviceName = `${intent.service.namespace}/${intent.service.name}`;
  const regionWait = (op: unknown) =>
    c.regionOperations.wait({ project, region, operation: opName(op) });
  const globalWait = (op: unknown) => c.globalOperations.wait({ project, operation: opName(op) });
  const ports = intent.listeners.map((l) => l.port);
  const hcPort = local ? (options.healthCheckNodePort ?? 32000) : 10256;
  const tags = [options.nodeTag ?? 'node'];
  const existing = await c.httpHealthChecks
    .get(project, names.httpHealthCheck)
    .catch(() => undefined);
  if (existing === undefined) {
    const hcOp = await c.httpHealthChecks.insert(project, {
      name: names.httpHealthCheck,
      // The in-tree provider describes its health check with the check's own name.
      description: `{"kubernetes.io/service-name":"${names.httpHealthCheck}"}`,
      host: '',
      requestPath: '/healthz',
      port: hcPort,
      checkIntervalSec: 8,
      timeoutSec: 1,
      healthyThreshold: 1,
      unhealthyThreshold: 3,
    });
    await globalWait({ latestResponse: hcOp });
  }
  const pools = new TargetPoolsClient(
    clientOptions({ endpoint: fake.url, accessToken: tokenOf(fake) }),
  );
  try {
    const [tp] = await pools.insert({
      project,
      region,
      targetPoolResource: {
        name: names.targetPool,
        description: names.description,
        instances: intent.targets.map((t) => {
          const ref = parseProviderID(t.providerID);
          return `/zones/${ref?.zone ?? ''}/instances/${ref?.name ?? ''}`;
        }),
        sessionAffinity: intent.sessionAffinity.type === 'ClientIP' ? 'CLIENT_IP' : 'NONE',
        healthChecks: [
          `https://www.googleapis.com/compute/v1/projects/${project}/global/httpHealthChecks/${names.httpHealthCheck}`,
        ],
      },
    });
    await regionWait(tp);
  } finally {
    await pools.close();
  }
  const [rule] = await c.forwardingRules.insert({
    project,
    region,
    forwardingRuleResource: {
      name: names.forwardingRule,
      description: names.description,
      ...(options.userIP === undefined ? {} : { IPAddress: options.userIP }),
      IPProtocol: intent.listeners[0]?.protocol ?? 'TCP',
      portRange: `${Math.min(...ports)}-${Math.max(...ports)}`,
      target: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${region}/targetPools/${names.targetPool}`,
      networkTier: 'PREMIUM',
    },
  });
  await regionWait(rule);
  const [created] = await c.forwardingRules.get({
    project,
    region,
    forwardingRule: names.forwardingRule,
  });
  const ip = created.IPAddress ?? '';
  if (options.keepAddress === true) {
    // ensureStaticIP: the rule's IP reserved under `<lb>` with the rule's description.
    const [addr] = await c.addresses.insert({
      project,
      region,
      addressResource: {
        name: names.address,
        description: names.description,
        address: ip,
        networkTier: 'PREMIUM',
      },
    });
    await regionWait(addr);
  }
  const [fw] = await c.firewalls.insert({
    project,
    firewallResource: {
      name: names.trafficFirewall,
      description: `{"kubernetes.io/service-name":"${serviceName}", "kubernetes.io/service-ip":"${ip}"}`,
      network: `projects/${project}/global/networks/default`,
      sourceRanges: intent.sourceRanges.length > 0 ? [...intent.sourceRanges] : ['0.0.0.0/0'],
      targetTags: tags,
      allowed: [
        {
          IPProtocol: (intent.listeners[0]?.protocol ?? 'TCP').toLowerCase(),
          ports: [...new Set(ports)].sort().map(String),
        },
      ],
      destinationRanges: [ip],
    },
  });
  await globalWait(fw);
  // The shared one is made by the first Service and kept as it is (ensureHTTPHealthCheckFirewall).
  const shared = await c.firewalls
    .get({ project, firewall: names.healthCheckFirewall })
    .then(() => true)
    .catch(() => false);
  if (shared) return { ip, names };
  const [hcfw] = await c.firewalls.insert({
    project,
    firewallResource: {
      name: names.healthCheckFirewall,
      description: local
        ? `{"kubernetes.io/service-name":"${serviceName}", "kubernetes.io/service-ip":"${ip}"}`
        : `{"kubernetes.io/cluster-id":"${options.clusterID}"}`,
      network: `projects/${project}/global/networks/default`,
      sourceRanges: [...HEALTH_CHECK_RANGES],
      targetTags: tags,
      allowed: [{ IPProtocol: 'tcp', ports: [String(hcPort)] }],
      destinationRanges: [ip],
    },
  });
  await globalWait(hcfw);
  return { ip, names };
}

const opName = (op: unknown): string =>
  (op as { latestResponse: { name: string } }).latestResponse.name;

/** The fake started by startGcp takes `test-token`. */
const tokenOf = (_fake: FakeCompute): string => 'test-token';
