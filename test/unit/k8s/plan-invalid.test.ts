// Every error at once, and --skip-invalid, through the real plan command (files, offline, aws).
import { describe, expect, it } from 'vitest';
import { runPlan } from '../../../src/cli/commands/plan.js';
import type { CommandDeps } from '../../../src/cli/planning/io.js';
import { loadProvider } from '../../../src/cli/providers.js';

function deps() {
  const out: string[] = [];
  const err: string[] = [];
  const d: CommandDeps = {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    interactive: false,
    colorCapable: false,
    ask: () => Promise.reject(new Error('no questions in these tests')),
    env: {},
    loadProvider,
    now: () => 0,
    trapInterrupts: () => ({ signal: new AbortController().signal, release: () => undefined }),
  };
  return { d, stdout: () => out.join(''), stderr: () => err.join('') };
}

const files = ['examples/services', 'examples/invalid/many-errors.yaml', 'examples/nodes/aws.yaml'];
const flags = (extra: Record<string, unknown> = {}) => ({
  filename: files,
  provider: 'aws',
  clusterName: 'demo',
  set: [],
  color: false,
  offline: true,
  ...extra,
});

describe('a plan with invalid objects', () => {
  it('lists every problem of every object and prints no plan', async () => {
    const h = deps();
    const error = (await runPlan(flags(), h.d).catch((e: unknown) => e)) as Error;
    expect(error.message.split('\n')).toHaveLength(5);
    expect(h.stdout()).toBe('');
  });

  it('with --skip-invalid plans the valid Services and reports the rest', async () => {
    const h = deps();
    expect(await runPlan(flags({ skipInvalid: true }), h.d)).toBe(0);
    expect(h.stdout()).toMatch(/Plan: \d+ to add/);
    expect(h.stdout()).not.toContain('Bad_Name');
    expect(h.stderr().match(/^skipped: examples\/invalid\/many-errors\.yaml/gm)).toHaveLength(5);
  });
});
