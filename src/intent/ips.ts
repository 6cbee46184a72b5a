import type { IPFamily } from '../core/k8s.js';
import { parseIP } from '../layers/ip.js';
import { A } from './annotations.js';
import { annotationField, parseList } from './context.js';
import type { Ctx } from './context.js';

/**
 * Addresses the user asked for: spec.loadBalancerIP (deprecated upstream, still widely used),
 * `lbctl.io/load-balancer-ips`, and with Azure `azure-load-balancer-ipv4` / `-ipv6`. Each
 * must be an IP of one of the Service's families; at most one per family; canonical text.
 */
export function buildRequestedIPs(ctx: Ctx, families: readonly IPFamily[]): string[] {
  const sources: [string, string][] = [];
  const specIP = ctx.svc.spec.loadBalancerIP;
  if (specIP !== undefined && specIP !== '') sources.push(['spec.loadBalancerIP', specIP]);
  for (const ip of parseList(ctx, A.ips, 'IP addresses') ?? [])
    sources.push([annotationField(A.ips), ip]);
  for (const key of [A.azureIPv4, A.azureIPv6] as const) {
    const v = ctx.get(key);
    if (v !== undefined && v.trim() !== '') sources.push([annotationField(key), v.trim()]);
  }
  const byFamily = new Map<IPFamily, [string, string]>();
  for (const [field, text] of sources) {
    const ip = parseIP(text);
    const problem = (detail: string) =>
      ctx.fieldProblem({ type: 'Invalid', field, value: text, detail });
    if (ip === undefined) {
      problem('must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
      continue;
    }
    if (field === annotationField(A.azureIPv4) && ip.family !== 'IPv4')
      problem('must be an IPv4 address');
    else if (field === annotationField(A.azureIPv6) && ip.family !== 'IPv6')
      problem('must be an IPv6 address');
    else if (!families.includes(ip.family))
      problem(`is ${ip.family}, but the Service's ipFamilies are ${families.join(', ')}`);
    else {
      const earlier = byFamily.get(ip.family);
      if (earlier === undefined) byFamily.set(ip.family, [field, ip.text]);
      else if (earlier[1] !== ip.text)
        problem(
          `conflicts with ${earlier[0]}: "${earlier[1]}" (one ${ip.family} address per load balancer)`,
        );
    }
  }
  return families.flatMap((f) => {
    const entry = byFamily.get(f);
    return entry === undefined ? [] : [entry[1]];
  });
}
