import { InvalidInputError } from '../core/errors.js';
import type { FieldProblem } from '../core/errors.js';
import type { IPFamily, Service } from '../core/k8s.js';
import { carryOver } from './carry.js';
import { checkConfig, DEFAULT_LAYERS } from './config.js';
import type { LayersConfig } from './config.js';
import {
  applyDefaults,
  cloneJson,
  isHeadless,
  needsHealthCheck,
  needsNodePorts,
  ownerKey,
  serviceName,
} from './defaults.js';
import { resolveFamilies } from './families.js';
import type { BandedPool } from './pool.js';
import { NodePortRange, ServiceIPRange } from './ranges.js';
import { validateService } from './validate.js';

type PoolId = IPFamily | 'nodePort';
/** What one Service holds, per pool: slot indexes. */
type Holdings = Map<PoolId, Set<number>>;

/** Thrown inside one allocation; carries the single problem the API server would report. */
class Refused extends Error {
  constructor(readonly problem: FieldProblem) {
    super(problem.detail);
  }
}

/**
 * Allocates ClusterIPs and NodePorts where there is no API server (plans from files, the
 * sandbox), with the API server's rules and messages. Stateful, but pure: no I/O, clock or
 * randomness; the same calls in the same order give the same result.
 */
export class LayerAllocator {
  private readonly ipRanges = new Map<IPFamily, ServiceIPRange>();
  private readonly clusterFamilies: IPFamily[];
  private readonly nodePorts: NodePortRange;
  private readonly holdings = new Map<string, Holdings>();

  constructor(config: LayersConfig = DEFAULT_LAYERS) {
    const checked = checkConfig(config);
    for (const cidr of checked.cidrs) this.ipRanges.set(cidr.family, new ServiceIPRange(cidr));
    this.clusterFamilies = checked.families;
    this.nodePorts = new NodePortRange(checked.nodePortRange);
  }

  /**
   * Returns a new Service, defaulted like the API server does, with clusterIP(s), ipFamilies,
   * nodePorts and healthCheckNodePort filled in. `previous` is the stored object on an update:
   * its values are kept where the new object leaves them out, and what a type change makes
   * obsolete is released. Throws InvalidInputError with the API server's field errors; on
   * error nothing is allocated or released.
   */
  allocate(svc: Service, previous?: Service): Service {
    return this.assign(svc, previous, true);
  }

  /** Claims only what `svc` asks for explicitly (allocateAll's first pass). */
  reserveRequested(svc: Service): void {
    this.assign(svc, undefined, false);
  }

  /** Frees everything `svc` (by namespace/name) holds; a Service that holds nothing is fine. */
  release(svc: Service): void {
    const key = ownerKey(svc);
    const held = this.holdings.get(key);
    if (held === undefined) return;
    for (const [id, indexes] of held) for (const index of indexes) this.pool(id).release(index);
    this.holdings.delete(key);
  }

  /** How many addresses and ports are in use (for tests and metrics). */
  usage(): { ips: Record<string, number>; nodePorts: number } {
    const ips: Record<string, number> = {};
    for (const [family, range] of this.ipRanges) ips[family] = range.pool.used;
    return { ips, nodePorts: this.nodePorts.pool.used };
  }

  private pool(id: PoolId): BandedPool {
    if (id === 'nodePort') return this.nodePorts.pool;
    const range = this.ipRanges.get(id);
    if (range === undefined) throw new Error(`no service CIDR for ${id}`);
    return range.pool;
  }

  private assign(svc: Service, previous: Service | undefined, dynamic: boolean): Service {
    const out = cloneJson(svc);
    applyDefaults(out);
    const name = serviceName(out);
    const problems: FieldProblem[] = [];
    if (previous !== undefined) {
      if (ownerKey(previous) !== ownerKey(out)) {
        throw new TypeError(`previous is ${serviceName(previous)}, not ${name}`);
      }
      const prev = cloneJson(previous);
      applyDefaults(prev);
      problems.push(...carryOver(out, prev));
    }
    problems.push(...validateService(out));
    if (problems.length > 0) throw new InvalidInputError(name, problems);

    const txn = new Transaction(ownerKey(out), (id) => this.pool(id));
    try {
      if (out.spec.type === 'ExternalName') {
        delete out.spec.ipFamilies;
        delete out.spec.ipFamilyPolicy;
      } else {
        this.assignClusterIPs(out, txn, dynamic);
        if (needsNodePorts(out.spec)) this.assignNodePorts(out, txn, dynamic);
        if (needsHealthCheck(out.spec)) this.assignHealthCheckPort(out, txn, dynamic);
      }
    } catch (e) {
      if (e instanceof Refused) throw new InvalidInputError(name, [e.problem]);
      throw e;
    }
    this.commit(txn);
    return out;
  }

