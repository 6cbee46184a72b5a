// Plans from files keep the NodePorts the live load balancer forwards to: a Service's plan does
// not depend on which other files are planned with it (issue 11, point 2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApply } from '../../src/cli/commands/apply.js';
import { runPlan } from '../../src/cli/commands/plan.js';
import {
  pinObservedNodePorts,
  withSharedNodePorts,
} from '../../src/cli/planning/stable-nodeports.js';
import { loadProvider } from '../../src/cli/providers.js';
import type { Service } from '../../src/core/k8s.js';
import { createClients } from '../../providers/aws/clients.js';
import { nodeManifests, seedMotoNetwork } from '../../infra/aws/moto-seed.js';
import { localProviderModule } from '../../providers/local/index.js';
import { startMoto, type Moto } from '../support/moto.js';
import { recordingDeps, serviceYaml, writeFiles } from './support.js';

const nodes = `apiVersion: v1
kind: Node
metadata: { name: node-a }
spec: { providerID: kind://docker/demo/node-a }
status: { addresses: [{ type: InternalIP, address: 172.18.0.2 }] }
`;

const base = { clusterName: 'demo', set: [] as string[], color: false };

describe('stable NodePorts on the local provider', () => {
  it('a Service applied alone is not replaced when planned after another file', async () => {
    const mod = localProviderModule();
    const h = recordingDeps({ loadProvider: () => Promise.resolve(mod) });
    const f = await writeFiles({
      'nodes.yaml': nodes,
      'web.yaml': serviceYaml('web', '00000000-0000-0000-0000-000000000001', [80]),
      'api.yaml': serviceYaml('api', '00000000-0000-0000-0000-000000000002', [80]),
    });
    const applied = await runApply(
      undefined,
      {
        ...base,
        provider: 'local',
        filename: [f['nodes.yaml']!, f['web.yaml']!],
        autoApprove: true,
      },
      h.deps,
    );
    expect(applied).toBe(0);
    h.clear();
    // api comes first: allocated afresh, it would take web's NodePort and web would be replaced.
    await runPlan(
      {
        ...base,
        provider: 'local',
        filename: [f['nodes.yaml']!, f['api.yaml']!, f['web.yaml']!],
        json: true,
      },
      h.deps,
    );
    const json = JSON.parse(h.stdout()) as {
      resource_changes: {
        service: string;
        change: { actions: string[]; after: { node_port?: number } | null };
      }[];
    };
    const web = json.resource_changes.filter((c) => c.service === 'default/web');
    expect(web.map((c) => c.change.actions)).toEqual(web.map(() => ['no-op']));
    const apiPorts = json.resource_changes
      .filter((c) => c.service === 'default/api')
      .map((c) => c.change.after?.node_port)
      .filter((p) => p !== undefined);
    const webPorts = web.map((c) => c.change.after?.node_port).filter((p) => p !== undefined);
    expect(apiPorts).toHaveLength(1);
    expect(webPorts).not.toContain(apiPorts[0]);
  });
});

describe('two Services applied from their own files share a live NodePort', () => {
  it('planned together, neither is replaced, and stderr says they share it', async () => {
    const mod = localProviderModule();
    const h = recordingDeps({ loadProvider: () => Promise.resolve(mod) });
    const f = await writeFiles({
      'nodes.yaml': nodes,
      'web.yaml': serviceYaml('web', '00000000-0000-0000-0000-000000000001', [80]),
      'api.yaml': serviceYaml('api', '00000000-0000-0000-0000-000000000002', [80]),
    });
    const flags = { ...base, provider: 'local', autoApprove: true };
    for (const alone of ['web.yaml', 'api.yaml']) {
      expect(
        await runApply(undefined, { ...flags, filename: [f['nodes.yaml']!, f[alone]!] }, h.deps),
      ).toBe(0);
    }
    h.clear();
    await runPlan(
      { ...base, provider: 'local', filename: [f['nodes.yaml']!, f['web.yaml']!, f['api.yaml']!] },
      h.deps,
    );
    expect(h.stdout()).toContain('No changes. Your infrastructure matches the configuration.');
    expect(h.stderr()).toMatch(
      /Warning: Services default\/web and default\/api both forward to NodePort 300\d\d in the cloud/,
    );
  });
});

describe('stable healthCheckNodePorts on the local provider', () => {
  it('a Local Service keeps its live probe port when planned after another Local Service', async () => {
    const local = (name: string, uid: string) =>
      serviceYaml(name, uid, [80]).replace(
        'type: LoadBalancer',
        'type: LoadBalancer\n  externalTrafficPolicy: Local',
      );
    const mod = localProviderModule();
    const h = recordingDeps({ loadProvider: () => Promise.resolve(mod) });
    const f = await writeFiles({
      'nodes.yaml': nodes,
      'web.yaml': local('web', '00000000-0000-0000-0000-000000000001'),
      'api.yaml': local('api', '00000000-0000-0000-0000-000000000002'),
    });
    const flags = { ...base, provider: 'local' };
    expect(
      await runApply(
        undefined,
        { ...flags, filename: [f['nodes.yaml']!, f['web.yaml']!], autoApprove: true },
        h.deps,
      ),
    ).toBe(0);
    h.clear();
    await runPlan(
      { ...flags, filename: [f['nodes.yaml']!, f['api.yaml']!, f['web.yaml']!], json: true },
      h.deps,
    );
    const json = JSON.parse(h.stdout()) as {
      resource_changes: { service: string; change: { actions: string[] } }[];
    };
    const web = json.resource_changes.filter((c) => c.service === 'default/web');
    expect(web.length).toBeGreaterThan(0);
    expect(web.map((c) => c.change.actions[0])).toEqual(web.map(() => 'no-op'));
  });
});

