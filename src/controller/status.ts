import type { LoadBalancerIngress, Service } from '../core/k8s.js';

/**
 * The merge patch that makes `status.loadBalancer` say `ingress`, or undefined when it already
 * does (status is written only when it changed). An empty ingress clears the field.
 */
export function statusPatch(
  service: Service,
  ingress: readonly LoadBalancerIngress[],
): Record<string, unknown> | undefined {
  const current = normalize(service.status?.loadBalancer?.ingress ?? []);
  const wanted = normalize(ingress);
  if (JSON.stringify(current) === JSON.stringify(wanted)) return undefined;
  return { loadBalancer: { ingress: wanted.length === 0 ? null : wanted } };
}

/** Field order and absent optionals do not count as a difference; ingress order does not either. */
function normalize(ingress: readonly LoadBalancerIngress[]): LoadBalancerIngress[] {
  return ingress
    .map((i) => ({
      ...(i.ip === undefined ? {} : { ip: i.ip }),
      ...(i.hostname === undefined ? {} : { hostname: i.hostname }),
      ...(i.ipMode === undefined ? {} : { ipMode: i.ipMode }),
      ...(i.ports === undefined || i.ports.length === 0
        ? {}
        : {
            ports: i.ports.map((p) => ({
              port: p.port,
              protocol: p.protocol,
              ...(p.error === undefined ? {} : { error: p.error }),
            })),
          }),
    }))
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}
