import type { JsonObject, KObject } from '../json.js';
import { arr, isObject, jsonEqual, obj, str } from '../json.js';

/**
 * The Service rules only a server applies, on top of src/k8s/validation (which file input
 * shares): what a type change drops given the stored object, and healthCheckNodePort's
 * update rule.
 */

const specOf = (o: KObject): JsonObject => {
  if (!isObject(o['spec'])) o['spec'] = {};
  return o['spec'] as JsonObject;
};

/** ExternalPolicyForService: NodePort, LoadBalancer, or a ClusterIP Service with externalIPs. */
const externallyAccessible = (spec: JsonObject): boolean => {
  const type = str(spec['type']) ?? 'ClusterIP';
  return (
    type === 'NodePort' ||
    type === 'LoadBalancer' ||
    (type === 'ClusterIP' && arr(spec['externalIPs']).length > 0)
  );
};

const needsNodePorts = (spec: JsonObject): boolean =>
  spec['type'] === 'NodePort' || spec['type'] === 'LoadBalancer';
const needsHC = (spec: JsonObject): boolean =>
  spec['type'] === 'LoadBalancer' && spec['externalTrafficPolicy'] === 'Local';

/**
 * dropTypeDependentFields (the Service REST storage), before validation: what the new type
 * or traffic policy no longer uses is cleared when the client left it as stored (nodePorts,
 * healthCheckNodePort, allocateLoadBalancerNodePorts, loadBalancerClass,
 * externalTrafficPolicy, the ClusterIPs of a Service turned ExternalName); a value the client
 * changed stays and is then refused by validation.
 */
export function dropTypeDependentFields(next: KObject, prev: KObject): void {
  const n = specOf(next);
  const p = obj(prev['spec']) ?? {};
  const same = (f: string): boolean => jsonEqual(n[f], p[f]);
  if (needsHC(p) && !needsHC(n) && same('healthCheckNodePort')) delete n['healthCheckNodePort'];
  if ((n['type'] ?? 'ClusterIP') === (p['type'] ?? 'ClusterIP')) return;
  if (needsNodePorts(p) && !needsNodePorts(n)) {
    const old = new Set(arr(p['ports']).map((x) => obj(x)?.['nodePort']));
    for (const port of arr(n['ports'])) {
      const o = obj(port);
      if (o !== undefined && old.has(o['nodePort'])) delete o['nodePort'];
    }
  }
  if (p['type'] === 'LoadBalancer' && n['type'] !== 'LoadBalancer') {
    if (same('loadBalancerClass')) delete n['loadBalancerClass'];
    if (same('allocateLoadBalancerNodePorts')) delete n['allocateLoadBalancerNodePorts'];
  }
  if (n['type'] === 'ExternalName' && same('clusterIPs') && same('clusterIP')) {
    for (const f of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) delete n[f];
  }
  if (externallyAccessible(p) && !externallyAccessible(n) && same('externalTrafficPolicy'))
    delete n['externalTrafficPolicy'];
}
