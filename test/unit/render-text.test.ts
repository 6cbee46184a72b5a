import { describe, expect, it } from 'vitest';
import { plan } from '../../src/plan/index.js';
import { renderText, wantsColor } from '../../src/render/text.js';
import { lb, observedStack, provider, service, stack } from './plan-fixtures.js';
import { expectGolden } from './render-golden.js';
import { scenarios } from './render-fixtures.js';

const ESC = '\u001b[';

describe('renderText goldens', () => {
  it.each(Object.keys(scenarios))('%s', (name) => {
    const build = scenarios[name] as () => ReturnType<(typeof scenarios)[string]>;
    expectGolden(`${name}.txt`, renderText(build(), { color: false }));
  });

  it('coloured replace golden', () => {
    expectGolden(
      'replace-cascade.color.txt',
      renderText((scenarios['replace-cascade'] as () => never)(), { color: true }),
    );
  });
});

describe('renderText', () => {
  const created = [plan({ service, provider, desired: stack, observed: [] })];
  const destroyed = [plan({ service, provider, desired: [], observed: observedStack })];

  it('has no escape codes without colour', () => {
    expect(renderText(created, { color: false })).not.toContain('\u001b');
  });

  it('paints + green, - red and headings bold with colour', () => {
    const text = renderText(created, { color: true });
    expect(text).toContain(`${ESC}32m+${ESC}0m resource "lb" "this" {`);
    expect(text).toContain(`${ESC}1m# Service default/web (provider test)${ESC}0m`);
    expect(renderText(destroyed, { color: true })).toContain(`${ESC}31m-${ESC}0m resource`);
  });

  it('shows computed attributes of a new resource as known after apply', () => {
    expect(renderText(created, { color: false })).toContain(
      '      + dns_name = (known after apply)\n',
    );
  });

  it('shows a computed attribute the desired resource sets as its value', () => {
    const desired = [{ ...lb, attributes: { ...lb.attributes, dns_name: 'lb.example' } }];
    const text = renderText([plan({ service, provider, desired, observed: [] })], { color: false });
    expect(text).toContain('      + dns_name = "lb.example"\n');
    expect(text).toContain('      + arn      = (known after apply)\n');
  });

  it('counts like Terraform and says when nothing changes', () => {
    expect(renderText(created, { color: false })).toMatch(
      /\nPlan: 3 to add, 0 to change, 0 to destroy\.\n$/,
    );
    expect(renderText([], { color: false })).toBe(
      'No changes. Your infrastructure matches the configuration.\n',
    );
  });
});

describe('wantsColor', () => {
  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: false }, {}, false],
    [{}, {}, false],
    [{ isTTY: true }, { NO_COLOR: '1' }, false],
    [{ isTTY: true }, { NO_COLOR: '' }, true],
    [{ isTTY: true }, { TERM: 'dumb' }, false],
    [{ isTTY: true }, { TERM: 'xterm-256color' }, true],
  ])('%j with %j → %s', (stream, env, expected) => {
    expect(wantsColor(stream, env)).toBe(expected);
  });
});
