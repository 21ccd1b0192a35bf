import { describe, expect, it } from 'vitest';
import { compileRules, createEvaluator } from '../../src/engine/index.js';
import type { CanonicalEvent, FieldValue } from '../../src/logs/event.js';
import { detection, ev, match, re } from './build.js';
import { matches } from './helpers.js';

describe('hostile values', () => {
  it('a catastrophic regex against a 100,000-char value is bounded (linear-time engine)', () => {
    const value = 'a'.repeat(100_000) + '!';
    const t = process.hrtime.bigint();
    expect(matches(re('CommandLine', '(a+)+$'), { CommandLine: value })).toBe(false);
    expect(matches(re('CommandLine', '(a|aa)*b'), { CommandLine: value })).toBe(false);
    expect(matches(re('CommandLine', '(a+)+!$'), { CommandLine: value })).toBe(true);
    // Not a timing assertion: printed so a regression is visible in the test log.
    console.log(`catastrophic regexes on 100k chars: ${Number(process.hrtime.bigint() - t) / 1e6} ms`);
  });
  it('1 MB values through every kind of leaf', () => {
    const big = 'x'.repeat(1 << 20);
    const fields = { CommandLine: big + 'needle', DestinationIp: big, Image: big };
    expect(matches(match('CommandLine', 'needle', { mod: 'contains' }), fields)).toBe(true);
    expect(matches(match('CommandLine', '*x?x*needle'), fields)).toBe(true);
    expect(matches(match('CommandLine', '*x*q*'), fields)).toBe(false);
    expect(matches({ type: 'cidr', field: 'DestinationIp', cidr: '10.0.0.0/8', version: 4, network: '10.0.0.0', prefix: 8 }, fields)).toBe(false);
    expect(matches({ type: 'compare', field: 'Image', op: 'gt', value: 1 }, fields)).toBe(false);
    expect(matches({ type: 'keyword', pattern: { parts: [{ kind: 'lit', text: 'needle' }] }, cased: false }, fields)).toBe(true);
    expect(matches(re('CommandLine', 'x{3}needle$'), fields)).toBe(true);
  });
  it('odd types and shapes never throw', () => {
    const rules = [
      detection(match('F', 'a*b?c')),
      detection(re('F', 'a')),
      detection({ type: 'cidr', field: 'F', cidr: '::/0', version: 6, network: '::', prefix: 0 }),
      detection({ type: 'timepart', field: 'F', part: 'hour', op: 'eq', value: 1 }),
      detection({ type: 'fieldref', field: 'F', other: 'G', position: 'contains', cased: false }),
      detection({ type: 'keyword', pattern: { parts: [{ kind: 'lit', text: 'x' }] }, cased: false }),
    ];
    const evaluator = createEvaluator(compileRules(rules));
    const odd: unknown[] = [NaN, Infinity, -0, 1e308, '', '\u0000', '\ud800', { a: 1 }, [1, 2], () => 1, Symbol('s'), 10n, undefined, null, new Date(0)];
    for (const v of odd) {
      const e = ev({ F: v as FieldValue, G: v as FieldValue });
      expect(() => evaluator.push(e)).not.toThrow();
    }
    const weird: CanonicalEvent = { fields: Object.assign(Object.create(null), { EventID: { x: 1 }, Channel: 42 }) as Record<string, FieldValue>, source: { file: 't' } };
    expect(() => evaluator.push(weird)).not.toThrow();
    expect(() => evaluator.finish()).not.toThrow();
  });
});
