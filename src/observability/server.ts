import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** Why this replica is not ready, or undefined when it is. */
export type Readiness = () => string | undefined;

/**
 * One HTTP server on loopback or any interface: the probes `/healthz` (the process is alive)
 * and `/readyz` (caches synced and leading is possible: 503 with the reason otherwise) when
 * `ready` is given, and `/metrics` (Prometheus text format) when `registry` is given.
 */
export async function startOpsServer(options: {
  host: string;
  port: number;
  registry?: Registry;
  ready?: Readiness;
}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const { registry, ready } = options;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz' && ready !== undefined) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz' && ready !== undefined) {
      const why = ready();
      res
        .writeHead(why === undefined ? 200 : 503, { 'content-type': 'text/plain' })
        .end(why === undefined ? 'ok\n' : `${why}\n`);
    } else if (path === '/metrics' && registry !== undefined) {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    server,
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * controller-runtime's two addresses: `--metrics-bind-address` (`0` disables metrics) and
 * `--health-probe-bind-address` (`0` disables the probes). Without a probe address the probes
 * share the metrics server, as lbctl always did; with metrics off they default to `:8081`.
 */
export async function startOpsServers(options: {
  metricsBindAddress: string;
  healthProbeBindAddress?: string;
  registry: Registry;
  ready: Readiness;
}): Promise<{ metricsUrl?: string; healthUrl?: string; close(): Promise<void> }> {
  const metrics = options.metricsBindAddress;
  const health =
    options.healthProbeBindAddress ?? (metrics === '0' ? ':8081' : options.metricsBindAddress);
  const servers: Awaited<ReturnType<typeof startOpsServer>>[] = [];
  let metricsUrl: string | undefined;
  let healthUrl: string | undefined;
  try {
    if (metrics !== '0' && metrics === health) {
      const s = await startOpsServer({ ...hostPort(metrics), ...options });
      servers.push(s);
      metricsUrl = healthUrl = s.url;
    } else {
      if (metrics !== '0') {
        const s = await startOpsServer({ ...hostPort(metrics), registry: options.registry });
        servers.push(s);
        metricsUrl = s.url;
      }
      if (health !== '0') {
        const s = await startOpsServer({ ...hostPort(health), ready: options.ready });
        servers.push(s);
        healthUrl = s.url;
      }
    }
  } catch (e) {
    await Promise.all(servers.map((s) => s.close()));
    throw e;
  }
  return {
    ...(metricsUrl === undefined ? {} : { metricsUrl }),
    ...(healthUrl === undefined ? {} : { healthUrl }),
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}

/** `host:port` or `:port` (every interface); IPv6 hosts in brackets. */
export function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i).replace(/^\[|\]$/g, '');
  return { host: host === '' ? '0.0.0.0' : host, port: Number(address.slice(i + 1)) };
}
