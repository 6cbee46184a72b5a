import type { ProviderName } from '../../core/provider.js';

/** How to point each provider at its cloud, as the providers' isConfigured checks it. */
const HOW: Record<ProviderName, string> = {
  aws: 'AWS credentials in the environment (AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE, ...) or an endpoint (--set endpoint=URL, AWS_ENDPOINT_URL)',
  gcp: 'a project (--set project=ID or LBCTL_GCP_PROJECT, with Application Default Credentials) or an endpoint (--set endpoint=URL)',
  azure:
    'a subscription (--set subscription-id=ID or LBCTL_AZURE_SUBSCRIPTION_ID, with Azure credentials) or an endpoint (--set endpoint=URL)',
  local: 'nothing (the in-memory cloud is always there)',
};

/** The error of a plan that would have to read the cloud but has nothing to read it with. */
export function notConfiguredMessage(provider: ProviderName): string {
  return `lbctl plan: cannot read what exists in ${provider}: no cloud is configured. Give ${HOW[provider]}, plan against a snapshot with --observed FILE, or pass --offline to plan as if nothing existed`;
}
