import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { classifyAwsError } from '../../providers/aws/classify.js';
import { quietNodeSupportWarning, SDK_NODE_WARNING_SWITCH } from '../../providers/aws/clients.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'lbctl-aws-cli-'));
const nodeMajor = Number(process.version.slice(1).split('.')[0]);

/**
 * `lbctl plan --provider aws` in a clean environment: no AWS variables but the given ones, an
 * empty HOME (no ~/.aws files) and instance metadata off, so nothing leaves the machine.
 */
async function lbctl(env: Record<string, string>, ...args: string[]) {
  const run = promisify(execFile);
  const argv = ['bin/lbctl.js', 'plan', '-f', 'examples/services', '-f', 'examples/nodes/aws.yaml'];
  try {
    const r = await run(process.execPath, [...argv, '--provider', 'aws', ...args], {
      cwd: root,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: home,
        AWS_EC2_METADATA_DISABLED: 'true',
        ...env,
      },
      timeout: 60_000,
    });
    return { code: 0, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stderr?: string };
    return { code: err.code ?? -1, stderr: err.stderr ?? '' };
  }
}

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };

describe('AWS configuration errors on the command line', () => {
  it('no region: one line naming the setting and how to give it', async () => {
    const r = await lbctl(KEYS);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error: provider aws settings: region: Required value: set --set region=REGION, LBCTL_AWS_REGION, ' +
        'AWS_REGION or a region in the AWS profile (an AWS region such as "us-east-1")\n',
    );
  }, 60_000);

  it('an endpoint but no credentials: one line naming credentials and where they come from', async () => {
    const r = await lbctl({}, '--set', 'endpoint=http://127.0.0.1:1');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^Error: provider aws settings: credentials: Required value: .*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE/,
    );
  }, 60_000);

  it.runIf(nodeMajor < 22)(
    "the SDK's own Node warning comes back when the operator turns its switch off",
    async () => {
      const r = await lbctl({ ...KEYS, [SDK_NODE_WARNING_SWITCH]: 'false' });
      expect(r.stderr).toContain('NodeVersionSupportWarning');
    },
    60_000,
  );
});

// The real SDK errors are produced above, in a subprocess whose environment is known: in this
// process an AWS_REGION or ~/.aws/config could send a request to real AWS.
describe('classifyAwsError', () => {
  it('a generic Error keeps its message without an "Error: " prefix', () => {
    expect(classifyAwsError(new Error('something odd')).message).toBe('something odd');
  });
});

describe('quietNodeSupportWarning', () => {
  it('turns the SDK switch on and says why once at debug level on Node < 22', () => {
    const env: Record<string, string | undefined> = {};
    const lines: string[] = [];
    quietNodeSupportWarning(env, 'v20.20.2', (l) => lines.push(l));
    expect(env[SDK_NODE_WARNING_SWITCH]).toBe('true');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('require Node >=22 (running v20.20.2)');
    quietNodeSupportWarning(env, 'v20.20.2', (l) => lines.push(l));
    expect(lines).toHaveLength(1);
  });

  it("leaves an operator's own setting alone", () => {
    const env: Record<string, string | undefined> = { [SDK_NODE_WARNING_SWITCH]: 'false' };
    const lines: string[] = [];
    quietNodeSupportWarning(env, 'v20.20.2', (l) => lines.push(l));
    expect(env[SDK_NODE_WARNING_SWITCH]).toBe('false');
    expect(lines).toEqual([]);
  });

  it('says nothing on Node 22', () => {
    const lines: string[] = [];
    quietNodeSupportWarning({}, 'v22.12.0', (l) => lines.push(l));
    expect(lines).toEqual([]);
  });
});
