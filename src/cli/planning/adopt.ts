import { adoptingProvider } from '../../pipeline/index.js';
import type { CommandDeps } from './io.js';

/**
 * `--adopt` (issue 12 #2) for `lbctl plan` and `lbctl apply`: every provider the command
 * connects observes with adoption, so load balancers the cloud-controller-manager's in-tree
 * provider made for a Service are planned as a takeover in place instead of refused as not
 * lbctl's. Plans from files without a cloud (`--offline`, `--observed`) observe nothing, so
 * there is nothing to adopt. Without the flag, the deps are returned as they are.
 */
export function withAdoption(deps: CommandDeps, adopt: boolean | undefined): CommandDeps {
  if (adopt !== true) return deps;
  return {
    ...deps,
    loadProvider: async (name) => {
      const module = await deps.loadProvider(name);
      return {
        ...module,
        connect: async (settings, options) =>
          adoptingProvider(await module.connect(settings, options)),
      };
    },
  };
}

export const ADOPT_HELP =
  'take over the load balancers the in-tree cloud provider (cloud-controller-manager) made: in place on aws and azure, by a migration that keeps the IP on gcp';
