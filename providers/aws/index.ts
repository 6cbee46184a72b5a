import type { ProviderModule } from '../../src/core/provider.js';
import { awsModel } from './model.js';
import { isConfigured } from './settings.js';

/** The AWS provider: network load balancers through ELBv2, security groups through EC2. */
export const provider: ProviderModule = {
  name: 'aws',
  model: awsModel,
  isConfigured,
  connect() {
    throw new Error('providers/aws: connect is not implemented yet');
  },
};
