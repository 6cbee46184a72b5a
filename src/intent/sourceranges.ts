import { parseCIDR } from '../layers/ip.js';
import { A } from './annotations.js';
import { annotationField } from './context.js';
import type { Ctx } from './context.js';

const EXAMPLE = 'e.g. 10.240.0.0/24 or 2001:db8::/64';

/**
 * Who may reach the load balancer. spec.loadBalancerSourceRanges wins over the older
 * `service.beta.kubernetes.io/load-balancer-source-ranges` annotation (as in the API server's
 * GetLoadBalancerSourceRanges). Each CIDR is validated (IPv4 or IPv6), host bits are masked as
 * the API server's parser does (`10.0.0.1/8` → `10.0.0.0/8`), duplicates dropped, sorted.
 * Empty means open to everyone.
 */
export function buildSourceRanges(ctx: Ctx): string[] {
  const fromSpec = ctx.svc.spec.loadBalancerSourceRanges ?? [];
  const out = new Set<string>();
  if (fromSpec.length > 0) {
    fromSpec.forEach((text, i) => {
      const cidr = parseCIDR(text.trim());
      if (cidr === undefined) {
        ctx.fieldProblem({
          type: 'Invalid',
          field: `spec.loadBalancerSourceRanges[${i}]`,
          value: text,
          detail: `must be a valid CIDR, ${EXAMPLE}`,
        });
      } else out.add(cidr.text);
    });
  } else {
    const raw = ctx.get(A.sourceRanges);
    if (raw !== undefined && raw.trim() !== '') {
      for (const item of raw.split(',')) {
        const cidr = parseCIDR(item.trim());
        if (cidr === undefined) {
          ctx.fieldProblem({
            type: 'Invalid',
            field: annotationField(A.sourceRanges),
            value: raw,
            detail: `"${item.trim()}" is not a valid CIDR; must be a comma-separated list of CIDRs, ${EXAMPLE}`,
          });
          break;
        }
        out.add(cidr.text);
      }
    }
  }
  return [...out].sort();
}
