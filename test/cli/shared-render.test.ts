// A cloud object several Services share (Azure's cluster load balancer) is shown and counted
// once, and its deletion is shown only when no Service of the plan keeps it.
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/plan/index.js';
import { renderJson } from '../../src/render/json.js';
import { renderText } from '../../src/render/text.js';
import { lb, observedOf, provider, res, service } from '../unit/plan-fixtures.js';

const shared = res('lb.shared', { scheme: 'external', subnets: [], name: 'kubernetes' });
const other = { ...service, name: 'api', uid: 'uid-2' };
const own = (name: string) => res('rule.own', { cidrs: [], name });

describe('shared cloud objects across Services', () => {
  it('a create is shown once and counted once', () => {
    const plans = [
      plan({ service, provider, desired: [shared, own('web')], observed: [] }),
      plan({ service: other, provider, desired: [shared, own('api')], observed: [] }),
    ];
    const text = renderText(plans, { color: false });
    expect(text.match(/# lb\.shared will be created/g)).toHaveLength(1);
    expect(text).toContain('# lb.shared is shared: shown under Service default/web');
    expect(text).toContain('Plan: 3 to add, 0 to change, 0 to destroy.');
    expect(renderJson(plans).summary).toEqual({ add: 3, change: 0, destroy: 0 });
  });

  it('a deletion is shown when every Service lets it go, and is no deletion while one keeps it', () => {
    const live = [observedOf(shared), observedOf(own('web'))];
    const liveApi = [observedOf(shared), observedOf(own('api'))];
    const bothGo = [
      plan({ service, provider, desired: [], observed: live }),
      plan({ service: other, provider, desired: [], observed: liveApi }),
    ];
    const gone = renderText(bothGo, { color: false });
    expect(gone.match(/# lb\.shared will be destroyed/g)).toHaveLength(1);
    expect(gone).toContain('Plan: 0 to add, 0 to change, 3 to destroy.');

    const oneStays = [
      plan({ service, provider, desired: [], observed: live }),
      plan({ service: other, provider, desired: [shared, own('api')], observed: liveApi }),
    ];
    const kept = renderText(oneStays, { color: false });
    expect(kept).not.toContain('# lb.shared will be destroyed');
    expect(kept).toContain('# lb.shared is shared and stays: Service default/api still uses it');
    expect(kept).toContain('Plan: 0 to add, 0 to change, 1 to destroy.');
  });

  it('objects of the same address but another cloud name are not merged', () => {
    const plans = [
      plan({ service, provider, desired: [lb], observed: [] }),
      plan({
        service: other,
        provider,
        desired: [{ ...lb, attributes: { ...lb.attributes, name: 'a2' } }],
        observed: [],
      }),
    ];
    expect(renderText(plans, { color: false }).match(/# lb\.this will be created/g)).toHaveLength(
      2,
    );
  });
});
