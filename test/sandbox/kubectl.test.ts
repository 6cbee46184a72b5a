import type { Service } from '../../src/core/k8s.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestEnv } from './support.js';
import { SEED_SERVICES, table, testEnv } from './support.js';

let env: TestEnv;
beforeEach(async () => {
  env = await testEnv();
});
afterEach(async () => {
  await env.close();
});

const createSeed = async (): Promise<void> => {
  const created = await env.kubectl(['create', '-f', await env.file('seed.yaml', SEED_SERVICES)]);
  expect(created.stderr).toBe('');
  expect(created.stdout.trim().split('\n')).toEqual([
    'service/myapp-service created',
    'service/frontend-svc created',
    'service/webserver created',
  ]);
};

const service = (name: string, ns = 'default'): Service =>
  env.sandbox.store.get('services', name, ns) as unknown as Service;
const clusterIP = (name: string): string | undefined => service(name).spec.clusterIP;

describe('kubectl against the sandbox', () => {
  it('creates the seed Services and prints TYPE, CLUSTER-IP, EXTERNAL-IP and PORT(S) like the API server', async () => {
    await createSeed();
    const got = await env.kubectl(['get', 'svc']);
    expect(got.code).toBe(0);
    const rows = table(got.stdout);
    expect(rows[0]).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    const byName: Record<string, string[]> = Object.fromEntries(
      rows.slice(1).map((r) => [r[0], r.slice(1, 5)]),
    );
    expect(byName).toEqual({
      'myapp-service': ['LoadBalancer', clusterIP('myapp-service'), '<pending>', '80:30008/TCP'],
      'frontend-svc': ['ClusterIP', clusterIP('frontend-svc'), '<none>', '80/TCP'],
      webserver: ['ClusterIP', clusterIP('webserver'), '<none>', '80/TCP'],
      kubernetes: ['ClusterIP', '10.96.0.1', '<none>', '443/TCP'],
    });
    for (const [, ip] of Object.values(byName))
      expect(ip).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    expect(new Set(Object.values(byName).map((r) => r[1])).size).toBe(4);
  });

  it('adds SELECTOR with -o wide and NAMESPACE for all namespaces', async () => {
    await createSeed();
    const rows = table((await env.kubectl(['get', 'svc', '-A', '-o', 'wide'])).stdout);
    expect(rows[0]).toEqual([
      'NAMESPACE',
      'NAME',
      'TYPE',
      'CLUSTER-IP',
      'EXTERNAL-IP',
      'PORT(S)',
      'AGE',
      'SELECTOR',
    ]);
    expect(rows.find((r) => r[1] === 'frontend-svc')?.[0]).toBe('default');
    expect(rows.find((r) => r[1] === 'frontend-svc')?.[7]).toBe('app=frontend');
  });

  it('refuses a second Service asking for nodePort 30008 with the API server message', async () => {
    await createSeed();
    const other = `apiVersion: v1
kind: Service
metadata: {name: other}
spec:
  type: NodePort
  ports: [{port: 8080, nodePort: 30008}]
`;
    const got = await env.kubectl(['create', '-f', await env.file('other.yaml', other)]);
    expect(got.code).toBe(1);
    expect(got.stderr.trim()).toBe(
      'The Service "other" is invalid: spec.ports[0].nodePort: Invalid value: 30008: provided port is already allocated',
    );
    expect(() => env.sandbox.store.get('services', 'other')).toThrow('services "other" not found');
  });

  it('applies twice without a change, then applies a changed port', async () => {
    const path = await env.file('seed.yaml', SEED_SERVICES);
    expect((await env.kubectl(['apply', '-f', path])).stdout).toContain(
      'service/frontend-svc created',
    );
    const rv = env.sandbox.store.resourceVersion;
    const again = await env.kubectl(['apply', '-f', path]);
    expect(again.stdout.trim().split('\n')).toEqual([
      'service/myapp-service unchanged',
      'service/frontend-svc unchanged',
      'service/webserver unchanged',
    ]);
    expect(env.sandbox.store.resourceVersion).toBe(rv);
    const [lb, frontend, web] = SEED_SERVICES.split('---');
    const changedDocs = [
      lb,
      frontend?.replace('targetPort: 5000', 'targetPort: 5001'),
      web?.replace('port: 80', 'port: 8080'),
    ];
    await env.file('seed.yaml', changedDocs.join('---'));
    const changed = await env.kubectl(['apply', '-f', path]);
    expect(changed.stdout.trim().split('\n')).toEqual([
      'service/myapp-service unchanged',
      'service/frontend-svc configured',
      'service/webserver configured',
    ]);
    const rows = table((await env.kubectl(['get', 'svc', 'webserver'])).stdout);
    expect(rows[1]?.[4]).toBe('8080/TCP');
    expect(service('frontend-svc').spec.ports).toEqual([
      { port: 80, protocol: 'TCP', targetPort: 5001 },
    ]);
  });

  it('applies server-side and removes what the manager no longer sets', async () => {
    const doc = (ports: string): string => `apiVersion: v1
kind: Service
metadata: {name: ssa}
spec:
  type: NodePort
  ports: [${ports}]
`;
    const path = await env.file(
      'ssa.yaml',
      doc('{port: 80, name: http}, {port: 443, name: https}'),
    );
    expect((await env.kubectl(['apply', '--server-side', '-f', path])).stdout.trim()).toBe(
      'service/ssa serverside-applied',
    );
    await env.file('ssa.yaml', doc('{port: 443, name: https}'));
    expect((await env.kubectl(['apply', '--server-side', '-f', path])).code).toBe(0);
    const rows = table((await env.kubectl(['get', 'svc', 'ssa'])).stdout);
    expect(rows[1]?.[4]).toMatch(/^443:3\d{4}\/TCP$/);
  });

  it('streams a change with get svc -w', async () => {
    await createSeed();
    const watch = env.kubectlStream(['get', 'svc', '-w']);
    await watch.line(/^webserver\s+ClusterIP/);
    const svc = env.sandbox.store.get('services', 'webserver');
    env.sandbox.store.update('services', {
      ...svc,
      spec: { ...(svc['spec'] as object), type: 'NodePort' },
    });
    const line = await watch.line(/^webserver\s+NodePort/);
    expect(line).toMatch(/^webserver\s+NodePort\s+10\.\S+\s+<none>\s+80:3\d{4}\/TCP\s+\S+$/);
    watch.kill();
  });

  it('describes a Service with its LoadBalancer Ingress and its Events', async () => {
    await createSeed();
    const patched = await env.kubectl([
      'patch',
      'svc',
      'myapp-service',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.10"}]}}}',
    ]);
    expect(patched.stdout.trim()).toBe('service/myapp-service patched');
    const svc = env.sandbox.store.get('services', 'myapp-service');
    env.sandbox.store.create('events', {
      metadata: { name: 'myapp-service.ensured', namespace: 'default' },
      involvedObject: {
        kind: 'Service',
        namespace: 'default',
        name: 'myapp-service',
        uid: svc.metadata['uid'] as string,
        apiVersion: 'v1',
      },
      reason: 'EnsuredLoadBalancer',
      message: 'Ensured load balancer',
      type: 'Normal',
      source: { component: 'lbctl' },
      firstTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      count: 1,
    });
    const described = await env.kubectl(['describe', 'svc', 'myapp-service']);
    expect(described.code).toBe(0);
    // ipMode is defaulted to VIP, and kubectl 1.32 prints it.
    expect(described.stdout).toMatch(/^LoadBalancer Ingress:\s+203\.0\.113\.10 \(VIP\)$/m);
    expect(described.stdout).toMatch(/^NodePort:\s+<unset>\s+30008\/TCP$/m);
    expect(described.stdout).toMatch(
      /^\s+Normal\s+EnsuredLoadBalancer\s+\S+\s+lbctl\s+Ensured load balancer$/m,
    );
    const rows = table((await env.kubectl(['get', 'svc', 'myapp-service'])).stdout);
    expect(rows[1]?.[3]).toBe('203.0.113.10');
  });

  it('waits on delete until the last finalizer is removed', async () => {
    await createSeed();
    const held = await env.kubectl([
      'patch',
      'svc',
      'webserver',
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":["example.com/hold"]}}',
    ]);
    expect(held.code).toBe(0);
    const deleting = env.kubectlStream(['delete', 'svc', 'webserver']);
    await deleting.line(/^service "webserver" deleted$/);
    const marked = env.sandbox.store.get('services', 'webserver');
    expect(marked.metadata['deletionTimestamp']).toEqual(expect.any(String));
    expect(deleting.running).toBe(true);
    env.sandbox.store.update('services', {
      ...marked,
      metadata: { ...marked.metadata, finalizers: [] },
    });
    expect(await deleting.exited).toBe(0);
    expect(() => env.sandbox.store.get('services', 'webserver')).toThrow('not found');
  });

  it('lists nodes with STATUS, ROLES and wide addresses', async () => {
    const node = `apiVersion: v1
kind: Node
metadata: {name: node-1, labels: {node-role.kubernetes.io/worker: ""}}
status:
  addresses: [{type: InternalIP, address: 10.0.0.11}]
  conditions: [{type: Ready, status: "True"}]
  nodeInfo: {kubeletVersion: v1.32.0}
`;
    expect((await env.kubectl(['create', '-f', await env.file('node.yaml', node)])).code).toBe(0);
    const rows = table((await env.kubectl(['get', 'nodes', '-o', 'wide'])).stdout);
    expect(rows[0]?.slice(0, 7)).toEqual([
      'NAME',
      'STATUS',
      'ROLES',
      'AGE',
      'VERSION',
      'INTERNAL-IP',
      'EXTERNAL-IP',
    ]);
    expect(rows[1]?.slice(0, 3)).toEqual(['node-1', 'Ready', 'worker']);
    expect(rows[1]?.[5]).toBe('10.0.0.11');
  });

  it('refuses an unknown field with a strict decoding error and creates nothing', async () => {
    const bad =
      SEED_SERVICES.split('---')[0]?.replace('targetPort: 80', 'targetPort: 80\n      bogus: 1') ??
      '';
    const got = await env.kubectl(['create', '-f', await env.file('bad.yaml', bad)]);
    expect(got.code).toBe(1);
    expect(got.stderr).toContain('strict decoding error: unknown field "spec.ports[0].bogus"');
    expect(env.sandbox.store.list('services').map((o) => o.metadata['name'])).toEqual([
      'kubernetes',
    ]);
  });

  it('reports a Service in a missing namespace as NotFound', async () => {
    const got = await env.kubectl([
      'create',
      '-n',
      'nowhere',
      '-f',
      await env.file('seed.yaml', SEED_SERVICES.split('---')[1] ?? ''),
    ]);
    expect(got.code).toBe(1);
    expect(got.stderr).toContain('namespaces "nowhere" not found');
  });
  it('creates Services and namespaces with kubectl create generators (sent as protobuf)', async () => {
    const ns = await env.kubectl(['create', 'namespace', 'team']);
    expect(ns.stdout.trim()).toBe('namespace/team created');
    const np = await env.kubectl([
      'create',
      'service',
      'nodeport',
      'np',
      '-n',
      'team',
      '--tcp=80:8080',
      '--node-port=30080',
    ]);
    expect(np.stdout.trim()).toBe('service/np created');
    const ext = await env.kubectl([
      'create',
      'service',
      'externalname',
      'ext',
      '-n',
      'team',
      '--external-name=example.com',
    ]);
    expect(ext.code).toBe(0);
    const rows = table((await env.kubectl(['get', 'svc', '-n', 'team'])).stdout);
    expect(rows.slice(1).map((r) => [r[0], r[1], r[3], r[4]])).toEqual([
      ['ext', 'ExternalName', 'example.com', '<none>'],
      ['np', 'NodePort', '<none>', '80:30080/TCP'],
    ]);
    expect(service('np', 'team').spec).toMatchObject({
      sessionAffinity: 'None',
      selector: { app: 'np' },
    });
  });

  it('shows a pending change with diff and replaces it with replace', async () => {
    await createSeed();
    await env.file('seed.yaml', SEED_SERVICES.replace('targetPort: 5000', 'targetPort: 5002'));
    const diff = await env.kubectl(['diff', '-f', `${env.dir}/seed.yaml`]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('-    targetPort: 5000\n+    targetPort: 5002');
    expect(diff.stdout).not.toContain('annotations: {}');
    expect(service('frontend-svc').spec.ports?.[0]?.targetPort).toBe(5000);
    const replaced = await env.kubectl(['replace', '-f', `${env.dir}/seed.yaml`]);
    expect(replaced.code).toBe(0);
    expect(service('frontend-svc').spec.ports?.[0]?.targetPort).toBe(5002);
    expect(service('myapp-service').spec.ports?.[0]?.nodePort).toBe(30008);
  });

  it('cordons and taints a node', async () => {
    env.sandbox.store.create('nodes', { metadata: { name: 'node-1' } });
    expect((await env.kubectl(['cordon', 'node-1'])).stdout.trim()).toBe('node/node-1 cordoned');
    expect((await env.kubectl(['taint', 'nodes', 'node-1', 'k=v:NoSchedule'])).code).toBe(0);
    expect(env.sandbox.store.get('nodes', 'node-1')['spec']).toEqual({
      unschedulable: true,
      taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }],
    });
  });
  it('answers kubectl auth can-i and whoami: everything is allowed, the user is anonymous', async () => {
    const can = await env.kubectl(['auth', 'can-i', 'patch', 'services/status']);
    expect([can.code, can.stdout.trim()]).toEqual([0, 'yes']);
    expect((await env.kubectl(['auth', 'whoami'])).stdout).toMatch(
      /^Username\s+system:anonymous$/m,
    );
  });
  it('prints events and namespaces with the API server columns', async () => {
    const at = new Date(Date.now() - 90_000).toISOString().replace(/\.\d+Z$/, 'Z');
    env.sandbox.store.create('events', {
      metadata: { name: 'web.1', namespace: 'default' },
      involvedObject: { kind: 'Service', namespace: 'default', name: 'web' },
      reason: 'SyncLoadBalancerFailed',
      message: 'Error syncing load balancer',
      type: 'Warning',
      firstTimestamp: at,
      lastTimestamp: at,
      count: 2,
    });
    const events = table((await env.kubectl(['get', 'events'])).stdout);
    expect(events).toEqual([
      ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      [
        expect.stringMatching(/^(9\d|1[01]\d)s$/),
        'Warning',
        'SyncLoadBalancerFailed',
        'service/web',
        'Error syncing load balancer',
      ],
    ]);
    const namespaces = table((await env.kubectl(['get', 'ns'])).stdout);
    expect(namespaces.map((r) => r.slice(0, 2))).toEqual([
      ['NAME', 'STATUS'],
      ['default', 'Active'],
      ['kube-node-lease', 'Active'],
      ['kube-public', 'Active'],
      ['kube-system', 'Active'],
    ]);
  });
});
