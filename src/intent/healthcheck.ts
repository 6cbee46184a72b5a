import type { HealthCheck } from '../core/intent.js';
import type { ProviderName } from '../core/provider.js';
import { A } from './annotations.js';
import type { AnnotationKey } from './annotations.js';
import { agree, parseEnum, parseInteger } from './context.js';
import type { Ctx } from './context.js';

/**
 * Defaults every cloud accepts (AWS NLB target groups are the strictest: thresholds 2–10,
 * interval 5–300 s): probe every 10 s, give up on one probe after 5 s, 2 successes to mark a
 * node healthy, 3 failures to mark it unhealthy — a dead node leaves in about 30 s, a flapping
 * one does not bounce in and out.
 */
export const HEALTH_CHECK_DEFAULTS = {
  intervalSeconds: 10,
  timeoutSeconds: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
} as const;

export const HEALTH_CHECK_LIMITS = {
  intervalSeconds: [5, 300],
  timeoutSeconds: [2, 120],
  threshold: [2, 10],
} as const;

/** kube-proxy's own health endpoint (`--healthz-bind-address`), served on every node. */
export const KUBE_PROXY_HEALTHZ_PORT = 10256;

type Probe = Pick<HealthCheck, 'mode' | 'protocol' | 'port' | 'path'>;

/**
 * How `externalTrafficPolicy: Cluster` Services are probed when no annotation says: Google's
 * in-tree provider and GKE probe kube-proxy (KEP-3836); the AWS and Azure in-tree providers
 * probe the traffic nodePort and offer kube-proxy as an option, since switching their default
 * disrupted upgrades (KEP-3458).
 */
const CLUSTER_DEFAULT_MODE: Readonly<Record<ProviderName, 'kube-proxy' | 'node-port'>> = {
  aws: 'node-port',
  azure: 'node-port',
  gcp: 'kube-proxy',
  local: 'node-port',
};

const KUBE_PROXY_PROBE: Probe = {
  mode: 'kube-proxy',
  protocol: 'HTTP',
  port: KUBE_PROXY_HEALTHZ_PORT,
  path: '/healthz',
};

/**
 * How the load balancer probes nodes. externalTrafficPolicy Local: HTTP `/healthz` on the
 * healthCheckNodePort, which kube-proxy answers 200 only on nodes with a ready endpoint.
 * Cluster: `lbctl.io/health-check` (`kube-proxy` or `node-port`), else the provider's default
 * (CLUSTER_DEFAULT_MODE). A Service without TCP ports (UDP, SCTP) cannot be probed over TCP, so
 * it is probed at kube-proxy's `/healthz` whatever the mode. Timing and the probe itself can be
 * tuned with annotations (see docs/annotations.md).
 */
export function buildHealthCheck(ctx: Ctx): HealthCheck {
  const spec = ctx.svc.spec;
  const trafficPort = (spec.ports ?? []).find(
    (p) => (p.protocol ?? 'TCP') === 'TCP' && p.nodePort,
  )?.nodePort;
  const mode = parseEnum(ctx, A.healthCheck, ['kube-proxy', 'node-port'] as const);
  let probe: Probe;
  if (spec.externalTrafficPolicy === 'Local') {
    if (mode !== undefined) {
      ctx.invalid(
        A.healthCheck,
        mode,
        "may not be set when externalTrafficPolicy is 'Local': the load balancer always probes the healthCheckNodePort",
      );
    }
    if (!spec.healthCheckNodePort) {
      ctx.fieldProblem({
        type: 'Required',
        field: 'spec.healthCheckNodePort',
        detail:
          "externalTrafficPolicy 'Local' needs a healthCheckNodePort for the load balancer to probe",
      });
    }
    probe = {
      mode: 'service',
      protocol: 'HTTP',
      port: spec.healthCheckNodePort ?? 0,
      path: '/healthz',
    };
  } else if (trafficPort === undefined) {
    probe = KUBE_PROXY_PROBE;
  } else if ((mode ?? CLUSTER_DEFAULT_MODE[ctx.provider]) === 'kube-proxy') {
    probe = KUBE_PROXY_PROBE;
  } else {
    probe = { mode: 'node-port', protocol: 'TCP', port: trafficPort };
  }
  const [iMin, iMax] = HEALTH_CHECK_LIMITS.intervalSeconds;
  const [tMin, tMax] = HEALTH_CHECK_LIMITS.timeoutSeconds;
  const [hMin, hMax] = HEALTH_CHECK_LIMITS.threshold;
  const int = (key: AnnotationKey, min: number, max: number) =>
    [key, parseInteger(ctx, key, min, max)] as const;
  const interval = agree(ctx, [
    int(A.hcInterval, iMin, iMax),
    int(A.awsHcInterval, iMin, iMax),
    int(A.azureProbeInterval, iMin, iMax),
  ]);
  const timeout = agree(ctx, [int(A.hcTimeout, tMin, tMax), int(A.awsHcTimeout, tMin, tMax)]);
  const healthy = agree(ctx, [int(A.hcHealthy, hMin, hMax), int(A.awsHcHealthy, hMin, hMax)]);
  const unhealthy = agree(ctx, [
    int(A.hcUnhealthy, hMin, hMax),
    int(A.awsHcUnhealthy, hMin, hMax),
    int(A.azureProbeCount, hMin, hMax),
  ]);
  const check: HealthCheck = {
    ...tuneProbe(ctx, probe, trafficPort),
    intervalSeconds: interval ?? HEALTH_CHECK_DEFAULTS.intervalSeconds,
    timeoutSeconds: timeout ?? HEALTH_CHECK_DEFAULTS.timeoutSeconds,
    healthyThreshold: healthy ?? HEALTH_CHECK_DEFAULTS.healthyThreshold,
    unhealthyThreshold: unhealthy ?? HEALTH_CHECK_DEFAULTS.unhealthyThreshold,
  };
  if (check.timeoutSeconds > check.intervalSeconds) {
    const key = [A.hcTimeout, A.awsHcTimeout].find((k) => ctx.get(k) !== undefined) ?? A.hcInterval;
    ctx.invalid(
      key,
      ctx.get(key) ?? '',
      `the timeout (${check.timeoutSeconds}s) may not exceed the interval (${check.intervalSeconds}s)`,
    );
  }
  return check;
}

