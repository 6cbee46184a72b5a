import type { Schema } from './schema.js';
import { S } from './schema.js';

/** Field schemas of the kinds the sandbox serves (Kubernetes 1.32 field names). */

export const objectMeta = S.obj({
  name: S.str,
  generateName: S.str,
  namespace: S.str,
  selfLink: S.str,
  uid: S.str,
  resourceVersion: S.str,
  generation: S.int,
  creationTimestamp: S.time,
  deletionTimestamp: S.time,
  deletionGracePeriodSeconds: S.int,
  labels: S.map(S.str),
  annotations: S.map(S.str),
  ownerReferences: S.list(
    S.obj({
      apiVersion: S.str,
      kind: S.str,
      name: S.str,
      uid: S.str,
      controller: S.bool,
      blockOwnerDeletion: S.bool,
    }),
    { key: 'uid' },
  ),
  finalizers: S.list(S.str, 'set'),
  managedFields: S.list(S.any),
});

const objectReference = S.obj({
  kind: S.str,
  namespace: S.str,
  name: S.str,
  uid: S.str,
  apiVersion: S.str,
  resourceVersion: S.str,
  fieldPath: S.str,
});

const condition = S.obj({
  type: S.str,
  status: S.str,
  observedGeneration: S.int,
  lastTransitionTime: S.time,
  reason: S.str,
  message: S.str,
});

const top = (fields: Record<string, Schema>): Schema =>
  S.obj({ apiVersion: S.str, kind: S.str, metadata: objectMeta, ...fields });

export const service = top({
  spec: S.obj({
    ports: S.list(
      S.obj({
        name: S.str,
        protocol: S.str,
        appProtocol: S.str,
        port: S.int,
        targetPort: S.intOrStr,
        nodePort: S.int,
      }),
      { key: 'port', mapKeys: ['port', 'protocol'] },
    ),
    selector: S.map(S.str),
    clusterIP: S.str,
    clusterIPs: S.list(S.str),
    type: S.str,
    externalIPs: S.list(S.str),
    sessionAffinity: S.str,
    loadBalancerIP: S.str,
    loadBalancerSourceRanges: S.list(S.str),
    externalName: S.str,
    externalTrafficPolicy: S.str,
    healthCheckNodePort: S.int,
    publishNotReadyAddresses: S.bool,
    sessionAffinityConfig: S.obj({ clientIP: S.obj({ timeoutSeconds: S.int }) }),
    ipFamilies: S.list(S.str),
    ipFamilyPolicy: S.str,
    allocateLoadBalancerNodePorts: S.bool,
    loadBalancerClass: S.str,
    internalTrafficPolicy: S.str,
    trafficDistribution: S.str,
  }),
  status: S.obj({
    loadBalancer: S.obj({
      ingress: S.list(
        S.obj({
          ip: S.str,
          hostname: S.str,
          ipMode: S.str,
          ports: S.list(S.obj({ port: S.int, protocol: S.str, error: S.str })),
        }),
      ),
    }),
    conditions: S.list(condition, { key: 'type' }),
  }),
});

export const node = top({
  spec: S.obj({
    podCIDR: S.str,
    podCIDRs: S.list(S.str, 'set'),
    providerID: S.str,
    unschedulable: S.bool,
    taints: S.list(S.obj({ key: S.str, value: S.str, effect: S.str, timeAdded: S.time })),
    configSource: S.any,
    externalID: S.str,
  }),
  status: S.obj({
    capacity: S.map(S.quantity),
    allocatable: S.map(S.quantity),
    phase: S.str,
    conditions: S.list(
      S.obj({
        type: S.str,
        status: S.str,
        lastHeartbeatTime: S.time,
        lastTransitionTime: S.time,
        reason: S.str,
        message: S.str,
      }),
      { key: 'type' },
    ),
    addresses: S.list(S.obj({ type: S.str, address: S.str }), { key: 'type' }),
    daemonEndpoints: S.obj({ kubeletEndpoint: S.obj({ Port: S.int }) }),
    nodeInfo: S.obj({
      machineID: S.str,
      systemUUID: S.str,
      bootID: S.str,
      kernelVersion: S.str,
      osImage: S.str,
      containerRuntimeVersion: S.str,
      kubeletVersion: S.str,
      kubeProxyVersion: S.str,
      operatingSystem: S.str,
      architecture: S.str,
    }),
    images: S.list(S.any),
    volumesInUse: S.list(S.str),
    volumesAttached: S.list(S.any),
    config: S.any,
    runtimeHandlers: S.list(S.any),
    features: S.any,
  }),
});

export const namespace = top({
  spec: S.obj({ finalizers: S.list(S.str) }),
  status: S.obj({ phase: S.str, conditions: S.list(S.any) }),
});

const series = S.obj({ count: S.int, lastObservedTime: S.microTime });

export const coreEvent = top({
  involvedObject: objectReference,
  reason: S.str,
  message: S.str,
  source: S.obj({ component: S.str, host: S.str }),
  firstTimestamp: S.time,
  lastTimestamp: S.time,
  count: S.int,
  type: S.str,
  eventTime: S.microTime,
  series,
  action: S.str,
  related: objectReference,
  reportingComponent: S.str,
  reportingInstance: S.str,
});

export const eventsV1Event = top({
  eventTime: S.microTime,
  series,
  reportingController: S.str,
  reportingInstance: S.str,
  action: S.str,
  reason: S.str,
  regarding: objectReference,
  related: objectReference,
  note: S.str,
  type: S.str,
  deprecatedSource: S.obj({ component: S.str, host: S.str }),
  deprecatedFirstTimestamp: S.time,
  deprecatedLastTimestamp: S.time,
  deprecatedCount: S.int,
});

export const endpointSlice = top({
  addressType: S.str,
  endpoints: S.list(
    S.obj({
      addresses: S.list(S.str, 'set'),
      conditions: S.obj({ ready: S.bool, serving: S.bool, terminating: S.bool }),
      hostname: S.str,
      targetRef: objectReference,
      nodeName: S.str,
      zone: S.str,
      hints: S.any,
      deprecatedTopology: S.map(S.str),
    }),
  ),
  ports: S.list(S.obj({ name: S.str, protocol: S.str, port: S.int, appProtocol: S.str })),
});

export const lease = top({
  spec: S.obj({
    holderIdentity: S.str,
    leaseDurationSeconds: S.int,
    acquireTime: S.microTime,
    renewTime: S.microTime,
    leaseTransitions: S.int,
    strategy: S.str,
    preferredHolder: S.str,
  }),
});
