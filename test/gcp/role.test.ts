import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PERMISSIONS, requiredPermissions } from '../../providers/gcp/permissions.js';
import { gcpIntent } from './intents.js';
import { converge, startGcp } from './support.js';

const root = new URL('../../', import.meta.url);
const role = parse(readFileSync(new URL('infra/gcp/role.yaml', root), 'utf8')) as {
  includedPermissions: string[];
};

/** Every Compute API method name the provider's code passes to its caller. */
function methodsInSource(): Set<string> {
  const dir = new URL('providers/gcp/', root);
  const out = new Set<string>();
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'permissions.ts')) {
    const text = readFileSync(new URL(f, dir), 'utf8');
    for (const m of text.matchAll(
      /'((?:addresses|forwardingRules|regionBackendServices|regionHealthChecks|networkEndpointGroups|firewalls|instances|targetPools|httpHealthChecks|regionOperations|zoneOperations|globalOperations)\.[a-zA-Z]+)'/g,
    )) {
      if (m[1] !== undefined) out.add(m[1]);
    }
    // setLabels is named with a template: `${...}.setLabels`.
    if (text.includes('.setLabels`')) {
      out.add('addresses.setLabels');
      out.add('forwardingRules.setLabels');
    }
  }
  return out;
}

describe('infra/gcp/role.yaml', () => {
  it('grants exactly the permissions of the methods the code calls', () => {
    expect([...role.includedPermissions].sort()).toEqual(requiredPermissions());
  });

  it('maps every method named in providers/gcp, and names no method the code never calls', () => {
    const used = methodsInSource();
    expect([...used].filter((m) => PERMISSIONS[m] === undefined)).toEqual([]);
    expect(Object.keys(PERMISSIONS).filter((m) => !used.has(m))).toEqual([]);
  });

  describe('against the fake', () => {
    let env: Awaited<ReturnType<typeof startGcp>>;
    beforeAll(async () => {
      env = await startGcp();
    });
    afterAll(async () => env.stop());

    it('a whole life cycle calls only methods the role covers', async () => {
      const a = gcpIntent({
        targets: [
          { nodeName: 'node-a', providerID: 'gce://lbctl-test/us-central1-a/node-a' },
          { nodeName: 'node-b', providerID: 'gce://lbctl-test/us-central1-b/node-b' },
        ],
      });
      await converge(env.provider, a.service, a);
      await converge(env.provider, a.service, {
        ...a,
        extraTags: { team: 'x' },
        sourceRanges: ['10.0.0.0/8'],
      });
      await converge(env.provider, a.service, {
        ...a,
        healthCheck: { ...a.healthCheck, protocol: 'HTTP', port: 10256, path: '/healthz' },
      });
      await converge(env.provider, a.service, {
        ...a,
        targets: a.targets.slice(0, 1),
        scheme: 'internal',
      });
      await converge(env.provider, a.service, null);
      const called = new Set(env.calls.calls.map((c) => c.operation));
      expect([...called].filter((m) => PERMISSIONS[m] === undefined)).toEqual([]);
      expect(called.size).toBeGreaterThan(20);
    });
  });
});