  private assignClusterIPs(out: Service, txn: Transaction, dynamic: boolean): void {
    const spec = out.spec;
    const families = resolveFamilies(spec, this.clusterFamilies);
    if (Array.isArray(families)) throw new InvalidInputError(serviceName(out), families);
    spec.ipFamilies = families.ipFamilies;
    spec.ipFamilyPolicy = families.ipFamilyPolicy;
    if (isHeadless(spec)) {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
      return;
    }
    const requested = spec.clusterIPs ?? [];
    const assigned: string[] = [];
    families.ipFamilies.forEach((family, i) => {
      const range = this.ipRanges.get(family);
      if (range === undefined) return;
      const ip = requested[i];
      if (ip !== undefined) {
        const index = range.indexOf(ip);
        const fail = (why: string): never => {
          throw new Refused({
            type: 'Invalid',
            field: 'spec.clusterIPs',
            value: requested,
            detail: `failed to allocate IP ${ip}: ${why}`,
          });
        };
        if (index === undefined) {
          fail(
            `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${range.cidr.text}`,
          );
        } else {
          if (!txn.canClaim(family, index)) fail('provided IP is already allocated');
          txn.claim(family, index);
          assigned.push(range.addressAt(index));
        }
      } else if (dynamic) {
        const index = txn.next(family);
        if (index === undefined) {
          throw new Refused({
            type: 'Forbidden',
            field: 'spec.clusterIPs',
            detail: 'failed to allocate a serviceIP: range is full',
          });
        }
        txn.claim(family, index);
        assigned.push(range.addressAt(index));
      }
    });
    if (assigned.length > 0) {
      spec.clusterIPs = assigned;
      spec.clusterIP = assigned[0] as string;
    }
  }

  /** Like the API server's initNodePorts: ports that share a number (TCP and UDP 53) share a nodePort. */
  private assignNodePorts(out: Service, txn: Transaction, dynamic: boolean): void {
    const spec = out.spec;
    const ports = spec.ports ?? [];
    const allocateNew = spec.type === 'NodePort' || spec.allocateLoadBalancerNodePorts !== false;
    const byPort = new Map<number, number>();
    ports.forEach((p, i) => {
      const field = `spec.ports[${i}].nodePort`;
      if (!p.nodePort && !allocateNew) return;
      const shared = byPort.get(p.port);
      if (shared !== undefined) {
        if (!p.nodePort) p.nodePort = shared;
        else if (p.nodePort !== shared) this.claimPort(txn, p.nodePort, field, '');
        return;
      }
      const requested =
        p.nodePort || ports.slice(i).find((q) => q.port === p.port && q.nodePort)?.nodePort;
      if (requested) {
        this.claimPort(txn, requested, field, '');
        p.nodePort = requested;
        byPort.set(p.port, requested);
      } else if (dynamic) {
        p.nodePort = this.nextPort(txn, field, 'failed to allocate a nodePort: range is full');
        byPort.set(p.port, p.nodePort);
      }
    });
  }

  private assignHealthCheckPort(out: Service, txn: Transaction, dynamic: boolean): void {
    const spec = out.spec;
    const field = 'spec.healthCheckNodePort';
    const requested = spec.healthCheckNodePort;
    if (requested) {
      this.claimPort(
        txn,
        requested,
        field,
        `failed to allocate requested HealthCheck NodePort ${requested}: `,
      );
    } else if (dynamic) {
      spec.healthCheckNodePort = this.nextPort(
        txn,
        field,
        'failed to allocate a HealthCheck NodePort: range is full',
      );
    }
  }

  private claimPort(txn: Transaction, port: number, field: string, prefix: string): void {
    const refuse = (why: string): never => {
      throw new Refused({ type: 'Invalid', field, value: port, detail: `${prefix}${why}` });
    };
    if (!this.nodePorts.contains(port)) {
      refuse(
        `provided port is not in the valid range. The range of valid ports is ${this.nodePorts.toString()}`,
      );
    }
    const index = this.nodePorts.indexOf(port);
    if (!txn.canClaim('nodePort', index)) refuse('provided port is already allocated');
    txn.claim('nodePort', index);
  }

  private nextPort(txn: Transaction, field: string, full: string): number {
    const index = txn.next('nodePort');
    if (index === undefined) throw new Refused({ type: 'Forbidden', field, detail: full });
    txn.claim('nodePort', index);
    return this.nodePorts.portAt(index);
  }

  private commit(txn: Transaction): void {
    const old = this.holdings.get(txn.owner);
    for (const [id, indexes] of txn.claims)
      for (const index of indexes) this.pool(id).claim(index, txn.owner);
    if (old !== undefined) {
      for (const [id, indexes] of old) {
        for (const index of indexes)
          if (!txn.claims.get(id)?.has(index)) this.pool(id).release(index);
      }
    }
    if (txn.claims.size > 0) this.holdings.set(txn.owner, txn.claims);
    else this.holdings.delete(txn.owner);
  }
}

/** Claims of one allocate() call, applied to the pools only when every claim succeeded. */
class Transaction {
  readonly claims: Holdings = new Map();

  constructor(
    readonly owner: string,
    private readonly pool: (id: PoolId) => BandedPool,
  ) {}

  /** Free, or already this Service's (an update or the reservation pass), and not claimed twice in this call. */
  canClaim(id: PoolId, index: number): boolean {
    if (this.claims.get(id)?.has(index)) return false;
    const owner = this.pool(id).ownerOf(index);
    return owner === undefined || owner === this.owner;
  }

  claim(id: PoolId, index: number): void {
    let set = this.claims.get(id);
    if (set === undefined) this.claims.set(id, (set = new Set()));
    set.add(index);
  }

  next(id: PoolId): number | undefined {
    const mine = this.claims.get(id);
    return this.pool(id).next((index) => mine?.has(index) === true);
  }
}
