import type { LoadBalancer, NetworkSecurityGroup } from '@azure/arm-network';
import { LbctlError, NotOwnedError } from '../../src/core/errors.js';
import type { AzureApi } from './api.js';
import { StaleEtagError } from './api.js';
import type { ArmCache } from './cache.js';
import { isAzureOwned } from './tags.js';

/** Attempts of one read-modify-write before giving up (each lost race costs one GET and one PUT). */
const ATTEMPTS = 16;

export interface Parent {
  api: AzureApi;
  cache: ArmCache;
  clusterName: string;
  /** Waits before attempt `n + 1` after a lost race: jittered and growing, so many writers spread out. */
  pause: (attempt: number) => Promise<void>;
  /**
   * The step takes over what the in-tree provider made (Step.adopts, `--adopt`): the load
   * balancer may still lack this cluster's tag, which this very takeover adds.
   */
  adopting?: boolean;
}

/**
 * Changes a shared load balancer without losing anyone else's change: start from the cached
 * copy (or read), apply `mutate` (which returns false when nothing needs to change: no write),
 * and write with `If-Match: <etag>`. A 412 means another Service (or process) wrote first: drop
 * the copy, read again and re-apply. Never a blind overwrite.
 */
export async function mutateLoadBalancer(
  p: Parent,
  name: string,
  mutate: (lb: LoadBalancer) => boolean,
): Promise<LoadBalancer | undefined> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = p.cache.loadBalancer(name) ?? (await p.api.get('loadBalancers', name));
    if (current === undefined) return undefined;
    if (!isAzureOwned(current.tags, p.clusterName) && p.adopting !== true) {
      throw new NotOwnedError(
        `load balancer ${current.id ?? name}`,
        `it lacks k8s-azure-cluster-name=${p.clusterName}`,
      );
    }
    p.cache.setLoadBalancer(current);
    const next = structuredClone(current);
    if (!mutate(next)) return current;
    try {
      const written = await p.api.put('loadBalancers', name, next, {
        ifMatch: current.etag ?? '*',
      });
      p.cache.setLoadBalancer(written);
      return written;
    } catch (e) {
      p.cache.dropLoadBalancer(name);
      if (!(e instanceof StaleEtagError)) throw e;
      await p.pause(attempt);
    }
  }
  throw new LbctlError(
    'conflict',
    `load balancer ${name}: still changing under us after ${ATTEMPTS} attempts`,
  );
}

/** The same for the cluster's network security group. */
export async function mutateSecurityGroup(
  p: Parent,
  name: string,
  mutate: (nsg: NetworkSecurityGroup) => boolean,
): Promise<NetworkSecurityGroup | undefined> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = p.cache.securityGroup(name) ?? (await p.api.get('networkSecurityGroups', name));
    if (current === undefined) return undefined;
    if (!isAzureOwned(current.tags, p.clusterName)) {
      throw new NotOwnedError(
        `network security group ${current.id ?? name}`,
        `it lacks k8s-azure-cluster-name=${p.clusterName}`,
      );
    }
    p.cache.setSecurityGroup(current);
    const next = structuredClone(current);
    if (!mutate(next)) return current;
    try {
      const written = await p.api.put('networkSecurityGroups', name, next, {
        ifMatch: current.etag ?? '*',
      });
      p.cache.setSecurityGroup(written);
      return written;
    } catch (e) {
      p.cache.dropSecurityGroup(name);
      if (!(e instanceof StaleEtagError)) throw e;
      await p.pause(attempt);
    }
  }
  throw new LbctlError(
    'conflict',
    `network security group ${name}: still changing under us after ${ATTEMPTS} attempts`,
  );
}

/**
 * Puts `item` into `list` in place of the element with the same name (ARM names are case-insensitive).
 * Returns whether anything changed, judged on the fields `item` sets only: the cloud's read-only
 * fields and defaults are no reason to write.
 */
export function upsertByName<T extends { name?: string }>(list: T[], item: T): boolean {
  const i = list.findIndex((x) => x.name?.toLowerCase() === item.name?.toLowerCase());
  if (i < 0) {
    list.push(item);
    return true;
  }
  const existing = list[i] as T;
  if (sameFields(existing, item)) return false;
  list[i] = { ...existing, ...item };
  return true;
}

export function removeByName<T extends { name?: string }>(
  list: T[] | undefined,
  name: string,
): boolean {
  const i = list?.findIndex((x) => x.name?.toLowerCase() === name.toLowerCase()) ?? -1;
  if (list === undefined || i < 0) return false;
  list.splice(i, 1);
  return true;
}

function sameFields(existing: object, wanted: object): boolean {
  const e = existing as Record<string, unknown>;
  for (const [k, v] of Object.entries(wanted)) {
    if (canon(e[k]) !== canon(v)) return false;
  }
  return true;
}

/** Canonical JSON, case-insensitive: ARM echoes IDs and enum values with its own casing. */
const canon = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : x,
  )?.toLowerCase() ?? 'undefined';
