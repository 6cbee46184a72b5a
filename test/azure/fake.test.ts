import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureFake } from '../fakes/azure/server.js';
import { RG, sdkFor, startFakeCloud } from './support.js';

const lro = { updateIntervalInMs: 0 };

describe('Azure Network fake through @azure/arm-network', () => {
  let fake: AzureFake;
  let sync: AzureFake;
  beforeAll(async () => {
    fake = await startFakeCloud({ lro: 'async', pollsToComplete: 2, pageSize: 2 });
    sync = await startFakeCloud({ lro: 'sync' });
  });
  afterAll(async () => {
    await fake.close();
    await sync.close();
  });

  const pipBody = {
    location: 'eastus',
    sku: { name: 'Standard' as const },
    publicIPAllocationMethod: 'Static' as const,
  };

  it('creates a public IP through 201 + Azure-AsyncOperation polling and allocates an address', async () => {
    const pip = await sdkFor(fake).publicIPAddresses.beginCreateOrUpdateAndWait(
      RG,
      'pip-1',
      pipBody,
      lro,
    );
    expect(pip.provisioningState).toBe('Succeeded');
    expect(pip.ipAddress).toMatch(/^20\.100\./);
    expect(pip.etag).toMatch(/^W\/"/);
    expect(fake.count({ kind: 'operation' })).toBeGreaterThanOrEqual(3);
  });

  it('answers 200 Succeeded at once in sync mode', async () => {
    const before = sync.requests.length;
    await sdkFor(sync).publicIPAddresses.beginCreateOrUpdateAndWait(RG, 'pip-s', pipBody, lro);
    expect(sync.requests.slice(before).map((r) => r.method)).toEqual(['PUT']);
  });

  it('deletes through 202 + Location polling until 204, and deleting again is 204', async () => {
    const client = sdkFor(fake);
    await client.publicIPAddresses.beginCreateOrUpdateAndWait(RG, 'pip-del', pipBody, lro);
    await client.publicIPAddresses.beginDeleteAndWait(RG, 'pip-del', lro);
    expect(fake.requests.filter((r) => r.kind === 'operation').at(-1)?.status).toBe(204);
    await client.publicIPAddresses.beginDeleteAndWait(RG, 'pip-del', lro);
    expect(fake.requests.at(-1)?.status).toBe(204);
    await expect(client.publicIPAddresses.get(RG, 'pip-del')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
  });

  it('pages lists with nextLink', async () => {
    const client = sdkFor(fake);
    for (const n of ['p-a', 'p-b', 'p-c'])
      await client.publicIPAddresses.beginCreateOrUpdateAndWait(RG, n, pipBody, lro);
    const before = fake.count({ method: 'GET', kind: 'publicIPAddresses' });
    const names: string[] = [];
    for await (const p of client.publicIPAddresses.list(RG)) names.push(p.name ?? '');
    expect(names).toEqual(expect.arrayContaining(['p-a', 'p-b', 'p-c']));
    expect(
      fake.count({ method: 'GET', kind: 'publicIPAddresses' }) - before,
    ).toBeGreaterThanOrEqual(2);
  });

  it('rejects a rule that references a missing probe, and duplicate frontend ports', async () => {
    const client = sdkFor(sync);
    const pip = await client.publicIPAddresses.beginCreateOrUpdateAndWait(
      RG,
      'lb-pip',
      pipBody,
      lro,
    );
    const id = `/subscriptions/${sync.subscription}/resourceGroups/${RG}/providers/Microsoft.Network/loadBalancers/lb1`;
    const rule = (name: string, port: number, probe?: string) => ({
      name,
      frontendIPConfiguration: { id: `${id}/frontendIPConfigurations/fe` },
      protocol: 'Tcp' as const,
      frontendPort: port,
      backendPort: 30000 + port,
      ...(probe === undefined ? {} : { probe: { id: `${id}/probes/${probe}` } }),
    });
    const lb = (rules: ReturnType<typeof rule>[]) => ({
      location: 'eastus',
      sku: { name: 'Standard' as const },
      frontendIPConfigurations: [{ name: 'fe', publicIPAddress: { id: pip.id ?? '' } }],
      loadBalancingRules: rules,
    });
    await expect(
      client.loadBalancers.beginCreateOrUpdateAndWait(RG, 'lb1', lb([rule('r1', 80, 'nope')]), lro),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'InvalidResourceReference',
    });
    await expect(
      client.loadBalancers.beginCreateOrUpdateAndWait(
        RG,
        'lb1',
        lb([rule('r1', 80), rule('r2', 80)]),
        lro,
      ),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'RulesUseSameFrontendIPConfigurationAndPort',
    });
    const ok = await client.loadBalancers.beginCreateOrUpdateAndWait(
      RG,
      'lb1',
      lb([rule('r1', 80)]),
      lro,
    );
    expect(ok.frontendIPConfigurations?.[0]?.loadBalancingRules?.[0]?.id).toBe(
      `${id}/loadBalancingRules/r1`,
    );
    await expect(
      client.publicIPAddresses.beginDeleteAndWait(RG, 'lb-pip', lro),
    ).rejects.toMatchObject({
      code: 'PublicIPAddressCannotBeDeleted',
    });
  });

  it('answers 412 when If-Match does not match the etag', async () => {
    const client = sdkFor(sync);
    const pip = await client.publicIPAddresses.beginCreateOrUpdateAndWait(
      RG,
      'pip-etag',
      pipBody,
      lro,
    );
    const stale = { requestOptions: { customHeaders: { 'If-Match': 'W/"stale"' } }, ...lro };
    await expect(
      client.publicIPAddresses.beginCreateOrUpdateAndWait(RG, 'pip-etag', pipBody, stale),
    ).rejects.toMatchObject({
      statusCode: 412,
      code: 'PreconditionFailed',
    });
    const fresh = { requestOptions: { customHeaders: { 'If-Match': pip.etag ?? '' } }, ...lro };
    const updated = await client.publicIPAddresses.beginCreateOrUpdateAndWait(
      RG,
      'pip-etag',
      { ...pipBody, tags: { a: 'b' } },
      fresh,
    );
    expect(updated.etag).not.toBe(pip.etag);
    expect(updated.ipAddress).toBe(pip.ipAddress);
  });

  it('rejects invalid NSG prefixes, duplicate priorities and tag names with "/"', async () => {
    const client = sdkFor(sync);
    const r = (name: string, priority: number, prefix: string) => ({
      name,
      priority,
      direction: 'Inbound' as const,
      access: 'Allow' as const,
      protocol: 'Tcp' as const,
      sourcePortRange: '*',
      destinationPortRange: '80',
      sourceAddressPrefix: prefix,
      destinationAddressPrefix: '*',
    });
    await expect(
      client.networkSecurityGroups.beginCreateOrUpdateAndWait(
        RG,
        'n1',
        { location: 'eastus', securityRules: [r('a', 500, '10.0.0.0/33')] },
        lro,
      ),
    ).rejects.toMatchObject({ code: 'SecurityRuleInvalidAddressPrefix' });
    await expect(
      client.networkSecurityGroups.beginCreateOrUpdateAndWait(
        RG,
        'n1',
        { location: 'eastus', securityRules: [r('a', 500, '*'), r('b', 500, 'Internet')] },
        lro,
      ),
    ).rejects.toMatchObject({ code: 'SecurityRuleConflict' });
    await expect(
      client.publicIPAddresses.beginCreateOrUpdateAndWait(
        RG,
        'pip-tag',
        { ...pipBody, tags: { 'a/b': 'c' } },
        lro,
      ),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('answers 409 AnotherOperationInProgress to a write while an operation on the resource runs', async () => {
    const path = `/subscriptions/${fake.subscription}/resourceGroups/${RG}/providers/Microsoft.Network/publicIPAddresses/busy?api-version=2025-05-01`;
    const body = {
      location: 'eastus',
      sku: { name: 'Standard' },
      properties: { publicIPAllocationMethod: 'Static' },
    };
    const first = await fetchInsecure(fake, path, 'fake-token', { method: 'PUT', body });
    expect(first.status).toBe(201);
    expect(first.headers?.['azure-asyncoperation']).toMatch(
      /^https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.*\/operations\//,
    );
    const second = await fetchInsecure(fake, path, 'fake-token', { method: 'PUT', body });
    expect(second).toMatchObject({ status: 409, code: 'AnotherOperationInProgress' });
  });

  it('draws the same faults from the same seed, and only for the token they were set for', async () => {
    const statuses = async (seed: number) => {
      sync.setFaults({ rate: 0.5, seed, kinds: [500, 503] }, 'flaky');
      const out: number[] = [];
      for (let i = 0; i < 12; i++) {
        out.push(
          (
            await fetchInsecure(
              sync,
              `/subscriptions/${sync.subscription}/resourceGroups/${RG}/providers/Microsoft.Network/loadBalancers?api-version=2025-05-01`,
              'flaky',
            )
          ).status,
        );
      }
      return out;
    };
    const a = await statuses(3);
    expect(await statuses(3)).toEqual(a);
    expect(a.filter((s) => s !== 200).length).toBeGreaterThan(0);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(0);
    const clean = await fetchInsecure(
      sync,
      `/subscriptions/${sync.subscription}/resourceGroups/${RG}/providers/Microsoft.Network/loadBalancers?api-version=2025-05-01`,
      'fake-token',
    );
    expect(clean.status).toBe(200);
    sync.setFaults(undefined, 'flaky');
    expect(
      (
        await fetchInsecure(
          sync,
          '/subscriptions/x/providers/Microsoft.Network/loadBalancers',
          'flaky',
        )
      ).status,
    ).toBe(401);
  });

  it('throttles with 429 + Retry-After, and refuses a bad token and an unknown api-version', async () => {
    sync.setFaults({ rate: 1, kinds: [429] });
    try {
      await expect(sdkFor(sync).publicIPAddresses.get(RG, 'pip-s')).rejects.toMatchObject({
        statusCode: 429,
      });
      expect(sync.requests.at(-1)?.status).toBe(429);
    } finally {
      sync.setFaults(undefined);
    }
    const res = await fetchInsecure(
      sync,
      '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/loadBalancers?api-version=2025-05-01',
      'fake-token',
    );
    expect(res.status).toBe(404);
    const v = await fetchInsecure(
      sync,
      `/subscriptions/${sync.subscription}/resourceGroups/rg/providers/Microsoft.Network/loadBalancers?api-version=2015-01-01`,
      'fake-token',
    );
    expect(v).toMatchObject({ status: 400, code: 'NoRegisteredProviderFound' });
    const a = await fetchInsecure(
      sync,
      `/subscriptions/${sync.subscription}/resourceGroups/rg/providers/Microsoft.Network/loadBalancers?api-version=2025-05-01`,
      'wrong',
    );
    expect(a).toMatchObject({ status: 401, code: 'AuthenticationFailed' });
  });
});

async function fetchInsecure(
  fake: AzureFake,
  path: string,
  token: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; code?: string; headers?: Record<string, unknown> }> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(
      `${fake.endpoint}${path}`,
      {
        ca: fake.ca,
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          const parsed = JSON.parse(body || '{}') as { error?: { code?: string } };
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            ...(parsed.error?.code === undefined ? {} : { code: parsed.error.code }),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body === undefined ? undefined : JSON.stringify(init.body));
  });
}
