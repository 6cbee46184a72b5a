// Deeply nested YAML is refused before the yaml library composes it. Composing recursively ran
// the stack out; the library caught the RangeError and went on, with the stack still nearly full,
// into a regular expression that V8 then (re)compiled — and V8 aborts the whole process when a
// regular expression compiles with no stack left ("FATAL ERROR: RegExpCompiler Allocation
// failed - process out of memory"). That killed the fuzz worker (test/fuzz/input.fuzz.test.ts)
// once in five CI runs.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MAX_YAML_DEPTH, readYaml } from '../../src/k8s/yaml.js';

const flowSeq = (n: number) => `${'['.repeat(n)}x${']'.repeat(n)}`;

describe('YAML nesting limit', () => {
  it(`${MAX_YAML_DEPTH} levels are read`, () => {
    const [doc] = readYaml(`a: ${flowSeq(MAX_YAML_DEPTH - 1)}\n`).documents;
    expect(doc?.error).toBeUndefined();
  });

  it.each([
    ['a flow sequence', `a: ${flowSeq(3000)}\n`, 'line 1, column 104'],
    ['an unclosed flow sequence', `a: ${'['.repeat(3000)}\n`, 'line 1, column 104'],
    ['a flow map', `a: ${'{a: '.repeat(3000)}x${'}'.repeat(3000)}\n`, 'line 1, column 404'],
    ['a block sequence on one line', `${'- '.repeat(3000)}x\n`, 'line 1, column 203'],
  ])('%s 3000 levels deep is refused at the node past the limit', (_what, text, at) => {
    const [doc] = readYaml(text).documents;
    expect(doc?.error).toBe(
      `invalid YAML: nesting deeper than ${MAX_YAML_DEPTH} levels is refused (${at})`,
    );
  });

  it('names the first too-deep node in the text', () => {
    const [doc] = readYaml(`a: ${flowSeq(200)}\nb: ${flowSeq(300)}\n`).documents;
    expect(doc?.error).toMatch(/\(line 1, column 104\)$/);
  });

  it('refuses only the deep document of a stream; the others are read', () => {
    const docs = readYaml(`a: 1\n---\nb: ${flowSeq(500)}\n---\nc: 3\n`).documents;
    expect(docs.map((d) => d.value)).toEqual([{ a: 1 }, undefined, { c: 3 }]);
    expect(docs[1]?.error).toMatch(/nesting deeper than 100 levels is refused \(line 3,/);
  });

  it('deep documents read again and again, with collections in between, never abort the process', () => {
    // Before the limit this aborted (exit code 134) in 6 of 6 runs on Node 20.20.
    // The input fuzz test's deep Service; collections between the documents make it abort.
    const script = `
      const { readYaml } = await import(${JSON.stringify(new URL('../../src/k8s/yaml.ts', import.meta.url).href)});
      const deep = JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { ports: [{ port: 80 }], unknownDeep: JSON.parse('['.repeat(2000) + ']'.repeat(2000)) },
      });
      for (let i = 0; i < 30; i++) {
        globalThis.gc();
        globalThis.gc();
        globalThis.gc();
        if (readYaml(deep).documents[0].error === undefined) throw new Error('not refused');
      }`;
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.stderr).not.toMatch(/FATAL ERROR/);
    expect(r.status).toBe(0);
  }, 60_000);
});
