import { KubeConfig } from '@kubernetes/client-node';

/**
 * The cluster to talk to: an explicit kubeconfig file, else the in-cluster service account
 * (a pod has KUBERNETES_SERVICE_HOST), else kubectl's defaults ($KUBECONFIG, ~/.kube/config).
 */
export function loadKubeConfig(options: {
  kubeconfig?: string;
  context?: string;
  env: Readonly<Record<string, string | undefined>>;
}): KubeConfig {
  const kc = new KubeConfig();
  if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
  else if (options.env['KUBERNETES_SERVICE_HOST'] !== undefined) kc.loadFromCluster();
  else kc.loadFromDefault();
  if (options.context !== undefined) kc.setCurrentContext(options.context);
  return kc;
}
