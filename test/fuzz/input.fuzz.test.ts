// Fuzz test of the input side (issue 14): seeded malformed and boundary objects through the CLI's
// `main`, in-process and offline, on aws, gcp and azure. Asserts no crash, no internal error, no
// `[object Object]`/`NaN`/`undefined` in a message, and that known-invalid objects are refused and
// known-valid ones planned. The sandbox-over-HTTP half is left for when the sandbox decodes with
// src/k8s/objects.ts: POST the same generated objects (`service`, `oddNode`, RAW_YAML) to the
// sandbox and assert 201 or a 4xx Status whose message passes `assertClean` — never a 500.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 14);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 60);
const PROVIDERS = ['aws', 'gcp', 'azure'] as const;
const dir = mkdtempSync(join(tmpdir(), 'lbctl-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NODES: Record<string, string> = {
  aws: 'aws:///us-east-1a/i-0123456789abcdef0',
  gcp: 'gce://proj/us-central1-a/n1',
  azure:
    'azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/n1',
};
const node = (provider: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z1' } },
  spec: { providerID: NODES[provider] },
  status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
});

const ANNOTATIONS = [
  'lbctl.io/scheme',
  'lbctl.io/healthcheck-interval',
  'lbctl.io/healthcheck-port',
  'lbctl.io/healthcheck-path',
  'lbctl.io/health-check',
  'lbctl.io/tags',
  'lbctl.io/load-balancer-ips',
  'service.beta.kubernetes.io/load-balancer-source-ranges',
  'service.beta.kubernetes.io/aws-load-balancer-internal',
  'service.beta.kubernetes.io/aws-load-balancer-subnets',
  'service.beta.kubernetes.io/aws-load-balancer-eip-allocations',
  'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes',
  'service.beta.kubernetes.io/azure-pip-name',
  'service.beta.kubernetes.io/azure-load-balancer-ipv4',
  'cloud.google.com/network-tier',
  'networking.gke.io/load-balancer-type',
  '__proto__',
  'constructor',
  'a/b/c',
];

const weird = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constant('__proto__'),
  fc.constant('a\nb'),
  fc.constant('e5'),
  fc.constant(0),
  fc.constant(-1),
  fc.constant(65536),
  fc.constant(2 ** 40),
  fc.constant(true),
  fc.constant([]),
  fc.constant({}),
  fc.constant([null]),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.integer(),
  fc.double(),
  fc.constant('x'.repeat(70_000)),
);
const value = fc.oneof(
  { weight: 3, arbitrary: weird },
  fc.constantFrom('TCP', 'Local', 'ClientIP', '10.0.0.0/8', 'true', '80', 'http'),
);

/** Mostly the good value; sometimes an odd one (fast-check shrinks to the field that matters). */
const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: value });
const none = fc.constant(undefined);

/** A Service, often valid, with some fields replaced by odd values. */
const service = fc
  .record({
    name: mostly(fc.constantFrom('web', 'a', 'api-2')),
    namespace: mostly(fc.constantFrom('default', '', 'team-a')),
    uid: mostly(fc.uuid().map((u) => u.toUpperCase())),
    annotations: fc.oneof(
      { weight: 2, arbitrary: none },
      fc.dictionary(fc.constantFrom(...ANNOTATIONS), value, { maxKeys: 3 }),
    ),
    labels: fc.oneof(
      { weight: 3, arbitrary: none },
      fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 2 }),
    ),
    field: fc.constantFrom(
      'type',
      'ports',
      'clusterIP',
      'clusterIPs',
      'externalTrafficPolicy',
      'internalTrafficPolicy',
      'sessionAffinity',
      'sessionAffinityConfig',
      'loadBalancerSourceRanges',
      'loadBalancerClass',
      'loadBalancerIP',
      'healthCheckNodePort',
      'ipFamilyPolicy',
      'ipFamilies',
      'selector',
      'externalIPs',
      '__proto__',
    ),
    fieldValue: fc.oneof({ weight: 1, arbitrary: none }, { weight: 2, arbitrary: value }),
    portField: fc.constantFrom('port', 'protocol', 'targetPort', 'nodePort', 'name', 'appProtocol'),
    portValue: fc.oneof({ weight: 2, arbitrary: none }, { weight: 1, arbitrary: value }),
    deep: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  })
  .map((r) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: r.name,
      namespace: r.namespace,
      uid: r.uid,
      annotations: r.annotations,
      labels: r.labels,
    },
    spec: {
      type: 'LoadBalancer',
      ports: [r.portValue === undefined ? { port: 80 } : { port: 80, [r.portField]: r.portValue }],
      ...(r.fieldValue === undefined ? {} : { [r.field]: r.fieldValue }),
      ...(r.deep ? { unknownDeep: JSON.parse('['.repeat(2000) + ']'.repeat(2000)) } : {}),
    },
  }));

