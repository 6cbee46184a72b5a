// The controller's log when the cluster refuses it: kubectl's words, not client-node's
// multi-line dump (`HTTP-Code: ... Headers: {...}`). Real client-node, a real closed port.
import { closedPort } from '../support/ports.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { connectLocal, LocalCloud } from '../../providers/local/index.js';
import { parseConfig } from '../../src/config/index.js';
import { startController } from '../../src/controller/start.js';
import { createCallLog } from '../../src/core/calls.js';

describe('controller log on cluster errors', { timeout: 30_000 }, () => {
  it('a refused connection before the caches sync is an error line in kubectl words', async () => {
    const port = await closedPort();
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const lines: { level: number; msg: string; err?: string }[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (l: string) => void lines.push(JSON.parse(l) as (typeof lines)[number]) },
    );
    const calls = createCallLog();
    const controller = await startController({
      config: parseConfig({
        provider: 'local',
        clusterName: 'e2e',
        leaderElect: 'false',
        metricsBindAddress: '0',
        logLevel: 'info',
      }),
      kc,
      provider: connectLocal(new LocalCloud(), calls),
      onCloudCall: calls.onRecord,
      logger,
    });
    try {
      const deadline = Date.now() + 20_000;
      while (!lines.some((l) => l.msg.includes('caches not synced')) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
    } finally {
      await controller.kill();
    }
    const line = lines.find((l) => l.msg.includes('caches not synced'));
    expect(line?.level).toBe(50);
    expect(line?.err).toBe(
      `The connection to the server 127.0.0.1:${port} was refused - did you specify the right host or port?`,
    );
  });
});
