import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resource } from '../../src/core/resource.js';
import type { AzureFake } from '../fakes/azure/server.js';
import { providerFor } from './adapter-support.js';
import { intentFixture } from './intent-fixture.js';
import { reconcileOnce } from './reconcile.js';
import { startFakeCloud } from './support.js';

/** ARM authorisation actions per recorded operation (`<Group>.<Operation>`). */
const ACTION_OF: Record<string, string> = {
  Get: 'read',
  List: 'read',
  CreateOrUpdate: 'write',
  Delete: 'delete',
};
const TYPE_OF: Record<string, string> = {
  LoadBalancers: 'loadBalancers',
  PublicIPAddresses: 'publicIPAddresses',
  NetworkSecurityGroups: 'networkSecurityGroups',
  LoadBalancerBackendAddressPools: 'loadBalancers/backendAddressPools',
};

/** Linked-access checks ARM makes when a load balancer references other resources. */
function joinActions(resources: readonly Resource[]): string[] {
  const out: string[] = [];
  for (const r of resources) {
    if (r.type === 'azurerm_lb_frontend_ip_configuration' && r.attributes.public_ip !== undefined)
      out.push('Microsoft.Network/publicIPAddresses/join/action');
    if (r.type === 'azurerm_lb_frontend_ip_configuration' && r.attributes.subnet !== undefined)
      out.push('Microsoft.Network/virtualNetworks/subnets/join/action');
    if (r.type === 'azurerm_lb_backend_address_pool')
      out.push('Microsoft.Network/virtualNetworks/joinLoadBalancer/action');
  }
  return out;
}

describe('infra/azure/role.json', () => {
  let fake: AzureFake;
  beforeAll(async () => {
    fake = await startFakeCloud({ lro: 'async' });
  });
  afterAll(() => fake.close());

  it('grants exactly the Microsoft.Network actions the adapter uses', async () => {
    const role = JSON.parse(
      readFileSync(new URL('../../infra/azure/role.json', import.meta.url), 'utf8'),
    ) as { Actions: string[]; DataActions: string[] };
    const p = providerFor(fake);
    const used = new Set<string>();
    for (const intent of [
      intentFixture(),
      intentFixture({ scheme: 'internal', sourceRanges: ['10.0.0.0/8'] }),
    ]) {
      for (const r of joinActions(p.desired(intent))) used.add(r);
      await reconcileOnce(p, intent.service, intent);
      await reconcileOnce(p, intent.service, null);
    }
    for (const c of p.calls.calls) {
      const [group, op] = c.operation.split('.') as [string, string];
      used.add(`Microsoft.Network/${TYPE_OF[group] ?? group}/${ACTION_OF[op] ?? op}`);
    }
    if (fake.requests.some((r) => r.kind === 'operation' && r.path.includes('/operations/')))
      used.add('Microsoft.Network/locations/operations/read');
    if (fake.requests.some((r) => r.kind === 'operation' && r.path.includes('/operationResults/')))
      used.add('Microsoft.Network/locations/operationResults/read');
    expect([...role.Actions].sort()).toEqual([...used].sort());
    expect(role.DataActions).toEqual([]);
  });
});
