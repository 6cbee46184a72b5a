import type { LoadBalancerIntent, Target } from '../../src/core/intent.js';
import type { LoadBalancerIngress } from '../../src/core/k8s.js';
import type { Resource } from '../../src/core/resource.js';
import { addressOf } from '../../src/core/resource.js';
import { ownershipTags } from '../../src/core/tags.js';
import { LB, LISTENER, TARGET_SET } from './schemas.js';

/** The in-tree name convention: 'a' + the Service UID without dashes, cut to 32 characters. */
export const loadBalancerName = (uid: string): string => `a${uid.replace(/-/g, '')}`.slice(0, 32);

/** A target set member: the node's providerID, or `node/<name>` for nodes that have none. */
export const memberOf = (t: Target): string =>
  t.providerID === '' ? `node/${t.nodeName}` : t.providerID;

/** Pure: the resources one Service needs on the in-memory cloud. */
export function desiredLocal(intent: LoadBalancerIntent): Resource[] {
  const lbName = loadBalancerName(intent.service.uid);
  const tagsFor = (address: string) => ({
    ...intent.extraTags,
    ...ownershipTags(intent.clusterName, intent.service, address),
  });
  const lb: Resource = {
    type: LB,
    name: 'this',
    attributes: {
      name: lbName,
      scheme: intent.scheme,
      requested_ip: intent.requestedIPs[0] ?? null,
      source_ranges: [...intent.sourceRanges],
      session_affinity:
        intent.sessionAffinity.type === 'ClientIP'
          ? `ClientIP/${intent.sessionAffinity.timeoutSeconds}`
          : 'None',
      tags: tagsFor(`${LB}.this`),
    },
    dependsOn: [],
  };
  const members = [...new Set(intent.targets.map(memberOf))].sort();
  const out: Resource[] = [lb];
  for (const l of intent.listeners) {
    const targetSet: Resource = {
      type: TARGET_SET,
      name: l.name,
      attributes: {
        name: `${lbName}-${l.name}`.slice(0, 63),
        protocol: l.protocol,
        node_port: l.nodePort,
        health_check: {
          protocol: intent.healthCheck.protocol,
          port: intent.healthCheck.port,
          path: intent.healthCheck.path ?? null,
          interval_seconds: intent.healthCheck.intervalSeconds,
        },
        members,
        tags: tagsFor(`${TARGET_SET}.${l.name}`),
      },
      dependsOn: [],
    };
    const listener: Resource = {
      type: LISTENER,
      name: l.name,
      attributes: {
        load_balancer: addressOf(lb),
        protocol: l.protocol,
        port: l.port,
        target_set: addressOf(targetSet),
        tags: tagsFor(`${LISTENER}.${l.name}`),
      },
      dependsOn: [addressOf(lb), addressOf(targetSet)],
    };
    out.push(targetSet, listener);
  }
  return out;
}

/** The load balancer's address as the Service status carries it. */
export function ingressLocal(resources: readonly Resource[]): LoadBalancerIngress[] {
  const lb = resources.find((r) => r.type === LB);
  const address = lb?.attributes['address'];
  return typeof address === 'string' && address !== '' ? [{ ip: address, ipMode: 'VIP' }] : [];
}
