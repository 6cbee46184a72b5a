import type { protos } from '@google-cloud/compute';
import { InvalidInputError } from '../../src/core/errors.js';
import type { Resource } from '../../src/core/resource.js';
import type { AggregatingClient, Gcp } from './api.js';
import { lastSegment } from './api.js';
import { classifyGcpError } from './classify.js';
import { T } from './names.js';

type CloudInstance = protos.google.cloud.compute.v1.IInstance;

/** One VM: its zone and name, as in its provider ID and in a GCE_VM_IP endpoint. */
export interface InstanceRef {
  zone: string;
  name: string;
}

/** Names per list filter: Compute caps a filter's length, and a regular expression of 100 names stays far below it. */
const NAMES_PER_FILTER = 100;

/**
 * How long a read instance is reused: one apply creates the endpoint groups and then the two
 * firewalls from the same nodes within seconds, and tags or subnetworks of a VM change rarely.
 */
export const INSTANCE_CACHE_MS = 30_000;

/**
 * The nodes' instances, read with one `instances.aggregatedList` per 100 names (a name filter,
 * so the cost depends on this Service's nodes, never on the project's other VMs), reusing those
 * read in the last INSTANCE_CACHE_MS. Reads only.
 */
export async function readInstances(
  gcp: Gcp,
  refs: readonly InstanceRef[],
): Promise<CloudInstance[]> {
  const now = gcp.now();
  for (const [k, v] of gcp.instanceCache)
    if (now - v.at >= INSTANCE_CACHE_MS) gcp.instanceCache.delete(k);
  const cached: CloudInstance[] = [];
  const missing: InstanceRef[] = [];
  for (const r of refs) {
    const hit = gcp.instanceCache.get(`${r.zone}/${r.name}`);
    if (hit !== undefined && now - hit.at < INSTANCE_CACHE_MS)
      cached.push(hit.instance as CloudInstance);
    else missing.push(r);
  }
  const read = missing.length === 0 ? [] : await listInstances(gcp, missing);
  for (const vm of read) {
    gcp.instanceCache.set(`${lastSegment(vm.zone)}/${vm.name ?? ''}`, { at: now, instance: vm });
  }
  return [...cached, ...read];
}

async function listInstances(gcp: Gcp, refs: readonly InstanceRef[]): Promise<CloudInstance[]> {
  const wanted = new Set(refs.map((r) => `zones/${r.zone} ${r.name}`));
  const names = [...new Set(refs.map((r) => r.name))].sort();
  const out: CloudInstance[] = [];
  for (let i = 0; i < names.length; i += NAMES_PER_FILTER) {
    const batch = names.slice(i, i + NAMES_PER_FILTER);
    const scopes = await gcp
      .aggregatedPages<CloudInstance>(
        'instances.aggregatedList',
        gcp.clients.instances as unknown as AggregatingClient,
        {
          request: {
            project: gcp.project,
            filter: `name eq "(${batch.join('|')})"`,
            maxResults: 500,
          },
          field: 'instances',
        },
      )
      .catch((e: unknown) => {
        throw classifyGcpError(e, 'instances.aggregatedList');
      });
    const found = scopes.flatMap((s) =>
      s.items.filter((vm) => wanted.has(`${s.scope} ${vm.name ?? ''}`)),
    );
    out.push(...found);
  }
  return out;
}

/** The instances of the Service's network endpoint groups known to the plan's state. */
export function instancesInState(state: ReadonlyMap<string, Resource>): InstanceRef[] {
  const out: InstanceRef[] = [];
  for (const r of state.values()) {
    if (r.type !== T.endpointGroup) continue;
    const zone = String(r.attributes['zone'] ?? '');
    const endpoints = r.attributes['endpoints'];
    for (const name of Array.isArray(endpoints) ? endpoints : []) {
      out.push({ zone, name: String(name) });
    }
  }
  return out;
}

const NODE_TAGS_HINT =
  'set the nodes’ network tags with --set node-tags=TAG[,TAG] (LBCTL_GCP_NODE_TAGS), so that the firewalls admit traffic to the nodes only';

