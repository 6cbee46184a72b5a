import type { ServiceIdentity } from '../core/k8s.js';
import type { Plan } from '../core/plan.js';
import type { OwnedResource } from '../core/provider.js';
import type { Resource, SchemaSet } from '../core/resource.js';
import { addressOf } from '../core/resource.js';
import { plan } from './plan.js';

/**
 * What the cluster still wants, by Service UID: the addresses of its desired graph. A UID that
 * is absent is a Service that no longer exists (or no longer wants a load balancer).
 */
export type LiveServices = ReadonlyMap<string, ReadonlySet<string>>;

export interface Orphan {
  service: ServiceIdentity;
  resource: Resource;
  reason: string;
}

/**
 * The swept resources no live Service wants: those of a UID that is gone, and those of a live
 * Service whose desired graph no longer has their address (a renamed port, a crash between two
 * creates). Shared objects (no `service`) are never orphans here. Pure.
 */
export function findOrphans(swept: readonly OwnedResource[], live: LiveServices): Orphan[] {
  const orphans: Orphan[] = [];
  for (const { resource, service } of swept) {
    if (service === undefined) continue;
    const wanted = live.get(service.uid);
    const who = `${service.namespace}/${service.name}`;
    if (wanted === undefined) {
      orphans.push({
        service,
        resource,
        reason: `orphaned: Service ${who} (uid ${service.uid}) no longer exists or wants no load balancer`,
      });
    } else if (!wanted.has(addressOf(resource))) {
      orphans.push({
        service,
        resource,
        reason: `orphaned: Service ${who} no longer needs ${addressOf(resource)}`,
      });
    }
  }
  return orphans;
}

/**
 * One deletion plan per Service the orphans belong to, ordered like any plan (dependents first).
 * A dependency on a resource that is not an orphan is dropped: that resource stays, so deleting
 * this one first is safe. Each step's reason says why the resource is an orphan.
 */
export function planOrphans(
  orphans: readonly Orphan[],
  provider: { readonly name: string; readonly schemas: SchemaSet },
): Plan[] {
  const byUid = new Map<string, Orphan[]>();
  for (const o of orphans) byUid.set(o.service.uid, [...(byUid.get(o.service.uid) ?? []), o]);
  return [...byUid.values()].map((group) => {
    const addresses = new Set(group.map((o) => addressOf(o.resource)));
    const observed = group.map((o) => ({
      ...o.resource,
      dependsOn: o.resource.dependsOn.filter((d) => addresses.has(d)),
    }));
    const p = plan({ service: group[0]!.service, provider, desired: [], observed });
    const reasons = new Map(group.map((o) => [addressOf(o.resource), o.reason]));
    return {
      ...p,
      steps: p.steps.map((s) => ({ ...s, reason: reasons.get(s.address) ?? s.reason })),
    };
  });
}
