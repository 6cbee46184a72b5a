import type { CoreV1Event } from '@kubernetes/client-node';
import type { Service } from '../core/k8s.js';
import type { Clock } from './clock.js';
import type { KubeApi } from './kube.js';

/** The Kubernetes service controller's Event reasons, plus lbctl's drift report. */
export const REASON = {
  ensuring: 'EnsuringLoadBalancer',
  ensured: 'EnsuredLoadBalancer',
  updated: 'UpdatedLoadBalancer',
  failed: 'SyncLoadBalancerFailed',
  deleting: 'DeletingLoadBalancer',
  deleted: 'DeletedLoadBalancer',
  /** Like Terraform's resource_drift: the cloud no longer matches what was applied. */
  drift: 'LoadBalancerDrift',
  /** lbctl's replacement guardrail refused a replacement that changes the Service's address. */
  replacementBlocked: 'ReplacementBlocked',
} as const;

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  /** Fire and forget, like client-go's recorder: a failed Event write is logged, never retried. */
  record(service: Service, type: EventType, reason: string, message: string): Promise<void>;
}

/**
 * Writes core/v1 Events about Services. A repeat of the same event within ten minutes patches
 * the count and lastTimestamp of the first one instead of creating another, as client-go's
 * correlator does, so a Service failing every five minutes does not flood etcd.
 */
export function createEventRecorder(options: {
  api: Pick<KubeApi, 'createEvent' | 'patchEvent'>;
  clock: Clock;
  /** The replica, for reportingInstance. */
  instance: string;
  onError?: (error: unknown) => void;
}): EventRecorder {
  const { api, clock } = options;
  const seen = new Map<string, { namespace: string; name: string; count: number; at: number }>();
  let seq = 0;
  return {
    async record(service, type, reason, message) {
      const namespace = service.metadata.namespace ?? 'default';
      const key = [service.metadata.uid, type, reason, message].join('\u0000');
      const now = clock.now();
      const stamp = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
      const previous = seen.get(key);
      try {
        if (previous !== undefined && now - previous.at < 600_000) {
          previous.count += 1;
          previous.at = now;
          await api.patchEvent(previous.namespace, previous.name, {
            count: previous.count,
            lastTimestamp: stamp,
          });
          return;
        }
        const name = `${service.metadata.name}.${(now * 1000 + (seq++ % 1000)).toString(16)}`;
        const event = {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace },
          involvedObject: {
            apiVersion: 'v1',
            kind: 'Service',
            namespace,
            name: service.metadata.name,
            ...(service.metadata.uid === undefined ? {} : { uid: service.metadata.uid }),
            ...(service.metadata.resourceVersion === undefined
              ? {}
              : { resourceVersion: service.metadata.resourceVersion }),
          },
          type,
          reason,
          message,
          count: 1,
          firstTimestamp: stamp,
          lastTimestamp: stamp,
          source: { component: 'lbctl' },
          reportingComponent: 'lbctl.io/controller',
          reportingInstance: options.instance,
        } as unknown as CoreV1Event;
        await api.createEvent(event);
        if (seen.size >= 4096) seen.delete(seen.keys().next().value as string);
        seen.set(key, { namespace, name, count: 1, at: now });
      } catch (e) {
        options.onError?.(e);
      }
    },
  };
}
