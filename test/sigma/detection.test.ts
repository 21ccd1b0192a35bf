import { describe, expect, it } from 'vitest';
import { loadRuleText } from '../../src/sigma/index.js';
import type { CorrelationRule, DetectionRule, Expr } from '../../src/ir/types.js';
import { toSigmaString } from '../../src/sigma/strings.js';

/** A compact, readable rendering of the IR, written for these tests. */
function show(e: Expr): string {
  switch (e.type) {
    case 'and':
    case 'or':
      return `${e.type}(${e.children.map(show).join(', ')})`;
    case 'not':
      return `not(${show(e.child)})`;
    case 'const':
      return String(e.value);
    case 'match':
      return `${e.field}${e.cased ? '=cs' : '='}'${toSigmaString(e.pattern)}'`;
    case 'keyword':
      return `kw'${toSigmaString(e.pattern)}'`;
    case 'regex':
      return `${e.field}~/${e.regex}/${e.flags.i ? 'i' : ''}${e.flags.m ? 'm' : ''}${e.flags.s ? 's' : ''}`;
    case 'keyword_regex':
      return `kw~/${e.regex}/`;
    case 'cidr':
      return `${e.field} in ${e.cidr}`;
    case 'compare':
      return `${e.field} ${e.op} ${e.value}`;
    case 'exists':
      return `${e.exists ? 'exists' : 'missing'}(${e.field})`;
    case 'null':
      return `null(${e.field})`;
    case 'fieldref':
      return `${e.field} ${e.position} field(${e.other})`;
    case 'timepart':
      return `${e.part}(${e.field}) ${e.op} ${e.value}`;
  }
}

function rule(detection: string, extra = ''): { rule?: DetectionRule; codes: string[] } {
  const text = `title: t\nlogsource:\n  product: windows\n  category: test\ndetection:\n${detection
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n')}\n${extra}`;
  const res = loadRuleText(text, 't.yml', {
    profile: 'sigma',
    placeholders: { admins: ['alice', 'bob*'], ports: ['4444'] },
  });
  return { rule: res.rules[0] as DetectionRule | undefined, codes: res.findings.map((f) => f.code) };
}
const expr = (detection: string): string => {
  const r = rule(detection);
  if (!r.rule) throw new Error(`did not load: ${r.codes.join(', ')}`);
  return show(r.rule.expr);
};

