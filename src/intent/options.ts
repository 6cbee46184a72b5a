import type { LoadBalancerIntent, ProviderOptions } from '../core/intent.js';
import { A } from './annotations.js';
import { annotationField, parseBool, parseEnum, parseKeyValues, parseList } from './context.js';
import type { Ctx } from './context.js';

/** Keys of `aws-load-balancer-target-group-attributes` lbctl knows how to apply. */
export const AWS_TARGET_GROUP_ATTRIBUTES = [
  'deregistration_delay.timeout_seconds',
  'proxy_protocol_v2.enabled',
] as const;

const EIP = /^eipalloc-[0-9a-f]{8,17}$/;
const AZURE_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,78}[A-Za-z0-9_])?$/;
const AZURE_RESOURCE_GROUP = /^[-\w._()]{0,89}[-\w_()]$/u;

/** Validated provider-specific knobs; only the selected provider's annotations are read. */
export function buildOptions(ctx: Ctx, scheme: LoadBalancerIntent['scheme']): ProviderOptions {
  switch (ctx.provider) {
    case 'aws':
      return { aws: awsOptions(ctx, scheme) };
    case 'gcp': {
      const tier = parseEnum(ctx, A.gcpNetworkTier, ['Premium', 'Standard'] as const, true);
      return {
        gcp: tier === undefined ? {} : { networkTier: tier === 'Premium' ? 'PREMIUM' : 'STANDARD' },
      };
    }
    case 'azure':
      return { azure: azureOptions(ctx, scheme) };
    default:
      return {};
  }
}

type AwsOptions = NonNullable<ProviderOptions['aws']>;

function awsOptions(ctx: Ctx, scheme: LoadBalancerIntent['scheme']): AwsOptions {
  const out: AwsOptions = {};
  const proxy = parseEnum(ctx, A.awsProxyProtocol, ['*'] as const);
  if (proxy !== undefined) out.proxyProtocol = true;
  const crossZone = parseBool(ctx, A.awsCrossZone);
  if (crossZone !== undefined) out.crossZoneLoadBalancing = crossZone;
  const subnets = unique(
    ctx,
    A.awsSubnets,
    parseList(ctx, A.awsSubnets, 'subnet IDs or Name tags'),
  );
  if (subnets !== undefined) out.subnets = subnets;
  const eips = unique(ctx, A.awsEips, parseList(ctx, A.awsEips, 'Elastic IP allocation IDs'));
  if (eips !== undefined) {
    const bad = eips.find((e) => !EIP.test(e));
    const raw = ctx.get(A.awsEips) ?? '';
    if (bad !== undefined)
      ctx.invalid(A.awsEips, raw, `"${bad}" is not an allocation ID (eipalloc-...)`);
    else if (scheme === 'internal')
      ctx.invalid(
        A.awsEips,
        raw,
        'may only be used with an external (internet-facing) load balancer',
      );
    else if (subnets !== undefined && subnets.length !== eips.length) {
      ctx.invalid(
        A.awsEips,
        raw,
        `must name one allocation per subnet (${subnets.length} in ${annotationField(A.awsSubnets)})`,
      );
    } else out.eipAllocations = eips;
  }
  const attributes = parseKeyValues(ctx, A.awsTgAttributes);
  for (const [key, value] of attributes ?? []) {
    const raw = ctx.get(A.awsTgAttributes) ?? '';
    if (key === 'deregistration_delay.timeout_seconds') {
      const n = /^\d+$/.test(value) ? Number(value) : NaN;
      if (n >= 0 && n <= 3600) out.deregistrationDelaySeconds = n;
      else ctx.invalid(A.awsTgAttributes, raw, `${key} must be an integer between 0 and 3600`);
    } else if (key === 'proxy_protocol_v2.enabled') {
      if (value !== 'true' && value !== 'false')
        ctx.invalid(A.awsTgAttributes, raw, `${key} must be "true" or "false"`);
      else if (proxy !== undefined && value === 'false') {
        ctx.invalid(
          A.awsTgAttributes,
          raw,
          `${key}=false conflicts with ${annotationField(A.awsProxyProtocol)}: "*"`,
        );
      } else if (value === 'true') out.proxyProtocol = true;
    } else {
      const allowed = AWS_TARGET_GROUP_ATTRIBUTES.map((k) => `"${k}"`).join(', ');
      ctx.invalid(A.awsTgAttributes, raw, `unsupported attribute "${key}"; supported: ${allowed}`);
    }
  }
  return out;
}

type AzureOptions = NonNullable<ProviderOptions['azure']>;

function azureOptions(ctx: Ctx, scheme: LoadBalancerIntent['scheme']): AzureOptions {
  const out: AzureOptions = {};
  const pip = ctx.get(A.azurePipName);
  if (pip !== undefined) {
    if (!AZURE_NAME.test(pip)) ctx.invalid(A.azurePipName, pip, azureNameRule);
    else if (scheme === 'internal')
      ctx.invalid(A.azurePipName, pip, 'may only be used with an external load balancer');
    else out.pipName = pip;
  }
  const group = ctx.get(A.azureResourceGroup);
  if (group !== undefined) {
    if (!AZURE_RESOURCE_GROUP.test(group)) {
      ctx.invalid(
        A.azureResourceGroup,
        group,
        "must be 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
      );
    } else out.pipResourceGroup = group;
  }
  const subnet = ctx.get(A.azureInternalSubnet);
  if (subnet !== undefined) {
    if (!AZURE_NAME.test(subnet)) ctx.invalid(A.azureInternalSubnet, subnet, azureNameRule);
    else if (scheme !== 'internal')
      ctx.invalid(A.azureInternalSubnet, subnet, 'may only be used with an internal load balancer');
    else out.internalSubnet = subnet;
  }
  return out;
}

const azureNameRule =
  "must be 1-80 letters, digits, '_', '-' or '.', starting with a letter or digit and ending with a letter, digit or '_'";

function unique(
  ctx: Ctx,
  key: typeof A.awsSubnets | typeof A.awsEips,
  items: string[] | undefined,
): string[] | undefined {
  if (items === undefined) return undefined;
  const dup = items.find((v, i) => items.indexOf(v) !== i);
  if (dup !== undefined) return ctx.invalid(key, ctx.get(key) ?? '', `"${dup}" appears twice`);
  return items;
}
