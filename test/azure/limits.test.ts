import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { provider } from '../../providers/azure/index.js';
import { intentFixture, node } from './intent-fixture.js';

const model = provider.model({ clusterName: 'prod', values: {}, env: {} });
const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, 'v']));

/** Issue 10 #3 / 14 #2: what ARM would refuse is refused at plan time, naming the field. */
describe('azure plan-time limits', () => {
  it('counts lbctl’s own 4 tags against the 50 per resource', () => {
    expect(() => model.desired(intentFixture({ extraTags: tags(46) }))).not.toThrow();
    expect(() => model.desired(intentFixture({ extraTags: tags(47) }))).toThrow(
      /metadata\.annotations\[lbctl\.io\/tags\]: Invalid value: 47: .*at most 46/,
    );
  });

  it('refuses tag values over 256 characters and names differing only in case, all at once', () => {
    const err = (() => {
      try {
        model.desired(intentFixture({ extraTags: { Team: 'a', team: 'x'.repeat(257) } }));
      } catch (e) {
        return e as Error;
      }
      throw new Error('accepted');
    })();
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toMatch(/Invalid value: "team": Azure tag names are case-insensitive/);
    expect(err.message).toMatch(/lbctl\.io\/tags\]\[team\].*at most 256 characters/);
  });

  it('refuses a Node whose InternalIP is not an IP address, naming the Node', () => {
    expect(() => model.desired(intentFixture({ targets: [node('node-x', 'not-an-ip')] }))).toThrow(
      /Node node-x: status\.addresses\[type=InternalIP\]\.address: Invalid value: "not-an-ip"/,
    );
  });

  it('refuses more ports than a load balancer or security group holds, and too many source ranges', () => {
    const ports = Array.from({ length: 1001 }, (_, i) => ({
      name: `p${i}`,
      protocol: 'TCP' as const,
      port: 1000 + i,
      nodePort: 30000 + i,
    }));
    expect(() => model.desired(intentFixture({ listeners: ports }))).toThrow(
      /spec\.ports: Invalid value: 1001/,
    );
    const ranges = Array.from({ length: 2001 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    expect(() => model.desired(intentFixture({ sourceRanges: ranges }))).toThrow(
      /spec\.loadBalancerSourceRanges: Invalid value: 2001/,
    );
  });
});