describe('modifiers', () => {
  it('contains / startswith / endswith add wildcards', () => {
    expect(expr("s:\n  A|contains: x\n  B|startswith: y\n  C|endswith: z\ncondition: s")).toBe("and(A='*x*', B='y*', C='*z')");
  });
  it('a list is OR, |all is AND', () => {
    expect(expr('s:\n  A: [x, y]\ncondition: s')).toBe("or(A='x', A='y')");
    expect(expr('s:\n  A|contains|all: [x, y]\ncondition: s')).toBe("and(A='*x*', A='*y*')");
  });
  it('cased', () => expect(expr('s:\n  A|cased: Xy\ncondition: s')).toBe("A=cs'Xy'"));
  it('neq negates the value', () => expect(expr('s:\n  A|neq: x\ncondition: s')).toBe("not(A='x')"));
  it('exists', () => expect(expr('s:\n  A|exists: true\n  B|exists: false\ncondition: s')).toBe('and(exists(A), missing(B))'));
  it('re with flags', () => {
    expect(expr("s:\n  A|re: '^a.b$'\n  B|re|i|s: 'x'\ncondition: s")).toBe('and(A~/^a.b$/, B~/x/is)');
  });
  it('cidr', () => expect(expr("s:\n  A|cidr: ['10.0.0.0/8', '::1/128']\ncondition: s")).toBe('or(A in 10.0.0.0/8, A in ::1/128)'));
  it('numeric comparisons', () => {
    expect(expr('s:\n  P|gte: 1024\n  P|lt: 49152\n  Q|gt: 1\n  Q|lte: 5\ncondition: s')).toBe('and(P gte 1024, P lt 49152, Q gt 1, Q lte 5)');
  });
  it('fieldref, with and without a position', () => {
    expect(expr('s:\n  A|fieldref: B\n  C|fieldref|endswith: D\ncondition: s')).toBe('and(A eq field(B), C endswith field(D))');
  });
  it('time parts', () => expect(expr('s:\n  T|hour: 3\n  T|minute|gte: 30\ncondition: s')).toBe('and(hour(T) eq 3, minute(T) gte 30)'));
  it('base64 and base64offset|contains', () => {
    expect(expr("s:\n  A|base64: 'ping'\ncondition: s")).toBe("A='cGluZw=='");
    expect(expr("s:\n  A|base64offset|contains: 'ping'\ncondition: s")).toBe("or(A='*cGluZ*', A='*Bpbm*', A='*waW5n*')");
  });
  it('utf16 variants before base64', () => {
    // 'IEX' as UTF-16LE = 49 00 45 00 58 00 → base64 SQBFAFgA
    expect(expr("s:\n  A|wide|base64: 'IEX'\ncondition: s")).toBe("A='SQBFAFgA'");
    expect(expr("s:\n  A|utf16le|base64: 'IEX'\ncondition: s")).toBe("A='SQBFAFgA'");
    // UTF-16BE 00 49 00 45 00 58 → AEkARQBY ; with BOM FF FE 49 00 45 00 58 00 → //5JAEUAWAA=
    expect(expr("s:\n  A|utf16be|base64: 'IEX'\ncondition: s")).toBe("A='AEkARQBY'");
    expect(expr("s:\n  A|utf16|base64: 'IEX'\ncondition: s")).toBe("A='//5JAEUAWAA='");
  });
  it('windash expands to five dash variants', () => {
    expect(expr("s:\n  C|windash|contains: ' -enc'\ncondition: s")).toBe(
      "or(C='* -enc*', C='* /enc*', C='* \u2013enc*', C='* \u2014enc*', C='* \u2015enc*')",
    );
  });
  it('expand from placeholders, wildcards in values kept, list identity kept', () => {
    const r = rule("s:\n  User|expand: '%admins%'\ncondition: s");
    expect(show(r.rule!.expr)).toBe("or(User='alice', User='bob*')");
    expect(r.rule!.expr).toMatchObject({ type: 'or', list: { name: 'admins', field: 'User' } });
    expect(expr("s:\n  DestinationPort|expand: '%ports%'\ncondition: s")).toBe("or(DestinationPort='4444')") // stays an OR: it carries the list's name;
  });
  it('null, empty string, and typed plain values', () => {
    const r = rule("s:\n  A: null\n  B: ''\n  P: 443\n  I: true\ncondition: s");
    expect(show(r.rule!.expr)).toBe("and(null(A), B='', P='443', I='true')");
    const leaves = (r.rule!.expr as unknown as { children: Expr[] }).children;
    expect(leaves[2]).toMatchObject({ type: 'match', origin: 'number' });
    expect(leaves[3]).toMatchObject({ type: 'match', origin: 'boolean' });
  });
  it('keywords: list is OR, |all is AND', () => {
    expect(expr("keywords:\n  - evil\n  - '*bad*'\ncondition: keywords")).toBe("or(kw'evil', kw'*bad*')");
    expect(expr("keywords:\n  '|all':\n    - a\n    - b\ncondition: keywords")).toBe("and(kw'a', kw'b')");
  });
  it('a list of maps is OR of ANDs', () => {
    expect(expr('s:\n  - A: 1\n    B: 2\n  - C: 3\ncondition: s')).toBe("or(and(A='1', B='2'), C='3')");
  });
});

describe('conditions', () => {
  const three = 'a:\n  A: 1\nb:\n  B: 1\nc:\n  C: 1\n';
  it('or < and < not', () => {
    expect(expr(`${three}condition: a or b and not c`)).toBe("or(A='1', and(B='1', not(C='1')))");
    expect(expr(`${three}condition: not a and b`)).toBe("and(not(A='1'), B='1')");
    expect(expr(`${three}condition: (a or b) and c`)).toBe("and(or(A='1', B='1'), C='1')");
  });
  it('not 1 of filter_*', () => {
    const d = 'selection:\n  A: 1\nfilter_one:\n  B: 1\nfilter_two:\n  C: 1\ncondition: selection and not 1 of filter_*';
    expect(expr(d)).toBe("and(A='1', not(or(B='1', C='1')))");
  });
  it('all of them skips _-prefixed identifiers', () => {
    const d = 'a:\n  A: 1\n_private:\n  P: 1\nb:\n  B: 1\ncondition: all of them';
    expect(expr(d)).toBe("and(A='1', B='1')");
  });
  it('any of / 1 of them', () => {
    expect(expr(`${three}condition: any of them`)).toBe("or(A='1', B='1', C='1')");
    expect(expr(`${three}condition: 1 of them`)).toBe("or(A='1', B='1', C='1')");
  });
  it('a list of conditions is an OR', () => {
    expect(expr(`${three}condition:\n  - a and b\n  - c`)).toBe("or(and(A='1', B='1'), C='1')");
  });
  it('operators are case-insensitive; not not cancels', () => {
    expect(expr(`${three}condition: a AND NOT b`)).toBe("and(A='1', not(B='1'))");
    expect(expr(`${three}condition: not not a`)).toBe("A='1'");
  });
  it('unused selections are warnings', () => {
    expect(rule(`${three}condition: a`).codes).toEqual(['SEL_UNUSED', 'SEL_UNUSED']);
  });
});

