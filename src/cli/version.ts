/** lbctl's version; test/cli/packaging.test.ts checks that it is package.json's. */
export const LBCTL_VERSION = '0.1.0';
