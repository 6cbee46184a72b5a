import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { call } from './http-support.js';

/**
 * Seeded malformed and boundary Services and Nodes POSTed to the sandbox over HTTP: every
 * answer is 201 or a 4xx Status whose message names no JavaScript value, never a 500.
 */

const SEED = Number(process.env['FUZZ_SEED'] ?? 13);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 150);

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const weird = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constant(0),
  fc.constant(-1),
  fc.constant(true),
  fc.constant('e5'),
  fc.constant('1:30'),
  fc.constant([null]),
  fc.constant({}),
  fc.constant({ __proto__: { x: 1 } }),
  fc.constant('a'.repeat(300)),
  fc.string({ maxLength: 12 }),
  fc.integer(),
);
const maybe = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: a }, { weight: 1, arbitrary: weird });

const port = fc.record(
  {
    name: maybe(fc.constantFrom('http', 'Bad_Name', 'a-b')),
    port: maybe(fc.integer({ min: 0, max: 70000 })),
    protocol: maybe(fc.constantFrom('TCP', 'UDP', 'SCTP', 'HTTP')),
    targetPort: maybe(fc.oneof(fc.integer({ min: 0, max: 70000 }), fc.constantFrom('http', 'x_y'))),
    nodePort: maybe(fc.integer({ min: 29000, max: 33000 })),
  },
  { requiredKeys: [] },
);

const service = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Service'),
  metadata: fc.record({ name: fc.constantFrom('s1', 's2', 'Bad_Name', 'x'.repeat(70)) }),
  spec: fc.record(
    {
      type: maybe(
        fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName', 'Bogus'),
      ),
      ports: maybe(fc.array(maybe(port), { maxLength: 3 })),
      selector: maybe(
        fc.dictionary(fc.constantFrom('app', 'a/b/c', ''), maybe(fc.constant('web'))),
      ),
      clusterIP: maybe(fc.constantFrom('None', '10.96.0.50', 'not-an-ip')),
      externalTrafficPolicy: maybe(fc.constantFrom('Local', 'Cluster')),
      loadBalancerSourceRanges: maybe(fc.array(maybe(fc.constantFrom('10.0.0.0/8', 'bad')))),
      loadBalancerClass: maybe(fc.constantFrom('example.com/lb', 'a/b/c')),
      sessionAffinity: maybe(fc.constantFrom('ClientIP', 'None')),
      externalName: maybe(fc.constantFrom('example.com', 'Not A Name')),
    },
    { requiredKeys: [] },
  ),
});

const JS_LEAK = /\[object Object\]|\bNaN\b|\bundefined\b|Cannot read properties|is not a function/;

describe('the sandbox never crashes on generated input', { timeout: 120_000 }, () => {
  it('answers every generated Service with 201 or a clean 4xx Status', async () => {
    const counts = { created: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(service, async (svc) => {
        const r = await call(sandbox.url, 'POST', '/api/v1/namespaces/default/services', {
          body: svc,
        });
        expect(
          r.status === 201 || (r.status >= 400 && r.status < 500),
          JSON.stringify(r.body),
        ).toBe(true);
        if (r.status === 201) {
          counts.created++;
          await call(
            sandbox.url,
            'DELETE',
            `/api/v1/namespaces/default/services/${String(svc.metadata.name)}`,
          );
        } else {
          counts.refused++;
          expect(String(r.body['message'])).not.toMatch(JS_LEAK);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(counts.refused).toBeGreaterThan(0);
    // A known-valid sample is still accepted after all that.
    const valid = await call(sandbox.url, 'POST', '/api/v1/namespaces/default/services', {
      body: { metadata: { name: 'ok' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } },
    });
    expect(valid.status).toBe(201);
    // eslint-disable-next-line no-console -- the counts the fuzz test prints
    console.log(
      `sandbox fuzz (seed ${SEED}): ${counts.created} created, ${counts.refused} refused, 0 crashes`,
    );
  });

  it('refuses deep nesting and prototype keys without a 500', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 2000; i++) deep = [deep];
    const bodies = [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'd' },
        spec: { ports: [{ port: 80 }], bogus: deep },
      },
      '{"apiVersion":"v1","kind":"Service","metadata":{"name":"p"},"spec":{"__proto__":{"type":"NodePort"},"ports":[{"port":80}]}}',
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'n' }, spec: { ports: [null] } },
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'n1' },
        status: { addresses: [null] },
        spec: { taints: [null] },
      },
    ];
    for (const body of bodies) {
      const path =
        typeof body !== 'string' && body.kind === 'Node'
          ? '/api/v1/nodes'
          : '/api/v1/namespaces/default/services';
      const r = await call(sandbox.url, 'POST', path, { body });
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
      expect(String(r.body['message'] ?? '')).not.toMatch(JS_LEAK);
    }
  });
});
