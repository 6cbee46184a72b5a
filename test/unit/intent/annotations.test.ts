import { describe, expect, it } from 'vitest';

import type { LoadBalancerIntent } from '../../../src/core/intent.js';
import type { ProviderName } from '../../../src/core/provider.js';
import { errorOf } from '../fixtures.js';
import { intentOf } from './support.js';

const AWS = 'service.beta.kubernetes.io/aws-load-balancer-';
const AZ = 'service.beta.kubernetes.io/azure-';

type Pick = (i: LoadBalancerIntent) => unknown;
const scheme: Pick = (i) => i.scheme;
const hc: Pick = (i) => i.healthCheck;
const aws: Pick = (i) => i.options.aws;
const azure: Pick = (i) => i.options.azure;

/** [annotation, value, provider, what to look at, expected] */
const GOOD: [string, string, ProviderName, Pick, unknown][] = [
  ['lbctl.io/scheme', 'internal', 'aws', scheme, 'internal'],
  ['lbctl.io/scheme', 'external', 'gcp', scheme, 'external'],
  ['lbctl.io/scheme', 'internal', 'local', scheme, 'internal'],
  [`${AWS}internal`, 'true', 'aws', scheme, 'internal'],
  [`${AWS}internal`, 'false', 'aws', scheme, 'external'],
  [`${AWS}internal`, '0.0.0.0/0', 'aws', scheme, 'internal'],
  [`${AWS}internal`, 'true', 'gcp', scheme, 'external'],
  [`${AWS}scheme`, 'internal', 'aws', scheme, 'internal'],
  [`${AWS}scheme`, 'internet-facing', 'aws', scheme, 'external'],
  ['networking.gke.io/load-balancer-type', 'Internal', 'gcp', scheme, 'internal'],
  ['networking.gke.io/load-balancer-type', 'Internal', 'aws', scheme, 'external'],
  ['cloud.google.com/load-balancer-type', 'internal', 'gcp', scheme, 'internal'],
  ['cloud.google.com/load-balancer-type', 'External', 'gcp', scheme, 'external'],
  [`${AZ}load-balancer-internal`, 'true', 'azure', scheme, 'internal'],
  [`${AZ}load-balancer-internal`, 'true', 'aws', scheme, 'external'],
  ['lbctl.io/healthcheck-interval', '30', 'gcp', (i) => i.healthCheck.intervalSeconds, 30],
  ['lbctl.io/healthcheck-timeout', '3', 'aws', (i) => i.healthCheck.timeoutSeconds, 3],
  [
    'lbctl.io/healthcheck-healthy-threshold',
    '5',
    'azure',
    (i) => i.healthCheck.healthyThreshold,
    5,
  ],
  [
    'lbctl.io/healthcheck-unhealthy-threshold',
    '10',
    'aws',
    (i) => i.healthCheck.unhealthyThreshold,
    10,
  ],
  [
    'lbctl.io/healthcheck-protocol',
    'http',
    'aws',
    hc,
    {
      mode: 'node-port',
      protocol: 'HTTP',
      port: 30080,
      path: '/',
      intervalSeconds: 10,
      timeoutSeconds: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    },
  ],
  ['lbctl.io/healthcheck-port', '31000', 'aws', (i) => i.healthCheck.port, 31000],
  ['lbctl.io/healthcheck-port', 'traffic-port', 'aws', (i) => i.healthCheck.port, 30080],
  [
    'lbctl.io/healthcheck-path',
    '/ready',
    'aws',
    (i) => [i.healthCheck.protocol, i.healthCheck.path],
    ['HTTP', '/ready'],
  ],
  [`${AWS}healthcheck-interval`, '20', 'aws', (i) => i.healthCheck.intervalSeconds, 20],
  [`${AWS}healthcheck-interval`, '20', 'gcp', (i) => i.healthCheck.intervalSeconds, 10],
  [`${AWS}healthcheck-timeout`, '6', 'aws', (i) => i.healthCheck.timeoutSeconds, 6],
  [`${AWS}healthcheck-healthy-threshold`, '3', 'aws', (i) => i.healthCheck.healthyThreshold, 3],
  [`${AWS}healthcheck-unhealthy-threshold`, '4', 'aws', (i) => i.healthCheck.unhealthyThreshold, 4],
  [`${AWS}healthcheck-protocol`, 'HTTP', 'aws', (i) => i.healthCheck.protocol, 'HTTP'],
  [`${AWS}healthcheck-port`, '32000', 'aws', (i) => i.healthCheck.port, 32000],
  [`${AWS}healthcheck-path`, '/healthz', 'aws', (i) => i.healthCheck.path, '/healthz'],
  [`${AWS}proxy-protocol`, '*', 'aws', aws, { proxyProtocol: true }],
  [`${AWS}cross-zone-load-balancing-enabled`, 'true', 'aws', aws, { crossZoneLoadBalancing: true }],
  [`${AWS}subnets`, 'subnet-1, subnet-2', 'aws', aws, { subnets: ['subnet-1', 'subnet-2'] }],
  [
    `${AWS}eip-allocations`,
    'eipalloc-0123456789abcdef0',
    'aws',
    aws,
    { eipAllocations: ['eipalloc-0123456789abcdef0'] },
  ],
  [
    `${AWS}target-group-attributes`,
    'deregistration_delay.timeout_seconds=120',
    'aws',
    aws,
    { deregistrationDelaySeconds: 120 },
  ],
  [
    `${AWS}target-group-attributes`,
    'proxy_protocol_v2.enabled=true',
    'aws',
    aws,
    { proxyProtocol: true },
  ],
  [`${AWS}additional-resource-tags`, 'env=prod', 'aws', (i) => i.extraTags, { env: 'prod' }],
  [`${AWS}additional-resource-tags`, 'env=prod', 'gcp', (i) => i.extraTags, {}],
  [
    'lbctl.io/tags',
    'b=2, a=1',
    'gcp',
    (i) => Object.entries(i.extraTags),
    [
      ['a', '1'],
      ['b', '2'],
    ],
  ],
  ['lbctl.io/load-balancer-ips', '203.0.113.10', 'aws', (i) => i.requestedIPs, ['203.0.113.10']],
  [
    'cloud.google.com/network-tier',
    'Standard',
    'gcp',
    (i) => i.options.gcp,
    { networkTier: 'STANDARD' },
  ],
  [
    'cloud.google.com/network-tier',
    'premium',
    'gcp',
    (i) => i.options.gcp,
    { networkTier: 'PREMIUM' },
  ],
  [`${AZ}pip-name`, 'my-pip', 'azure', azure, { pipName: 'my-pip' }],
  [
    `${AZ}load-balancer-resource-group`,
    'rg-network',
    'azure',
    azure,
    { pipResourceGroup: 'rg-network' },
  ],
  [`${AZ}load-balancer-ipv4`, '20.1.2.3', 'azure', (i) => i.requestedIPs, ['20.1.2.3']],
  [
    `${AZ}load-balancer-health-probe-interval`,
    '15',
    'azure',
    (i) => i.healthCheck.intervalSeconds,
    15,
  ],
  [
    `${AZ}load-balancer-health-probe-num-of-probe`,
    '4',
    'azure',
    (i) => i.healthCheck.unhealthyThreshold,
    4,
  ],
  [
    `${AZ}load-balancer-health-probe-request-path`,
    '/healthz',
    'azure',
    (i) => [i.healthCheck.protocol, i.healthCheck.path],
    ['HTTP', '/healthz'],
  ],
  [
    'service.beta.kubernetes.io/load-balancer-source-ranges',
    '10.0.0.0/8, 192.168.0.0/16',
    'azure',
    (i) => i.sourceRanges,
    ['10.0.0.0/8', '192.168.0.0/16'],
  ],
  ['example.com/unrelated', 'anything', 'aws', scheme, 'external'],
];

