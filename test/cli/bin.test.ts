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

function lbctl(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['bin/lbctl.js', ...args],
      // No cloud is configured: plans are offline and nothing can reach a real API.
      {
        cwd: root,
        env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', HOME: tmpdir(), ...env },
        timeout: 20_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

describe('lbctl plan (spawned)', () => {
  it.concurrent('plans the bundled examples on AWS: text, exit 0', async () => {
    const r = await lbctl(['plan', ...examples, '--provider', 'aws', '--cluster-name', 'demo']);
    expect(r.stderr).not.toMatch(/Error/);
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
      ]);
      expect(r.code).toBe(2);
      const json = JSON.parse(r.stdout) as { format_version: string; resource_changes: unknown[] };
      expect(json.format_version).toBeDefined();
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
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'Error: examples/invalid/nodeport-out-of-range.yaml, document 1 (Service default/low-nodeport): spec.ports[0].nodePort: Invalid value: 29999: provided port is not in the valid range. The range of valid ports is 30000-32767\n',
    );
  });
});

describe('lbctl apply and destroy (spawned)', () => {
  it.concurrent('apply refuses without a terminal and without --auto-approve', async () => {
    const r = await lbctl(['apply', ...examples, '--provider', 'aws']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--auto-approve');
    expect(r.stdout).toBe('');
  });
});
