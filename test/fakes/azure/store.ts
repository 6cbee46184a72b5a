import {
  ArmError,
  arrOf,
  type Kind,
  objOf,
  type Obj,
  checkName,
  refId,
  resourceId,
  sameId,
  strOf,
  vnetId,
} from './arm.js';
import { poolMembersOf } from './lb-children.js';
import {
  type Lookup,
  normalizeLoadBalancer,
  normalizePublicIP,
  normalizeSecurityGroup,
} from './validate.js';

export interface FakeVnet {
  resourceGroup: string;
  name: string;
  /** Subnet name → IPv4 prefix (e.g. `10.240.0.0/16`). */
  subnets: Record<string, string>;
  /** The address space; the subnets' prefixes when absent. */
  addressPrefixes?: string[];
}

/** Whether an IPv4 address lies in an IPv4 CIDR (IPv6 prefixes are compared as never matching). */
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip) || base === undefined || !base.includes('.')) return false;
  const width = Number(bits ?? '32');
  const size = 2 ** (32 - width);
  return Math.floor(toInt(ip) / size) === Math.floor(toInt(base) / size);
}

interface PendingOp {
  key: string;
  kind: 'put' | 'delete';
  pollsLeft: number;
  fail: boolean;
  /** What to restore when the operation fails (undefined: the resource did not exist). */
  before: Obj | undefined;
  done?: 'Succeeded' | 'Failed';
}

const keyOf = (kind: Kind, rg: string, name: string) => `${kind}/${rg}/${name}`.toLowerCase();

/** The resources of one subscription, their validation, and the long-running operations on them. */
export class FakeStore {
  private readonly resources = new Map<string, { kind: Kind; rg: string; body: Obj }>();
  private readonly ops = new Map<string, PendingOp>();
  private counter = 0;
  private pipCounter = 0;

  constructor(
    readonly subscription: string,
    readonly resourceGroups: readonly string[],
    readonly vnets: readonly FakeVnet[],
  ) {}

  hasResourceGroup(rg: string): boolean {
    return this.resourceGroups.some((g) => g.toLowerCase() === rg.toLowerCase());
  }

  get(kind: Kind, rg: string, name: string): Obj | undefined {
    const body = this.resources.get(keyOf(kind, rg, name))?.body;
    return body === undefined ? undefined : this.decorate(kind, structuredClone(body));
  }

  list(kind: Kind, rg: string | undefined): Obj[] {
    return [...this.resources.values()]
      .filter(
        (r) => r.kind === kind && (rg === undefined || r.rg.toLowerCase() === rg.toLowerCase()),
      )
      .map((r) => this.decorate(kind, structuredClone(r.body)))
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  }

  /** Validates and stores; returns the stored body and whether it was created. */
  put(kind: Kind, rg: string, name: string, body: Obj): { body: Obj; created: boolean } {
    const key = keyOf(kind, rg, name);
    this.assertNotBusy(key);
    const previous = this.resources.get(key)?.body;
    const id = resourceId(
      this.subscription,
      rg,
      kind,
      previous === undefined ? name : (previous.name as string),
    );
    const lookup = this.lookup(rg);
    const stored =
      kind === 'loadBalancers'
        ? normalizeLoadBalancer(id, name, body, previous, lookup)
        : kind === 'publicIPAddresses'
          ? normalizePublicIP(id, name, body, previous, lookup, () => this.allocatePublicIP())
          : normalizeSecurityGroup(id, name, body, previous, lookup);
    this.resources.set(key, { kind, rg, body: stored });
    return { body: this.decorate(kind, structuredClone(stored)), created: previous === undefined };
  }

  /** One backend pool of a stored load balancer (`loadBalancers/{lb}/backendAddressPools/{pool}`). */
  getPool(rg: string, lbName: string, pool: string): Obj | undefined {
    const lb = this.get('loadBalancers', rg, lbName);
    return arrOf(objOf(lb?.properties).backendAddressPools).find(
      (p) => String(p.name).toLowerCase() === pool.toLowerCase(),
    );
  }

