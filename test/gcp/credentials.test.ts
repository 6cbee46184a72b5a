// Google Cloud without credentials: one clear error before any Compute client exists, not
// google-gax's unhandled rejections (Node's stack trace dump). The real executable, spawned with
// the metadata server switched off (METADATA_SERVER_DETECTION=none), so nothing leaves loopback.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requireCredentials } from '../../providers/gcp/clients.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('gcp credentials', { timeout: 120_000 }, () => {
  it('a plan with a project and no credentials ends in one error that says how to give them', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lbctl-gcp-nocred-'));
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          'bin/lbctl.js',
          'plan',
          '-f',
          'examples/services/webserver.yaml',
          '-f',
          'examples/nodes/gcp.yaml',
          '--provider',
          'gcp',
          '--set',
          'project=lbctl-test',
          '--set',
          'subnetwork=default',
        ],
        {
          cwd: root,
          env: {
            PATH: process.env['PATH'] ?? '',
            HOME: home,
            NO_COLOR: '1',
            METADATA_SERVER_DETECTION: 'none',
          },
          timeout: 90_000,
        },
        (error, _stdout, stderr) =>
          resolve({ code: typeof error?.code === 'number' ? error.code : 0, stderr }),
      );
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('gcp: no credentials: Could not load the default credentials.');
    expect(r.stderr).toContain('GOOGLE_APPLICATION_CREDENTIALS');
    expect(r.stderr).not.toContain('Node.js v');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('credentials that are found let it through', async () => {
    await expect(
      requireCredentials({ getClient: () => Promise.resolve({} as never) }),
    ).resolves.toBeUndefined();
  });
});
