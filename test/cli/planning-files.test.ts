import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LbctlError } from '../../src/core/errors.js';
import type { Plan } from '../../src/core/plan.js';
import type { Resource } from '../../src/core/resource.js';
import {
  observedOf,
  parseObserved,
  readObservedFile,
} from '../../src/cli/planning/observed-file.js';
import {
  SAVED_PLAN_FORMAT,
  canonicalJson,
  readSavedPlan,
  stateDrift,
  writeSavedPlan,
  type SavedPlan,
} from '../../src/cli/planning/saved-plan.js';
import { parseProviderName, settingsFrom } from '../../src/cli/providers.js';

const lb: Resource = {
  type: 'aws_lb',
  name: 'this',
  id: 'arn:lb',
  attributes: { scheme: 'internal' },
  dependsOn: [],
};

const snapshot = (services: unknown) => ({ format_version: '1', services });

describe('--observed snapshot', () => {
  it('a snapshot that does not exist: the path and no such file or directory', async () => {
    await expect(readObservedFile('/nonexistent/obs.json')).rejects.toThrow(
      /^\/nonexistent\/obs\.json: cannot read the observed snapshot: no such file or directory$/,
    );
  });

  it('reads resources by Service, defaulting the namespace and dependsOn', () => {
    const parsed = parseObserved(
      snapshot([
        {
          name: 'web',
          uid: 'u1',
          resources: [
            { type: 'aws_lb', name: 'this', id: 'arn:lb', attributes: { scheme: 'internal' } },
          ],
        },
      ]),
      'obs.json',
    );
    expect(observedOf(parsed, { namespace: 'default', name: 'web' })).toEqual([lb]);
    expect(observedOf(parsed, { namespace: 'default', name: 'other' })).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['wrong version', { format_version: '2', services: [] }, 'obs.json: format_version: '],
    [
      'a missing resource type',
      snapshot([{ name: 'web', resources: [{ name: 'x', attributes: {} }] }]),
      'obs.json: services[0].resources[0].type: ',
    ],
    [
      'an unknown key',
      snapshot([{ name: 'web', resources: [], extra: 1 }]),
      'obs.json: services[0]: ',
    ],
    [
      'a duplicate Service',
      snapshot([
        { name: 'web', resources: [] },
        { namespace: 'default', name: 'web', resources: [] },
      ]),
      'obs.json: services[1]: Service default/web appears twice',
    ],
    [
      'a duplicate address',
      snapshot([{ name: 'web', resources: [lb, { ...lb, id: 'arn:2' }] }]),
      'obs.json: services[0].resources[1]: aws_lb.this appears twice',
    ],
  ])('rejects %s naming the file and the path', (_what, json, message) => {
    expect(() => parseObserved(json, 'obs.json')).toThrow(LbctlError);
    expect(() => parseObserved(json, 'obs.json')).toThrow(message);
  });

  it('names the file when it is not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbctl-obs-'));
    const file = join(dir, 'bad.json');
    await writeFile(file, '{ nope');
    await expect(readObservedFile(file)).rejects.toThrow(`${file}: not valid JSON`);
  });
});

describe('saved plans', () => {
  const plan: Plan = {
    service: { namespace: 'default', name: 'web', uid: 'u1' },
    provider: 'aws',
    steps: [
      {
        address: 'aws_lb.this',
        action: 'delete',
        reason: 'gone',
        before: lb,
        changes: [],
        setDeltas: [],
        replacePaths: [],
      },
    ],
    order: [{ address: 'aws_lb.this', action: 'delete' }],
  };
  const saved: SavedPlan = {
    format: SAVED_PLAN_FORMAT,
    provider: 'aws',
    clusterName: 'demo',
    settings: { region: 'us-east-1' },
    services: [{ plan, observed: [lb] }],
  };

  it('round-trips through a file with a digest', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'lbctl-plan-')), 'plan.json');
    await writeSavedPlan(file, saved);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(await readSavedPlan(file)).toEqual(saved);
  });

  it('refuses a file whose content was edited', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'lbctl-plan-')), 'plan.json');
    await writeSavedPlan(file, saved);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"region": "us-east-1"', '"region": "eu-west-1"'));
    await expect(readSavedPlan(file)).rejects.toThrow(/digest does not match/);
  });

  it('refuses a file that is not a saved plan', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'lbctl-plan-')), 'plan.json');
    await writeFile(file, '{"format_version":"1","services":[]}');
    await expect(readSavedPlan(file)).rejects.toThrow(/not a saved lbctl plan/);
  });

  it('reports drift by address: changed, gone and appeared', () => {
    const tg: Resource = {
      type: 'aws_lb_target_group',
      name: 'tcp-80',
      id: 'arn:tg',
      attributes: {},
      dependsOn: [],
    };
    const listener: Resource = {
      type: 'aws_lb_listener',
      name: 'tcp-80',
      id: 'arn:l',
      attributes: {},
      dependsOn: [],
    };
    expect(stateDrift([lb, tg], [tg, lb])).toEqual([]);
    expect(
      stateDrift([lb, tg], [{ ...lb, attributes: { scheme: 'internet-facing' } }, listener]),
    ).toEqual([
      'aws_lb.this changed',
      'aws_lb_listener.tcp-80 appeared',
      'aws_lb_target_group.tcp-80 is gone',
    ]);
  });

  it('compares JSON independently of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 1, x: 2 }], c: 2 } })).toBe(
      '{"a":{"c":2,"d":[1,{"x":2,"y":1}]},"b":1}',
    );
  });
});

describe('provider options', () => {
  it('accepts the known providers and names the allowed values otherwise', () => {
    expect(parseProviderName('gcp')).toBe('gcp');
    expect(() => parseProviderName('openstack')).toThrow(
      'lbctl: --provider: Unsupported value: "openstack": supported values: "aws", "gcp", "azure", "local"',
    );
  });

  it('turns --set pairs into settings; the later value wins and = may appear in values', () => {
    const s = settingsFrom({
      clusterName: 'c',
      set: ['region=us-east-1', 'endpoint=http://x/?a=b', 'region=eu-west-1'],
      env: {},
    });
    expect(s.values).toEqual({ region: 'eu-west-1', endpoint: 'http://x/?a=b' });
  });

  it('rejects a --set without key=value', () => {
    expect(() => settingsFrom({ clusterName: 'c', set: ['region'], env: {} })).toThrow(
      /^lbctl: --set: Invalid value: "region": expected key=value$/,
    );
  });
});
