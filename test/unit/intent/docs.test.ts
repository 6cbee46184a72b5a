import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { ANNOTATIONS } from '../../../src/intent/index.js';

const doc = readFileSync('docs/annotations.md', 'utf8');
const documented = new Set([...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]));

describe('docs/annotations.md', () => {
  for (const { key } of ANNOTATIONS) {
    it(`documents ${key}`, () => {
      expect(documented.has(key)).toBe(true);
    });
  }

  it('documents no annotation lbctl does not read', () => {
    expect([...documented].filter((k) => !ANNOTATIONS.some((a) => a.key === k))).toEqual([]);
  });
});
