// `npm run bench azure`: cloud calls of a 2-port Service on 3 nodes against the Azure fake —
// create, no-op, +1 node, delete — as lbctl's call log counts them (SDK operations, retries
// included) and as the fake saw them (HTTP requests, long-running-operation polls included).
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import { providerFor } from '../azure/adapter-support.js';
import { intentFixture, node } from '../azure/intent-fixture.js';
import { reconcileOnce } from '../azure/reconcile.js';
import { startFakeCloud } from '../azure/support.js';

export default async function bench(): Promise<void> {
  for (const lro of ['sync', 'async'] as const) {
    const fake = await startFakeCloud({ lro });
    const p = providerFor(fake);
    const three = intentFixture({
      targets: [...intentFixture().targets, node('node-c', '10.240.0.6')],
    });
    const four = intentFixture({ targets: [...three.targets, node('node-d', '10.240.0.7')] });
    const rows: string[] = [];
    const run = async (label: string, intent: LoadBalancerIntent | null) => {
      p.calls.reset();
      const http = fake.requests.length;
      const started = performance.now();
      await reconcileOnce(p, three.service, intent);
      const ms = performance.now() - started;
      const reads = p.calls.count({ write: false });
      const writes = p.calls.count({ write: true });
      const polls = fake.requests.slice(http).filter((r) => r.kind === 'operation').length;
      rows.push(
        `| ${label.padEnd(9)} | ${String(reads).padStart(5)} | ${String(writes).padStart(6)} | ${String(fake.requests.length - http).padStart(13)} | ${String(polls).padStart(5)} | ${ms.toFixed(0).padStart(5)} |`,
      );
    };
    await run('create', three);
    await run('no-op', three);
    await run('+1 node', four);
    await run('delete', null);
    process.stdout.write(
      `\nAzure, 2-port Service, LROs ${lro === 'sync' ? 'answered at once (200/201 Succeeded)' : 'asynchronous (201 + Azure-AsyncOperation, 202 + Location), one poll each'}\n`,
    );
    process.stdout.write(
      '| step      | reads | writes | HTTP requests | polls |    ms |\n|-----------|-------|--------|---------------|-------|-------|\n',
    );
    process.stdout.write(`${rows.join('\n')}\n`);
    await fake.close();
  }
}
