import {
  DescribeLoadBalancerAttributesCommand,
  type Listener,
  type LoadBalancer,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { NotOwnedError } from '../../src/core/errors.js';
import type { ServiceIdentity } from '../../src/core/k8s.js';
import type { ObserveRequest } from '../../src/core/provider.js';
import type { Resource } from '../../src/core/resource.js';
import { IN_TREE_PROVIDER } from './adopted-shape.js';
import { clusterTagKey, OWNED, RESOURCE_TAG, SERVICE_NAME_TAG } from '../../src/core/tags.js';
import type { AwsApi } from './api.js';
import { LB_ADDRESS } from './desired.js';
import { describeTags, listListeners } from './describe.js';
import { loadBalancerByName, targetGroupsOfLoadBalancer } from './lookup.js';
import { loadBalancerName } from './names.js';
import { observeService, observeTargetGroup } from './observe.js';
import {
  LOAD_BALANCER_ATTRIBUTE_DEFAULTS,
  managedAttributes,
  observedListener,
  observedLoadBalancer,
} from './observed.js';
import { LISTENER, TARGET_GROUP } from './schemas.js';

/**
 * Taking over the NLB the in-tree AWS provider (kubernetes/cloud-provider-aws, the
 * cloud-controller-manager) made for a Service, in place (issue 12 #2, AWS only).
 *
 * What the in-tree provider makes for `aws-load-balancer-type: nlb`, as read in its source:
 * an NLB named like lbctl's (`a` + the UID without dashes, 32 characters) and created WITHOUT
 * a security group; per Service port a listener and an instance target group named
 * `k8s-<ns 8>-<name 8>-<10 hex>` (a hash lbctl cannot reproduce: it includes the cluster ID and
 * the health check), health checks TCP on the traffic port every 30 s; every one tagged
 * `kubernetes.io/service-name: <ns>/<name>` and `kubernetes.io/cluster/<cluster>: owned` (plus
 * the additional-resource-tags), but no `kubernetes.io/service-uid` and no `lbctl.io/resource`.
 * Client and health rules go on the nodes' security groups, which lbctl leaves as they are.
 *
 * Two things would force a new NLB or new target groups if lbctl planned its own shape: the
 * security group (an NLB made without one can never get one) and the target group names.
 * `adoptionGraph` therefore keeps the in-tree shape: no security group, the in-tree names,
 * and the load balancer tagged `lbctl.io/adopted: in-tree` so that `keepAdoptedShape`
 * (./adopted-shape.ts, the model's fitDesired) keeps it on every later plan. What remains are in-place updates: tags (ownership added),
 * attributes, health checks, targets by delta. The address (DNS name) never changes.
 *
 * Limitation: an adopted NLB has no security group of lbctl's, so `loadBalancerSourceRanges`
 * stay enforced by the in-tree rules on the nodes' groups, which lbctl does not rewrite.
 */

type Tags = Record<string, string>;

/** The in-tree provider's resources for one Service, as found in the cloud. */
export interface InTreeLoadBalancer {
  loadBalancer: LoadBalancer;
  listeners: Listener[];
  targetGroups: TargetGroup[];
  tags: ReadonlyMap<string, Tags>;
}

/**
 * The NLB the in-tree provider made for this Service, when there is one: the in-tree name, this
 * cluster's `owned` tag (or the legacy `KubernetesCluster` tag), the Service's name tag, and no
 * tag of lbctl's. Reads only: by name, its listeners, its target groups, one tag batch.
 */
export async function findInTreeLoadBalancer(
  api: AwsApi,
  clusterName: string,
  service: ServiceIdentity,
): Promise<InTreeLoadBalancer | undefined> {
  const lb = await loadBalancerByName(api, loadBalancerName(service));
  const arn = lb?.LoadBalancerArn;
  if (lb === undefined || arn === undefined || lb.Type !== 'network') return undefined;
  const [listeners, targetGroups] = await Promise.all([
    listListeners(api, arn),
    targetGroupsOfLoadBalancer(api, arn),
  ]);
  const tags = await describeTags(api, [
    arn,
    ...listeners.map((l) => l.ListenerArn),
    ...targetGroups.map((t) => t.TargetGroupArn),
  ]);
  const t = tags.get(arn) ?? {};
  const clusters =
    t[clusterTagKey(clusterName)] === OWNED || t['KubernetesCluster'] === clusterName;
  const named = t[SERVICE_NAME_TAG] === `${service.namespace}/${service.name}`;
  if (!clusters || !named || t[RESOURCE_TAG] !== undefined) return undefined;
  return { loadBalancer: lb, listeners, targetGroups, tags };
}

/**
 * The observed graph for adopting `inTree` (pure): the in-tree resources, marked `foreign`,
 * under the addresses lbctl's desired graph gives them (listeners matched by port, each target
 * group by the listener that forwards to it). Planned against the desired graph in the in-tree
 * shape (keepAdoptedShape), this gives updates only. A Service port with no in-tree listener is
 * a create; an in-tree listener no port wants is a delete (with its group).
 */
export function adoptionGraph(
  inTree: InTreeLoadBalancer & { observedTargetGroups: ReadonlyMap<string, Resource> },
  desired: readonly Resource[],
  lbAttributes: Record<string, string>,
): Resource[] {
  const lbArn = inTree.loadBalancer.LoadBalancerArn ?? '';
  const tagsOf = (arn: string | undefined) => inTree.tags.get(arn ?? '') ?? {};
  const lb = observedLoadBalancer(inTree.loadBalancer, {
    name: 'this',
    tags: tagsOf(lbArn),
    attributes: lbAttributes,
    sgIdToAddress: new Map(),
  });
  const observed: Resource[] = [lb];
  const tgArnToAddress = new Map<string, string>();
  const wanted = desired.filter((r) => r.type === LISTENER);
  for (const [i, l] of inTree.listeners.entries()) {
    const match = wanted.find((d) => d.attributes['port'] === l.Port);
    const name = match?.name ?? `in-tree-${l.Port ?? i}`;
    const tgArn = l.DefaultActions?.[0]?.TargetGroupArn ?? '';
    const tg = inTree.observedTargetGroups.get(tgArn);
    const tgAddress = String(
      match?.attributes['default_target_group'] ?? `${TARGET_GROUP}.${name}`,
    );
    if (tg !== undefined) {
      const tgName = tgAddress.slice(TARGET_GROUP.length + 1);
      observed.push({ ...tg, name: tgName });
      tgArnToAddress.set(tgArn, tgAddress);
    }
    observed.push(
      observedListener(l, {
        name,
        tags: tagsOf(l.ListenerArn),
        lbAddress: LB_ADDRESS,
        tgArnToAddress,
      }),
    );
  }
  return observed.map((r) => ({ ...r, foreign: { madeBy: IN_TREE_PROVIDER } }));
}

/** Reads what adoptionGraph needs beyond the look-up: LB attributes, target group attributes and targets. */
export async function readInTreeDetails(
  api: AwsApi,
  inTree: InTreeLoadBalancer,
): Promise<{ lbAttributes: Record<string, string>; observedTargetGroups: Map<string, Resource> }> {
  const [attrs, tgs] = await Promise.all([
    api.elb(
      new DescribeLoadBalancerAttributesCommand({
        LoadBalancerArn: inTree.loadBalancer.LoadBalancerArn,
      }),
    ),
    Promise.all(
      inTree.targetGroups.map((tg) =>
        observeTargetGroup(api, tg, inTree.tags.get(tg.TargetGroupArn ?? '') ?? {}),
      ),
    ),
  ]);
  return {
    lbAttributes: managedAttributes(attrs.Attributes, LOAD_BALANCER_ATTRIBUTE_DEFAULTS),
    observedTargetGroups: new Map(tgs.map((r) => [r.id ?? '', r])),
  };
}

/**
 * The in-tree NLB of one Service as observed resources marked `foreign`, or undefined when the
 * Service has none. Planned against keepAdoptedShape(desired), the takeover is updates only.
 */
export async function observeInTreeAdoption(
  api: AwsApi,
  clusterName: string,
  request: ObserveRequest,
): Promise<Resource[] | undefined> {
  const inTree = await findInTreeLoadBalancer(api, clusterName, request.service);
  if (inTree === undefined) return undefined;
  const details = await readInTreeDetails(api, inTree);
  return adoptionGraph(
    { ...inTree, observedTargetGroups: details.observedTargetGroups },
    request.desired,
    details.lbAttributes,
  );
}

/**
 * Observe with adoption (ObserveRequest.adopt): the ordinary observe first, so a Service
 * lbctl already owns costs nothing more; only when it refuses a foreign twin is the in-tree NLB
 * looked for (4 more reads, once per Service). A Service that wants no load balancer adopts
 * nothing: lbctl does not take over a load balancer only to delete it.
 */
export async function observeAdopting(
  api: AwsApi,
  clusterName: string,
  request: ObserveRequest,
): Promise<Resource[]> {
  try {
    return await observeService(api, clusterName, request);
  } catch (e) {
    if (!(e instanceof NotOwnedError) || request.adopt !== true || request.desired.length === 0)
      throw e;
    const adopted = await observeInTreeAdoption(api, clusterName, request);
    if (adopted === undefined) throw e;
    return adopted;
  }
}
