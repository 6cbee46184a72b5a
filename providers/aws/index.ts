import type { ProviderModule } from '../../src/core/provider.js';
import { awsModel } from './model.js';
import { isConfigured } from './settings.js';

/**
 * The AWS provider: network load balancers through ELBv2, security groups and subnets through
 * EC2. Settings: region, vpc-id, subnets, security-group (the nodes'), endpoint (emulators),
 * describe-rate, mutate-rate, register-rate; see docs/aws.md.
 */
export const provider: ProviderModule = {
  name: 'aws',
  model: awsModel,
  isConfigured,
  // provider.ts imports the SDK clients: loaded on connect only, so offline plans never pay for it.
  async connect(settings, { calls }) {
    const { connectAws } = await import('./provider.js');
    return connectAws(settings, { calls });
  },
};
