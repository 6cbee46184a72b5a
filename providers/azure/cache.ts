import type { LoadBalancer, NetworkSecurityGroup } from '@azure/arm-network';

/**
 * The last known state (with etag) of the shared parents, so a read-modify-write can start from
 * what observe or the previous write returned instead of reading again. Always safe: every write
 * carries `If-Match`, and a 412 drops the entry and re-reads.
 */
export class ArmCache {
  private readonly lbs = new Map<string, LoadBalancer>();
  private readonly nsgs = new Map<string, NetworkSecurityGroup>();
  /** Load balancers this provider deleted itself, so a second delete step needs no read. */
  private readonly deleted = new Set<string>();

  loadBalancer(name: string): LoadBalancer | undefined {
    return this.lbs.get(name.toLowerCase());
  }
  setLoadBalancer(lb: LoadBalancer): void {
    if (lb.name === undefined) return;
    this.lbs.set(lb.name.toLowerCase(), lb);
    this.deleted.delete(lb.name.toLowerCase());
  }
  markLoadBalancerDeleted(name: string): void {
    this.lbs.delete(name.toLowerCase());
    this.deleted.add(name.toLowerCase());
  }
  /** True only until anything reads or writes that load balancer again. */
  isLoadBalancerDeleted(name: string): boolean {
    return this.deleted.has(name.toLowerCase());
  }
  dropLoadBalancer(name: string): void {
    this.lbs.delete(name.toLowerCase());
  }
  securityGroup(name: string): NetworkSecurityGroup | undefined {
    return this.nsgs.get(name.toLowerCase());
  }
  setSecurityGroup(nsg: NetworkSecurityGroup): void {
    if (nsg.name !== undefined) this.nsgs.set(nsg.name.toLowerCase(), nsg);
  }
  dropSecurityGroup(name: string): void {
    this.nsgs.delete(name.toLowerCase());
  }
}
