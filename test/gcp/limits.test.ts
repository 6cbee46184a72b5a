import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planFromFiles } from '../../src/cli/planning/from-files.js';
import { loadProvider } from '../../src/cli/providers.js';
import { desiredResources } from '../../providers/gcp/desired.js';
import { gcpIntent } from './intents.js';

// Issue 10 #3 / 14 #2: what Compute Engine would refuse is refused at plan time, naming the field.
const settings = { region: 'us-central1', network: 'default', subnetwork: 'nodes', nodeTags: [] };
const plan = (overrides: Parameters<typeof gcpIntent>[0]) =>
  desiredResources(gcpIntent(overrides), settings);
const tags = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));
const service = (uid: string) => ({ namespace: 'default', name: 'web', uid });

describe('gcp: Compute limits at plan time', () => {
  it.each([
    ['an upper-case UID', '1B4E28BA-2FA1-11D2-883F-0016D3CCA427'],
    ['a UID that is no UUID', 'NOT-A-UUID!!'],
  ])('refuses %s, whose resource names GCP refuses, naming metadata.uid', (_what, uid) => {
    expect(() => plan({ service: service(uid) })).toThrow(
      new RegExp(
        `Service default/web: metadata.uid: Invalid value: "${uid.replace(/[!]/g, '.')}": gives the Compute resource name`,
      ),
    );
  });

  it('takes 59 tags (64 labels with lbctl’s five) and refuses 60, naming lbctl.io/tags', () => {
    expect(() => plan({ extraTags: tags(59) })).not.toThrow();
    expect(() => plan({ extraTags: tags(60) })).toThrow(
      /metadata.annotations\[lbctl.io\/tags\]: Invalid value: 60: Google Cloud allows 64 labels per resource and lbctl sets 5 of its own: at most 59 tags/,
    );
  });

  it.each([
    [
      { Team: 'payments' },
      /lbctl.io\/tags\]: Invalid value: "Team": is not a Google Cloud label key/,
    ],
    [
      { team: 'Payments Team' },
      /lbctl.io\/tags\]\.team: Invalid value: "Payments Team": is not a Google Cloud label value/,
    ],
    [{ ['k'.repeat(64)]: 'v' }, /is not a Google Cloud label key/],
    [{ team: 'v'.repeat(64) }, /is not a Google Cloud label value/],
  ])('refuses the tag %o, which is not a Google Cloud label', (extraTags, message) => {
    expect(() => plan({ extraTags })).toThrow(message);
  });

  it('refuses lbctl.io/tags with 70 pairs from a Service file before any call', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'lbctl-gcp-limits-'));
    const pairs = Array.from({ length: 70 }, (_, i) => `k${i}=v${i}`).join(',');
    writeFileSync(
      join(dir, 'svc.yaml'),
      [
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: tagged',
        '  namespace: default',
        '  uid: 1f1c2a3e-8b9d-4c7a-9e01-000000000070',
        '  annotations:',
        `    lbctl.io/tags: "${pairs}"`,
        'spec:',
        '  type: LoadBalancer',
        '  ports:',
        '    - port: 80',
        '      nodePort: 30080',
        '',
      ].join('\n'),
    );
    await expect(
      planFromFiles({
        files: [join(dir, 'svc.yaml'), `${root}examples/nodes/gcp.yaml`],
        provider: 'gcp',
        clusterName: 'demo',
        set: [],
        env: {},
        connect: 'never',
        loadProvider,
        notice: () => undefined,
      }),
    ).rejects.toThrow(
      /svc.yaml, document 1 \(Service default\/tagged\): metadata.annotations\[lbctl.io\/tags\]: Invalid value: 70/,
    );
  });
});
