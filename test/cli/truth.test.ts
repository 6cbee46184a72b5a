// A plan never claims more than it knows (issue 11, point 1), and the Terraform-style commands
// around it (show, completion, version) work as their users expect.
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { runApply } from '../../src/cli/commands/apply.js';
import { completionScript } from '../../src/cli/commands/completion.js';
import { runPlan } from '../../src/cli/commands/plan.js';
import { runShow } from '../../src/cli/commands/show.js';
import { longOptionNames } from '../../src/cli/main.js';
import { terraformSpellings } from '../../src/cli/terraform-flags.js';
import { localProviderModule } from '../../providers/local/index.js';
import { loadProvider } from '../../src/cli/providers.js';
import { recordingDeps, serviceYaml, writeFiles } from './support.js';

const nodes = `apiVersion: v1
kind: Node
metadata: { name: node-a }
spec: { providerID: kind://docker/demo/node-a }
`;
const awsNodes = `apiVersion: v1
kind: Node
metadata: { name: node-a, labels: { topology.kubernetes.io/zone: us-east-1a } }
spec: { providerID: aws:///us-east-1a/i-0123456789abcdef0 }
`;
const base = { clusterName: 'demo', set: [] as string[], color: false };

describe('a Service with no eligible Node', () => {
  it('warns on plan, and apply refuses to empty a live load balancer unless allowed', async () => {
    const mod = localProviderModule();
    const h = recordingDeps({ loadProvider: () => Promise.resolve(mod) });
    const f = await writeFiles({
      'nodes.yaml': nodes,
      'web.yaml': serviceYaml('web', '00000000-0000-0000-0000-000000000001', [80]),
    });
    const flags = { ...base, provider: 'local', autoApprove: true };
    expect(
      await runApply(undefined, { ...flags, filename: [f['nodes.yaml']!, f['web.yaml']!] }, h.deps),
    ).toBe(0);
    h.clear();
    await runPlan({ ...base, provider: 'local', filename: [f['web.yaml']!] }, h.deps);
    expect(h.stderr()).toContain(
      'Warning: Service default/web has no eligible Node (none given, or all excluded): its load balancer would have no targets; apply refuses',
    );
    await expect(
      runApply(undefined, { ...flags, filename: [f['web.yaml']!] }, h.deps),
    ).rejects.toThrow(
      /Service default\/web: no eligible Node, so its live load balancer would be left with no targets; .*--allow-empty-targets/,
    );
    expect(
      await runApply(
        undefined,
        { ...flags, filename: [f['web.yaml']!], allowEmptyTargets: true },
        h.deps,
      ),
    ).toBe(0);
  });

  it('a saved plan that would empty a live load balancer is refused by apply FILE too', async () => {
    const mod = localProviderModule();
    const h = recordingDeps({ loadProvider: () => Promise.resolve(mod) });
    const f = await writeFiles({
      'nodes.yaml': nodes,
      'web.yaml': serviceYaml('web', '00000000-0000-0000-0000-000000000002', [80]),
    });
    const flags = { ...base, provider: 'local', autoApprove: true };
    await runApply(undefined, { ...flags, filename: [f['nodes.yaml']!, f['web.yaml']!] }, h.deps);
    const out = `${f['web.yaml']!}.plan`;
    await runPlan({ ...base, provider: 'local', filename: [f['web.yaml']!], out }, h.deps);
    h.clear();
    await expect(runApply(out, { ...base }, h.deps)).rejects.toThrow(
      /Service default\/web: no eligible Node, so its live load balancer would be left with no targets; .*--allow-empty-targets.*Nothing was changed/,
    );
    expect(h.stdout()).toBe('');
    expect(await runApply(out, { ...base, allowEmptyTargets: true }, h.deps)).toBe(0);
    expect(h.stdout()).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');
  });

  it('only warns when nothing is live yet', async () => {
    const h = recordingDeps({ loadProvider: () => Promise.resolve(localProviderModule()) });
    const f = await writeFiles({
      'web.yaml': serviceYaml('web', '5f1c2a3e-8b9d-4c7a-9e01-0000000000a1', [80]),
    });
    expect(
      await runApply(
        undefined,
        { ...base, provider: 'local', filename: [f['web.yaml']!], autoApprove: true },
        h.deps,
      ),
    ).toBe(0);
    expect(h.stderr()).toMatch(/has no eligible Node .* no targets\.\n/);
  });
});

