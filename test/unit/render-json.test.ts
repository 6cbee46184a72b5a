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
    expect(byAddress['module.service["default/web"].lb.this']).toMatchObject({
      change: {
        actions: ['delete', 'create'],
        replace_paths: [['scheme']],
        after_unknown: { arn: true, dns_name: true },
      },
      action_reason: 'replace_because_cannot_update',
      provider_name: 'lbctl/test',
      service: 'default/web',
      module_address: 'module.service["default/web"]',
    });
    expect(byAddress['module.service["default/web"].listener.tcp-80']?.action_reason).toBe(
      'replace_by_triggers',
    );
    expect(byAddress['module.service["default/web"].tg.tcp-80']?.change.actions).toEqual(['no-op']);
    expect(byAddress['module.service["default/web"].tg.tcp-80']).not.toHaveProperty(
      'action_reason',
    );
    expect(out.execution_order.map((a) => `${a.action} ${a.address}`)).toEqual([
      'delete module.service["default/web"].listener.tcp-80',
      'delete module.service["default/web"].lb.this',
      'create module.service["default/web"].lb.this',
      'create module.service["default/web"].listener.tcp-80',
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

  it('gives every resource of every Service a unique address, as Terraform does for module instances', () => {
    const other = { ...service, name: 'api', uid: 'uid-api' };
    const out = renderJson([
      plan({ service, provider, desired: stack, observed: [] }),
      plan({ service: other, provider, desired: stack, observed: [] }),
    ]);
    const addresses = out.resource_changes.map((c) => c.address);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(out.resource_changes.map((c) => c.module_address)).toContain(
      'module.service["default/api"]',
    );
    const listener = out.resource_changes.find(
      (c) => c.address === 'module.service["default/api"].listener.tcp-80',
    );
    expect(listener?.depends_on.every((d) => d.startsWith('module.service["default/api"].'))).toBe(
      true,
    );
    expect(out.applyable).toBe(true);
  });

  it('takes the lbctl version from the caller', () => {
    expect(renderJson([], { lbctlVersion: '9.9.9', observed: 'snapshot' })).toEqual({
      format_version: '1.2',
      lbctl_format_version: '2.0',
      lbctl_version: '9.9.9',
      observed: 'snapshot',
      complete: true,
      applyable: false,
      errored: false,
      resource_changes: [],
      execution_order: [],
      summary: { add: 0, change: 0, destroy: 0 },
    });
  });
});
