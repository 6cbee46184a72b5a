import type { LoadBalancer, NetworkSecurityGroup } from '@azure/arm-network';

/**
 * The last known state (with etag) of the shared parents, so a read-modify-write can start from
 * what observe or the previous write returned instead of reading again. Always safe: every write
 * carries `If-Match`, and a 412 drops the entry and re-reads.
 */
export class ArmCache {
  private readonly lbs = new Map<string, LoadBalancer>();
  private readonly nsgs = new Map<string, NetworkSecurityGroup>();
  /** When each entry was stored (ms, from `now`), for `fresh*`. */
  private readonly stored = new Map<string, number>();

  /**
   * `maxAgeMs` > 0 lets observe of other Services use a shared parent read or written less than
   * that long ago instead of reading it again (one read of the shared load balancer per interval
   * however many Services are verified). 0 (the default): every observe reads.
   */
  constructor(
    private readonly maxAgeMs = 0,
    private readonly now: () => number = Date.now,
  ) {}

  freshLoadBalancer(name: string): LoadBalancer | undefined {
    return this.fresh(`lb/${name.toLowerCase()}`) ? this.loadBalancer(name) : undefined;
  }
  freshSecurityGroup(name: string): NetworkSecurityGroup | undefined {
    return this.fresh(`nsg/${name.toLowerCase()}`) ? this.securityGroup(name) : undefined;
  }
  private fresh(key: string): boolean {
    const at = this.stored.get(key);
    return this.maxAgeMs > 0 && at !== undefined && this.now() - at < this.maxAgeMs;
  }
  /** Load balancers this provider deleted itself, so a second delete step needs no read. */
  private readonly deleted = new Set<string>();

  loadBalancer(name: string): LoadBalancer | undefined {
    return this.lbs.get(name.toLowerCase());
  }
  setLoadBalancer(lb: LoadBalancer): void {
    if (lb.name === undefined) return;
    this.lbs.set(lb.name.toLowerCase(), lb);
    this.stored.set(`lb/${lb.name.toLowerCase()}`, this.now());
    this.deleted.delete(lb.name.toLowerCase());
  }
  markLoadBalancerDeleted(name: string): void {
    this.dropLoadBalancer(name);
    this.deleted.add(name.toLowerCase());
  }
  /** True only until anything reads or writes that load balancer again. */
  isLoadBalancerDeleted(name: string): boolean {
    return this.deleted.has(name.toLowerCase());
  }
  dropLoadBalancer(name: string): void {
    this.lbs.delete(name.toLowerCase());
    this.stored.delete(`lb/${name.toLowerCase()}`);
  }
  securityGroup(name: string): NetworkSecurityGroup | undefined {
    return this.nsgs.get(name.toLowerCase());
  }
  setSecurityGroup(nsg: NetworkSecurityGroup): void {
    if (nsg.name === undefined) return;
    this.nsgs.set(nsg.name.toLowerCase(), nsg);
    this.stored.set(`nsg/${nsg.name.toLowerCase()}`, this.now());
  }
  dropSecurityGroup(name: string): void {
    this.nsgs.delete(name.toLowerCase());
    this.stored.delete(`nsg/${name.toLowerCase()}`);
  }
}
