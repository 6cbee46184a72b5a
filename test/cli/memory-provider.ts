import { createCallLog } from '../../src/core/calls.js';
import { LbctlError } from '../../src/core/errors.js';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import type { Provider, ProviderModel, ProviderModule } from '../../src/core/provider.js';
import { addressOf, type Resource } from '../../src/core/resource.js';
import { ownershipTags } from '../../src/core/tags.js';

/**
 * A provider whose "cloud" is a Map, for testing the generic CLI and apply engine end to end
 * (manifests → plan → confirm → apply → saved plans) without any SDK. Two resource types: a
 * load balancer (scheme forces replacement) and one listener per port that references it.
 */
export function memoryProviderModule(
  options: { failOn?: string; holdsAddress?: boolean; observeError?: Error } = {},
) {
  const cloud = new Map<string, Resource>(); // by `${serviceKey} ${address}`
  let observeError = options.observeError;
  const writes: string[] = [];
  let nextId = 1;
  const model: ProviderModel = {
    name: 'local',
    schemas: {
      mem_lb: {
        type: 'mem_lb',
        forceNew: ['scheme'],
        sets: ['targets'],
        computed: ['hostname'],
        ...(options.holdsAddress === true ? { holdsAddress: {} } : {}),
      },
      mem_listener: {
        type: 'mem_listener',
        forceNew: [],
        sets: [],
        computed: [],
        references: ['lb'],
      },
    },
    desired(intent: LoadBalancerIntent): Resource[] {
      const tags = (address: string) => ownershipTags(intent.clusterName, intent.service, address);
      return [
        {
          type: 'mem_lb',
          name: 'this',
          attributes: {
            scheme: intent.scheme,
            targets: intent.targets.map((t) => t.nodeName),
            tags: tags('mem_lb.this'),
          },
          dependsOn: [],
        },
        ...intent.listeners.map((l) => ({
          type: 'mem_listener',
          name: l.name,
          attributes: {
            lb: 'mem_lb.this',
            port: l.port,
            node_port: l.nodePort,
            tags: tags(`mem_listener.${l.name}`),
          },
          dependsOn: ['mem_lb.this'],
        })),
      ];
    },
    ingress: (resources) =>
      resources
        .filter((r) => r.type === 'mem_lb')
        .map((r) => ({ hostname: String(r.attributes['hostname']) })),
  };
  const key = (svc: { namespace: string; name: string }, address: string) =>
    `${svc.namespace}/${svc.name} ${address}`;
  const provider = (): Provider => ({
    ...model,
    calls: createCallLog(),
    sweep: () => Promise.resolve([]),
    observe({ service }) {
      if (observeError !== undefined) return Promise.reject(observeError);
      const prefix = `${service.namespace}/${service.name} `;
      return Promise.resolve([...cloud].filter(([k]) => k.startsWith(prefix)).map(([, r]) => r));
    },
    execute({ step, state }, ctx) {
      const svcKey = step.before ?? step.after;
      if (svcKey === undefined) throw new Error('step without a resource');
      const tagsOf = (r: Resource) => r.attributes['tags'] as Record<string, string>;
      const svc = tagsOf(svcKey)['kubernetes.io/service-name']!.split('/');
      const k = key({ namespace: svc[0]!, name: svc[1]! }, step.address);
      writes.push(`${step.action} ${k}`);
      if (options.failOn === step.address)
        return Promise.reject(new LbctlError('terminal', 'AccessDenied'));
      if (step.action === 'delete') {
        cloud.delete(k);
        return Promise.resolve(undefined);
      }
      const after = step.after!;
      const lbRef = after.attributes['lb'];
      if (typeof lbRef === 'string' && state.get(lbRef)?.id === undefined) {
        return Promise.reject(new Error(`${step.address}: ${lbRef} has no id in the state`));
      }
      const id = step.before?.id ?? `mem-${nextId++}`;
      const hostname =
        after.type === 'mem_lb' ? { hostname: `${id}.${ctx.clusterName}.example` } : {};
      const created: Resource = { ...after, id, attributes: { ...after.attributes, ...hostname } };
      cloud.set(k, created);
      return Promise.resolve(created);
    },
  });
  const module: ProviderModule = {
    name: 'local',
    model: () => model,
    isConfigured: () => true,
    connect: () => Promise.resolve(provider()),
  };
  return {
    module,
    cloud,
    writes,
    addresses: () => [...cloud.values()].map(addressOf).sort(),
    /** From now on every observe fails with `e`. */
    failObserve: (e: Error) => (observeError = e),
  };
}