  /**
   * Creates or replaces one backend pool and its IP-based members: the load balancer keeps
   * everything else and gets a new etag (children share their parent's). 404 when the load
   * balancer does not exist.
   */
  putPool(rg: string, lbName: string, pool: string, body: Obj): { body: Obj; created: boolean } {
    const key = keyOf('loadBalancers', rg, lbName);
    const stored = this.resources.get(key);
    if (stored === undefined)
      throw new ArmError(
        404,
        'ResourceNotFound',
        `The Resource 'Microsoft.Network/loadBalancers/${lbName}' under resource group '${rg}' was not found.`,
      );
    this.assertNotBusy(key);
    const lookup = this.lookup(rg);
    const members = poolMembersOf(String(objOf(stored.body.sku).name), pool, body, lookup);
    const props = objOf(stored.body.properties);
    const pools = arrOf(props.backendAddressPools);
    const created = !pools.some((p) => String(p.name).toLowerCase() === pool.toLowerCase());
    const next = structuredClone(stored.body);
    const nextProps = objOf(next.properties);
    const name = created ? checkName('backendAddressPools', pool) : pool;
    nextProps.backendAddressPools = created ? [...pools, { name, properties: {} }] : pools;
    // Re-validate the whole load balancer (new etag for it and its children), then set the members.
    const normalized = normalizeLoadBalancer(
      next.id as string,
      next.name as string,
      next,
      stored.body,
      lookup,
    );
    const target = arrOf(objOf(normalized.properties).backendAddressPools).find(
      (p) => String(p.name).toLowerCase() === pool.toLowerCase(),
    ) as Obj;
    objOf(target.properties).loadBalancerBackendAddresses = members;
    this.resources.set(key, { kind: 'loadBalancers', rg: stored.rg, body: normalized });
    return { body: structuredClone(target), created };
  }

  /** Deletes; returns false when there was nothing to delete (ARM answers 204). */
  delete(kind: Kind, rg: string, name: string): boolean {
    const key = keyOf(kind, rg, name);
    const stored = this.resources.get(key);
    if (stored === undefined) return false;
    this.assertNotBusy(key);
    if (kind === 'publicIPAddresses') {
      const user = this.publicIPUser(stored.body.id as string, '');
      if (user !== undefined) {
        throw new ArmError(
          400,
          'PublicIPAddressCannotBeDeleted',
          `Public IP address ${String(stored.body.id)} can not be deleted since it is still allocated to resource ${user}.`,
        );
      }
    }
    this.resources.delete(key);
    return true;
  }

  etagOf(kind: Kind, rg: string, name: string): string | undefined {
    return strOf(this.resources.get(keyOf(kind, rg, name))?.body.etag);
  }

  /** Starts a long-running operation on a resource just written (put) or removed (delete). */
  startOperation(kind: Kind, rg: string, name: string, op: Omit<PendingOp, 'key'>): string {
    const id = `op-${String(++this.counter).padStart(8, '0')}`;
    const key = keyOf(kind, rg, name);
    this.ops.set(id, { ...op, key });
    const r = this.resources.get(key);
    if (r !== undefined && op.kind === 'put')
      objOf(r.body.properties).provisioningState = 'Updating';
    return id;
  }

  /** One poll of an operation: InProgress until its polls are used up, then its final status. */
  poll(id: string): PendingOp['done'] | 'InProgress' | undefined {
    const op = this.ops.get(id);
    if (op === undefined) return undefined;
    if (op.done !== undefined) return op.done;
    if (op.pollsLeft > 0) {
      op.pollsLeft--;
      return 'InProgress';
    }
    const r = this.resources.get(op.key);
    if (op.fail) {
      if (op.before === undefined) this.resources.delete(op.key);
      else if (r !== undefined) r.body = op.before;
      else {
        const [kind, rg] = op.key.split('/') as [Kind, string];
        this.resources.set(op.key, { kind, rg, body: op.before });
      }
    } else if (r !== undefined) {
      objOf(r.body.properties).provisioningState = 'Succeeded';
    }
    op.done = op.fail ? 'Failed' : 'Succeeded';
    return op.done;
  }

