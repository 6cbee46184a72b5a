// Azure's cluster load balancer is one object under every Service of a scheme: a plan of several
// Services shows its deletion once when all of them go, and keeps it while one stays (issue 11,
// point 3). Through the CLI, the real SDK and the ARM fake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApply } from '../../src/cli/commands/apply.js';
import { runDestroy } from '../../src/cli/commands/destroy.js';
import { runPlan } from '../../src/cli/commands/plan.js';
import type { ProviderModule } from '../../src/core/provider.js';
import { provider as azure } from '../../providers/azure/index.js';
import { createAzureProvider } from '../../providers/azure/provider.js';
import { parseAzureSettings } from '../../providers/azure/settings.js';
import type { AzureFake } from '../fakes/azure/server.js';
import { CLUSTER, fakeSettings, RG, startFakeCloud } from '../azure/support.js';
import { recordingDeps, serviceYaml, writeFiles } from './support.js';

let fake: AzureFake;
let files: Record<string, string>;
let base: { provider: string; clusterName: string; set: string[]; color: boolean };

/** The real Azure module, connected with the fake's CA and no waiting between polls. */
const module = (): ProviderModule => ({
  ...azure,
  connect: (settings, options) =>
    Promise.resolve(
      createAzureProvider(parseAzureSettings(settings), {
        ...options,
        ca: fake.ca,
        sleep: () => Promise.resolve(),
        lroIntervalMs: 0,
      }),
    ),
});
const deps = () => recordingDeps({ loadProvider: () => Promise.resolve(module()) });
const loadBalancer = () => fake.store.get('loadBalancers', RG, CLUSTER);

beforeAll(async () => {
  fake = await startFakeCloud();
  const values = fakeSettings(fake).values;
  base = {
    provider: 'azure',
    clusterName: CLUSTER,
    set: Object.entries(values).map(([k, v]) => `${k}=${v}`),
    color: false,
  };
  files = await writeFiles({
    'nodes.yaml': `apiVersion: v1
kind: Node
metadata: { name: vm-0 }
spec: { providerID: "azure:///subscriptions/${fake.subscription}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/vm-0" }
status: { addresses: [{ type: InternalIP, address: 10.240.0.4 }] }
`,
    'web.yaml': serviceYaml('web', '3f1c2b8e-0d4a-4c1e-9b7a-2a6f5e4d3c21', [80]),
    'web-gone.yaml': serviceYaml('web', '3f1c2b8e-0d4a-4c1e-9b7a-2a6f5e4d3c21', [80]).replace(
      'type: LoadBalancer',
      'type: ClusterIP',
    ),
    'api.yaml': serviceYaml('api', '9b2e4c6a-1111-4222-8333-444455556661', [9000]),
  });
  const h = deps();
  const applied = await runApply(
    undefined,
    {
      ...base,
      filename: [files['nodes.yaml']!, files['web.yaml']!, files['api.yaml']!],
      autoApprove: true,
    },
    h.deps,
  );
  expect(applied, h.stderr()).toBe(0);
  expect(loadBalancer()).toBeDefined();
}, 60_000);
afterAll(() => fake.close());

describe('the shared load balancer in a plan of several Azure Services', () => {
  it('destroying one of two keeps it and does not show its deletion', async () => {
    const h = deps();
    h.deps.interactive = true;
    h.deps.ask = () => Promise.resolve('no'); // the plan only
    await runDestroy({ ...base, filename: [files['nodes.yaml']!, files['web.yaml']!] }, h.deps);
    expect(h.stdout()).toContain('azurerm_public_ip.default-web will be destroyed');
    expect(h.stdout()).not.toContain('azurerm_lb.shared will be destroyed');
    expect(h.stdout()).toContain('Plan: 0 to add, 0 to change, 6 to destroy.');
    expect(loadBalancer()).toBeDefined();
  });

  it('a saved plan where one Service lets go while the other stays applies without drift', async () => {
    const h = deps();
    const out = `${files['nodes.yaml']!}.plan`;
    await runPlan(
      {
        ...base,
        filename: [files['nodes.yaml']!, files['web-gone.yaml']!, files['api.yaml']!],
        out,
      },
      h.deps,
    );
    expect(h.stdout()).toContain('Plan: 0 to add, 0 to change, 6 to destroy.');
    const a = deps();
    expect(await runApply(out, { ...base, autoApprove: true }, a.deps), a.stderr()).toBe(0);
    expect(loadBalancer()).toBeDefined();
    const back = deps();
    const all = [files['nodes.yaml']!, files['web.yaml']!, files['api.yaml']!];
    expect(
      await runApply(undefined, { ...base, filename: all, autoApprove: true }, back.deps),
    ).toBe(0);
  }, 60_000);

  it('destroying both shows its deletion once, counts it once, and deletes it', async () => {
    const all = [files['nodes.yaml']!, files['web.yaml']!, files['api.yaml']!];
    const h = deps();
    expect(
      await runDestroy({ ...base, filename: all, autoApprove: true }, h.deps),
      h.stderr(),
    ).toBe(0);
    expect(h.stdout().match(/# azurerm_lb\.shared will be destroyed/g)).toHaveLength(1);
    // Six resources per Service, and the shared load balancer once.
    expect(h.stdout()).toContain('Plan: 0 to add, 0 to change, 13 to destroy.');
    expect(loadBalancer()).toBeUndefined();
    const again = deps();
    await runPlan({ ...base, filename: all }, again.deps);
    expect(again.stdout()).toContain('will be created');
    expect(again.stdout()).toContain('azurerm_lb.shared will be created');
  }, 60_000);
});
