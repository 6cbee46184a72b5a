import { defineContractSuite } from '../contract/suite.js';
import { gcpHarness } from './contract-harness.js';

defineContractSuite('gcp (fake Compute API, @google-cloud/compute over HTTP)', gcpHarness);
