import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { createCallLog } from '../../core/calls.js';
import { LbctlError } from '../../core/errors.js';
import { keyOf, type Node, type Service } from '../../core/k8s.js';
import type { Plan } from '../../core/plan.js';
import type {
  CallLog,
  Provider,
  ProviderModel,
  ProviderName,
  ProviderSettings,
} from '../../core/provider.js';
import type { Resource } from '../../core/resource.js';
import { addressOf } from '../../core/resource.js';
import { liveServices } from '../../controller/live.js';
import { readManifests, withSource } from '../../k8s/files.js';
import { DEFAULT_LAYERS, allocateAll } from '../../layers/index.js';
import { findOrphans, orphanResources, planOrphans } from '../../plan/orphans.js';
import { settingsFrom, type ProviderLoader } from '../providers.js';
import { loadKubeConfig } from '../kubeconfig.js';
import { renderJson } from '../../render/json.js';
import { renderText } from '../../render/text.js';
import { hasChanges } from '../../plan/index.js';
import type { PlanFlags } from '../commands/plan.js';
import type { CommandDeps } from './io.js';
import { SAVED_PLAN_FORMAT, stateDrift, writeSavedPlan } from './saved-plan.js';

export interface OrphansRequest {
  provider: ProviderName;
  clusterName: string;
  set: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** The cluster whose Services are the live set; or `files`. */
  kc?: KubeConfig;
  /** Manifests that are the WHOLE live set (every Service of the cluster), with their UIDs. */
  files?: readonly string[];
  loadBalancerClass?: string;
  loadProvider: ProviderLoader;
  notice: (line: string) => void;
}

export interface OrphansPlan {
  settings: ProviderSettings;
  model: ProviderModel;
  provider: Provider;
  calls: CallLog;
  /** One deletion plan per Service the orphans belong to; `observed` is what was swept. */
  services: { plan: Plan; observed: Resource[] }[];
}

/**
 * `lbctl plan --orphans`: sweep the cloud once for everything tagged for this cluster, THEN
 * read the live Services (so a Service created during the sweep is seen, and protects what its
 * first reconcile made), and plan the deletion of every swept resource no live Service wants.
 */
export async function planOrphansFor(request: OrphansRequest): Promise<OrphansPlan> {
  const module = await request.loadProvider(request.provider);
  const settings = settingsFrom(request);
  const model = module.model(settings);
  const calls = createCallLog();
  const provider = await module.connect(settings, { calls });
  const ctx = { clusterName: request.clusterName };
  const swept = await provider.sweep(ctx);
  const { services, nodes, mode } =
    request.kc !== undefined ? await fromCluster(request.kc) : await fromFiles(request);
  const { live, notWanted, uidByKey } = liveServices({
    services,
    nodes,
    model,
    clusterName: request.clusterName,
    mode,
    ...(request.loadBalancerClass === undefined
      ? {}
      : { loadBalancerClass: request.loadBalancerClass }),
  });
  const shared = swept.filter((o) => o.service === undefined).length;
  if (shared > 0) {
    request.notice(
      `${shared} shared resource(s) (used by several Services) are left to the controller and not planned here`,
    );
  }
  const plans = planOrphans(findOrphans(swept, live, { notWanted, uidByKey }), model);
  return {
    settings,
    model,
    provider,
    calls,
    services: plans.map((plan) => ({ plan, observed: orphanResources(plan) })),
  };
}

/**
 * Applies a saved orphans plan: sweeps again (a by-name observe would not find what the sweep
 * found) and refuses if any planned resource is gone or changed since, then deletes.
 */
export async function checkSavedOrphans(
  services: readonly { plan: Plan; observed: readonly Resource[] }[],
  provider: Provider,
  clusterName: string,
): Promise<string[]> {
  const swept = await provider.sweep({ clusterName });
  const byUid = new Map<string, Resource[]>();
  for (const { resource, service } of swept) {
    if (service === undefined) continue;
    byUid.set(service.uid, [...(byUid.get(service.uid) ?? []), resource]);
  }
  const drift: string[] = [];
  for (const { plan, observed } of services) {
    const planned = new Set(observed.map(addressOf));
    const now = (byUid.get(plan.service.uid) ?? []).filter((r) => planned.has(addressOf(r)));
    // Dependencies were pruned to the orphans when planned: compare like with like.
    const pruned = now.map((r) => ({ ...r, dependsOn: r.dependsOn.filter((d) => planned.has(d)) }));
    const lines = stateDrift([...observed], pruned);
    if (lines.length > 0) drift.push(`Service ${keyOf(plan.service)}: ${lines.join(', ')}`);
  }
  return drift;
}

