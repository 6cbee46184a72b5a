import type { Service } from '../core/k8s.js';

/**
 * Services as `kubectl get svc -A` prints them (NAMESPACE NAME TYPE CLUSTER-IP EXTERNAL-IP
 * PORT(S)), so the demo reads like a cluster.
 */
export function renderServiceTable(services: readonly Service[]): string {
  const rows = [['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)']];
  for (const s of services) {
    rows.push([
      s.metadata.namespace ?? 'default',
      s.metadata.name,
      s.spec.type ?? 'ClusterIP',
      s.spec.clusterIP ?? '<none>',
      externalIP(s),
      (s.spec.ports ?? [])
        .map(
          (p) =>
            `${p.port}${p.nodePort === undefined ? '' : `:${p.nodePort}`}/${p.protocol ?? 'TCP'}`,
        )
        .join(',') || '<none>',
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd((widths[i] ?? 0) + 3))
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function externalIP(s: Service): string {
  const ingress = s.status?.loadBalancer?.ingress ?? [];
  const addresses = ingress.map((i) => i.ip ?? i.hostname ?? '').filter((a) => a !== '');
  if (addresses.length > 0) return addresses.join(',');
  if (s.spec.type === 'LoadBalancer') return '<pending>';
  return (s.spec.externalIPs ?? []).join(',') || '<none>';
}
