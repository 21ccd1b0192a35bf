/** Test-only builders for IR nodes (the front end is not needed to test the compilers). */
import type { CorrelationRule, DetectionRule, Expr, MatchNode, PatternPart, StringPattern } from '../../src/ir/types.js';

/** Sigma-style wildcard text → pattern (`*`, `?`; `\*` `\?` literal; `\\` before a wildcard). */
export function pat(s: string): StringPattern {
  const parts: PatternPart[] = [];
  let lit = '';
  const flush = () => {
    if (lit) parts.push({ kind: 'lit', text: lit });
    lit = '';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && (s[i + 1] === '*' || s[i + 1] === '?')) {
      lit += s[i + 1];
      i++;
    } else if (c === '\\' && s[i + 1] === '\\' && (s[i + 2] === '*' || s[i + 2] === '?')) {
      lit += '\\';
      i++;
    } else if (c === '*') {
      flush();
      if (parts[parts.length - 1]?.kind !== 'any') parts.push({ kind: 'any' });
    } else if (c === '?') {
      flush();
      parts.push({ kind: 'one' });
    } else lit += c;
  }
  flush();
  return { parts };
}

export function m(field: string, value: string | number | boolean, opts: { cased?: boolean } = {}): MatchNode {
  return {
    type: 'match',
    field,
    pattern: pat(String(value)),
    cased: opts.cased ?? false,
    origin: typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string',
  };
}
export const and = (...children: Expr[]): Expr => ({ type: 'and', children });
export const or = (...children: Expr[]): Expr => ({ type: 'or', children });
export const not = (child: Expr): Expr => ({ type: 'not', child });
export const re = (field: string, regex: string, f: Partial<{ i: boolean; m: boolean; s: boolean }> = {}): Expr => ({
  type: 'regex',
  field,
  regex,
  flags: { i: f.i ?? false, m: f.m ?? false, s: f.s ?? false },
});
export function cidr(field: string, c: string): Expr {
  const [network, prefix] = c.split('/') as [string, string];
  return { type: 'cidr', field, cidr: c, version: c.includes(':') ? 6 : 4, network, prefix: Number(prefix) };
}

const src = { file: 'test.yml', line: 1, column: 1 };
export function rule(expr: Expr, id = '11111111-1111-4111-8111-111111111111'): DetectionRule {
  return {
    kind: 'detection',
    id,
    title: 'test rule',
    tags: [],
    references: [],
    falsepositives: [],
    fields: [],
    source: src,
    raw: {},
    logsource: { product: 'windows', category: 'network_connection' },
    expr,
    selections: { sel: expr },
    conditions: ['sel'],
  };
}

export function corr(c: Partial<CorrelationRule> & Pick<CorrelationRule, 'type' | 'rules'>): CorrelationRule {
  return {
    kind: 'correlation',
    id: '22222222-2222-4222-8222-222222222222',
    title: 'test correlation',
    tags: [],
    references: [],
    falsepositives: [],
    fields: [],
    source: src,
    raw: {},
    groupBy: ['Computer'],
    timespanMs: 300_000,
    condition: [{ op: 'gte', value: 10 }],
    aliases: {},
    generate: false,
    ...c,
  };
}
