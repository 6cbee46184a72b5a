import type { ServiceIdentity } from '../../src/core/k8s.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import { lastSegment } from './api.js';
import type { CloudAddress, CloudFirewall, CloudForwardingRule } from './convert.js';
import { observedAddress, observedFirewall, observedForwardingRule, refsOf } from './convert.js';
import type { CloudHttpHealthCheck } from './legacy.js';
import { loadBalancerName, N, T, trafficFirewallName } from './names.js';

/**
 * What the in-tree GCE provider (kubernetes/cloud-provider-gcp, gce_loadbalancer_external.go
 * and gce_loadbalancer_naming.go) creates for one external Service with a target pool, so a
 * migration can recognise it (`--adopt`, issue 12; the reads are in ./intree-observe.ts). Pure.
 */
export interface InTreeExternal {
  /** Regional forwarding rule, target = the target pool; its IP is ephemeral once created. */
  forwardingRule: string;
  targetPool: string;
  /** Only while the in-tree provider works on the rule (it releases its static IP afterwards) or when the user reserved one. */
  address: string;
  /** Legacy (global) HTTP health check: the cluster's shared one, or the Service's own for Local traffic. */
  httpHealthCheck: string;
  trafficFirewall: string;
  healthCheckFirewall: string;
  /** Description of the forwarding rule, target pool, address and health check. */
  description: string;
}

export interface InTreeOptions {
  /** The cluster ID the in-tree provider was given (`k8s-<id>-node`). */
  clusterID: string;
  /** externalTrafficPolicy Local: a per-Service health check on the healthCheckNodePort. */
  local: boolean;
}

export function inTreeExternal(service: ServiceIdentity, options: InTreeOptions): InTreeExternal {
  const lb = loadBalancerName(service);
  const nodes = `k8s-${options.clusterID}-node`;
  const hc = options.local ? lb : nodes;
  return {
    forwardingRule: lb,
    targetPool: lb,
    address: lb,
    httpHealthCheck: hc,
    // The same name as lbctl's traffic firewall: observe refuses it (not owned) until adopted.
    trafficFirewall: trafficFirewallName(lb),
    healthCheckFirewall: options.local ? `k8s-${hc}-http-hc` : `${nodes}-http-hc`,
    description: JSON.stringify({ 'kubernetes.io/service-name': keyOf(service) }),
  };
}

/** True when a description is the in-tree provider's for this Service: its name, and no UID (lbctl's descriptions carry the UID). */
export function isInTreeDescription(
  description: string | undefined,
  service: ServiceIdentity,
): boolean {
  if (description === undefined || description === '') return false;
  try {
    const o = JSON.parse(description) as Record<string, unknown>;
    return (
      o['kubernetes.io/service-name'] === keyOf(service) && !('kubernetes.io/service-uid' in o)
    );
  } catch {
    return false;
  }
}

/**
 * The migration that keeps the IP, in order: promote first (the forwarding rule's ephemeral IP
 * becomes lbctl's reserved address), build the backend-service side beside the target pool,
 * switch the forwarding rule (Google cannot point a forwarding rule at a backend service in
 * place), and delete the target pool and its health check last. For people (docs, messages):
 * the plan itself comes from inTreeGraph and the planner's migration order (src/plan/order.ts).
 */
export function migrationSteps(names: InTreeExternal, ip: string): string[] {
  return [
    `promote ${ip}: addresses.insert ${names.address} with address ${ip} (lbctl's labels)`,
    'create the health check, the network endpoint groups and the backend service',
    `take over firewall ${names.trafficFirewall} (update to lbctl's rule and description)`,
    `delete forwarding rule ${names.forwardingRule} (target pool), then create it on ${names.address} with the backend service`,
    `delete target pool ${names.targetPool}`,
    `delete HTTP health check ${names.httpHealthCheck}, then firewall ${names.healthCheckFirewall}, when no other Service uses them`,
  ];
}

