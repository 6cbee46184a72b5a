// `plan --offline` reads no cloud, so it must not pay for loading a cloud SDK (seconds each):
// the spawned CLI runs with a resolve hook that logs every module it loads.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lbctl-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SDK =
  /\/node_modules\/(@aws-sdk|@smithy|@google-cloud|google-auth-library|google-gax|@azure)\//;

/** Runs node with the module log; returns the SDK packages among the modules it resolved. */
function sdkModulesOf(label: string, args: string[]): Promise<string[]> {
  const log = join(dir, `${label}.log`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', './test/cli/module-log/register.mjs', ...args],
      {
        cwd: root,
        env: { PATH: process.env['PATH'] ?? '', HOME: dir, NO_COLOR: '1', LBCTL_MODULE_LOG: log },
        timeout: 90_000,
      },
      (error, _stdout, stderr) => {
        if (error !== null) return reject(new Error(`${label}: ${error.message}\n${stderr}`));
        const urls = readFileSync(log, 'utf8').split('\n');
        const packages = urls.map((u) => SDK.exec(u)?.[1]).filter((p) => p !== undefined);
        resolve([...new Set(packages)].sort());
      },
    );
  });
}

const plan = (provider: string, ...extra: string[]): string[] => [
  'bin/lbctl.js',
  'plan',
  '-f',
  'examples/services',
  '-f',
  `examples/nodes/${provider}.yaml`,
  '--provider',
  provider,
  ...extra,
  '--offline',
];

describe('plan --offline loads no cloud SDK', { timeout: 120_000 }, () => {
  it.concurrent('the module log sees an SDK when one is loaded (the check can fail)', async () => {
    const args = ['--import', 'tsx', '-e', "await import('./providers/aws/provider.ts')"];
    expect(await sdkModulesOf('control', args)).toContain('@aws-sdk');
  });
  it.concurrent('aws', async () => {
    expect(await sdkModulesOf('aws', plan('aws'))).toEqual([]);
  });
  it.concurrent('gcp', async () => {
    expect(await sdkModulesOf('gcp', plan('gcp', '--set', 'subnetwork=nodes'))).toEqual([]);
  });
  it.concurrent('azure', async () => {
    expect(await sdkModulesOf('azure', plan('azure'))).toEqual([]);
  });
});
