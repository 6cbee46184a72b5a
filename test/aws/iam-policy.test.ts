import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const policy = JSON.parse(readFileSync(`${root}infra/aws/iam-policy.json`, 'utf8')) as {
  Statement: Statement[];
};
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
const allowed = new Set(
  policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action)),
);

/** Every SDK command the provider sends, as IAM actions, read from its source. */
function actionsInCode(): Set<string> {
  const out = new Set<string>();
  const dir = `${root}providers/aws/`;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(dir + file, 'utf8');
    const service = (command: string): string => {
      const imports = [
        ...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g),
      ];
      const from = imports.find((m) =>
        (m[1] ?? '').split(/[\s,]+/).includes(`${command}Command`),
      )?.[2];
      if (from === 'ec2') return 'ec2';
      if (from === 'elastic-load-balancing-v2') return 'elasticloadbalancing';
      throw new Error(`${file}: ${command}Command is not imported from an AWS SDK client`);
    };
    for (const m of text.matchAll(/new (\w+)Command\(/g))
      out.add(`${service(m[1] ?? '')}:${m[1] ?? ''}`);
  }
  return out;
}

describe('infra/aws/iam-policy.json', () => {
  const used = actionsInCode();

  it('the provider sends commands (the scan works)', () => {
    expect(used.size).toBeGreaterThan(20);
    expect(used.has('elasticloadbalancing:RegisterTargets')).toBe(true);
    expect(used.has('ec2:AuthorizeSecurityGroupIngress')).toBe(true);
  });

  it('allows every operation the code makes', () => {
    expect([...used].filter((a) => !allowed.has(a)).sort()).toEqual([]);
  });

  it('allows nothing the code does not make (least privilege)', () => {
    expect([...allowed].filter((a) => !used.has(a)).sort()).toEqual([]);
  });

  it('every change is scoped by the ownership tag or the cluster tag; only reads are unconditional', () => {
    for (const s of policy.Statement.filter((x) => x.Effect === 'Allow')) {
      const reads = list(s.Action).every((a) => /:Describe/.test(a));
      // Creating a security group also needs the VPC, which carries no tag of ours.
      const vpcOnly = list(s.Resource).every((r) => r.endsWith(':vpc/*'));
      if (reads || vpcOnly) continue;
      const text = JSON.stringify(s.Condition ?? {});
      expect(text, s.Sid).toMatch(
        /aws:(Request|Resource)Tag\/kubernetes\.io\/cluster\/\$\{ClusterName\}/,
      );
    }
  });
});
