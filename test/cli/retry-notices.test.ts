// A cloud that does not answer: the CLI says on stderr, once per operation, that it is retrying,
// instead of waiting silently through the backoff. The real AWS adapter and SDK against a
// loopback port nothing listens on (retries without delay here).
import { closedPort } from '../support/ports.js';
import { describe, expect, it } from 'vitest';
import { runPlan } from '../../src/cli/commands/plan.js';
import type { ProviderModule } from '../../src/core/provider.js';
import { provider as aws } from '../../providers/aws/index.js';
import { connectAws } from '../../providers/aws/provider.js';
import { recordingDeps, serviceYaml, writeFiles } from './support.js';

describe('retry notices', () => {
  it('an unreachable endpoint: one warning per operation while retrying, then the error', async () => {
    const port = await closedPort();
    const module: ProviderModule = {
      ...aws,
      connect: (settings, { calls }) =>
        Promise.resolve(
          connectAws(settings, {
            calls,
            retry: { retries: 3, minTimeoutMs: 0, maxTimeoutMs: 0, factor: 1 },
            sleep: () => Promise.resolve(),
          }),
        ),
    };
    const h = recordingDeps({
      loadProvider: () => Promise.resolve(module),
      env: { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' },
    });
    const f = await writeFiles({
      'web.yaml': serviceYaml('web', '00000000-0000-4000-8000-000000000001', [80]),
      'nodes.yaml': `apiVersion: v1
kind: Node
metadata: { name: n1 }
spec: { providerID: aws:///eu-west-1a/i-0123456789abcdef0 }
status: { addresses: [{ type: InternalIP, address: 10.0.1.10 }] }
`,
    });
    await expect(
      runPlan(
        {
          provider: 'aws',
          clusterName: 'demo',
          set: [
            `endpoint=http://127.0.0.1:${port}`,
            'region=eu-west-1',
            'vpc-id=vpc-0123456789abcdef0',
          ],
          color: false,
          filename: [f['web.yaml']!, f['nodes.yaml']!],
        },
        h.deps,
      ),
    ).rejects.toThrow(/cannot read what exists in aws/);
    const warnings = h
      .stderr()
      .split('\n')
      .filter((l) => l.includes('retrying with backoff'));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatch(
      /^Warning: aws \w+ failed \(.*ECONNREFUSED.*\); retrying with backoff$/,
    );
    expect(new Set(warnings).size).toBe(warnings.length);
  });
});
