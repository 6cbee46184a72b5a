import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  PatchStrategy,
  V1MicroTime,
  setHeaderOptions,
  type CoreV1Event,
  type KubeConfig,
  type V1Lease,
  type V1Service,
} from '@kubernetes/client-node';
import { LbctlError } from '../core/errors.js';
import type { Node, Service } from '../core/k8s.js';

/**
 * Every Kubernetes API call the controller makes, in one table. The RBAC rules in
 * infra/deploy are checked against it (test/controller/deploy.test.ts), so a call added here
 * without its permission, or a permission without a call, fails the tests.
 */
export const KUBE_API_CALLS = {
  listServices: { group: '', resource: 'services', verb: 'list', scope: 'cluster' },
  watchServices: { group: '', resource: 'services', verb: 'watch', scope: 'cluster' },
  getService: { group: '', resource: 'services', verb: 'get', scope: 'cluster' },
  /** Adds and removes the finalizer; the spec is sent back unchanged. */
  updateService: { group: '', resource: 'services', verb: 'update', scope: 'cluster' },
  patchServiceStatus: { group: '', resource: 'services/status', verb: 'patch', scope: 'cluster' },
  listNodes: { group: '', resource: 'nodes', verb: 'list', scope: 'cluster' },
  watchNodes: { group: '', resource: 'nodes', verb: 'watch', scope: 'cluster' },
  createEvent: { group: '', resource: 'events', verb: 'create', scope: 'cluster' },
  /** Repeated events are aggregated by patching their count, as client-go's recorder does. */
  patchEvent: { group: '', resource: 'events', verb: 'patch', scope: 'cluster' },
  getLease: { group: 'coordination.k8s.io', resource: 'leases', verb: 'get', scope: 'namespace' },
  createLease: {
    group: 'coordination.k8s.io',
    resource: 'leases',
    verb: 'create',
    scope: 'namespace',
  },
  updateLease: {
    group: 'coordination.k8s.io',
    resource: 'leases',
    verb: 'update',
    scope: 'namespace',
  },
} as const;

/** A Lease as leader election reads and writes it; times are epoch milliseconds. */
export interface LeaseRecord {
  namespace: string;
  name: string;
  resourceVersion?: string;
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTimeMs?: number;
  renewTimeMs?: number;
  leaseTransitions: number;
}

/** The writes and point reads the controller makes (list and watch go through the informers). */
export interface KubeApi {
  /** undefined when the Service does not exist. */
  getService(namespace: string, name: string): Promise<Service | undefined>;
  /** PUT with the object's resourceVersion: a conflict is an LbctlError of kind `conflict`. */
  updateService(service: Service): Promise<Service>;
  /** A JSON merge patch of `status` on the status subresource (`null` removes a field). */
  patchServiceStatus(
    namespace: string,
    name: string,
    status: Record<string, unknown>,
  ): Promise<Service>;
  createEvent(event: CoreV1Event): Promise<CoreV1Event>;
  patchEvent(namespace: string, name: string, patch: Record<string, unknown>): Promise<CoreV1Event>;
  getLease(namespace: string, name: string): Promise<LeaseRecord | undefined>;
  createLease(lease: LeaseRecord): Promise<LeaseRecord>;
  updateLease(lease: LeaseRecord): Promise<LeaseRecord>;
}

export function createKubeApi(kc: KubeConfig): KubeApi {
  const core = kc.makeApiClient(CoreV1Api);
  const coordination = kc.makeApiClient(CoordinationV1Api);
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  return {
    async getService(namespace, name) {
      try {
        return plain<Service>(await core.readNamespacedService({ namespace, name }));
      } catch (e) {
        if (e instanceof ApiException && e.code === 404) return undefined;
        throw kubeError(e, `get Service ${namespace}/${name}`);
      }
    },
    async updateService(service) {
      const { namespace = '', name } = service.metadata;
      try {
        return plain<Service>(
          await core.replaceNamespacedService({
            namespace,
            name,
            body: service as unknown as V1Service,
          }),
        );
      } catch (e) {
        throw kubeError(e, `update Service ${namespace}/${name}`);
      }
    },
    async patchServiceStatus(namespace, name, status) {
      try {
        return plain<Service>(
          await core.patchNamespacedServiceStatus({ namespace, name, body: { status } }, merge),
        );
      } catch (e) {
        throw kubeError(e, `patch status of Service ${namespace}/${name}`);
      }
    },
    async createEvent(event) {
      const namespace = event.metadata.namespace ?? 'default';
      try {
        return await core.createNamespacedEvent({ namespace, body: event });
      } catch (e) {
        throw kubeError(e, `create Event in ${namespace}`);
      }
    },
    async patchEvent(namespace, name, patch) {
      try {
        return await core.patchNamespacedEvent({ namespace, name, body: patch }, merge);
      } catch (e) {
        throw kubeError(e, `patch Event ${namespace}/${name}`);
      }
    },
    async getLease(namespace, name) {
      try {
        return fromLease(await coordination.readNamespacedLease({ namespace, name }));
      } catch (e) {
        if (e instanceof ApiException && e.code === 404) return undefined;
        throw kubeError(e, `get Lease ${namespace}/${name}`);
      }
    },
    async createLease(lease) {
      try {
        return fromLease(
          await coordination.createNamespacedLease({
            namespace: lease.namespace,
            body: toLease(lease),
          }),
        );
      } catch (e) {
        throw kubeError(e, `create Lease ${lease.namespace}/${lease.name}`);
      }
    },
    async updateLease(lease) {
      try {
        return fromLease(
          await coordination.replaceNamespacedLease({
            namespace: lease.namespace,
            name: lease.name,
            body: toLease(lease),
          }),
        );
      } catch (e) {
        throw kubeError(e, `update Lease ${lease.namespace}/${lease.name}`);
      }
    },
  };
}

