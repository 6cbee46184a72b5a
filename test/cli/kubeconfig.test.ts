// kubectl's kubeconfig loading rules and words (issue 11, point 3).
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { loadKubeConfig } from '../../src/cli/kubeconfig.js';
import { writeFiles } from './support.js';

const config = (name: string, server: string, current = name) => `apiVersion: v1
kind: Config
current-context: ${current}
clusters: [{ name: ${name}, cluster: { server: "${server}" } }]
users: [{ name: ${name}, user: { token: t } }]
contexts: [{ name: ${name}, context: { cluster: ${name}, user: ${name} } }]
`;

describe('loadKubeConfig', () => {
  it('--kubeconfig wins over $KUBECONFIG, and a missing file is an error', async () => {
    const f = await writeFiles({
      a: config('a', 'https://127.0.0.1:1'),
      b: config('b', 'https://127.0.0.1:2'),
    });
    const kc = loadKubeConfig({ kubeconfig: f['a']!, env: { KUBECONFIG: f['b']! } });
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:1');
    expect(() => loadKubeConfig({ kubeconfig: `${f['a']!}.nope`, env: {} })).toThrow(
      `stat ${f['a']!}.nope: no such file or directory`,
    );
  });

  it('$KUBECONFIG is a list: merged, the first file wins, missing entries skipped', async () => {
    const f = await writeFiles({
      a: config('a', 'https://127.0.0.1:1'),
      b: config('b', 'https://127.0.0.1:2'),
    });
    const kc = loadKubeConfig({
      env: { KUBECONFIG: [`${f['a']!}.missing`, f['b']!, f['a']!].join(':') },
    });
    expect(kc.getCurrentContext()).toBe('b');
    expect(kc.contexts.map((c) => c.name).sort()).toEqual(['a', 'b']);
    expect(
      loadKubeConfig({
        context: 'a',
        env: { KUBECONFIG: `${f['b']!}:${f['a']!}` },
      }).getCurrentCluster()?.server,
    ).toBe('https://127.0.0.1:1');
  });

  it('$KUBECONFIG wins over the in-cluster service account, as in kubectl', async () => {
    const f = await writeFiles({ a: config('a', 'https://127.0.0.1:1') });
    const kc = loadKubeConfig({
      env: { KUBECONFIG: f['a']!, KUBERNETES_SERVICE_HOST: '10.0.0.1' },
    });
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:1');
  });

  it("in a pod: the mounted service account; without one, client-go's error and what to do", async () => {
    const f = await writeFiles({ home: '' });
    const root = f['home']!.replace(/\/home$/, '');
    const env = { HOME: root, KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
    expect(() => loadKubeConfig({ env, inClusterRoot: root })).toThrow(
      `unable to load in-cluster configuration: open ${root}/var/run/secrets/kubernetes.io/serviceaccount/token: no such file or directory (KUBERNETES_SERVICE_HOST is set, but no service account token is mounted): pass --kubeconfig FILE or set $KUBECONFIG`,
    );
    const sa = `${root}/var/run/secrets/kubernetes.io/serviceaccount`;
    mkdirSync(sa, { recursive: true });
    writeFileSync(`${sa}/token`, 't');
    writeFileSync(`${sa}/ca.crt`, '');
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '10.0.0.1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', '443');
    try {
      const kc = loadKubeConfig({ env, inClusterRoot: root });
      expect(kc.getCurrentCluster()?.server).toBe('https://10.0.0.1:443');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('~/.kube/config when nothing else is given', async () => {
    const f = await writeFiles({ config: config('home', 'https://127.0.0.1:3') });
    const home = f['config']!.replace(/\/config$/, '');
    const { mkdirSync, renameSync } = await import('node:fs');
    mkdirSync(`${home}/.kube`);
    renameSync(f['config']!, `${home}/.kube/config`);
    expect(loadKubeConfig({ env: { HOME: home } }).getCurrentContext()).toBe('home');
  });

  it("says kubectl's words for an unknown context, and how to give a kubeconfig when there is none", async () => {
    const f = await writeFiles({ a: config('a', 'https://127.0.0.1:1') });
    expect(() => loadKubeConfig({ kubeconfig: f['a']!, context: 'x', env: {} })).toThrow(
      'context "x" does not exist',
    );
    expect(() => loadKubeConfig({ env: { HOME: '/nonexistent' } })).toThrow(
      'no kubeconfig found: pass --kubeconfig FILE, set $KUBECONFIG, or create ~/.kube/config',
    );
    const g = await writeFiles({ a: config('a', 'https://127.0.0.1:1', '""') });
    expect(() => loadKubeConfig({ kubeconfig: g['a']!, env: {} })).toThrow(
      /current-context is not set in .*: pass --context NAME \(one of "a"\)/,
    );
  });
});
