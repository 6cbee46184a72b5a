import type { FieldProblem } from '../core/errors.js';
import type { IPFamily, ServiceSpec } from '../core/k8s.js';
import { parseIP } from './ip.js';

export interface Families {
  ipFamilies: IPFamily[];
  ipFamilyPolicy: NonNullable<ServiceSpec['ipFamilyPolicy']>;
}

/**
 * The IP families a (validated, non-ExternalName) Service gets on a cluster whose service CIDRs
 * have `clusterFamilies` (primary first), following the API server's initIPFamilyFields:
 * requested clusterIPs fix their families; a missing primary family is the cluster's primary;
 * RequireDualStack, or PreferDualStack on a dual-stack cluster, adds the other family;
 * PreferDualStack silently drops a secondary family the cluster does not have.
 */
export function resolveFamilies(
  spec: ServiceSpec,
  clusterFamilies: readonly IPFamily[],
): Families | FieldProblem[] {
  const policy = spec.ipFamilyPolicy ?? 'SingleStack';
  const problems: FieldProblem[] = [];
  const families: IPFamily[] = [...(spec.ipFamilies ?? [])];
  (spec.clusterIPs ?? []).forEach((ip, i) => {
    const parsed = parseIP(ip);
    if (parsed === undefined) return;
    const given = families[i];
    if (given === undefined) families[i] = parsed.family;
    else if (given !== parsed.family) {
      problems.push({
        type: 'Invalid',
        field: `spec.ipFamilies[${i}]`,
        value: given,
        detail: `does not match the IP family of spec.clusterIPs[${i}] (${ip})`,
      });
    }
  });
  const dualCluster = clusterFamilies.length > 1;
  if (policy === 'RequireDualStack' && !dualCluster) {
    problems.push({
      type: 'Invalid',
      field: 'spec.ipFamilyPolicy',
      value: policy,
      detail: 'this cluster is not configured for dual-stack services',
    });
  }
  const primary = clusterFamilies[0] ?? 'IPv4';
  if (families.length === 0) families.push(primary);
  if (policy !== 'SingleStack' && dualCluster && families.length === 1) {
    families.push(families[0] === 'IPv4' ? 'IPv6' : 'IPv4');
  }
  families.forEach((f, i) => {
    if (clusterFamilies.includes(f)) return;
    if (i === 1 && policy === 'PreferDualStack') return;
    problems.push({
      type: 'Invalid',
      field: `spec.ipFamilies[${i}]`,
      value: f,
      detail: 'not configured on this cluster',
    });
  });
  if (problems.length > 0) return problems;
  return {
    ipFamilies: families.filter((f) => clusterFamilies.includes(f)),
    ipFamilyPolicy: policy,
  };
}
