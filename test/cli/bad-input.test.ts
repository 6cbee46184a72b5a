// Bad input through the real plan command (real manifests reader, layers, intent, AWS model),
// in-process so that every case stays fast; test/cli/bin.test.ts checks one case end to end.
import { describe, expect, it } from 'vitest';
import { runApply } from '../../src/cli/commands/apply.js';
import { runDestroy } from '../../src/cli/commands/destroy.js';
import { runPlan } from '../../src/cli/commands/plan.js';
import type { CommandDeps } from '../../src/cli/planning/io.js';
import { loadProvider } from '../../src/cli/providers.js';

function deps() {
  const out: string[] = [];
  const err: string[] = [];
  const d: CommandDeps = {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    interactive: false,
    colorCapable: false,
    ask: () => Promise.reject(new Error('no questions in these tests')),
    env: {},
    loadProvider,
    now: () => 0,
    trapInterrupts: () => ({ signal: new AbortController().signal, release: () => undefined }),
  };
  return { d, stdout: () => out.join('') };
}

const good = ['examples/services', 'examples/nodes/aws.yaml'];
const flags = (files: string[], provider = 'aws') => ({
  filename: files,
  provider,
  clusterName: 'demo',
  set: [],
  color: false,
});

describe('bad input: one line naming the file, the document, the object and the field; no plan', () => {
  it.each<[string, RegExp]>([
    ['malformed.yaml', /^examples\/invalid\/malformed\.yaml, document 1: invalid YAML: /],
    [
      'nodeport-out-of-range.yaml',
      /^examples\/invalid\/nodeport-out-of-range\.yaml, document 1 \(Service default\/low-nodeport\): spec\.ports\[0\]\.nodePort: Invalid value: 29999: provided port is not in the valid range\. The range of valid ports is 30000-32767$/,
    ],
    [
      'duplicate-nodeport.yaml',
      /^examples\/invalid\/duplicate-nodeport\.yaml, document 2 \(Service default\/second\): spec\.ports\[0\]\.nodePort: Invalid value: 30100: provided port is already allocated$/,
    ],
    [
      'unknown-protocol.yaml',
      /^examples\/invalid\/unknown-protocol\.yaml, document 1 \(Service default\/http-proto\): spec\.ports\[0\]\.protocol: Unsupported value: "HTTP"/,
    ],
    [
      'bad-cidr.yaml',
      /^examples\/invalid\/bad-cidr\.yaml, document 1 \(Service default\/bad-range\): spec\.loadBalancerSourceRanges\[0\]: Invalid value: "10\.0\.0\.0\/33"/,
    ],
    [
      'bad-annotation.yaml',
      /^examples\/invalid\/bad-annotation\.yaml, document 1 \(Service default\/bad-scheme\): metadata\.annotations\[lbctl\.io\/scheme\]: Unsupported value: "public"/,
    ],
    [
      'headless-loadbalancer.yaml',
      /^examples\/invalid\/headless-loadbalancer\.yaml, document 1 \(Service default\/headless-lb\): spec\.clusterIPs?(\[0\])?: /,
    ],
  ])('examples/invalid/%s', async (file, message) => {
    const h = deps();
    const error = await runPlan(flags([...good, `examples/invalid/${file}`]), h.d).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
    expect(h.stdout()).toBe('');
  });

  it('an unknown provider names the allowed values', async () => {
    await expect(runPlan(flags(good, 'openstack'), deps().d)).rejects.toThrow(
      '--provider: Unsupported value: "openstack": supported values: "aws", "gcp", "azure", "local"',
    );
  });

  it('apply needs manifests or a saved plan', async () => {
    await expect(
      runApply(
        undefined,
        { clusterName: 'demo', set: [], color: false, autoApprove: true },
        deps().d,
      ),
    ).rejects.toThrow('apply needs either a saved plan file, or -f PATH and --provider NAME');
  });

  it('destroy refuses without a terminal and without --auto-approve', async () => {
    await expect(runDestroy(flags(good), deps().d)).rejects.toThrow(/--auto-approve/);
  });
});
