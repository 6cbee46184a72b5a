import { LbctlError } from '../../../src/core/errors.js';
import type { KubeApi, LeaseRecord } from '../../../src/controller/kube.js';

/**
 * Leases with the API server's optimistic concurrency (409 on a stale resourceVersion), for
 * leader election unit tests; the end-to-end tests use the sandbox API server instead.
 */
export function leaseStore(): Pick<KubeApi, 'getLease' | 'createLease' | 'updateLease'> & {
  current(): LeaseRecord | undefined;
  down: boolean;
} {
  let lease: LeaseRecord | undefined;
  let rv = 0;
  const store = {
    down: false,
    current: () => lease,
    async getLease() {
      if (store.down) throw new LbctlError('transient', 'connection refused');
      return lease === undefined ? undefined : { ...lease };
    },
    async createLease(l: LeaseRecord) {
      if (store.down) throw new LbctlError('transient', 'connection refused');
      if (lease !== undefined) throw new LbctlError('conflict', 'already exists');
      lease = { ...l, resourceVersion: String(++rv) };
      return { ...lease };
    },
    async updateLease(l: LeaseRecord) {
      if (store.down) throw new LbctlError('transient', 'connection refused');
      if (lease === undefined || l.resourceVersion !== lease.resourceVersion) {
        throw new LbctlError('conflict', 'the object has been modified');
      }
      lease = { ...l, resourceVersion: String(++rv) };
      return { ...lease };
    },
  };
  return store;
}
