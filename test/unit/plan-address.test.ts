import { describe, expect, it } from 'vitest';
import { awsSchemas } from '../../providers/aws/schemas.js';
import { AZURE_SCHEMAS } from '../../providers/azure/schemas.js';
import { schemas as gcpSchemas } from '../../providers/gcp/schemas.js';
import { localSchemas } from '../../providers/local/schemas.js';
import type { Plan } from '../../src/core/plan.js';
import type { Attributes, Resource, SchemaSet } from '../../src/core/resource.js';
import {
  addressChanges,
  describeBlocked,
  plan,
  serviceAllowsReplacement,
} from '../../src/plan/index.js';
import { renderJson } from '../../src/render/json.js';
import { renderText } from '../../src/render/text.js';
import { observedOf, res, service } from './plan-fixtures.js';

const run = (schemas: SchemaSet, desired: Resource[], observed: Resource[]): Plan =>
  plan({ service, provider: { name: 'test', schemas }, desired, observed });
const impact = (p: Plan, address: string) =>
  p.steps.find((s) => s.address === address)?.addressImpact;
const withAttrs = (r: Resource, a: Attributes): Resource => ({
  ...r,
  attributes: { ...r.attributes, ...a },
});

describe('plan: replacements that change the Service address', () => {
  const lb = res('local_lb.this', { name: 'a1', scheme: 'external', requested_ip: null });
  const ts = res('local_target_set.http', { name: 'a1-http', protocol: 'TCP', members: [] });
  const listener = res(
    'local_listener.http',
    {
      load_balancer: 'local_lb.this',
      protocol: 'TCP',
      port: 80,
      target_set: 'local_target_set.http',
    },
    ['local_lb.this', 'local_target_set.http'],
  );
  const observed = [lb, ts, listener].map((r) => observedOf(r));

  it('marks a scheme change of the local LB as changing the address, naming the field', () => {
    const p = run(localSchemas, [withAttrs(lb, { scheme: 'internal' }), ts, listener], observed);
    expect(impact(p, 'local_lb.this')).toEqual({
      changes: true,
      forcedBy: ['local_lb.this.scheme'],
    });
    // The listener is replaced by cascade but holds no address.
    expect(p.steps.find((s) => s.address === 'local_listener.http')?.action).toBe('replace');
    expect(impact(p, 'local_listener.http')).toBeUndefined();
    expect(addressChanges(p).map((s) => s.address)).toEqual(['local_lb.this']);
    expect(describeBlocked(p, 'set X')).toBe(
      'Replacement blocked: replacing local_lb.this (forced by local_lb.this.scheme: "external" -> "internal") ' +
        "would change the Service's address; the running load balancer is left as it is. To allow it, set X",
    );
  });

  it('keeps the address when the requested IP is the same before and after', () => {
    const pinned = withAttrs(lb, { requested_ip: '192.0.2.9' });
    const p = run(
      localSchemas,
      [withAttrs(pinned, { scheme: 'internal' }), ts, listener],
      [observedOf(pinned), ...observed.slice(1)],
    );
    expect(impact(p, 'local_lb.this')).toEqual({
      changes: false,
      forcedBy: ['local_lb.this.scheme'],
      keptBy: 'requested_ip',
    });
    expect(addressChanges(p)).toEqual([]);
  });

  it('a new requested IP changes the address', () => {
    const p = run(
      localSchemas,
      [withAttrs(lb, { requested_ip: '192.0.2.9' }), ts, listener],
      observed,
    );
    expect(impact(p, 'local_lb.this')?.changes).toBe(true);
  });

  it('no marker on updates, creates or deletes', () => {
    expect(run(localSchemas, [lb, ts, listener], []).steps.some((s) => s.addressImpact)).toBe(
      false,
    );
    expect(run(localSchemas, [], observed).steps.some((s) => s.addressImpact)).toBe(false);
  });

  it('renders the marker line and the JSON field', () => {
    const p = run(localSchemas, [withAttrs(lb, { scheme: 'internal' }), ts, listener], observed);
    const text = renderText([p], { color: false });
    expect(text).toContain(
      "  # local_lb.this must be replaced\n  # (scheme changed: forces replacement)\n  # changes the Service's address (forced by local_lb.this.scheme)\n",
    );
    expect(text.match(/Service's address/g)).toHaveLength(1);
    const json = renderJson([p]);
    const rc = json.resource_changes.find((r) => r.address.endsWith('.local_lb.this'));
    expect(rc?.service_address).toEqual({ changes: true, forced_by: ['local_lb.this.scheme'] });
    expect(
      json.resource_changes.find((r) => r.address.endsWith('.local_listener.http'))
        ?.service_address,
    ).toBeUndefined();
  });
});

describe('plan: how each cloud keeps the address', () => {
  it('AWS: subnets changed with Elastic IPs kept; the DNS name caveat is shown', () => {
    const nlb = res('aws_lb.this', {
      name: 'a1',
      scheme: 'internet-facing',
      load_balancer_type: 'network',
      subnets: ['subnet-1'],
      eip_allocations: ['eipalloc-1'],
    });
    const p = run(awsSchemas, [withAttrs(nlb, { subnets: ['subnet-2'] })], [observedOf(nlb)]);
    expect(impact(p, 'aws_lb.this')).toMatchObject({ changes: false, keptBy: 'eip_allocations' });
    expect(renderText([p], { color: false })).toContain(
      "# keeps the Service's address (eip_allocations; the Elastic IPs stay; the NLB's DNS name (the Service's hostname) changes)",
    );
    const noEip = withAttrs(nlb, { eip_allocations: null });
    delete noEip.attributes['eip_allocations'];
    const q = run(awsSchemas, [withAttrs(noEip, { scheme: 'internal' })], [observedOf(noEip)]);
    expect(impact(q, 'aws_lb.this')).toEqual({ changes: true, forcedBy: ['aws_lb.this.scheme'] });
  });

  const address = res('google_compute_address.this', {
    name: 'a1',
    region: 'r',
    address_type: 'EXTERNAL',
  });
  const rule = res(
    'google_compute_forwarding_rule.tcp',
    {
      name: 'a1-tcp',
      region: 'r',
      ip_protocol: 'TCP',
      ports: ['80'],
      ip_address: address.type + '.this',
    },
    [],
  );

  it('GCP: a forwarding rule replaced on the same reserved address keeps the IP', () => {
    const p = run(
      gcpSchemas,
      [address, withAttrs(rule, { ports: ['80', '443'] })],
      [observedOf(address, { address: '203.0.113.5' }), observedOf(rule)],
    );
    expect(impact(p, 'google_compute_forwarding_rule.tcp')).toEqual({
      changes: false,
      forcedBy: ['google_compute_forwarding_rule.tcp.ports'],
      keptBy: 'ip_address',
    });
  });

  it('GCP: replacing the reserved address changes it, and the rule with it', () => {
    const p = run(
      gcpSchemas,
      [withAttrs(address, { address_type: 'INTERNAL' }), rule],
      [observedOf(address, { address: '203.0.113.5' }), observedOf(rule)],
    );
    expect(impact(p, 'google_compute_address.this')?.changes).toBe(true);
    expect(impact(p, 'google_compute_forwarding_rule.tcp')).toEqual({
      changes: true,
      forcedBy: ['google_compute_address.this.address_type'],
    });
  });

  it('Azure: a new load balancer keeps the public IP; the frontend names the LB field', () => {
    const pip = res('azurerm_public_ip.this', { name: 'pip', location: 'l', sku: 'Standard' });
    const azlb = res('azurerm_lb.this', { name: 'k', location: 'l', sku: 'Standard' });
    const fe = res(
      'azurerm_lb_frontend_ip_configuration.this',
      { loadbalancer: 'azurerm_lb.this', public_ip: 'azurerm_public_ip.this' },
      [],
    );
    const observed = [
      observedOf(pip, { ip_address: '198.51.100.7' }),
      observedOf(azlb),
      observedOf(fe),
    ];
    const p = run(AZURE_SCHEMAS, [pip, withAttrs(azlb, { location: 'm' }), fe], observed);
    expect(impact(p, 'azurerm_lb_frontend_ip_configuration.this')).toEqual({
      changes: false,
      forcedBy: ['azurerm_lb.this.location'],
      keptBy: 'public_ip',
    });
    const q = run(AZURE_SCHEMAS, [withAttrs(pip, { sku: 'Basic' }), azlb, fe], observed);
    expect(impact(q, 'azurerm_public_ip.this')?.changes).toBe(true);
    expect(impact(q, 'azurerm_lb_frontend_ip_configuration.this')).toEqual({
      changes: true,
      forcedBy: ['azurerm_public_ip.this.sku'],
    });
  });
});

describe('the allow-replacement annotation', () => {
  const svc = { namespace: 'default', name: 'web' };
  it('is "true" or "false", anything else is refused naming it', () => {
    expect(serviceAllowsReplacement({ service: svc, annotations: undefined })).toBe(false);
    expect(
      serviceAllowsReplacement({
        service: svc,
        annotations: { 'lbctl.io/allow-replacement': 'true' },
      }),
    ).toBe(true);
    expect(
      serviceAllowsReplacement({
        service: svc,
        annotations: { 'lbctl.io/allow-replacement': 'false' },
      }),
    ).toBe(false);
    expect(() =>
      serviceAllowsReplacement({
        service: svc,
        annotations: { 'lbctl.io/allow-replacement': 'yes' },
      }),
    ).toThrow(
      /Service default\/web.*metadata\.annotations\[lbctl\.io\/allow-replacement\].*"yes".*"true" or "false"/s,
    );
  });
});

describe('plan: adoption of resources another controller made (generic side)', () => {
  const madeBy = 'the cloud-controller-manager';
  const lb = res('local_lb.this', {
    name: 'a1',
    scheme: 'external',
    requested_ip: null,
    tags: { 'kubernetes.io/cluster/c': 'owned', 'lbctl.io/resource': 'local_lb.this' },
  });
  const foreignLb = (attrs: Attributes): Resource => ({
    ...observedOf(withAttrs(lb, attrs)),
    foreign: { madeBy },
  });

  it('a foreign resource of the same shape is taken over in place: an update that adds the tags', () => {
    const p = run(
      localSchemas,
      [lb],
      [foreignLb({ tags: { 'kubernetes.io/cluster/c': 'owned' } })],
    );
    const step = p.steps[0];
    expect(step).toMatchObject({ action: 'update', adopts: madeBy });
    expect(step?.reason).toBe(`adopted from ${madeBy}; tags.lbctl.io/resource changed`);
    expect(renderText([p], { color: false })).toContain(
      `  # (adopted from ${madeBy}; tags.lbctl.io/resource changed)\n  # taken over in place (made by ${madeBy})\n`,
    );
    // Once tagged, observe returns it as lbctl's own: the re-plan is a no-op.
    expect(run(localSchemas, [lb], [observedOf(lb)]).steps[0]?.action).toBe('no-op');
  });

  it('a foreign resource of another shape is a migration step, and the address guard still applies', () => {
    const p = run(localSchemas, [lb], [foreignLb({ scheme: 'internal' })]);
    expect(p.steps[0]).toMatchObject({ action: 'replace', adopts: madeBy });
    expect(p.steps[0]?.reason).toMatch(
      /^made by the cloud-controller-manager, cannot be taken over as it is; /,
    );
    expect(addressChanges(p).map((s) => s.address)).toEqual(['local_lb.this']);
    const text = renderText([p], { color: false });
    expect(text).toContain("# changes the Service's address (forced by local_lb.this.scheme)");
    expect(text).toContain(`# migration step (made by ${madeBy})`);
  });
});
