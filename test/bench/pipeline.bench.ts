// Planning time of the pure pipeline (intent + desired + plan) per provider, and peak memory.
// Targets (issue 2): one Service with 10 ports × 1,000 nodes in ≤ 5 ms (median), and a sweep
// of 10,000 Services × 50 nodes. `npm run bench pipeline` prints the figures.
import type { Node, Service } from '../../src/core/k8s.js';
import type { ProviderModel, ProviderModule, ProviderName } from '../../src/core/provider.js';
import { buildIntent } from '../../src/intent/index.js';
import { planService } from '../../src/pipeline/index.js';
import { plan } from '../../src/plan/index.js';

const PROVIDERS: readonly ProviderName[] = ['aws', 'gcp', 'azure'];

const zones = ['a', 'b', 'c'];
const providerIDs: Record<string, (i: number, zone: string) => string> = {
  aws: (i, z) => `aws:///us-east-1${z}/i-${i.toString(16).padStart(17, '0')}`,
  gcp: (i, z) => `gce://demo-project/us-central1-${z}/node-${i}`,
  azure: (i) =>
    `azure:///subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/node-${i}`,
};
const regionOf: Record<string, string> = { aws: 'us-east-1', gcp: 'us-central1', azure: 'eastus' };

export function nodes(count: number, provider: string): Node[] {
  const id = providerIDs[provider] ?? providerIDs['aws']!;
  return Array.from({ length: count }, (_, i) => {
    const zone = zones[i % zones.length]!;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: `node-${i}`,
        labels: {
          'topology.kubernetes.io/zone': `${regionOf[provider] ?? 'us-east-1'}${provider === 'aws' ? '' : '-'}${zone}`,
        },
      },
      spec: { providerID: id(i, zone) },
      status: {
        addresses: [
          { type: 'InternalIP', address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
        ],
      },
    };
  });
}

export function service(index: number, ports: number): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: `svc-${index}`,
      namespace: 'bench',
      uid: `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
    },
    spec: {
      type: 'LoadBalancer',
      clusterIP: `10.96.${(index >> 8) & 255}.${index & 255}`,
      clusterIPs: [`10.96.${(index >> 8) & 255}.${index & 255}`],
      ipFamilies: ['IPv4'],
      selector: { app: `svc-${index}` },
      ports: Array.from({ length: ports }, (_, p) => ({
        name: `p${p}`,
        protocol: 'TCP',
        port: 8000 + p,
        targetPort: 8000 + p,
        nodePort: 30000 + ((index * ports + p) % 2768),
      })),
    },
  };
}

async function models(): Promise<ProviderModel[]> {
  const out: ProviderModel[] = [];
  for (const name of PROVIDERS) {
    try {
      const mod = (await import(`../../providers/${name}/index.js`)) as {
        provider: ProviderModule;
      };
      out.push(mod.provider.model({ clusterName: 'bench', values: {}, env: {} }));
    } catch (e) {
      process.stdout.write(`  ${name}: skipped (${(e as Error).message.split('\n')[0]})\n`);
    }
  }
  return out;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Where the time goes, so a slow phase can be handed to its owner. */
function phaseMedians(
  model: ProviderModel,
  svc: Service,
  all: Node[],
): Record<'intent' | 'desired' | 'plan', string> {
  const t = { intent: [] as number[], desired: [] as number[], plan: [] as number[] };
  for (let i = 0; i < 100; i++) {
    const a = performance.now();
    const intent = buildIntent(svc, all, { clusterName: 'bench', provider: model.name });
    const b = performance.now();
    const desired = model.desired(intent);
    const c = performance.now();
    plan({ service: intent.service, provider: model, desired, observed: [] });
    t.intent.push(b - a);
    t.desired.push(c - b);
    t.plan.push(performance.now() - c);
  }
  return {
    intent: median(t.intent).toFixed(2),
    desired: median(t.desired).toFixed(2),
    plan: median(t.plan).toFixed(2),
  };
}

export default async function bench(): Promise<void> {
  const peak = { rss: 0, heap: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heap = Math.max(peak.heap, m.heapUsed);
  };
  for (const model of await models()) {
    const big = nodes(1_000, model.name);
    const svc = service(1, 10);
    const runs: number[] = [];
    for (let i = 0; i < 20; i++)
      await planService({
        service: svc,
        nodes: big,
        model,
        clusterName: 'bench',
        mode: 'allocated',
      });
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await planService({
        service: svc,
        nodes: big,
        model,
        clusterName: 'bench',
        mode: 'allocated',
      });
      runs.push(performance.now() - t);
    }
    sample();
    const phases = phaseMedians(model, svc, big);
    // The controller's hot path: a node joined, so every target set differs by one member.
    const before = await planService({
      service: svc,
      nodes: big.slice(1),
      model,
      clusterName: 'bench',
      mode: 'allocated',
    });
    const observed = before.desired.map((r, i) => ({ ...r, id: `id-${i}` }));
    const replans: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await planService({
        service: svc,
        nodes: big,
        model,
        observed,
        clusterName: 'bench',
        mode: 'allocated',
      });
      replans.push(performance.now() - t);
    }
    const p = await planService({
      service: svc,
      nodes: big,
      model,
      clusterName: 'bench',
      mode: 'allocated',
    });
    process.stdout.write(
      `  ${model.name}: 1 Service × 10 ports × 1,000 nodes: median ${median(runs).toFixed(2)} ms, ` +
        `p90 ${[...runs].sort((a, b) => a - b)[Math.floor(runs.length * 0.9)]!.toFixed(2)} ms ` +
        `(${runs.length} runs, ${p.plan.steps.length} steps; target ≤ 5 ms)\n` +
        `    phases (median): intent ${phases.intent} ms, desired ${phases.desired} ms, plan ${phases.plan} ms\n` +
        `    re-plan after one node joined (diff against 10 × 999 observed targets): median ${median(replans).toFixed(2)} ms\n`,
    );

    const fifty = nodes(50, model.name);
    const t = performance.now();
    // Kept, as `lbctl plan` keeps every plan to render it: the memory figure includes them.
    const kept: unknown[] = [];
    let steps = 0;
    for (let i = 0; i < 10_000; i++) {
      const r = await planService({
        service: service(i, 2),
        nodes: fifty,
        model,
        clusterName: 'bench',
        mode: 'allocated',
      });
      steps += r.plan.steps.length;
      kept.push(r);
      if (i % 500 === 0) sample();
    }
    const total = performance.now() - t;
    sample();
    const heapWithPlans = process.memoryUsage().heapUsed;
    process.stdout.write(
      `  ${model.name}: 10,000 Services × 2 ports × 50 nodes: ${(total / 1000).toFixed(2)} s total, ` +
        `${((total / 10_000) * 1000).toFixed(0)} µs per Service (${steps} steps, ${kept.length} plans kept; heap used with them: ${mb(heapWithPlans)})\n`,
    );
    kept.length = 0;
  }
  process.stdout.write(`  peak memory: RSS ${mb(peak.rss)}, heap used ${mb(peak.heap)}\n`);
}
