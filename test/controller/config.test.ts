import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { InvalidInputError } from '../../src/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'lbctl-config-'));

describe('config', () => {
  it('flags win over the environment, which wins over the file; defaults fill the rest', async () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(
      file,
      'provider: aws\nclusterName: from-file\nworkers: 2\nset:\n  region: eu-west-1\n',
    );
    const c = await loadConfig({
      file,
      env: { LBCTL_CLUSTER_NAME: 'from-env', LBCTL_WORKERS: '6', POD_NAMESPACE: 'ops' },
      flags: { workers: '8', set: { 'vpc-id': 'vpc-1' } },
    });
    expect(c).toMatchObject({
      provider: 'aws',
      clusterName: 'from-env',
      workers: 8,
      leaderElectionNamespace: 'ops',
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      retryPeriodSeconds: 2,
      leaderElect: true,
      set: { region: 'eu-west-1', 'vpc-id': 'vpc-1' },
    });
  });

  it('lists every bad field at once', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'provider: ibm\nworkers: 0\nleaderElect: maybe\ncolour: blue\n');
    const err = await loadConfig({ file, env: {}, flags: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    const message = (err as Error).message;
    for (const field of ['colour', 'provider', 'clusterName', 'workers', 'leaderElect']) {
      expect(message).toContain(field);
    }
    expect((err as InvalidInputError).problems.length).toBeGreaterThanOrEqual(5);
  });

  it('rejects lease timings that cannot work', async () => {
    await expect(
      loadConfig({
        env: {},
        flags: { provider: 'local', clusterName: 'c', leaseDurationSeconds: '5' },
      }),
    ).rejects.toThrow(/renewDeadlineSeconds.*leaseDurationSeconds > renewDeadlineSeconds/);
  });

  it('names an unreadable file', async () => {
    await expect(loadConfig({ file: join(dir, 'nope.yaml'), env: {}, flags: {} })).rejects.toThrow(
      /--config: Invalid value: ".*nope.yaml": cannot be read/,
    );
  });
});

describe('config errors say what to do', () => {
  const message = async (flags: Record<string, unknown>): Promise<string> => {
    try {
      await loadConfig({ env: {}, flags });
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidInputError);
      return (e as Error).message;
    }
    throw new Error('expected the configuration to be refused');
  };

  it('a missing setting names its flag, its variable and the config file', async () => {
    expect(await message({ provider: 'local' })).toBe(
      'lbctl configuration: clusterName: Required value: pass --cluster-name, set LBCTL_CLUSTER_NAME, or give clusterName in the --config file',
    );
  });

  it('a bad boolean names the values a boolean takes; a bad number says so', async () => {
    const text = await message({
      provider: 'local',
      clusterName: 'c',
      leaderElect: 'maybe',
      workers: 'many',
    });
    expect(text).toContain('leaderElect: Invalid value: "maybe": must be true or false');
    expect(text).toContain('workers: Invalid value: "many": must be a number');
  });
});

describe('cluster names', () => {
  it('takes the names EKS allows (upper case, _) and refuses what breaks a tag key', async () => {
    const ok = await loadConfig({
      env: {},
      flags: { provider: 'local', clusterName: 'Prod_EKS-1' },
    });
    expect(ok.clusterName).toBe('Prod_EKS-1');
    for (const bad of ['', 'a/b', 'a b', '-x', 'x'.repeat(101)]) {
      await expect(
        loadConfig({ env: {}, flags: { provider: 'local', clusterName: bad } }),
      ).rejects.toThrow(/clusterName: .*must be a cluster name: letters, digits, - and _/);
    }
  });
});

describe('the config file', () => {
  it('a missing file is named in plain words; a deeply nested one is refused, not a crash', async () => {
    await expect(
      loadConfig({ file: join(dir, 'missing.yaml'), env: {}, flags: {} }),
    ).rejects.toThrow(
      /--config: Invalid value: ".*missing.yaml": cannot be read: no such file or directory$/,
    );
    const deep = join(dir, 'deep.yaml');
    writeFileSync(deep, `provider: local\nset: ${'['.repeat(3000)}${']'.repeat(3000)}\n`);
    await expect(loadConfig({ file: deep, env: {}, flags: {} })).rejects.toThrow(
      /is not YAML or JSON: invalid YAML: nesting deeper than 100 levels is refused/,
    );
  });
});
