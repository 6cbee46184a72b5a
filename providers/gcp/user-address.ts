import { InvalidInputError } from '../../src/core/errors.js';
import type { ObserveRequest } from '../../src/core/provider.js';
import type { Resource } from '../../src/core/resource.js';
import type { Gcp } from './api.js';
import { classifyGcpError } from './classify.js';
import type { CloudAddress, CloudForwardingRule } from './convert.js';
import { T } from './names.js';

/** IPs the desired forwarding rules name directly (a requested external IP), when lbctl reserves no address. */
export function pinnedIPs(desired: readonly Resource[]): Set<string> {
  if (desired.some((d) => d.type === T.address)) return new Set();
  return new Set(
    desired
      .filter((d) => d.type === T.forwardingRule)
      .map((d) => String(d.attributes['ip_address']))
      .filter((ip) => !ip.startsWith('google_')),
  );
}

/**
 * Before a forwarding rule is first created on a requested external IP: that IP must be a
 * static address reserved in the region (Google refuses any other), checked with one filtered
 * `addresses.list` so that the Service fails before any write, naming the field. Costs nothing
 * once a rule holds the IP (no-op reconciles stay at their reads).
 */
export async function checkUserAddresses(
  gcp: Gcp,
  request: ObserveRequest,
  rules: readonly CloudForwardingRule[],
): Promise<void> {
  const held = new Set(rules.map((r) => r.IPAddress ?? ''));
  for (const ip of pinnedIPs(request.desired)) {
    if (held.has(ip)) continue;
    const found = await gcp
      .listAll('addresses.list', async (pageToken) => {
        const res = await gcp.clients.addresses.list(
          {
            project: gcp.project,
            region: gcp.region,
            filter: `address = "${ip}"`,
            ...(pageToken ? { pageToken } : {}),
          },
          { autoPaginate: false },
        );
        return { items: res[0] as CloudAddress[], next: res[2]?.nextPageToken ?? undefined };
      })
      .catch((e: unknown) => {
        throw classifyGcpError(e, 'observe');
      });
    if (found.some((a) => a.address === ip && a.addressType !== 'INTERNAL')) continue;
    const { namespace, name } = request.service;
    throw new InvalidInputError(`Service ${namespace}/${name}`, [
      {
        type: 'Invalid',
        field: 'spec.loadBalancerIP',
        value: ip,
        detail: `is not a static external address reserved in project ${gcp.project}, region ${gcp.region}; Google Cloud only serves a chosen external IP from a reserved address: reserve one (gcloud compute addresses create NAME --region ${gcp.region}) and request its IP`,
      },
    ]);
  }
}
