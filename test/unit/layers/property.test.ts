import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { InvalidInputError } from '../../../src/core/errors.js';
import type { Service } from '../../../src/core/k8s.js';
import { allocateAll, LayerAllocator } from '../../../src/layers/index.js';

/** A small range so that collisions and full ranges actually happen. */
const CONFIG = { serviceCIDRs: ['10.96.0.0/26'], nodePortRange: { min: 30000, max: 30040 } };

const serviceArb = (i: number) =>
  fc
    .record({
      type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer') as fc.Arbitrary<
        'ClusterIP' | 'NodePort' | 'LoadBalancer'
      >,
      local: fc.boolean(),
      ports: fc.uniqueArray(
        fc.record({
          port: fc.integer({ min: 1, max: 6 }),
          nodePort: fc.oneof(
            { arbitrary: fc.constant(undefined), weight: 3 },
            { arbitrary: fc.integer({ min: 29999, max: 30041 }), weight: 1 },
          ),
        }),
        {
          minLength: 1,
          maxLength: 3,
          selector: (p) => p.port,
        },
      ),
    })
    .map(({ type, local, ports }): Service => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `s${i}`, namespace: 'default' },
      spec: {
        type,
        ...(type === 'LoadBalancer' && local ? { externalTrafficPolicy: 'Local' as const } : {}),
        ports: ports.map((p, j) => ({
          name: `p${j}`,
          port: p.port,
          ...(type !== 'ClusterIP' && p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
        })),
      },
    }));

const servicesArb = fc
  .integer({ min: 1, max: 25 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => serviceArb(i))));

function nodePortsOf(svc: Service): number[] {
  const ports = new Set(
    (svc.spec.ports ?? []).map((p) => p.nodePort).filter((p): p is number => p !== undefined),
  );
  return [...ports, ...(svc.spec.healthCheckNodePort ? [svc.spec.healthCheckNodePort] : [])];
}

describe('layers: properties', () => {
  it('allocateAll either refuses with InvalidInputError or gives every Service distinct, in-range ports and IPs', () => {
    fc.assert(
      fc.property(servicesArb, (input) => {
        let out: Service[];
        try {
          out = allocateAll(input, CONFIG);
        } catch (e) {
          return e instanceof InvalidInputError;
        }
        const ports = out.flatMap(nodePortsOf);
        const ips = out.map((s) => s.spec.clusterIP);
        const inRange = ports.every((p) => p >= 30000 && p <= 30040);
        const explicitKept = input.every((s, i) =>
          (s.spec.ports ?? []).every(
            (p, j) => p.nodePort === undefined || out[i]?.spec.ports?.[j]?.nodePort === p.nodePort,
          ),
        );
        const everyPortHasOne = out.every(
          (s) =>
            s.spec.type === 'ClusterIP' ||
            (s.spec.ports ?? []).every((p) => p.nodePort !== undefined),
        );
        return (
          new Set(ports).size === ports.length &&
          new Set(ips).size === ips.length &&
          inRange &&
          explicitKept &&
          everyPortHasOne
        );
      }),
      { numRuns: 300 },
    );
  });

  it('allocateAll is deterministic', () => {
    fc.assert(
      fc.property(servicesArb, (input) => {
        const run = () => {
          try {
            return allocateAll(input, CONFIG);
          } catch (e) {
            return (e as Error).message;
          }
        };
        expect(run()).toEqual(run());
      }),
      { numRuns: 100 },
    );
  });

  it('after any sequence of allocations and releases, usage counts exactly what the live Services hold', () => {
    fc.assert(
      fc.property(servicesArb, fc.array(fc.nat(), { maxLength: 40 }), (input, ops) => {
        const allocator = new LayerAllocator(CONFIG);
        const live = new Map<string, Service>();
        for (const op of ops) {
          const svc = input[op % input.length] as Service;
          const name = svc.metadata.name;
          const current = live.get(name);
          if (current !== undefined && op % 3 === 0) {
            allocator.release(current);
            live.delete(name);
            continue;
          }
          try {
            live.set(name, allocator.allocate(svc, current));
          } catch (e) {
            if (!(e instanceof InvalidInputError)) throw e;
          }
        }
        const held = [...live.values()];
        const ips = held.filter((s) => s.spec.clusterIP !== undefined).length;
        const ports = held.flatMap(nodePortsOf).length;
        expect(allocator.usage()).toEqual({ ips: { IPv4: ips }, nodePorts: ports });
      }),
      { numRuns: 200 },
    );
  });
});