  raw(kind: Kind, rg: string, name: string): Obj | undefined {
    return this.resources.get(keyOf(kind, rg, name))?.body;
  }

  clear(): void {
    this.resources.clear();
    this.ops.clear();
  }

  private assertNotBusy(key: string): void {
    for (const op of this.ops.values()) {
      if (op.key === key && op.done === undefined) {
        throw new ArmError(
          409,
          'AnotherOperationInProgress',
          `Another operation on this or dependent resource is in progress. To retry later, wait until the operation completes.`,
          { 'Retry-After': '1' },
        );
      }
    }
  }

  private decorate(kind: Kind, body: Obj): Obj {
    if (kind !== 'publicIPAddresses') return body;
    const user = this.publicIPUser(body.id as string, '');
    if (user !== undefined) objOf(body.properties).ipConfiguration = { id: user };
    return body;
  }

  private publicIPUser(pipId: string, exceptLb: string): string | undefined {
    for (const r of this.resources.values()) {
      if (r.kind !== 'loadBalancers' || sameId(exceptLb, r.body.id as string)) continue;
      for (const fe of arrOf(objOf(r.body.properties).frontendIPConfigurations)) {
        if (sameId(refId(objOf(fe.properties).publicIPAddress), pipId)) return fe.id as string;
      }
    }
    return undefined;
  }

  private allocatePublicIP(): string {
    const n = ++this.pipCounter;
    return `20.100.${Math.floor(n / 250) % 256}.${(n % 250) + 1}`;
  }

  private lookup(_rg: string): Lookup {
    const findResource = (id: string): Obj | undefined =>
      [...this.resources.values()].find((r) => sameId(r.body.id as string, id))?.body;
    const subnet = (id: string): string | undefined => {
      for (const v of this.vnets) {
        for (const [name, prefix] of Object.entries(v.subnets)) {
          if (sameId(id, `${vnetId(this.subscription, v.resourceGroup, v.name)}/subnets/${name}`))
            return prefix;
        }
      }
      return undefined;
    };
    return {
      subscription: this.subscription,
      resourceGroup: _rg,
      publicIP: (id) => {
        const hit = findResource(id);
        return hit !== undefined && String(hit.type) === 'Microsoft.Network/publicIPAddresses'
          ? hit
          : undefined;
      },
      publicIPUser: (pipId, exceptLb) => this.publicIPUser(pipId, exceptLb),
      subnetPrefix: subnet,
      vnetContains: (id, ip) =>
        this.vnets.some(
          (v) =>
            sameId(id, vnetId(this.subscription, v.resourceGroup, v.name)) &&
            (v.addressPrefixes ?? Object.values(v.subnets)).some((c) => inCidr(ip, c)),
        ),
      isVnet: (id) =>
        this.vnets.some((v) => sameId(id, vnetId(this.subscription, v.resourceGroup, v.name))),
      allocatePrivateIP: (subnetId, taken) => {
        const used = new Set(taken);
        for (const r of this.resources.values()) {
          for (const fe of arrOf(objOf(r.body.properties).frontendIPConfigurations)) {
            const a = strOf(objOf(fe.properties).privateIPAddress);
            if (a !== undefined) used.add(a);
          }
        }
        const [base] = (subnet(subnetId) ?? '10.0.0.0/16').split('/');
        const octets = (base ?? '10.0.0.0').split('.').map(Number);
        for (let i = 4; i < 65_000; i++) {
          const ip = `${octets[0]}.${octets[1]}.${(octets[2] ?? 0) + Math.floor(i / 256)}.${i % 256}`;
          if (!used.has(ip)) return ip;
        }
        throw new ArmError(400, 'SubnetIsFull', `Subnet ${subnetId} has no free address.`);
      },
      nextGuid: () => `00000000-0000-4000-8000-${String(++this.counter).padStart(12, '0')}`,
      nextEtag: () => `W/"00000000-0000-4000-a000-${String(++this.counter).padStart(12, '0')}"`,
    };
  }
}
