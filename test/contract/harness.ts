import type { LoadBalancerIntent, Target } from '../../src/core/intent.js';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import type { Provider } from '../../src/core/provider.js';

/**
 * What a cloud must provide to run the provider contract suite (DESIGN.md). Each provider's
 * test file implements one against its emulator or wire-level fake and calls
 * `defineContractSuite`.
 */
export interface ContractHarness {
  readonly clusterName: string;
  /**
   * Clears the cloud and seeds what a cluster already has there (network, node VMs); resolves
   * to the nodes that load balancers may target, as intents carry them.
   */
  reset(): Promise<{ nodes: Target[] }>;
  /**
   * A provider connected to the cloud, its CallLog fresh. `faults` is the share of calls
   * (0..1) that fail as the cloud fails (throttling, 5xx, connection resets), with a seed.
   * Retries must not sleep for real (inject time).
   */
  connect(options?: { faults?: number; seed?: number }): Promise<Provider>;
  /** A provider-neutral intent for a Service (the suite varies it); defaults are 2 TCP ports on the given nodes. */
  intent(
    service: ServiceIdentity,
    nodes: readonly Target[],
    overrides?: Partial<LoadBalancerIntent>,
  ): LoadBalancerIntent;
  /**
   * Creates, outside lbctl and without ownership tags, the resource the Service's load
   * balancer would be named as; resolves to the name the error must mention.
   */
  createForeign(service: ServiceIdentity): Promise<string>;
  /** Whether that foreign resource still exists, unchanged. */
  foreignIntact(service: ServiceIdentity): Promise<boolean>;
  /** Every resource in the cloud tagged with this cluster's ownership tag, as `<service uid> <kind> <name>`. */
  inventory(): Promise<string[]>;
  /**
   * The exact write calls (operation → count) that adding `added` and removing `removed`
   * targets costs for a Service with `listeners` listeners.
   */
  targetWrites(delta: {
    added: number;
    removed: number;
    listeners: number;
  }): Record<string, number>;
  /** Stops whatever the harness started. */
  close(): Promise<void>;
}