describe('correlations', () => {
  const base = `title: base one\nname: base_one\nlogsource:\n  product: windows\n  category: network_connection\ndetection:\n  s:\n    DestinationPort: 53\n  condition: s\n---\ntitle: base two\nname: base_two\nlogsource:\n  product: windows\n  category: network_connection\ndetection:\n  s:\n    DestinationPort: 445\n  condition: s\n---\n`;
  it('event_count with group-by, timespan and a range condition', () => {
    const res = loadRuleText(
      `${base}title: many\ncorrelation:\n  type: event_count\n  rules: [base_one]\n  group-by: [Computer, Image]\n  timespan: 5m\n  condition:\n    gt: 10\n    lte: 100\n`,
      'c.yml',
      { profile: 'sigma' },
    );
    expect(res.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const c = res.rules.find((r) => r.kind === 'correlation') as CorrelationRule;
    expect(c).toMatchObject({ type: 'event_count', rules: ['base_one'], groupBy: ['Computer', 'Image'], timespanMs: 300_000 });
    expect(c.condition).toEqual([
      { op: 'gt', value: 10 },
      { op: 'lte', value: 100 },
    ]);
  });
  it('aliases map one name onto different fields per rule', () => {
    const res = loadRuleText(
      `${base}title: pair\ncorrelation:\n  type: temporal\n  rules: [base_one, base_two]\n  group-by: [host]\n  timespan: 10m\n  aliases:\n    host:\n      base_one: Computer\n      base_two: SourceHostname\n`,
      'c.yml',
      { profile: 'sigma' },
    );
    const c = res.rules.find((r) => r.kind === 'correlation') as CorrelationRule;
    expect(c.aliases).toEqual({ host: { base_one: 'Computer', base_two: 'SourceHostname' } });
    expect(c.rules).toEqual(['base_one', 'base_two']);
  });
  it('value_count needs a field; beacon parameters are read with defaults', () => {
    const bad = loadRuleText(`${base}title: vc\ncorrelation:\n  type: value_count\n  rules: base_one\n  group-by: [Computer]\n  timespan: 1h\n  condition:\n    gte: 3\n`, 'c.yml', { profile: 'sigma' });
    expect(bad.findings.map((f) => f.code)).toContain('CORR_NO_FIELD');
    const b = loadRuleText(`${base}title: beacon\ncorrelation:\n  type: beacon\n  rules: base_one\n  timespan: 6h\n  beacon:\n    bucket: 5m\n    max_cv: 0.3\n`, 'c.yml', { profile: 'sigma' });
    const c = b.rules.find((r) => r.kind === 'correlation') as CorrelationRule;
    expect(c.groupBy).toEqual(['Computer', 'Image', 'DestinationIp', 'DestinationPort']);
    expect(c.beacon).toEqual({ bucketMs: 300_000, minEvents: 6, minBuckets: 6, minCoverage: 0.8, maxCv: 0.3, method: 'buckets' });
  });
  it('filters are folded into the rules they name', () => {
    const res = loadRuleText(
      `${base}title: no dns from svchost\nlogsource:\n  product: windows\n  category: network_connection\nfilter:\n  rules: [base_one]\n  svc:\n    Image|endswith: '\\svchost.exe'\n  condition: not svc\n`,
      'f.yml',
      { profile: 'sigma' },
    );
    const r = res.rules.find((x) => x.name === 'base_one') as DetectionRule;
    expect(show(r.expr)).toBe("and(DestinationPort='53', not(Image='*\\svchost.exe'))");
  });
});