const oddNode = fc
  .record({
    field: fc.constantFrom('addresses', 'taints', 'labels', 'name', 'providerID'),
    v: value,
  })
  .map(({ field, v }) => {
    const n = node('aws') as Record<string, unknown>;
    if (field === 'addresses') n['status'] = { addresses: [v, { type: 'InternalIP', address: v }] };
    if (field === 'taints')
      n['spec'] = { ...(n['spec'] as object), taints: [v, { key: v, effect: v }] };
    if (field === 'labels')
      n['metadata'] = { name: 'n1', labels: { [typeof v === 'string' ? v : 'k']: v } };
    if (field === 'name') n['metadata'] = { name: v };
    if (field === 'providerID') n['spec'] = { providerID: v };
    return n;
  });

const RAW_YAML = [
  'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: LoadBalancer, ports: [{port: e5}]}\n',
  'a: &a [x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f]\n',
  'apiVersion: v1\nkind: Service\nmetadata: {name: web\n',
  '[1, 2, 3]\n',
  '"just a string"\n',
  'kind: 5\napiVersion: v1\n',
  'apiVersion: v1\nkind: List\nitems: {a: 1}\n',
  `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: ${'['.repeat(3000)}\n`,
  'apiVersion: v1\nkind: Service\nmetadata: {name: web, uid: .inf}\nspec: {ports: [{port: 80}]}\n',
];

/** One plan through main; returns the exit code and what was written. */
async function plan(
  provider: string,
  docs: readonly unknown[],
  raw?: string,
): Promise<{ code: number; out: string }> {
  const file = join(dir, `in-${provider}.yaml`);
  writeFileSync(file, raw ?? docs.map((d) => JSON.stringify(d)).join('\n---\n'));
  const chunks: string[] = [];
  const write = (s: string | Uint8Array) => (chunks.push(String(s)), true);
  const out = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation(write as typeof process.stdout.write);
  const err = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation(write as typeof process.stderr.write);
  try {
    const code = await main([
      'plan',
      '--offline',
      '--provider',
      provider,
      '--cluster-name',
      'fuzz',
      '-f',
      file,
    ]);
    return { code, out: chunks.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const counts = { plans: 0, refused: 0, planned: 0 };

function assertClean(out: string): void {
  expect(out).not.toMatch(
    /\[object Object\]|\bNaN\b|\bundefined\b|Cannot read properties|Maximum call stack|TypeError|RangeError/,
  );
  for (const line of out.split('\n'))
    if (line.startsWith('Error: ')) expect(line.length).toBeGreaterThan(10);
}

describe(`input fuzz (seed ${SEED}, ${RUNS} runs per generator and provider)`, () => {
  afterAll(() => {
    process.stdout.write(
      `input fuzz: ${counts.plans} plans, ${counts.planned} planned, ${counts.refused} refused, 0 crashes\n`,
    );
  });

  for (const provider of PROVIDERS) {
    it(`malformed Services on ${provider}: refused cleanly or planned, never a crash`, async () => {
      await fc.assert(
        fc.asyncProperty(service, async (s) => {
          const r = await plan(provider, [node(provider), s]);
          counts.plans++;
          expect([0, 1]).toContain(r.code);
          if (r.code === 0) counts.planned++;
          else counts.refused++;
          if (process.env['FUZZ_DEBUG'] !== undefined && r.code !== 0)
            process.stdout.write(
              `${r.out
                .split('\n')
                .find((l) => l.startsWith('Error'))
                ?.slice(0, 200)}\n`,
            );
          assertClean(r.out);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    }, 60_000);
  }

  it('odd Nodes and raw YAML: refused cleanly, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(oddNode, async (n) => {
        const r = await plan('aws', [
          n,
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'web' },
            spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
          },
        ]);
        counts.plans++;
        if (r.code === 0) counts.planned++;
        else counts.refused++;
        expect([0, 1]).toContain(r.code);
        assertClean(r.out);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    for (const raw of RAW_YAML) {
      const r = await plan('gcp', [], raw);
      counts.plans++;
      counts.refused++;
      expect(r.code).toBe(1);
      assertClean(r.out);
    }
  }, 60_000);

  it.each(PROVIDERS)(
    'known-valid objects are planned and known-invalid ones refused on %s',
    async (provider) => {
      const valid = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', uid: '5F1C2A3E-8B9D-4C7A-9E01-0000000000A1' },
        spec: {
          type: 'LoadBalancer',
          clusterIP: null,
          ports: [{ port: 80, protocol: '', targetPort: 0, nodePort: null }],
        },
      };
      const ok = await plan(provider, [node(provider), valid]);
      expect(ok.code, ok.out).toBe(0);
      const invalid = [
        { ...valid, metadata: { name: 'Bad_Name' } },
        { ...valid, metadata: { name: 'web2', uid: 'NOT-A-UUID!!' } },
        { ...valid, metadata: { name: 'web3', annotations: { 'a/b/c': 'x' } } },
      ];
      const bad = await plan(provider, [node(provider), ...invalid]);
      expect(bad.code).toBe(1);
      expect(bad.out.match(/document \d+ \(Service/g)?.length).toBe(3); // every error at once
      assertClean(bad.out);
    },
  );
});
