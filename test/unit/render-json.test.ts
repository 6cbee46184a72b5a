import { describe, expect, it } from 'vitest';
import { plan } from '../../src/plan/index.js';
import { renderJson } from '../../src/render/json.js';
import { lb, observedStack, provider, service, stack } from './plan-fixtures.js';
import { expectGolden } from './render-golden.js';
import { scenarios } from './render-fixtures.js';

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

describe('renderJson goldens', () => {
  it.each(Object.keys(scenarios))('%s', (name) => {
    const build = scenarios[name] as () => never;
    expectGolden(`${name}.json`, json(renderJson(build())));
  });
});

describe('renderJson', () => {
  it('maps actions and reasons to Terraform vocabulary', () => {
    const replaced = { ...lb, attributes: { ...lb.attributes, scheme: 'internal' } };
    const out = renderJson([
      plan({ service, provider, desired: [replaced, ...stack.slice(1)], observed: observedStack }),
    ]);
    const byAddress = Object.fromEntries(out.resource_changes.map((c) => [c.address, c]));
    expect(byAddress['lb.this']).toMatchObject({
      change: {
        actions: ['delete', 'create'],
        replace_paths: [['scheme']],
        after_unknown: { arn: true, dns_name: true },
      },
      action_reason: 'replace_because_cannot_update',
      provider_name: 'lbctl/test',
      service: 'default/web',
    });
    expect(byAddress['listener.tcp-80']?.action_reason).toBe('replace_by_triggers');
    expect(byAddress['tg.tcp-80']?.change.actions).toEqual(['no-op']);
    expect(byAddress['tg.tcp-80']).not.toHaveProperty('action_reason');
    expect(out.execution_order.map((a) => `${a.action} ${a.address}`)).toEqual([
      'delete listener.tcp-80',
      'delete lb.this',
      'create lb.this',
      'create listener.tcp-80',
    ]);
  });

  it('writes the same bytes whatever the attribute key order', () => {
    const shuffled = stack.map((r) => ({
      ...r,
      attributes: Object.fromEntries(Object.entries(r.attributes).reverse()),
    }));
    const a = JSON.stringify(
      renderJson([plan({ service, provider, desired: stack, observed: [] })]),
    );
    const b = JSON.stringify(
      renderJson([plan({ service, provider, desired: shuffled, observed: [] })]),
    );
    expect(b).toBe(a);
  });

  it('flags computed attributes unknown unless the desired resource sets them', () => {
    const desired = [{ ...lb, attributes: { ...lb.attributes, dns_name: 'lb.example' } }];
    const out = renderJson([plan({ service, provider, desired, observed: [] })]);
    expect(out.resource_changes[0]?.change.after_unknown).toEqual({ arn: true });
    expect(out.resource_changes[0]?.change.after).toMatchObject({ dns_name: 'lb.example' });
  });

  it('takes the lbctl version from the caller', () => {
    expect(renderJson([], { lbctlVersion: '9.9.9' })).toEqual({
      format_version: '1.0',
      lbctl_version: '9.9.9',
      resource_changes: [],
      execution_order: [],
      summary: { add: 0, change: 0, destroy: 0 },
    });
  });
});
