import { defineContractSuite } from '../contract/suite.js';
import { azureContractHarness } from './contract-harness.js';

defineContractSuite(
  'azure (ARM Network fake over HTTPS, @azure/arm-network)',
  azureContractHarness,
);