describe('lbctl plan -offline and --observed say what they planned against', () => {
  it('offline: a notice, "observed": "none" and no reason that claims the cloud was read', async () => {
    const h = recordingDeps({ loadProvider });
    const f = await writeFiles({
      'nodes.yaml': awsNodes,
      'web.yaml': serviceYaml('web', '5f1c2a3e-8b9d-4c7a-9e01-0000000000a1', [80]),
    });
    await runPlan(
      {
        ...base,
        provider: 'aws',
        set: ['region=us-east-1'],
        filename: [f['nodes.yaml']!, f['web.yaml']!],
        offline: true,
        json: true,
      },
      h.deps,
    );
    expect(h.stderr()).toBe(
      'Offline: the cloud was not read; this plan assumes none of these resources exist.\n',
    );
    const json = JSON.parse(h.stdout()) as {
      observed: string;
      resource_changes: { reason: string }[];
    };
    expect(json.observed).toBe('none');
    expect(json.resource_changes.map((c) => c.reason)).not.toContain('not in the cloud yet');
  });

  it('a snapshot: its own notice and "observed": "snapshot"', async () => {
    const h = recordingDeps({ loadProvider });
    const f = await writeFiles({
      'nodes.yaml': awsNodes,
      'web.yaml': serviceYaml('web', '5f1c2a3e-8b9d-4c7a-9e01-0000000000a1', [80]),
      'observed.json': JSON.stringify({ format_version: '1', services: [] }),
    });
    await runPlan(
      {
        ...base,
        provider: 'aws',
        set: ['region=us-east-1'],
        filename: [f['nodes.yaml']!, f['web.yaml']!],
        observed: f['observed.json']!,
        json: true,
      },
      h.deps,
    );
    expect(h.stderr()).toBe(`Planned against the snapshot ${f['observed.json']}, not the cloud.\n`);
    expect((JSON.parse(h.stdout()) as { observed: string }).observed).toBe('snapshot');
  });
});

describe('warnings name standard input as STDIN', () => {
  it('-f - with no Service in it', async () => {
    const h = recordingDeps({ loadProvider: () => Promise.resolve(localProviderModule()) });
    h.deps.readStdin = () => Promise.resolve('');
    await runPlan({ ...base, provider: 'local', filename: ['-'] }, h.deps);
    expect(h.stderr()).toContain('Warning: no Service found in STDIN: nothing to plan.');
  });
});

describe('a folder whose Services are in sub-folders', () => {
  it('the warning says that sub-folders are read only with -R', async () => {
    const f = await writeFiles({
      'web.yaml': serviceYaml('web', '5f1c2a3e-8b9d-4c7a-9e01-0000000000a1', [80]),
    });
    const dir = f['web.yaml']!.replace(/\/web\.yaml$/, '');
    const { mkdirSync, renameSync } = await import('node:fs');
    mkdirSync(`${dir}/apps`);
    renameSync(f['web.yaml']!, `${dir}/apps/web.yaml`);
    const h = recordingDeps({ loadProvider: () => Promise.resolve(localProviderModule()) });
    await runPlan({ ...base, provider: 'local', filename: [dir] }, h.deps);
    expect(h.stderr()).toContain(
      `Warning: no Service found in ${dir} (sub-folders are read only with -R): nothing to plan.`,
    );
    h.clear();
    await runPlan({ ...base, provider: 'local', filename: [dir], recursive: true }, h.deps);
    expect(h.stderr()).not.toContain('no Service found');
  });
});

