import { defineContractSuite } from '../contract/suite.js';
import { awsHarness } from './harness.js';

defineContractSuite('aws (moto)', awsHarness);
