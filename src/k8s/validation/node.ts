import type { FieldProblem } from '../../core/errors.js';
import type { Node } from '../../core/k8s.js';
import { parseCIDR, parseIP } from '../../layers/ip.js';
import { validateObjectMeta } from './meta.js';
import { isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './names.js';

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const IP_ADDRESS_TYPES = ['InternalIP', 'ExternalIP'];

/**
 * kube-apiserver 1.32's ValidateNode for what lbctl reads (name, labels, annotations, taints,
 * podCIDRs), plus lbctl's own rule for what it passes to a cloud: an `InternalIP` or
 * `ExternalIP` address must be an IP address (the API server does not check it; a cloud's
 * backend pool would refuse it). Returns every problem found. Pure.
 */
export function validateNode(node: Node, _opts: { old?: Node } = {}): FieldProblem[] {
  const problems = validateObjectMeta(node.metadata, {
    name: isDNS1123Subdomain,
    namespaced: false,
  });
  const seen = new Map<string, Set<string>>();
  (node.spec?.taints ?? []).forEach((t, i) => {
    const at = `spec.taints[${i}]`;
    for (const detail of isQualifiedName(t.key ?? ''))
      problems.push({ type: 'Invalid', field: `${at}.key`, value: t.key ?? '', detail });
    if (t.value !== undefined) {
      const errs = isValidLabelValue(t.value);
      if (errs.length > 0)
        problems.push({
          type: 'Invalid',
          field: `${at}.value`,
          value: t.value,
          detail: errs.join(';'),
        });
    }
    if (!t.effect) problems.push({ type: 'Required', field: `${at}.effect`, detail: '' });
    else if (!EFFECTS.includes(t.effect)) {
      problems.push({
        type: 'Unsupported',
        field: `${at}.effect`,
        value: t.effect,
        detail: `supported values: ${EFFECTS.map((e) => `"${e}"`).join(', ')}`,
      });
    }
    const keys = seen.get(t.effect) ?? new Set<string>();
    if (keys.has(t.key)) {
      problems.push({
        type: 'Duplicate',
        field: at,
        value: { key: t.key, effect: t.effect },
        detail: 'taints must be unique by key and effect pair',
      });
    }
    seen.set(t.effect, keys.add(t.key));
  });
  const spec = node.spec as { podCIDR?: string; podCIDRs?: string[] } | undefined;
  (spec?.podCIDRs ?? []).forEach((c, i) => {
    if (parseCIDR(c) === undefined) {
      problems.push({
        type: 'Invalid',
        field: `spec.podCIDRs[${i}]`,
        value: c,
        detail: 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      });
    }
  });
  (node.status?.addresses ?? []).forEach((a, i) => {
    if (IP_ADDRESS_TYPES.includes(a.type) && parseIP(a.address ?? '') === undefined) {
      problems.push({
        type: 'Invalid',
        field: `status.addresses[${i}].address`,
        value: a.address,
        detail: `an address of type ${a.type} must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`,
      });
    }
  });
  return problems;
}