const keyOf = (s: ServiceIdentity) => `${s.namespace}/${s.name}`;

/** Resource.foreign.madeBy of the in-tree provider's resources (shown in the plan). */
export const IN_TREE_GCE = 'the in-tree GCE provider (cloud-controller-manager)';

/** Graph names of the in-tree pieces lbctl's desired graph has no place for: deleted by the migration. */
export const IN_TREE_NAMES = {
  targetPool: 'in_tree',
  httpHealthCheck: 'in_tree',
  healthCheckFirewall: 'in_tree_health_check',
} as const;

export interface CloudTargetPool {
  name?: string | null;
  description?: string | null;
  selfLink?: string | null;
  region?: string | null;
  sessionAffinity?: string | null;
  instances?: string[] | null;
  healthChecks?: string[] | null;
}

/** The in-tree load balancer of one Service as read from the cloud (see findInTree). */
export interface FoundInTree {
  /** Absent when an earlier apply deleted it and stopped before the rest (the pool is still there). */
  rule?: CloudForwardingRule;
  pool: CloudTargetPool;
  /** Absent when lbctl already owns the traffic firewall (a migration that stopped half-way). */
  trafficFirewall?: CloudFirewall;
  /** The in-tree provider's own reserved address `<lb>` holding the rule's IP, when it left one. */
  address?: CloudAddress;
  /** Absent when it is gone, or shared (`k8s-<cluster id>-node`) and another target pool still uses it. */
  httpHealthCheck?: CloudHttpHealthCheck;
  /** Deleted with its health check, never without it (as the in-tree provider does). */
  healthCheckFirewall?: CloudFirewall;
}

/**
 * The observed graph of a migration (pure): the in-tree resources marked `foreign`, under the
 * addresses of lbctl's desired graph where lbctl has a counterpart (the forwarding rule, the
 * traffic firewall and the address: taken over or replaced) and under `in_tree` names where it
 * has none (target pool, HTTP health check, health-check firewall: deleted). `observed` is what
 * lbctl found of its own, for references; what it already holds is not repeated.
 *
 * The rule's ephemeral IP is observed as `google_compute_address.this` without labels
 * (`ephemeral: true`): planned against lbctl's address it is an update, which execute carries
 * out by reserving that very IP (addresses.insert with `address`), Google's promotion.
 */
