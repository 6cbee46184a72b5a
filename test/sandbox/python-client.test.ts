import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';

/**
 * The official Python client (python3-kubernetes, for /usr/bin/python3) against the sandbox.
 * The setup installs it with apt where it is missing and it can (root, apt-get); otherwise
 * the tests are skipped with the reason printed. CI must install it itself to run them:
 * `apt-get install -y python3-kubernetes`.
 */

const PYTHON = '/usr/bin/python3';
const run = promisify(execFile);

function pythonClient(): string | undefined {
  const probe = (): boolean => {
    try {
      execFileSync(PYTHON, ['-c', 'import kubernetes'], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  };
  if (probe()) return undefined;
  try {
    if (process.getuid?.() === 0)
      execFileSync('apt-get', ['install', '-y', '-q', 'python3-kubernetes'], {
        stdio: 'pipe',
        timeout: 300_000,
      });
  } catch {
    // Reported below.
  }
  return probe()
    ? undefined
    : `the Python client is not installed and could not be (needs root and apt-get: apt-get install -y python3-kubernetes)`;
}

const missing = pythonClient();
if (missing !== undefined) {
  // eslint-disable-next-line no-console -- a skipped suite says why
  console.warn(`test/sandbox/python-client.test.ts skipped: ${missing}`);
}

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.close();
});

/** Runs a Python snippet with `core`, `coord` (API clients bound to the sandbox) and `watch`; returns stdout. */
async function python(body: string): Promise<string> {
  const script = [
    'import datetime, json, sys',
    'from kubernetes import client, config, watch',
    `config.load_kube_config(config_file=${JSON.stringify(sandbox.kubeconfigPath)})`,
    'core = client.CoreV1Api()',
    'coord = client.CoordinationV1Api()',
    body,
  ].join('\n');
  const { stdout } = await run(PYTHON, ['-c', script], { timeout: 30_000 });
  return stdout.trim();
}

describe.skipIf(missing !== undefined)(
  'the Python client against the sandbox',
  { timeout: 60_000 },
  () => {
    it('watches with watch=True and sees the events', async () => {
      const out = await python(`
svc = client.V1Service(metadata=client.V1ObjectMeta(name="web"),
    spec=client.V1ServiceSpec(type="LoadBalancer", ports=[client.V1ServicePort(port=80)]))
core.create_namespaced_service("default", svc)
w = watch.Watch()
for e in w.stream(core.list_namespaced_service, namespace="default", timeout_seconds=5):
    print(e["type"], e["object"].metadata.name)
    if e["object"].metadata.name == "web":
        w.stop()
`);
      expect(out.split('\n')).toContain('ADDED web');
    });

    it('reads back Lease times normalised, and a bad renewTime never gets stored', async () => {
      const out = await python(`
t = datetime.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.timezone.utc)
coord.create_namespaced_lease("default", client.V1Lease(metadata=client.V1ObjectMeta(name="ok"),
    spec=client.V1LeaseSpec(holder_identity="a", renew_time=t)))
try:
    coord.create_namespaced_lease("default", {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": "bad"}, "spec": {"renewTime": "not a time"}})
except client.exceptions.ApiException as e:
    print("refused", e.status)
for l in coord.list_namespaced_lease("default").items:
    print(l.metadata.name, l.spec.renew_time.isoformat())
`);
      expect(out.split('\n')).toEqual(['refused 400', 'ok 2026-01-02T03:04:05.123456+00:00']);
    });

    it('reads the 422 of an invalid status update', async () => {
      const out = await python(`
svc = client.V1Service(metadata=client.V1ObjectMeta(name="web"), spec=client.V1ServiceSpec(ports=[client.V1ServicePort(port=80)]))
core.create_namespaced_service("default", svc)
try:
    core.patch_namespaced_service_status("web", "default",
        {"status": {"loadBalancer": {"ingress": [{"ip": "198.51.100.7"}]}}})
except client.exceptions.ApiException as e:
    print(e.status, json.loads(e.body)["message"])
`);
      expect(out).toBe(
        '422 Service "web" is invalid: status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is \'LoadBalancer\'',
      );
    });
  },
);
