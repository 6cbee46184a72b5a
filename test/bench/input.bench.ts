// The input side of planning: layers (allocateAll) and intent (buildIntent), on the shapes the
// planning targets name: one Service with 10 ports × 1,000 nodes, and 10,000 Services × 50
// nodes. Prints median times and heap used; not a timed test.
import { performance } from 'node:perf_hooks';

import type { Node, Service } from '../../src/core/k8s.js';
import { buildIntent } from '../../src/intent/index.js';
import { allocateAll } from '../../src/layers/index.js';

/** 10,000 Services × 2 ports need more than the default 2,768 NodePorts. */
const WIDE = { serviceCIDRs: ['10.96.0.0/12'], nodePortRange: { min: 20000, max: 65535 } };

function nodes(n: number): Node[] {
  return Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: `node-${String(i).padStart(5, '0')}`,
      labels: { 'topology.kubernetes.io/zone': `us-east-1${'abc'[i % 3]}` },
    },
    spec: { providerID: `aws:///us-east-1${'abc'[i % 3]}/i-${i.toString(16).padStart(17, '0')}` },
    status: {
      addresses: [
        { type: 'InternalIP', address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
      ],
    },
  }));
}

function service(i: number, ports: number): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: `svc-${i}`,
      namespace: 'bench',
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    },
    spec: {
      type: 'LoadBalancer',
      ports: Array.from({ length: ports }, (_, p) => ({ name: `p${p}`, port: 8000 + p })),
    },
  };
}

function median(fn: () => void, runs: number): number {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? NaN;
}

export default async function bench(): Promise<void> {
  const opts = { clusterName: 'bench', provider: 'aws' as const };
  const thousand = nodes(1000);
  const one = [service(0, 10)];
  const layersOne = median(() => allocateAll(one), 50);
  const [allocated] = allocateAll(one);
  const intentOne = median(() => buildIntent(allocated as Service, thousand, opts), 50);
  process.stdout.write(
    `1 Service x 10 ports x 1,000 nodes: layers ${layersOne.toFixed(3)} ms, intent ${intentOne.toFixed(3)} ms (median of 50)\n`,
  );

  const many = Array.from({ length: 10_000 }, (_, i) => service(i, 2));
  const fifty = nodes(50);
  const before = process.memoryUsage().heapUsed;
  let all: Service[] = [];
  const layersMany = median(() => {
    all = allocateAll(many, WIDE);
  }, 5);
  const intentMany = median(() => {
    for (const s of all) buildIntent(s, fifty, opts);
  }, 5);
  const heap = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  process.stdout.write(
    `10,000 Services x 2 ports x 50 nodes: layers ${layersMany.toFixed(1)} ms, intents ${intentMany.toFixed(1)} ms (median of 5); heap growth ${heap.toFixed(1)} MiB\n`,
  );
  await Promise.resolve();
}