export function inTreeGraph(
  found: FoundInTree,
  options: { desired: readonly Resource[]; observed: readonly Resource[]; region: string },
): Resource[] {
  const have = new Set(options.observed.map(addressOf));
  const wants = new Set(options.desired.map(addressOf));
  const out: Resource[] = [];
  const addressAt = `${T.address}.${N.address}`;
  const rule = found.rule;
  if (rule !== undefined && wants.has(addressAt) && !have.has(addressAt)) {
    out.push(
      found.address !== undefined
        ? observedAddress(N.address, found.address)
        : {
            type: T.address,
            name: N.address,
            attributes: {
              name: String(rule.name ?? ''),
              region: options.region,
              address_type: 'EXTERNAL',
              ip_version: 'IPV4',
              network_tier: rule.networkTier ?? 'PREMIUM',
              address: rule.IPAddress ?? '',
              labels: {},
              ephemeral: true,
            },
            dependsOn: [],
          },
    );
  }
  const refs = refsOf([...options.observed, ...out]);
  if (found.trafficFirewall !== undefined)
    out.push(observedFirewall(N.trafficFirewall, found.trafficFirewall, refs));
  const hcfwAddress = `${T.firewall}.${IN_TREE_NAMES.healthCheckFirewall}`;
  if (found.healthCheckFirewall !== undefined)
    out.push(observedFirewall(IN_TREE_NAMES.healthCheckFirewall, found.healthCheckFirewall, refs));
  const hcAddress = `${T.httpHealthCheck}.${IN_TREE_NAMES.httpHealthCheck}`;
  const hc = found.httpHealthCheck;
  if (hc !== undefined) {
    out.push({
      type: T.httpHealthCheck,
      name: IN_TREE_NAMES.httpHealthCheck,
      ...(hc.selfLink === undefined ? {} : { id: hc.selfLink }),
      attributes: {
        name: hc.name ?? '',
        port: hc.port ?? 80,
        request_path: hc.requestPath ?? '/',
        description: hc.description ?? '',
      },
      // Its firewall goes after it: probes must reach the nodes while anything still uses it.
      dependsOn: found.healthCheckFirewall === undefined ? [] : [hcfwAddress],
    });
  }
  const pool = found.pool;
  const poolAddress = `${T.targetPool}.${IN_TREE_NAMES.targetPool}`;
  const hcURL = pool.healthChecks?.[0];
  out.push({
    type: T.targetPool,
    name: IN_TREE_NAMES.targetPool,
    ...(pool.selfLink === undefined || pool.selfLink === null ? {} : { id: pool.selfLink }),
    attributes: {
      name: pool.name ?? '',
      region: lastSegment(pool.region) || options.region,
      session_affinity: pool.sessionAffinity ?? 'NONE',
      health_checks: hcURL === undefined ? [] : [hc !== undefined ? hcAddress : lastSegment(hcURL)],
      instances: [...new Set((pool.instances ?? []).map(instancePath))].sort(),
      description: pool.description ?? '',
    },
    dependsOn: [],
  });
  if (rule !== undefined) {
    const protocolName = N.protocol(rule.IPProtocol === 'UDP' ? 'UDP' : 'TCP');
    const ruleName = wants.has(`${T.forwardingRule}.${protocolName}`) ? protocolName : 'in_tree';
    const observed = observedForwardingRule(ruleName, rule, refsOf([...options.observed, ...out]));
    out.push({
      ...observed,
      attributes: { ...observed.attributes, target: poolAddress },
      dependsOn: [...new Set([...observed.dependsOn, poolAddress])].sort(),
    });
  }
  return out.map((r) => {
    const note =
      r.attributes['ephemeral'] === true
        ? `the in-tree rule's ephemeral IP ${String(r.attributes['address'])}, reserved as it is (promoted: addresses.insert with that IP)`
        : undefined;
    return { ...r, foreign: { madeBy: IN_TREE_GCE, ...(note === undefined ? {} : { note }) } };
  });
}

/** `https://.../zones/z/instances/n` or `/zones/z/instances/n` → `z/n`. */
const instancePath = (url: string): string => {
  const m = /zones\/([^/]+)\/instances\/([^/]+)$/.exec(url);
  return m === null ? url : `${m[1]}/${m[2]}`;
};

/** The name of the health-check firewall the in-tree provider made for an HTTP health check. */
export function inTreeHealthCheckFirewallName(hcName: string, lbName: string): string {
  return hcName === lbName ? `k8s-${hcName}-http-hc` : `${hcName}-http-hc`;
}

/** True when an HTTP health check's description is the in-tree provider's (it names the check itself). */
export function isInTreeHealthCheck(hc: CloudHttpHealthCheck, hcName: string): boolean {
  try {
    const o = JSON.parse(hc.description ?? '') as Record<string, unknown>;
    return o['kubernetes.io/service-name'] === hcName;
  } catch {
    return false;
  }
}

/** The in-tree health-check firewall: the cluster-ID description (shared) or the Service's (Local). */
export function isInTreeHealthCheckFirewall(
  f: CloudFirewall,
  shared: { clusterID: string } | undefined,
  service: ServiceIdentity,
): boolean {
  if (shared === undefined) return isInTreeDescription(f.description ?? undefined, service);
  try {
    const o = JSON.parse(f.description ?? '') as Record<string, unknown>;
    return o['kubernetes.io/cluster-id'] === shared.clusterID;
  } catch {
    return false;
  }
}