/** List functions for the informers, returning plain JSON objects like the watch does. */
export function listers(kc: KubeConfig) {
  const core = kc.makeApiClient(CoreV1Api);
  return {
    services: async () =>
      plain<{ metadata?: { resourceVersion?: string }; items: Service[] }>(
        await core.listServiceForAllNamespaces(),
      ),
    nodes: async () =>
      plain<{ metadata?: { resourceVersion?: string }; items: Node[] }>(await core.listNode()),
  };
}

/**
 * The generated client returns class instances with Date fields while the watch yields plain
 * JSON; one JSON round trip gives the same plain shape everywhere (dates as RFC 3339 strings).
 */
function plain<T>(o: unknown): T {
  return JSON.parse(JSON.stringify(o)) as T;
}

function fromLease(l: V1Lease): LeaseRecord {
  const ms = (d: Date | undefined) => (d === undefined ? undefined : new Date(d).getTime());
  const acquire = ms(l.spec?.acquireTime);
  const renew = ms(l.spec?.renewTime);
  return {
    namespace: l.metadata?.namespace ?? '',
    name: l.metadata?.name ?? '',
    ...(l.metadata?.resourceVersion === undefined
      ? {}
      : { resourceVersion: l.metadata.resourceVersion }),
    holderIdentity: l.spec?.holderIdentity ?? '',
    leaseDurationSeconds: l.spec?.leaseDurationSeconds ?? 0,
    ...(acquire === undefined ? {} : { acquireTimeMs: acquire }),
    ...(renew === undefined ? {} : { renewTimeMs: renew }),
    leaseTransitions: l.spec?.leaseTransitions ?? 0,
  };
}

function toLease(r: LeaseRecord): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      namespace: r.namespace,
      name: r.name,
      ...(r.resourceVersion === undefined ? {} : { resourceVersion: r.resourceVersion }),
    },
    spec: {
      holderIdentity: r.holderIdentity,
      leaseDurationSeconds: r.leaseDurationSeconds,
      leaseTransitions: r.leaseTransitions,
      ...(r.acquireTimeMs === undefined ? {} : { acquireTime: new V1MicroTime(r.acquireTimeMs) }),
      ...(r.renewTimeMs === undefined ? {} : { renewTime: new V1MicroTime(r.renewTimeMs) }),
    },
  };
}

/** API errors as typed errors: 409 conflict, 404 not-found, 429/5xx transient, the rest terminal. */
export function kubeError(e: unknown, what: string): LbctlError {
  if (e instanceof ApiException) {
    const code = e.code;
    const detail = statusMessage(e.body) ?? e.message;
    const kind =
      code === 409
        ? 'conflict'
        : code === 404
          ? 'not-found'
          : code === 429 || code >= 500
            ? 'transient'
            : 'terminal';
    return new LbctlError(kind, `${what}: HTTP ${code}: ${detail}`, { cause: e });
  }
  return new LbctlError('transient', `${what}: ${e instanceof Error ? e.message : String(e)}`, {
    cause: e,
  });
}

function statusMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    try {
      return statusMessage(JSON.parse(body));
    } catch {
      return body.slice(0, 300);
    }
  }
  if (
    body !== null &&
    typeof body === 'object' &&
    'message' in body &&
    typeof body.message === 'string'
  ) {
    return body.message;
  }
  return undefined;
}
