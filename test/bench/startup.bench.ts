// `npm run bench startup`: wall-clock start-up of the compiled CLI (`npm run build` first), the
// median of 7 runs per command. LBCTL_BIN=path/to/lbctl.js measures another build.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const COMMANDS: Record<string, string[]> = {
  'lbctl version': ['version'],
  'lbctl plan --offline (aws, examples)': [
    'plan',
    '-f',
    'examples/services',
    '-f',
    'examples/nodes/aws.yaml',
    '--provider',
    'aws',
    '--offline',
  ],
  'lbctl plan --offline (gcp, examples)': [
    'plan',
    '-f',
    'examples/services',
    '-f',
    'examples/nodes/gcp.yaml',
    '--provider',
    'gcp',
    '--set',
    'subnetwork=nodes',
    '--offline',
  ],
  'lbctl plan --offline (azure, examples)': [
    'plan',
    '-f',
    'examples/services',
    '-f',
    'examples/nodes/azure.yaml',
    '--provider',
    'azure',
    '--offline',
  ],
};

export default async function startup(): Promise<void> {
  const bin = process.env['LBCTL_BIN'] ?? `${root}bin/lbctl.js`;
  if (process.env['LBCTL_BIN'] === undefined && !existsSync(`${root}dist/src/cli/main.js`)) {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  }
  for (const [label, args] of Object.entries(COMMANDS)) {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      const r = spawnSync(process.execPath, [bin, ...args], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, LBCTL_COMPILED: '1' },
      });
      times.push(performance.now() - t);
      if (r.status !== 0 && r.status !== 2)
        throw new Error(`${label}: exit ${r.status}: ${r.stderr}`);
    }
    times.sort((a, b) => a - b);
    process.stdout.write(
      `${label.padEnd(42)} median ${Math.round(times[3] ?? 0)} ms (min ${Math.round(times[0] ?? 0)})\n`,
    );
  }
  await Promise.resolve();
}
