import type { ServiceIdentity } from '../core/k8s.js';
import type { Plan } from '../core/plan.js';
import type { OwnedResource } from '../core/provider.js';
import type { Resource, SchemaSet } from '../core/resource.js';
import { addressOf } from '../core/resource.js';
import { plan } from './plan.js';

/**
 * What the cluster still wants, by Service UID: the addresses of its desired graph, or `all`
 * when the Service exists but what it wants cannot be known (its spec is invalid right now):
 * nothing of such a Service is ever an orphan. A UID that is absent is a Service that no longer
 * exists (or no longer wants a load balancer).
 */
export type LiveServices = ReadonlyMap<string, ReadonlySet<string> | 'all'>;

export interface Orphan {
  service: ServiceIdentity;
  resource: Resource;
  /** `gone`: no Service has the UID; `not-wanted`: it wants no load balancer of ours; `not-needed`: a live Service's leftover. */
  kind: 'gone' | 'not-wanted' | 'not-needed';
  reason: string;
}

export interface FindOrphansOptions {
  /**
   * UIDs of Services that still exist but want no load balancer, with why (`type is
   * ClusterIP`, `being deleted`), so the reason names it instead of "no longer exists".
   */
  notWanted?: ReadonlyMap<string, string>;
  /** `namespace/name` → UID of the live Services, to say when a vanished UID's name lives on. */
  uidByKey?: ReadonlyMap<string, string>;
}

/**
 * The swept resources no live Service wants: those of a UID that is gone, and those of a live
 * Service whose desired graph no longer has their address (a renamed port, a crash between two
 * creates). Shared objects (no `service`) are never orphans here. Sorted by Service, then
 * address, so that plans and logs are stable. Pure.
 */
export function findOrphans(
  swept: readonly OwnedResource[],
  live: LiveServices,
  options: FindOrphansOptions = {},
): Orphan[] {
  const orphans: Orphan[] = [];
  for (const { resource, service } of swept) {
    if (service === undefined) continue;
    const wanted = live.get(service.uid);
    if (wanted === 'all') continue;
    const who = `${service.namespace}/${service.name}`;
    const address = addressOf(resource);
    if (wanted === undefined) {
      const why = options.notWanted?.get(service.uid);
      orphans.push({
        service,
        resource,
        kind: why === undefined ? 'gone' : 'not-wanted',
        reason:
          why === undefined
            ? `orphaned: Service ${who} (uid ${service.uid}) no longer exists${renamed(options.uidByKey?.get(who))}`
            : `orphaned: Service ${who} (uid ${service.uid}) wants no load balancer from lbctl: ${why}`,
      });
    } else if (!wanted.has(address)) {
      orphans.push({
        service,
        resource,
        kind: 'not-needed',
        reason: `orphaned: Service ${who} no longer needs ${address}`,
      });
    }
  }
  return orphans.sort((a, b) => {
    const ka = `${a.service.namespace}/${a.service.name}\u0000${a.service.uid}\u0000${addressOf(a.resource)}`;
    const kb = `${b.service.namespace}/${b.service.name}\u0000${b.service.uid}\u0000${addressOf(b.resource)}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

const renamed = (uid: string | undefined): string =>
  uid === undefined
    ? ''
    : `; the Service of that name now has uid ${uid} (deleted and created again, or manifests without metadata.uid)`;

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

/** The resources of each orphan plan, with the dependencies planOrphans kept, for apply. */
export function orphanResources(p: Plan): Resource[] {
  return p.steps.flatMap((s) => (s.before === undefined ? [] : [s.before]));
}
