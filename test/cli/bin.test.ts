// The real executable: `node bin/lbctl.js ...` (TypeScript through tsx), its output and exit codes.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const examples = ['-f', 'examples/services', '-f', 'examples/nodes/aws.yaml'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function lbctl(args: string[], env: Record<string, string> = {}, stdin = ''): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['bin/lbctl.js', ...args],
      // No cloud is configured: nothing can reach a real API. Generous timeout: a loaded machine
      // (the suite runs tsx processes side by side) can take many seconds to start one.
      {
        cwd: root,
        env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', HOME: tmpdir(), ...env },
        timeout: 90_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(stdin);
  });
}

describe('lbctl plan (spawned)', { timeout: 120_000 }, () => {
  it.concurrent('plans the bundled examples on AWS: text, exit 0', async () => {
    const r = await lbctl([
      'plan',
      ...examples,
      '--provider',
      'aws',
      '--cluster-name',
      'demo',
      '--offline',
    ]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.stderr).toMatch(/^Offline: the cloud was not read/m);
    expect(r.stdout).toContain('# (the cloud was not read (--offline))');
    expect(r.stdout).not.toContain('not in the cloud yet');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Plan: \d+ to add, 0 to change, 0 to destroy\.$/m);
    expect(r.stdout).toContain('+ resource "aws_lb" ');
  });

  it.concurrent(
    'prints JSON with --json, and exits 2 with --detailed-exitcode as there are changes',
    async () => {
      const r = await lbctl([
        'plan',
        ...examples,
        '--provider',
        'aws',
        '--json',
        '--detailed-exitcode',
        '--offline',
      ]);
      expect(r.code).toBe(2);
      const json = JSON.parse(r.stdout) as {
        format_version: string;
        lbctl_format_version: string;
        observed: string;
        resource_changes: { address: string }[];
      };
      // Terraform's format (terraform-json reads only < 2.0), and lbctl's own contract version.
      expect(json.format_version).toBe('1.2');
      expect(json.lbctl_format_version).toBe('2.0');
      expect(json.observed).toBe('none');
      const addresses = json.resource_changes.map((c) => c.address);
      expect(new Set(addresses).size).toBe(addresses.length);
      expect(json.resource_changes.length).toBeGreaterThan(0);
    },
  );

  it.concurrent('exits 1 on bad input with one line on stderr and nothing on stdout', async () => {
    // The good examples come first: an error in a later file must not let a partial plan through.
    const r = await lbctl([
      'plan',
      ...examples,
      '-f',
      'examples/invalid/nodeport-out-of-range.yaml',
      '--provider',
      'aws',
      '--offline',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'Error: examples/invalid/nodeport-out-of-range.yaml, document 1 (Service default/low-nodeport): spec.ports[0].nodePort: Invalid value: 29999: provided port is not in the valid range. The range of valid ports is 30000-32767\n',
    );
  });
});

describe('lbctl never claims to have read the cloud (spawned)', { timeout: 120_000 }, () => {
  it.concurrent(
    'refuses a plan with no credentials and no --offline, saying how to fix it',
    async () => {
      const r = await lbctl(['plan', ...examples, '--provider', 'aws']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /^Error: lbctl plan: cannot read what exists in aws: no cloud is configured\./,
      );
      expect(r.stderr).toContain('AWS_PROFILE');
      expect(r.stderr).toContain('--offline');
    },
  );

  it.concurrent('reads manifests from stdin with -f - and comma-separated -f lists', async () => {
    const { readFile } = await import('node:fs/promises');
    const svc = await readFile(`${root}examples/services/webserver.yaml`, 'utf8');
    const r = await lbctl(
      ['plan', '-f', '-,examples/nodes/aws.yaml', '--provider', 'aws', '-offline', '-json'],
      {},
      svc,
    );
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { resource_changes: { service: string }[] };
    expect(json.resource_changes.length).toBeGreaterThan(0);
  });

  it.concurrent("takes Terraform's single-dash spellings, never as short options", async () => {
    const r = await lbctl([
      'plan',
      ...examples,
      '--provider',
      'aws',
      '-offline',
      '-no-color',
      '-detailed-exitcode',
    ]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^Plan: \d+ to add/m);
    const refused = await lbctl(['plan', ...examples, '--provider', 'aws', '-lock=false']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("-lock=false is Terraform's -lock option");
  });

  it.concurrent('warns on stderr when a folder holds no Service', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const dir = await mkdtemp(`${tmpdir()}/lbctl-empty-`);
    const r = await lbctl(['plan', '-f', dir, '--provider', 'aws', '--offline']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Warning: no Service found in ${dir}: nothing to plan.`);
  });

  it.concurrent('names a bad option value once: lbctl: --parallelism: ...', async () => {
    const r = await lbctl(['plan', ...examples, '--provider', 'aws', '--parallelism', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error: lbctl: --parallelism: Invalid value: "0": must be an integer ≥ 1\n',
    );
  });

  it.concurrent(
    'refuses a --cluster-name that cannot be a tag key, before reading anything',
    async () => {
      for (const name of ['', 'Bad Name', 'a/b']) {
        const r = await lbctl([
          'plan',
          ...examples,
          '--provider',
          'aws',
          '--offline',
          '--cluster-name',
          name,
        ]);
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toBe(
          `Error: lbctl: --cluster-name: Invalid value: ${JSON.stringify(name)}: must be a cluster name: letters, digits, - and _, starting with a letter or digit, at most 100 characters\n`,
        );
      }
      const eks = await lbctl([
        'plan',
        ...examples,
        '--provider',
        'aws',
        '--offline',
        '--cluster-name',
        'Prod_EKS-1',
      ]);
      expect(eks.code).toBe(0);
    },
  );

  it.concurrent('prints its version with --version and `version`', async () => {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(`${root}package.json`, 'utf8')) as { version: string };
    const a = await lbctl(['--version']);
    const b = await lbctl(['version']);
    expect(a.stdout).toBe(`lbctl ${pkg.version}\n`);
    expect(b.stdout).toBe(a.stdout);
  });
});

describe('lbctl apply and destroy (spawned)', { timeout: 120_000 }, () => {
  it.concurrent('apply refuses without a terminal and without --auto-approve', async () => {
    const r = await lbctl(['apply', ...examples, '--provider', 'aws']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--auto-approve');
    expect(r.stdout).toBe('');
  });
});
