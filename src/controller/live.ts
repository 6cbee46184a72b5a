import { isLbctlError } from '../core/errors.js';
import type { Node, Service } from '../core/k8s.js';
import type { ProviderModel } from '../core/provider.js';
import { addressOf } from '../core/resource.js';
import { wantsLoadBalancer } from '../intent/index.js';
import type { LayersMode } from '../pipeline/index.js';
import { prepareService } from '../pipeline/index.js';
import type { LiveServices } from '../plan/orphans.js';

export interface LiveSet {
  live: LiveServices;
  /** UIDs of Services that exist but want no load balancer of ours, with why. */
  notWanted: ReadonlyMap<string, string>;
  /** `namespace/name` → UID of every Service given. */
  uidByKey: ReadonlyMap<string, string>;
}

/**
 * What every existing Service wants, for the ownership sweep: its desired addresses when it
 * wants a load balancer of ours, `all` when its spec cannot be planned right now (an invalid
 * annotation must never make its load balancer an orphan), and the reason when it wants none.
 * Pure: the caller passes ALL Services (every namespace, reconciled or not), so a Service
 * created a moment ago protects what its first reconcile is creating.
 */
export function liveServices(options: {
  services: readonly Readonly<Service>[];
  nodes: readonly Readonly<Node>[];
  model: ProviderModel;
  clusterName: string;
  loadBalancerClass?: string;
  /** `verify` in a cluster (layers checked), `allocated` for manifests whose layers were allocated. */
  mode?: LayersMode;
}): LiveSet {
  const live = new Map<string, ReadonlySet<string> | 'all'>();
  const notWanted = new Map<string, string>();
  const uidByKey = new Map<string, string>();
  const classOption =
    options.loadBalancerClass === undefined ? {} : { loadBalancerClass: options.loadBalancerClass };
  for (const s of options.services) {
    const uid = s.metadata.uid;
    if (uid === undefined || uid === '') continue;
    const service = s as Service;
    uidByKey.set(`${s.metadata.namespace ?? 'default'}/${s.metadata.name}`, uid);
    if (service.metadata.deletionTimestamp !== undefined) {
      notWanted.set(uid, 'the Service is being deleted');
      continue;
    }
    if (!wantsLoadBalancer(service, classOption)) {
      notWanted.set(uid, whyNot(service, options.loadBalancerClass));
      continue;
    }
    try {
      const p = prepareService({
        service,
        nodes: options.nodes as Node[],
        model: options.model,
        clusterName: options.clusterName,
        mode: options.mode ?? 'verify',
        ...classOption,
      });
      live.set(uid, new Set(p.desired.map(addressOf)));
    } catch (e) {
      if (!isLbctlError(e)) throw e;
      live.set(uid, 'all');
    }
  }
  return { live, notWanted, uidByKey };
}

function whyNot(s: Service, ours: string | undefined): string {
  if (s.spec.type !== 'LoadBalancer') return `spec.type is ${s.spec.type ?? 'ClusterIP'}`;
  const cls = s.spec.loadBalancerClass;
  return `spec.loadBalancerClass is ${cls === undefined || cls === '' ? 'unset' : JSON.stringify(cls)}, lbctl handles ${ours === undefined ? 'Services without a class' : JSON.stringify(ours)}`;
}