describe('lbctl show', () => {
  it('prints a saved plan as text and as the same JSON plan -json prints', async () => {
    const h = recordingDeps({ loadProvider: () => Promise.resolve(localProviderModule()) });
    const f = await writeFiles({
      'nodes.yaml': nodes,
      'web.yaml': serviceYaml('web', '5f1c2a3e-8b9d-4c7a-9e01-0000000000a1', [80]),
    });
    const out = `${f['web.yaml']!}.plan`;
    const files = [f['nodes.yaml']!, f['web.yaml']!];
    await runPlan({ ...base, provider: 'local', filename: files, json: true }, h.deps);
    const planned = h.stdout();
    h.clear();
    await runPlan({ ...base, provider: 'local', filename: files, out }, h.deps);
    const text = h.stdout().split('\nSaved the plan to:')[0];
    h.clear();
    await runShow(out, { color: false }, h.deps);
    expect(h.stdout().trimEnd()).toBe(text?.trimEnd());
    h.clear();
    await runShow(out, { json: true, color: false }, h.deps);
    expect(h.stdout()).toBe(planned);
  });

  it('-out into a folder that does not exist: the path and why, nothing on stdout', async () => {
    const h = recordingDeps({ loadProvider: () => Promise.resolve(localProviderModule()) });
    const f = await writeFiles({
      'web.yaml': serviceYaml('web', '5f1c2a3e-8b9d-4c7a-9e01-0000000000a1', [80]),
    });
    const out = '/nonexistent/dir/p.plan';
    await expect(
      runPlan({ ...base, provider: 'local', filename: [f['web.yaml']!], out }, h.deps),
    ).rejects.toThrow(
      /^-out \/nonexistent\/dir\/p\.plan: cannot write the plan: no such file or directory$/,
    );
    expect(h.stdout()).toBe('');
  });

  it('a plan file that does not exist: the path and no such file or directory', async () => {
    const h = recordingDeps({ loadProvider: () => Promise.resolve(localProviderModule()) });
    await expect(runShow('/nonexistent/plan.lbctl', { color: false }, h.deps)).rejects.toThrow(
      /^\/nonexistent\/plan\.lbctl: no such file or directory$/,
    );
  });
});

describe("Terraform's single-dash spellings", () => {
  const names = new Set(['no-color', 'json', 'out', 'auto-approve', 'detailed-exitcode']);
  it.each([
    ['-no-color', '--no-color'],
    ['-json', '--json'],
    ['-out=plan.bin', '--out=plan.bin'],
    ['-auto-approve', '--auto-approve'],
    ['-detailed-exitcode', '--detailed-exitcode'],
    ['-n', '-n'],
    ['-lapp=web', '-lapp=web'],
  ])('%s → %s', (arg, expected) => {
    expect(terraformSpellings([arg], names)).toEqual([expected]);
  });

  it('refuses Terraform options lbctl does not have, by name', () => {
    expect(() => terraformSpellings(['-target=x'], names)).toThrow(
      "-target=x is Terraform's -target option",
    );
  });

  it('leaves everything after -- alone', () => {
    expect(terraformSpellings(['--', '-json'], names)).toEqual(['--', '-json']);
  });

  it('knows the long options of registered commands', () => {
    const program = new Command('x');
    program.command('plan').option('--no-color').option('--out <file>');
    expect([...longOptionNames(program)].sort()).toEqual(['help', 'no-color', 'out']);
  });
});

describe('lbctl completion', () => {
  const program = new Command('lbctl');
  program.command('plan').option('-f, --filename <path>').option('--json');
  it('bash: commands, and each command its options', () => {
    const script = completionScript(program, 'bash');
    expect(script).toContain('complete -F _lbctl lbctl');
    expect(script).toContain('plan) opts="--filename -f --json --help" ;;');
  });
  it('zsh loads bashcompinit; other shells are refused by name', () => {
    expect(completionScript(program, 'zsh')).toMatch(/^#compdef lbctl\n/);
    expect(() => completionScript(program, 'fish')).toThrow(/shell: Unsupported value: "fish"/);
  });
});