/**
 * The network tags the firewalls target, as the in-tree provider finds them when it is not
 * configured with node tags: for every node, the longest of its tags that is a prefix of its
 * name (node pools name their VMs after their tag). A node without such a tag, or no node at
 * all, is an error: a firewall without target tags would admit the traffic to every VM of the
 * network.
 */
export function nodeTagsOf(
  refs: readonly InstanceRef[],
  instances: readonly CloudInstance[],
): string[] {
  if (refs.length === 0) {
    throw new InvalidInputError('provider gcp', [
      {
        type: 'Required',
        field: 'settings.node-tags',
        detail: `the Service has no nodes to take network tags from; ${NODE_TAGS_HINT}`,
      },
    ]);
  }
  const byName = new Map(instances.map((vm) => [`${lastSegment(vm.zone)}/${vm.name ?? ''}`, vm]));
  const tags = new Set<string>();
  for (const ref of refs) {
    const vm = byName.get(`${ref.zone}/${ref.name}`);
    const prefix = (vm?.tags?.items ?? [])
      .filter((t) => ref.name.startsWith(t))
      .sort((a, b) => b.length - a.length)[0];
    if (prefix === undefined) {
      throw new InvalidInputError(`instance ${ref.zone}/${ref.name}`, [
        {
          type: 'Required',
          field: 'settings.node-tags',
          detail:
            vm === undefined
              ? `the instance was not found; ${NODE_TAGS_HINT}`
              : `none of its network tags [${(vm.tags?.items ?? []).join(', ')}] is a prefix of its name; ${NODE_TAGS_HINT}`,
        },
      ]);
    }
    tags.add(prefix);
  }
  return [...tags].sort();
}

/**
 * The subnetwork of the nodes' nic0 (a GCE_VM_IP endpoint is the VM's nic0, and a group's
 * endpoints all belong to its subnetwork): one name, or an error naming the nodes that differ.
 */
export function subnetworkOf(
  refs: readonly InstanceRef[],
  instances: readonly CloudInstance[],
): string {
  const found = new Map<string, string[]>();
  for (const ref of refs) {
    const vm = instances.find((i) => i.name === ref.name && lastSegment(i.zone) === ref.zone);
    const subnet = lastSegment(vm?.networkInterfaces?.[0]?.subnetwork);
    found.set(subnet, [...(found.get(subnet) ?? []), `${ref.zone}/${ref.name}`]);
  }
  const [only, ...others] = [...found.keys()];
  if (only !== undefined && only !== '' && others.length === 0) return only;
  throw new InvalidInputError('provider gcp', [
    {
      type: 'Invalid',
      field: 'settings.subnetwork',
      value: [...found].map(([s, n]) => `${s === '' ? '(none)' : s}: ${n.join(', ')}`).join('; '),
      detail:
        'the nodes of one zone must share the subnetwork of their nic0 to be endpoints of one GCE_VM_IP group; set --set subnetwork=NAME',
    },
  ]);
}

/** The target tags to write for a firewall: the desired ones (the setting), else the nodes' own. */
export async function targetTagsFor(
  gcp: Gcp,
  r: Resource,
  state: ReadonlyMap<string, Resource>,
): Promise<string[]> {
  const desired = r.attributes['target_tags'];
  if (Array.isArray(desired)) return desired.map(String);
  const refs = instancesInState(state);
  return nodeTagsOf(refs, refs.length === 0 ? [] : await readInstances(gcp, refs));
}

/** The subnetwork of a new endpoint group: the desired one (the setting), else its nodes' nic0's. */
export async function subnetworkFor(gcp: Gcp, r: Resource): Promise<string> {
  const desired = r.attributes['subnetwork'];
  if (typeof desired === 'string' && desired !== '') return desired;
  const zone = String(r.attributes['zone'] ?? '');
  const endpoints = r.attributes['endpoints'];
  const refs = (Array.isArray(endpoints) ? endpoints : []).map((n) => ({ zone, name: String(n) }));
  return subnetworkOf(refs, await readInstances(gcp, refs));
}
