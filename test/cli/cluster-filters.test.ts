// `lbctl plan` against a cluster (the sandbox API server): a filter that matches nothing warns,
// and an unknown context is kubectl's error (issue 11, points 1 and 3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan, type PlanFlags } from '../../src/cli/commands/plan.js';
import { localProviderModule } from '../../providers/local/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { recordingDeps } from './support.js';

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

  it("an unknown --context is kubectl's error", async () => {
    const h = recordingDeps({ loadProvider: () => Promise.resolve(localProviderModule()) });
    await expect(runPlan(flags({ context: 'nope' }), h.deps)).rejects.toThrow(
      'context "nope" does not exist',
    );
  });
});