/** Protocol, port and path overrides. A path implies HTTP; a path with an explicit TCP probe is refused. */
function tuneProbe(ctx: Ctx, probe: Probe, trafficPort: number | undefined): Probe {
  const protocol = agree(ctx, [
    [A.hcProtocol, parseEnum(ctx, A.hcProtocol, ['HTTP', 'TCP'] as const, true)],
    [A.awsHcProtocol, awsProtocol(ctx)],
  ]);
  const port = agree(ctx, [
    [A.hcPort, parsePort(ctx, A.hcPort)],
    [A.awsHcPort, parsePort(ctx, A.awsHcPort)],
  ]);
  const path = agree(ctx, [
    [A.hcPath, parsePath(ctx, A.hcPath)],
    [A.awsHcPath, parsePath(ctx, A.awsHcPath)],
    [A.azureProbePath, parsePath(ctx, A.azureProbePath)],
  ]);
  const out: Probe = { ...probe };
  if (port === 'traffic-port' && trafficPort !== undefined) {
    out.port = trafficPort;
    out.mode = 'node-port';
    if (probe.mode === 'kube-proxy') {
      out.protocol = 'TCP';
      delete out.path;
    }
  } else if (typeof port === 'number') {
    out.port = port;
    out.mode = 'custom';
  }
  if (protocol === 'TCP') {
    delete out.path;
    out.protocol = 'TCP';
    if (path !== undefined) {
      const key =
        [A.hcPath, A.awsHcPath, A.azureProbePath].find((k) => ctx.get(k) !== undefined) ?? A.hcPath;
      ctx.invalid(key, path, 'may only be used with an HTTP health check, but the protocol is TCP');
    }
  } else if (protocol === 'HTTP' || path !== undefined) {
    out.protocol = 'HTTP';
    out.path = path ?? out.path ?? '/';
  }
  return out;
}

function awsProtocol(ctx: Ctx): 'HTTP' | 'TCP' | undefined {
  const v = parseEnum(ctx, A.awsHcProtocol, ['HTTP', 'HTTPS', 'TCP'] as const, true);
  if (v === 'HTTPS')
    return ctx.invalid(
      A.awsHcProtocol,
      ctx.get(A.awsHcProtocol) ?? '',
      'lbctl probes over TCP or HTTP only',
    );
  return v;
}

function parsePort(ctx: Ctx, key: AnnotationKey): number | 'traffic-port' | undefined {
  const raw = ctx.get(key);
  if (raw === undefined) return undefined;
  if (raw.trim() === 'traffic-port') return 'traffic-port';
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (n >= 1 && n <= 65535) return n;
  return ctx.invalid(key, raw, 'must be "traffic-port" or a port number between 1 and 65535');
}

function parsePath(ctx: Ctx, key: AnnotationKey): string | undefined {
  const raw = ctx.get(key);
  if (raw === undefined) return undefined;
  if (/^\/[\x21-\x7e]*$/.test(raw)) return raw;
  return ctx.invalid(key, raw, 'must be an absolute URL path starting with "/" with no spaces');
}
