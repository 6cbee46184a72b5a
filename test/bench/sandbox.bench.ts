// Sandbox API server figures: start time, write and read throughput over HTTP, watch fan-out
// latency, and memory per stored Service. Printed, not asserted (targets: start well under a
// second; the demo's few hundred objects are nothing).
import { performance } from 'node:perf_hooks';
import { startSandbox } from '../../src/sandbox/index.js';

// Two nodePorts each: 1000 Services use 2000 of the 2768 ports of 30000-32767.
const SERVICES = 1000;
const WATCHERS = 50;

export default async function sandboxBench(): Promise<void> {
  const t0 = performance.now();
  const sandbox = await startSandbox();
  const startMs = performance.now() - t0;
  const base = `${sandbox.url}/api/v1/namespaces/default/services`;
  const post = (i: number): Promise<Response> =>
    fetch(base, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        metadata: { name: `svc-${i}`, labels: { app: `a${i % 10}` } },
        spec: {
          type: 'LoadBalancer',
          selector: { app: 'x' },
          ports: [
            { name: 'http', port: 80 },
            { name: 'https', port: 443 },
          ],
        },
      }),
    });
  const heapBefore = process.memoryUsage().heapUsed;
  const t1 = performance.now();
  for (let i = 0; i < SERVICES; i += 50) {
    const batch = await Promise.all(Array.from({ length: 50 }, (_, j) => post(i + j)));
    for (const r of batch)
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${await r.text()}`);
  }
  const createMs = performance.now() - t1;
  const heapPerService = (process.memoryUsage().heapUsed - heapBefore) / SERVICES;

  const t2 = performance.now();
  const list = await fetch(base);
  const items = ((await list.json()) as { items: unknown[] }).items.length;
  const listMs = performance.now() - t2;
  const t3 = performance.now();
  const table = await fetch(base, {
    headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
  });
  await table.text();
  const tableMs = performance.now() - t3;

  const watches = await Promise.all(
    Array.from({ length: WATCHERS }, async () => {
      const ctrl = new AbortController();
      const res = await fetch(
        `${base}?watch=true&resourceVersion=${sandbox.store.resourceVersion}`,
        { signal: ctrl.signal },
      );
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      return { ctrl, reader };
    }),
  );
  const t4 = performance.now();
  await fetch(`${base}/svc-0`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/merge-patch+json' },
    body: JSON.stringify({ metadata: { labels: { changed: 'yes' } } }),
  });
  await Promise.all(watches.map((w) => w.reader.read()));
  const fanoutMs = performance.now() - t4;
  watches.forEach((w) => w.ctrl.abort());
  await sandbox.close();

  const rows: [string, string][] = [
    ['start (listening, kubeconfig written)', `${startMs.toFixed(1)} ms`],
    [
      `create ${SERVICES} LoadBalancer Services over HTTP (50 concurrent)`,
      `${createMs.toFixed(0)} ms (${((SERVICES / createMs) * 1000).toFixed(0)}/s)`,
    ],
    [`list ${items} Services (JSON)`, `${listMs.toFixed(1)} ms`],
    [`list ${items} Services (Table, kubectl get)`, `${tableMs.toFixed(1)} ms`],
    [`one change seen by ${WATCHERS} watches`, `${fanoutMs.toFixed(1)} ms`],
    ['heap per stored Service (incl. watch history)', `${(heapPerService / 1024).toFixed(1)} KiB`],
  ];
  for (const [what, value] of rows) process.stdout.write(`${what.padEnd(62)} ${value}\n`);
}
