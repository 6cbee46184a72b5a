import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  RegisterTargetsCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancerIntent } from '../../src/core/intent.js';
import { loadBalancerName } from '../../providers/aws/names.js';
import { instanceIdOf } from '../../providers/aws/targets.js';
import type { TestNetwork } from './network.js';

/** What the in-tree provider creates for an `aws-load-balancer-type: nlb` Service (see providers/aws/adopt.ts). */
export async function inTreeNlb(
  elb: ElasticLoadBalancingV2Client,
  net: TestNetwork,
  web: LoadBalancerIntent,
  tags: { Key: string; Value: string }[],
): Promise<{ arn: string; dns: string }> {
  const lb = await elb.send(
    new CreateLoadBalancerCommand({
      Name: loadBalancerName(web.service),
      Type: 'network',
      Subnets: net.subnets,
      Tags: tags,
    }),
  );
  const arn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  for (const [i, l] of web.listeners.entries()) {
    const tg = await elb.send(
      new CreateTargetGroupCommand({
        Name: `k8s-default-web-${String(i).repeat(10)}`,
        Protocol: 'TCP',
        Port: l.nodePort,
        VpcId: net.vpcId,
        TargetType: 'instance',
        HealthCheckProtocol: 'TCP',
        HealthCheckPort: 'traffic-port',
        HealthCheckIntervalSeconds: 30,
        HealthyThresholdCount: 3,
        UnhealthyThresholdCount: 3,
        Tags: tags,
      }),
    );
    const tgArn = tg.TargetGroups?.[0]?.TargetGroupArn ?? '';
    await elb.send(
      new RegisterTargetsCommand({
        TargetGroupArn: tgArn,
        Targets: web.targets.map((t) => ({ Id: instanceIdOf(t), Port: l.nodePort })),
      }),
    );
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: arn,
        Protocol: 'TCP',
        Port: l.port,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
        Tags: tags,
      }),
    );
  }
  return { arn, dns: lb.LoadBalancers?.[0]?.DNSName ?? '' };
}
