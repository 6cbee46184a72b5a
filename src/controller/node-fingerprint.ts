import type { Node } from '../core/k8s.js';
import { isEligibleNode } from '../intent/index.js';

/**
 * What a node contributes to target sets: eligibility and the fields of an intent Target. Some
 * providers target node addresses (Azure backend pools), not only provider IDs.
 */
export function nodeFingerprint(node: Readonly<Node>): string {
  const address = (type: string) =>
    node.status?.addresses?.find((a) => a.type === type)?.address ?? '';
  return JSON.stringify([
    isEligibleNode(node as Node),
    node.spec?.providerID ?? '',
    address('InternalIP'),
    address('ExternalIP'),
    node.metadata.labels?.['topology.kubernetes.io/zone'] ?? '',
  ]);
}