async function fromCluster(kc: KubeConfig) {
  const core = kc.makeApiClient(CoreV1Api);
  // Every namespace, every selector: a filter would make other Services' resources look orphaned.
  const services = plain<Service[]>((await core.listServiceForAllNamespaces({})).items);
  const nodes = plain<Node[]>((await core.listNode()).items);
  return { services, nodes, mode: 'verify' as const };
}

async function fromFiles(request: OrphansRequest) {
  const manifests = await readManifests(request.files ?? []);
  for (const n of manifests.notices) request.notice(n);
  request.notice(
    'The manifests are taken as every Service of the cluster: resources of any Service not in them are planned for deletion',
  );
  let services: Service[];
  try {
    services = allocateAll(
      manifests.services.map((s) => s.object),
      DEFAULT_LAYERS,
    );
  } catch (e) {
    throw withSource(e, manifests);
  }
  return { services, nodes: manifests.nodes.map((n) => n.object), mode: 'allocated' as const };
}

/** Refuses the inputs that would narrow the live set. */
export function refuseNarrowing(flags: {
  namespace?: string;
  selector?: string;
  names: readonly string[];
  observed?: string;
  offline?: boolean;
}): void {
  const bad = [
    flags.namespace === undefined ? undefined : '--namespace',
    flags.selector === undefined ? undefined : '--selector',
    flags.names.length === 0 ? undefined : 'Service names',
    flags.observed === undefined ? undefined : '--observed',
    flags.offline === true ? '--offline' : undefined,
  ].filter((x): x is string => x !== undefined);
  if (bad.length > 0) {
    throw new LbctlError(
      'invalid',
      `--orphans sweeps the whole cloud account against every Service of the cluster; it cannot be combined with ${bad.join(', ')}`,
    );
  }
}

/** `lbctl plan --orphans [-f FILES | --cluster] [-out FILE] [--json]`. */
export async function runOrphansPlan(
  flags: PlanFlags,
  deps: CommandDeps,
  source: { names: readonly string[]; fromCluster: boolean; files: readonly string[] },
): Promise<number> {
  refuseNarrowing({ ...flags, names: source.names });
  if (source.fromCluster && source.files.length > 0) {
    throw new LbctlError(
      'invalid',
      '--orphans takes the live Services from the cluster (--cluster) or from files (-f), not both',
    );
  }
  const provider = flags.provider as ProviderName;
  const planned = await planOrphansFor({
    provider,
    clusterName: flags.clusterName,
    set: flags.set,
    env: deps.env,
    ...(source.fromCluster
      ? {
          kc: loadKubeConfig({
            ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
            ...(flags.context === undefined ? {} : { context: flags.context }),
            env: deps.env,
          }),
        }
      : { files: source.files }),
    ...(flags.loadBalancerClass === undefined
      ? {}
      : { loadBalancerClass: flags.loadBalancerClass }),
    loadProvider: deps.loadProvider,
    notice: (line) => deps.stderr(`${line}\n`),
  });
  const plans = planned.services.map((s) => s.plan);
  const output =
    flags.json === true
      ? `${JSON.stringify(renderJson(plans), null, 2)}\n`
      : renderText(plans, { color: flags.color && deps.colorCapable });
  if (flags.out !== undefined) {
    await writeSavedPlan(flags.out, {
      format: SAVED_PLAN_FORMAT,
      provider,
      clusterName: flags.clusterName,
      settings: { ...planned.settings.values },
      services: planned.services,
      orphans: true,
    });
  }
  deps.stdout(output.endsWith('\n') ? output : `${output}\n`);
  if (flags.out !== undefined && flags.json !== true) {
    deps.stdout(
      `\nSaved the plan to: ${flags.out}\n\nTo delete exactly these orphans, run:\n    lbctl apply "${flags.out}"\n`,
    );
  }
  return flags.detailedExitcode === true && plans.some(hasChanges) ? 2 : 0;
}

const plain = <T>(o: unknown): T => JSON.parse(JSON.stringify(o)) as T;