describe('annotations: accepted values', () => {
  for (const [key, value, provider, pick, expected] of GOOD) {
    it(`${key}: ${JSON.stringify(value)} with ${provider}`, () => {
      expect(pick(intentOf({ [key]: value }, {}, provider))).toEqual(expected);
    });
  }

  it('reads the Azure internal subnet of an internal load balancer', () => {
    const i = intentOf(
      {
        [`${AZ}load-balancer-internal`]: 'true',
        [`${AZ}load-balancer-internal-subnet`]: 'ilb-subnet',
      },
      {},
      'azure',
    );
    expect(i.options.azure).toEqual({ internalSubnet: 'ilb-subnet' });
  });

  it('accepts agreeing neutral and in-tree annotations', () => {
    expect(intentOf({ 'lbctl.io/scheme': 'internal', [`${AWS}internal`]: 'true' }).scheme).toBe(
      'internal',
    );
  });
});

/** [annotation(s), provider, message] */
const BAD: [Record<string, string>, ProviderName, string][] = [
  [
    { 'lbctl.io/scheme': 'public' },
    'aws',
    'metadata.annotations[lbctl.io/scheme]: Unsupported value: "public": supported values: "external", "internal"',
  ],
  [
    { 'lbctl.io/schema': 'internal' },
    'aws',
    'metadata.annotations[lbctl.io/schema]: Invalid value: "internal": unknown lbctl annotation; supported: lbctl.io/allow-replacement, lbctl.io/health-check, lbctl.io/healthcheck-healthy-threshold,',
  ],
  [
    { [`${AWS}internal`]: 'maybe' },
    'aws',
    `metadata.annotations[${AWS}internal]: Invalid value: "maybe": must be "true" or "false"`,
  ],
  [
    { [`${AWS}scheme`]: 'public' },
    'aws',
    `Unsupported value: "public": supported values: "internal", "internet-facing"`,
  ],
  [
    { 'networking.gke.io/load-balancer-type': 'internal' },
    'gcp',
    'Unsupported value: "internal": supported values: "External", "Internal"',
  ],
  [
    { [`${AZ}load-balancer-internal`]: 'yes' },
    'azure',
    'Unsupported value: "yes": supported values: "false", "true"',
  ],
  [
    { 'lbctl.io/scheme': 'external', [`${AWS}internal`]: 'true' },
    'aws',
    `metadata.annotations[${AWS}internal]: Invalid value: "true": conflicts with metadata.annotations[lbctl.io/scheme]: "external"`,
  ],
  [
    { 'lbctl.io/healthcheck-interval': '1' },
    'aws',
    'metadata.annotations[lbctl.io/healthcheck-interval]: Invalid value: "1": must be an integer between 5 and 300',
  ],
  [
    { 'lbctl.io/healthcheck-interval': 'ten' },
    'aws',
    'Invalid value: "ten": must be an integer between 5 and 300',
  ],
  [{ 'lbctl.io/healthcheck-timeout': '121' }, 'aws', 'must be an integer between 2 and 120'],
  [
    { 'lbctl.io/healthcheck-timeout': '20' },
    'aws',
    'the timeout (20s) may not exceed the interval (10s)',
  ],
  [{ 'lbctl.io/healthcheck-healthy-threshold': '1' }, 'aws', 'must be an integer between 2 and 10'],
  [
    { 'lbctl.io/healthcheck-unhealthy-threshold': '11' },
    'aws',
    'must be an integer between 2 and 10',
  ],
  [
    { 'lbctl.io/healthcheck-protocol': 'UDP' },
    'aws',
    'Unsupported value: "UDP": supported values: "HTTP", "TCP"',
  ],
  [
    { 'lbctl.io/healthcheck-port': '0' },
    'aws',
    'must be "traffic-port" or a port number between 1 and 65535',
  ],
  [
    { 'lbctl.io/healthcheck-path': 'healthz' },
    'aws',
    'must be an absolute URL path starting with "/"',
  ],
  [
    { 'lbctl.io/healthcheck-protocol': 'TCP', 'lbctl.io/healthcheck-path': '/x' },
    'aws',
    'may only be used with an HTTP health check',
  ],
  [
    { 'lbctl.io/healthcheck-interval': '10', [`${AWS}healthcheck-interval`]: '30' },
    'aws',
    'conflicts with metadata.annotations[lbctl.io/healthcheck-interval]: "10"',
  ],
  [{ [`${AWS}healthcheck-protocol`]: 'HTTPS' }, 'aws', 'lbctl probes over TCP or HTTP only'],
  [{ [`${AWS}healthcheck-healthy-threshold`]: '11' }, 'aws', 'must be an integer between 2 and 10'],
  [{ [`${AWS}proxy-protocol`]: 'true' }, 'aws', 'Unsupported value: "true": supported values: "*"'],
  [
    { [`${AWS}cross-zone-load-balancing-enabled`]: 'on' },
    'aws',
    'supported values: "false", "true"',
  ],
  [
    { [`${AWS}subnets`]: 'subnet-1,,subnet-2' },
    'aws',
    'must be a comma-separated list of subnet IDs or Name tags with no empty items',
  ],
  [{ [`${AWS}subnets`]: 'subnet-1,subnet-1' }, 'aws', '"subnet-1" appears twice'],
  [{ [`${AWS}eip-allocations`]: 'eip-1' }, 'aws', '"eip-1" is not an allocation ID (eipalloc-...)'],
  [
    { [`${AWS}eip-allocations`]: 'eipalloc-0123456789abcdef0', 'lbctl.io/scheme': 'internal' },
    'aws',
    'may only be used with an external (internet-facing) load balancer',
  ],
  [
    { [`${AWS}eip-allocations`]: 'eipalloc-0123456789abcdef0', [`${AWS}subnets`]: 'a,b' },
    'aws',
    'must name one allocation per subnet (2 in',
  ],
  [
    { [`${AWS}target-group-attributes`]: 'stickiness.enabled=true' },
    'aws',
    'unsupported attribute "stickiness.enabled"; supported: "deregistration_delay.timeout_seconds", "proxy_protocol_v2.enabled"',
  ],
  [
    { [`${AWS}target-group-attributes`]: 'deregistration_delay.timeout_seconds=9999' },
    'aws',
    'deregistration_delay.timeout_seconds must be an integer between 0 and 3600',
  ],
  [
    { [`${AWS}target-group-attributes`]: 'novalue' },
    'aws',
    '"novalue" is not of the form key=value',
  ],
  [
    { [`${AWS}additional-resource-tags`]: 'kubernetes.io/service-name=x' },
    'aws',
    'tag "kubernetes.io/service-name" is an ownership tag lbctl sets itself',
  ],
  [
    { 'lbctl.io/tags': 'kubernetes.io/cluster/demo=shared' },
    'gcp',
    'is an ownership tag lbctl sets itself',
  ],
  [
    { 'lbctl.io/tags': 'a=1', [`${AWS}additional-resource-tags`]: 'a=2' },
    'aws',
    'tag "a" conflicts with metadata.annotations[lbctl.io/tags]: "1"',
  ],
  [{ 'lbctl.io/tags': 'a=1,a=2' }, 'aws', 'key "a" appears twice'],
  [
    { 'lbctl.io/load-balancer-ips': '203.0.113.300' },
    'aws',
    'metadata.annotations[lbctl.io/load-balancer-ips]: Invalid value: "203.0.113.300": must be a valid IP address',
  ],
  [
    { 'lbctl.io/load-balancer-ips': '2001:db8::1' },
    'aws',
    "is IPv6, but the Service's ipFamilies are IPv4",
  ],
  [
    { 'lbctl.io/load-balancer-ips': '203.0.113.1,203.0.113.2' },
    'aws',
    'conflicts with metadata.annotations[lbctl.io/load-balancer-ips]: "203.0.113.1" (one IPv4 address per load balancer)',
  ],
  [{ 'cloud.google.com/network-tier': 'Gold' }, 'gcp', 'supported values: "Premium", "Standard"'],
  [{ [`${AZ}pip-name`]: '-bad-' }, 'azure', "must be 1-80 letters, digits, '_', '-' or '.'"],
  [
    { [`${AZ}pip-name`]: 'pip', [`${AZ}load-balancer-internal`]: 'true' },
    'azure',
    'may only be used with an external load balancer',
  ],
  [
    { [`${AZ}load-balancer-internal-subnet`]: 'sub' },
    'azure',
    'may only be used with an internal load balancer',
  ],
  [{ [`${AZ}load-balancer-resource-group`]: 'rg.' }, 'azure', "not ending in '.'"],
  [{ [`${AZ}load-balancer-ipv4`]: '2001:db8::1' }, 'azure', 'must be an IPv4 address'],
  [
    { [`${AZ}load-balancer-health-probe-num-of-probe`]: '1' },
    'azure',
    'must be an integer between 2 and 10',
  ],
  [
    { [`${AZ}load-balancer-health-probe-request-path`]: 'x y' },
    'azure',
    'must be an absolute URL path',
  ],
  [
    { 'service.beta.kubernetes.io/load-balancer-source-ranges': '10.0.0.0/8,nope' },
    'aws',
    '"nope" is not a valid CIDR; must be a comma-separated list of CIDRs',
  ],
];

describe('annotations: refused values', () => {
  for (const [annotations, provider, message] of BAD) {
    it(`${JSON.stringify(annotations)} with ${provider}`, () => {
      expect(errorOf(() => intentOf(annotations, {}, provider))).toContain(message);
    });
  }

  it('names the Service', () => {
    expect(errorOf(() => intentOf({ 'lbctl.io/scheme': 'public' }))).toMatch(
      /^Service default\/web: /,
    );
  });

  it('reports every bad annotation of a Service in one error', () => {
    const message = errorOf(() =>
      intentOf({ 'lbctl.io/scheme': 'public', 'lbctl.io/healthcheck-interval': '1' }),
    );
    expect([
      message.includes('lbctl.io/scheme'),
      message.includes('lbctl.io/healthcheck-interval'),
    ]).toEqual([true, true]);
  });

  it('ignores a bad value of another cloud’s annotation', () => {
    expect(intentOf({ [`${AZ}load-balancer-internal`]: 'yes' }, {}, 'aws').scheme).toBe('external');
  });
});