describe('pinObservedNodePorts', () => {
  const svc = (name: string, nodePort?: number): Service => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', uid: name },
    spec: {
      type: 'LoadBalancer',
      ports: [{ port: 80, ...(nodePort === undefined ? {} : { nodePort }) }],
    },
  });
  const live = [{ protocol: 'TCP' as const, port: 80, nodePort: 30100 }];

  it('fills only ports the manifest leaves out', () => {
    const [a, b] = pinObservedNodePorts([svc('a'), svc('b', 30200)], [live, live]).services;
    expect(a?.spec.ports?.[0]?.nodePort).toBe(30100);
    expect(b?.spec.ports?.[0]?.nodePort).toBe(30200);
  });

  it('leaves a port that another Service of the input writes to that Service', () => {
    const [a] = pinObservedNodePorts([svc('a'), svc('b', 30100)], [live, []]).services;
    expect(a?.spec.ports?.[0]?.nodePort).toBeUndefined();
  });

  it("pins a Local Service's healthCheckNodePort from the live probe, never kube-proxy's 10256", () => {
    const localSvc = (name: string): Service => ({
      ...svc(name),
      spec: { ...svc(name).spec, externalTrafficPolicy: 'Local' },
    });
    const [a, b] = pinObservedNodePorts(
      [localSvc('a'), localSvc('b')],
      [live, live],
      [31000, 10256],
    ).services;
    expect(a?.spec.healthCheckNodePort).toBe(31000);
    expect(b?.spec.healthCheckNodePort).toBeUndefined();
  });

  it('a live port two Services forward to is kept by both: the later one through shared', () => {
    const { services, shared } = pinObservedNodePorts([svc('a'), svc('b')], [live, live]);
    expect(services[0]?.spec.ports?.[0]?.nodePort).toBe(30100);
    expect(services[1]?.spec.ports?.[0]?.nodePort).toBeUndefined();
    expect(shared).toEqual([{ service: 1, port: 0, nodePort: 30100, with: 'default/a' }]);
    const allocated = { ...svc('b', 30101) };
    expect(withSharedNodePorts(allocated, 1, shared).spec.ports?.[0]?.nodePort).toBe(30100);
  });

  it('returns the same object when nothing is pinned', () => {
    const input = [svc('a')];
    expect(pinObservedNodePorts(input, [[]]).services[0]).toBe(input[0]);
  });
});

describe('stable NodePorts on AWS (moto)', () => {
  let moto: Moto;
  const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto.stop();
  });

  it('target groups and listeners of a live Service are kept when another file comes first', async () => {
    const { ec2 } = createClients(
      { endpoint: moto.endpoint, region: 'us-east-1', rates: {} },
      { env },
    );
    const net = await seedMotoNetwork(ec2, { nodes: 2, clusterName: 'demo' });
    const set = [
      `endpoint=${moto.endpoint}`,
      'region=us-east-1',
      `vpc-id=${net.vpcId}`,
      `security-group=${net.nodeSecurityGroup}`,
    ];
    const h = recordingDeps({ loadProvider, env });
    const f = await writeFiles({
      'nodes.yaml': nodeManifests(net.nodes),
      'web.yaml': serviceYaml('web', '00000000-0000-0000-0000-0000000000aa', [80, 443]),
      'api.yaml': serviceYaml('api', '00000000-0000-0000-0000-0000000000bb', [80]),
    });
    const flags = { ...base, set, provider: 'aws' };
    expect(
      await runApply(
        undefined,
        { ...flags, filename: [f['nodes.yaml']!, f['web.yaml']!], autoApprove: true },
        h.deps,
      ),
    ).toBe(0);
    h.clear();
    await runPlan(
      { ...flags, filename: [f['nodes.yaml']!, f['api.yaml']!, f['web.yaml']!], json: true },
      h.deps,
    );
    const json = JSON.parse(h.stdout()) as {
      observed: string;
      resource_changes: { service: string; address: string; change: { actions: string[] } }[];
    };
    expect(json.observed).toBe('cloud');
    const web = json.resource_changes.filter((c) => c.service === 'default/web');
    expect(web.length).toBeGreaterThan(0);
    expect(web.filter((c) => c.change.actions[0] !== 'no-op').map((c) => c.address)).toEqual([]);
    expect(
      json.resource_changes
        .filter((c) => c.service === 'default/api')
        .every((c) => c.change.actions[0] === 'create'),
    ).toBe(true);
  }, 60_000);
});

describe('observedNodePorts readers', () => {
  it('azure: each rule forwards its frontend port to its backend port (the NodePort)', async () => {
    const { observedNodePorts } = await import('../../providers/azure/nodeports.js');
    const rule = (name: string, protocol: string, frontend: number, backend: number) => ({
      type: 'azurerm_lb_rule',
      name,
      attributes: { protocol, frontend_port: frontend, backend_port: backend },
      dependsOn: [],
    });
    expect(
      observedNodePorts([rule('tcp-80', 'Tcp', 80, 30080), rule('udp-53', 'Udp', 53, 30053)]),
    ).toEqual([
      { protocol: 'TCP', port: 80, nodePort: 30080 },
      { protocol: 'UDP', port: 53, nodePort: 30053 },
    ]);
  });

  it('azure: a plan of files keeps the live rule ports (model wiring)', async () => {
    const { provider } = await import('../../providers/azure/index.js');
    const model = provider.model({ clusterName: 'demo', values: {}, env: {} });
    expect(model.observedNodePorts).toBeTypeOf('function');
  });
});
