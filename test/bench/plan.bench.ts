// Planner benchmark on synthetic resources (the end-to-end planning bench with real providers
// lives with the apply/CLI code). Prints median plan times and heap used.
import { performance } from 'node:perf_hooks';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import type { Resource, SchemaSet } from '../../src/core/resource.js';
import { plan } from '../../src/plan/index.js';

const schemas: SchemaSet = {
  lb: { type: 'lb', forceNew: ['scheme'], sets: ['subnets'], computed: ['arn', 'dns_name'] },
  tg: {
    type: 'tg',
    forceNew: ['protocol', 'port'],
    sets: ['targets'],
    computed: ['arn'],
  },
  listener: {
    type: 'listener',
    forceNew: [],
    sets: [],
    computed: ['arn'],
    references: ['load_balancer', 'target_group'],
  },
};
const provider = { name: 'bench', schemas };
const tags = {
  'kubernetes.io/cluster/bench': 'owned',
  'kubernetes.io/service-name': 'default/web',
};

function service(i: number): ServiceIdentity {
  return { namespace: 'default', name: `web-${i}`, uid: `uid-${i}` };
}

/** One load balancer, `ports` target groups of `targets` instances each, one listener per port. */
function graph(ports: number, targets: number, shift = 0): Resource[] {
  const out: Resource[] = [
    {
      type: 'lb',
      name: 'this',
      attributes: { scheme: 'external', subnets: ['s-1', 's-2', 's-3'], tags },
      dependsOn: [],
    },
  ];
  for (let p = 0; p < ports; p++) {
    const members: string[] = [];
    for (let t = 0; t < targets; t++)
      members.push(`i-${(t + shift).toString(16).padStart(17, '0')}:${30000 + p}`);
    out.push({
      type: 'tg',
      name: `tcp-${80 + p}`,
      attributes: {
        protocol: 'TCP',
        port: 30000 + p,
        targets: members,
        health_check: { protocol: 'TCP', port: 30000 + p, interval: 10, healthy: 3 },
        tags,
      },
      dependsOn: [],
    });
    out.push({
      type: 'listener',
      name: `tcp-${80 + p}`,
      attributes: {
        port: 80 + p,
        load_balancer: 'lb.this',
        target_group: `tg.tcp-${80 + p}`,
        tags,
      },
      dependsOn: ['lb.this', `tg.tcp-${80 + p}`],
    });
  }
  return out;
}

const observe = (rs: Resource[]): Resource[] =>
  rs.map((r) => ({
    ...r,
    id: `id-${r.name}`,
    attributes: { ...r.attributes, arn: `arn:${r.name}` },
  }));

/** The cloud lists members in its own order: the planner falls back from merging to hashing. */
function unsorted(r: Resource): Resource {
  const targets = r.attributes.targets;
  return Array.isArray(targets)
    ? { ...r, attributes: { ...r.attributes, targets: [...targets].reverse() } }
    : r;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function time(runs: number, fn: () => void): { median: number; p95: number } {
  for (let i = 0; i < Math.min(50, runs); i++) fn(); // warm up the JIT
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  xs.sort((a, b) => a - b);
  return { median: median(xs), p95: xs[Math.floor(xs.length * 0.95)] as number };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const ms = (x: number): string => `${x.toFixed(3)} ms`;

export default async function bench(): Promise<void> {
  const desired = graph(10, 1000);
  const cases: [string, Resource[]][] = [
    ['create (nothing observed)', []],
    ['no change', observe(graph(10, 1000))],
    ['targets +50 −50 per port', observe(graph(10, 1000, 50))],
    ['same, observed unsorted', observe(graph(10, 1000, 50)).map(unsorted)],
  ];
  process.stdout.write('one Service, 10 listeners x 1,000 targets (21 resources):\n');
  for (const [name, observed] of cases) {
    const t = time(300, () => plan({ service: service(0), provider, desired, observed }));
    process.stdout.write(`  ${name.padEnd(28)} median ${ms(t.median)}  p95 ${ms(t.p95)}\n`);
  }

  const small = Array.from({ length: 10_000 }, (_, i) => ({
    service: service(i),
    desired: graph(2, 50),
    observed: observe(graph(2, 50, i % 3)),
  }));
  const plans: unknown[] = [];
  const t0 = performance.now();
  for (const s of small) plans.push(plan({ ...s, provider }));
  const total = performance.now() - t0;
  process.stdout.write(
    `10,000 small plans (5 resources, 2 ports x 50 targets each): total ${ms(total)}, ` +
      `${ms(total / small.length)} per plan\n`,
  );
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const withPlans = process.memoryUsage().heapUsed;
  const count = plans.length;
  plans.length = 0;
  gc?.();
  const withoutPlans = process.memoryUsage().heapUsed;
  process.stdout.write(
    `heap used: ${mb(withPlans)} with inputs and plans, the 10,000 plans themselves ` +
      (gc === undefined
        ? '(run with node --expose-gc to measure)\n'
        : `${mb(withPlans - withoutPlans)} (${((withPlans - withoutPlans) / count / 1024).toFixed(1)} KiB per plan)\n`),
  );
  if (count !== small.length) throw new Error('lost plans');
}
