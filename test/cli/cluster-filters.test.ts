// `lbctl plan` against a cluster (the sandbox API server): a filter that matches nothing warns,
// and an unknown context is kubectl's error (issue 11, points 1 and 3).
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan, type PlanFlags } from '../../src/cli/commands/plan.js';
import { localProviderModule } from '../../providers/local/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { recordingDeps, writeFiles } from './support.js';
import type { ProviderModule } from '../../src/core/provider.js';

let sandbox: Sandbox;
beforeAll(async () => {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(`${tmpdir()}/lbctl-filters-`);
  sandbox = await startSandbox({ kubeconfigPath: `${dir}/kubeconfig` });
});
afterAll(async () => {
  await sandbox.close();
});

const flags = (extra: Partial<PlanFlags>): PlanFlags =>
  ({
    provider: 'local',
    clusterName: 'demo',
    set: [],
    color: false,
    kubeconfig: sandbox.kubeconfigPath,
    ...extra,
  }) as PlanFlags;

describe('plans against a cluster', () => {
  it('warns when the namespace and selector match no Service', async () => {
    const h = recordingDeps({ loadProvider: () => Promise.resolve(localProviderModule()) });
    expect(await runPlan(flags({ namespace: 'web', selector: 'app=none' }), h.deps)).toBe(0);
    expect(h.stderr()).toContain(
      'Warning: no Service found in namespace web matching selector "app=none": nothing to plan',
    );
  });

  it('warns when the Services found are none of type LoadBalancer', async () => {
    const h = recordingDeps({ loadProvider: () => Promise.resolve(localProviderModule()) });
    expect(await runPlan(flags({ namespace: 'default' }), h.deps)).toBe(0);
    expect(h.stderr()).toContain(
      'Warning: no Service of type LoadBalancer found in namespace default (one Service of another type: default/kubernetes): nothing to plan',
    );
  });

  it('observes --parallelism Services at once, as a plan from files does', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'par' } } });
    for (const name of ['p1', 'p2', 'p3', 'p4']) {
      await core.createNamespacedService({
        namespace: 'par',
        body: {
          metadata: { name, labels: { suite: 'parallel' } },
          spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
        },
      });
    }
    let inFlight = 0;
    let most = 0;
    const base = localProviderModule();
    const module: ProviderModule = {
      ...base,
      connect: async (settings, options) => {
        const p = await base.connect(settings, options);
        return {
          ...p,
          observe: async (key, ctx) => {
            most = Math.max(most, ++inFlight);
            await new Promise((r) => setTimeout(r, 20));
            inFlight--;
            return p.observe(key, ctx);
          },
        };
      },
    };
    const h = recordingDeps({ loadProvider: () => Promise.resolve(module) });
    await runPlan(flags({ namespace: 'par', parallelism: 3 }), h.deps);
    expect(h.stdout()).toContain('Plan: ');
    expect(most).toBe(3);
  });

  it("a proposed file that takes a live NodePort: the files mode's form of the error", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'prop' } } });
    await core.createNamespacedService({
      namespace: 'prop',
      body: {
        metadata: { name: 'live' },
        spec: { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 31555 }] },
      },
    });
    const f = await writeFiles({
      'new.yaml': `apiVersion: v1
kind: Service
metadata: { name: next, namespace: prop }
spec:
  type: LoadBalancer
  ports: [{ port: 80, nodePort: 31555 }]
`,
    });
    const h = recordingDeps({ loadProvider: () => Promise.resolve(localProviderModule()) });
    await expect(
      runPlan(flags({ cluster: true, filename: [f['new.yaml']!], offline: true }), h.deps),
    ).rejects.toThrow(
      `${f['new.yaml']!}, document 1 (Service prop/next): spec.ports[0].nodePort: Invalid value: 31555: provided port is already allocated`,
    );
  });

  it("an unknown --context is kubectl's error", async () => {
    const h = recordingDeps({ loadProvider: () => Promise.resolve(localProviderModule()) });
    await expect(runPlan(flags({ context: 'nope' }), h.deps)).rejects.toThrow(
      'context "nope" does not exist',
    );
  });
});

describe("a cluster that refuses: kubectl's words, not client-node's dump", () => {
  let rbac: Sandbox;
  beforeAll(async () => {
    rbac = await startSandbox({ authorization: 'RBAC' });
  });
  afterAll(async () => {
    await rbac.close();
  });
  const plan = async (kubeconfig: string) => {
    const f = await writeFiles({ kubeconfig });
    const h = recordingDeps({ loadProvider: () => Promise.resolve(localProviderModule()) });
    return runPlan(flags({ kubeconfig: f['kubeconfig']! }), h.deps);
  };

  it('a refused connection', async () => {
    const dead = sandbox.kubeconfig().replace(/http:\/\/127\.0\.0\.1:\d+/, 'http://127.0.0.1:1');
    await expect(plan(dead)).rejects.toThrow(
      /^The connection to the server 127\.0\.0\.1:1 was refused - did you specify the right host or port\?$/,
    );
  });

  it('a token the server does not know: 401', async () => {
    const bad = rbac.kubeconfig().replace(/token: .*/, 'token: not-a-valid-token');
    await expect(plan(bad)).rejects.toThrow(
      /^https:\/\/127\.0\.0\.1:\d+: You must be logged in to the server \(the server has asked for the client to provide credentials\)$/,
    );
  });

  it("a ServiceAccount without the right to list Services: the server's Forbidden message", async () => {
    await expect(plan(rbac.serviceAccountKubeconfig('default', 'nobody'))).rejects.toThrow(
      /^https:\/\/127\.0\.0\.1:\d+ answered listing Services with 403 Forbidden: services is forbidden: User "system:serviceaccount:default:nobody" cannot list resource "services"/,
    );
  });
});
