import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { provider } from '../../providers/aws/index.js';
import { parseSettings } from '../../providers/aws/settings.js';
import { ingressOf } from '../../providers/aws/ingress.js';

const settings = (values: Record<string, string> = {}, env: Record<string, string> = {}) => ({
  clusterName: 'test',
  values,
  env,
});

describe('settings', () => {
  it('reads --set values first, then LBCTL_AWS_*, then AWS_REGION', () => {
    expect(
      parseSettings(settings({ region: 'eu-west-1' }, { AWS_REGION: 'us-east-1' })).region,
    ).toBe('eu-west-1');
    expect(
      parseSettings(settings({}, { LBCTL_AWS_REGION: 'eu-west-2', AWS_REGION: 'us-east-1' }))
        .region,
    ).toBe('eu-west-2');
    expect(parseSettings(settings({}, { AWS_REGION: 'us-east-1' })).region).toBe('us-east-1');
    expect(
      parseSettings(settings({}, { LBCTL_AWS_SUBNETS: 'subnet-bbbbbbbb, subnet-aaaaaaaa' }))
        .subnets,
    ).toEqual(['subnet-aaaaaaaa', 'subnet-bbbbbbbb']);
  });

  it.each([
    ['region', 'mars', 'must be an AWS region'],
    ['vpc-id', 'vpc-xyz', 'must be a VPC ID'],
    ['subnets', 'subnet-12345678,bad', 'must be a comma-separated list of subnet IDs'],
    ['security-group', 'default', 'must be a security group ID'],
    ['endpoint', 'localhost:5000', 'must be an http:// or https:// URL'],
    ['mutate-rate', '0', 'must be a positive number'],
  ])('%s=%s is refused naming the key, the value and what is allowed', (key, value, detail) => {
    const e = (() => {
      try {
        parseSettings(settings({ [key]: value }));
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(InvalidInputError);
    expect((e as Error).message).toContain(
      `${key}: Invalid value: ${JSON.stringify(value)}: ${detail}`,
    );
  });

  it('unknown keys are refused with the list of supported ones', () => {
    expect(() => parseSettings(settings({ project: 'x' }))).toThrow(
      /--set project: Unsupported value: "project": supported keys: region, /,
    );
  });

  it('isConfigured: an endpoint or any AWS credential source', () => {
    expect(provider.isConfigured(settings())).toBe(false);
    expect(provider.isConfigured(settings({ endpoint: 'http://127.0.0.1:5000' }))).toBe(true);
    expect(provider.isConfigured(settings({}, { AWS_ACCESS_KEY_ID: 'x' }))).toBe(true);
    expect(provider.isConfigured(settings({}, { AWS_PROFILE: 'dev' }))).toBe(true);
    expect(
      provider.isConfigured(settings({}, { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token' })),
    ).toBe(true);
  });

  it('the model validates settings and needs no network', () => {
    expect(() => provider.model(settings({ 'vpc-id': 'nope' }))).toThrow(InvalidInputError);
    expect(provider.model(settings()).name).toBe('aws');
  });
});

describe('status', () => {
  it('the NLB DNS name becomes the ingress hostname', () => {
    expect(
      ingressOf([
        {
          type: 'aws_lb',
          name: 'this',
          attributes: { dns_name: 'a1-123.elb.us-east-1.amazonaws.com' },
          dependsOn: [],
        },
      ]),
    ).toEqual([{ hostname: 'a1-123.elb.us-east-1.amazonaws.com' }]);
    expect(ingressOf([{ type: 'aws_lb', name: 'this', attributes: {}, dependsOn: [] }])).toEqual(
      [],
    );
  });
});
