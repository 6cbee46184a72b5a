// apply ends with each Service's address (Terraform's outputs) and says `Still creating...`
// while a step takes long (issue 11, point 3). Time is injected: no test waits.
import { describe, expect, it } from 'vitest';
import { runApply } from '../../src/cli/commands/apply.js';
import { localProviderModule } from '../../providers/local/index.js';
import { recordingDeps, serviceYaml, writeFiles } from './support.js';

const nodes = `apiVersion: v1
kind: Node
metadata: { name: node-a }
spec: { providerID: kind://docker/demo/node-a }
`;
const flags = {
  clusterName: 'demo',
  set: [] as string[],
  color: false,
  provider: 'local',
  autoApprove: true,
};

describe('lbctl apply output', () => {
  it('prints a heartbeat every 10 s of a step, then the outputs of every Service', async () => {
    let t = 0;
    const mod = localProviderModule();
    const h = recordingDeps({
      loadProvider: () => Promise.resolve(mod),
      now: () => t,
    });
    const ticks: number[] = [];
    // Two heartbeats pass during each step: 10 s, then 20 s.
    h.deps.every = (ms, tick) => {
      ticks.push(ms);
      t += 10_000;
      tick();
      t += 10_000;
      tick();
      return () => undefined;
    };
    const f = await writeFiles({
      'nodes.yaml': nodes,
      'web.yaml': serviceYaml('web', '00000000-0000-0000-0000-000000000001', [80]),
      'api.yaml': serviceYaml('api', '00000000-0000-0000-0000-000000000002', [80]),
    });
    const files = [f['nodes.yaml']!, f['web.yaml']!, f['api.yaml']!];
    expect(await runApply(undefined, { ...flags, filename: files }, h.deps)).toBe(0);
    const out = h.stdout();
    expect(ticks.every((ms) => ms === 10_000)).toBe(true);
    expect(out).toContain(
      'default/web: local_lb.this: Still creating... [10s elapsed]\ndefault/web: local_lb.this: Still creating... [20s elapsed]\n',
    );
    expect(out).toMatch(/\nOutputs:\n\n"default\/api" = "[0-9.]+"\n"default\/web" = "[0-9.]+"\n$/);
    // A second apply changes nothing and still ends with the addresses.
    h.clear();
    expect(await runApply(undefined, { ...flags, filename: files }, h.deps)).toBe(0);
    expect(h.stdout()).toMatch(
      /Outputs:\n\n"default\/api" = "[0-9.]+"\n"default\/web" = "[0-9.]+"\n$/,
    );
    expect(h.stdout()).not.toContain('Still');
  });
});
