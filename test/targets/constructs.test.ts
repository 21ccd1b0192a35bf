/**
 * Every construct on every target, and each known bug class of Sigma backends: backslash before
 * a wildcard, trailing backslash, quotes inside values, IPv6 CIDR in KQL, ORed CIDRs and ORed
 * regexes in SPL, `cased` on Elastic keyword fields, regexes that need `.*` for full-match
 * languages. Queries are also run through the validators (a compiled query must validate).
 */
import { describe, expect, it } from 'vitest';
import type { Expr, PatternPart } from '../../src/ir/types.js';
import { compileRule, TARGET_IDS, type TargetId } from '../../src/targets/index.js';
import { and, cidr, corr, m, not, or, re, rule } from './ir.js';

function q(expr: Expr, target: TargetId): string {
  const r = compileRule(rule(expr), target, { rulesByKey: new Map(), validate: true });
  if (!r.ok) throw new Error(r.error.message);
  return r.value.query;
}
function err(expr: Expr, target: TargetId): string {
  const r = compileRule(rule(expr), target, { rulesByKey: new Map(), validate: true });
  if (r.ok) throw new Error(`expected an error, got ${r.value.query}`);
  return r.error.code;
}
const parts = (...p: PatternPart[]): Expr => ({ type: 'match', field: 'Image', pattern: { parts: p }, cased: false, origin: 'string' });
const lit = (text: string): PatternPart => ({ kind: 'lit', text });
const ANY: PatternPart = { kind: 'any' };
const ONE: PatternPart = { kind: 'one' };

describe("'*\\AppData\\*' (contains with backslashes) on every target", () => {
  const e = parts(ANY, lit('\\AppData\\'), ANY);
  it('kql: verbatim string, contains', () => expect(q(e, 'sentinel')).toContain('tostring(Image) contains @"\\AppData\\"'));
  it('spl: backslashes doubled inside the quoted search value', () => expect(q(e, 'splunk')).toContain('Image="*\\\\AppData\\\\*"'));
  it('eql: stringContains~ (no wildcard layer), JSON-escaped', () => expect(q(e, 'elastic-eql')).toContain('stringContains~(process.executable, "\\\\AppData\\\\")'));
  it('esql: LOCATE on lowered value', () => expect(q(e, 'elastic-esql')).toContain('LOCATE(TO_LOWER(process.executable), "\\\\appdata\\\\") > 0'));
  it('dsl: wildcard escapes each backslash for the wildcard layer', () => {
    const w = JSON.parse(q(e, 'elastic-dsl')).bool.filter[2].wildcard['process.executable'];
    expect(w).toEqual({ value: '*\\\\AppData\\\\*', case_insensitive: true });
  });
});

describe('a literal * next to a backslash is not a wildcard', () => {
  const e = parts(ANY, lit('\\AppData*')); // Sigma '*\AppData\*': endswith "\AppData*"
  it('kql endswith keeps * literal', () => expect(q(e, 'sentinel')).toContain('endswith @"\\AppData*"'));
  it('spl cannot escape * in search: goes to where/match with \\*', () => expect(q(e, 'splunk')).toContain('match(Image, "(?is)^.*\\\\\\\\AppData\\\\*$")'));
  it('dsl wildcard escapes the literal *', () => expect(q(e, 'elastic-dsl')).toContain('"*\\\\\\\\AppData\\\\*"'));
  it('esql ENDS_WITH has no wildcards', () => expect(q(e, 'elastic-esql')).toContain('ENDS_WITH(TO_LOWER(process.executable), "\\\\appdata*")'));
});

describe('trailing backslash', () => {
  const e = m('Image', 'C:\\Windows\\');
  it('kql verbatim string ends with a backslash safely', () => expect(q(e, 'sentinel')).toContain('=~ @"C:\\Windows\\"'));
  it('spl doubles it so the closing quote stays a quote', () => expect(q(e, 'splunk')).toContain('Image="C:\\\\Windows\\\\"'));
  it('eql/esql escape it', () => {
    expect(q(e, 'elastic-eql')).toContain('process.executable : "C:\\\\Windows\\\\"');
    expect(q(e, 'elastic-esql')).toContain('TO_LOWER(process.executable) == "c:\\\\windows\\\\"');
  });
});

describe('quotes inside values', () => {
  const e = m('User', 'a"b\'c');
  it('kql doubles " inside @""', () => expect(q(e, 'sentinel')).toContain('@"a""b\'c"'));
  it('spl escapes "', () => expect(q(e, 'splunk')).toContain('User="a\\"b\'c"'));
  it('eql/esql escape "', () => {
    expect(q(e, 'elastic-eql')).toContain('"a\\"b\'c"');
    expect(q(e, 'elastic-esql')).toContain('"a\\"b\'c"');
  });
  it('kql with a newline falls back to an escaped literal', () => expect(q(m('User', 'a\nb'), 'sentinel')).toContain('"a\\nb"'));
});

describe('case sensitivity', () => {
  const ci = m('Image', 'C:\\X.exe');
  const cs = m('Image', 'C:\\X.exe', { cased: true });
  it('kql =~ vs ==, contains vs contains_cs', () => {
    expect(q(ci, 'sentinel')).toContain('=~');
    expect(q(cs, 'sentinel')).toContain('tostring(Image) == @"C:\\X.exe"');
    expect(q(parts(ANY, lit('x'), ANY), 'sentinel')).toContain(' contains @"x"');
    expect(q({ ...(parts(ANY, lit('x'), ANY) as object), cased: true } as Expr, 'sentinel')).toContain(' contains_cs @"x"');
  });
  it('spl: cased goes to where ==', () => expect(q(cs, 'splunk')).toContain('| where Image=="C:\\\\X.exe"'));
  it('cased on Elastic keyword fields: no case_insensitive, == not :', () => {
    const d = JSON.parse(q(cs, 'elastic-dsl')).bool.filter[2];
    expect(d).toEqual({ term: { 'process.executable': { value: 'C:\\X.exe' } } });
    expect(JSON.parse(q(ci, 'elastic-dsl')).bool.filter[2].term['process.executable'].case_insensitive).toBe(true);
    expect(q(cs, 'elastic-eql')).toContain('process.executable == "C:\\\\X.exe"');
    expect(q(ci, 'elastic-eql')).toContain('process.executable : "C:\\\\X.exe"');
    expect(q(cs, 'elastic-esql')).toContain('process.executable == "C:\\\\X.exe"');
    expect(q(ci, 'elastic-esql')).toContain('TO_LOWER(process.executable) == "c:\\\\x.exe"');
  });
});

describe('wildcards ? and inner *', () => {
  const e = parts(lit('C:\\'), ONE, lit('\\'), ANY, lit('.exe'));
  it('kql: anchored regex with (?is)', () => expect(q(e, 'sentinel')).toContain('matches regex @"(?is)^C:\\\\.\\\\.*\\.exe$"'));
  it('spl: match()', () => expect(q(e, 'splunk')).toContain('match(Image, "(?is)^C:\\\\\\\\.\\\\\\\\.*\\\\.exe$")'));
  it('eql: regex~ (Lucene, full match already)', () => expect(q(e, 'elastic-eql')).toContain('process.executable regex~ "C\\\\:\\\\\\\\.\\\\\\\\.*\\\\.exe"'));
  it('esql: LIKE with escaped backslashes', () => expect(q(e, 'elastic-esql')).toContain('TO_LOWER(process.executable) LIKE "c:\\\\\\\\?\\\\\\\\*.exe"'));
  it('dsl: wildcard', () => expect(q(e, 'elastic-dsl')).toContain('"C:\\\\\\\\?\\\\\\\\*.exe"'));
});

describe('regex: search semantics, .* wrapping, portable subset', () => {
  const e = re('DestinationHostname', 'evil\\d+', {});
  it('kql/spl keep search semantics (matches regex / match())', () => {
    expect(q(e, 'sentinel')).toContain('matches regex @"evil\\d+"');
    expect(q(e, 'splunk')).toContain('match(DestinationHostname, "evil\\\\d+")');
  });
  it('full-match Lucene targets wrap in .* and translate \\d', () => {
    expect(q(e, 'elastic-eql')).toContain('destination.domain regex ".*evil[0-9]+.*"');
    expect(q(e, 'elastic-esql')).toContain('destination.domain RLIKE ".*evil[0-9]+.*"');
    expect(q(e, 'elastic-dsl')).toContain('".*evil[0-9]+.*"');
  });
  it('anchors drop the wrapping on their side', () => expect(q(re('DestinationHostname', '^a\\.b$'), 'elastic-esql')).toContain('RLIKE "a\\\\.b"'));
  it('|re|i folds case for ES|QL (RLIKE has no flag)', () => expect(q(re('DestinationHostname', 'ab', { i: true }), 'elastic-esql')).toContain('RLIKE ".*[aA][bB].*"'));
  it('lookahead is refused everywhere with UnsupportedRegex', () => {
    for (const t of TARGET_IDS) if (t !== 'splunk-cim' && t !== 'sentinel-asim') expect(err(re('DestinationHostname', 'a(?=b)'), t)).toBe('UnsupportedRegex');
  });
  it('two ORed regexes stay ORed in SPL (one where clause)', () => {
    const s = q(or(re('DestinationHostname', 'a+'), re('DestinationHostname', 'b+')), 'splunk');
    expect(s).toMatch(/\| where match\(DestinationHostname, "a\+"\) OR match\(DestinationHostname, "b\+"\)$/);
    expect(s.match(/\|/g)).toHaveLength(1);
  });
});

describe('CIDR', () => {
  it('::1/128 in KQL uses ipv6_is_in_range, IPv4 uses ipv4_is_in_range', () => {
    expect(q(cidr('DestinationIp', '::1/128'), 'sentinel')).toContain('ipv6_is_in_range(tostring(DestinationIp), @"::1/128")');
    expect(q(cidr('DestinationIp', '10.0.0.0/8'), 'sentinel')).toContain('ipv4_is_in_range(tostring(DestinationIp), @"10.0.0.0/8")');
  });
  it('ORed CIDRs of one family merge into *_in_any_range in KQL', () =>
    expect(q(or(cidr('DestinationIp', '10.0.0.0/8'), cidr('DestinationIp', '192.168.0.0/16')), 'sentinel')).toContain('ipv4_is_in_any_range(tostring(DestinationIp), @"10.0.0.0/8", @"192.168.0.0/16")'));
  it('two ORed CIDRs in SPL stay ORed inside one where', () => {
    const s = q(or(cidr('DestinationIp', '10.0.0.0/8'), cidr('DestinationIp', 'fe80::/10')), 'splunk');
    expect(s).toContain('| where cidrmatch("10.0.0.0/8", DestinationIp) OR cidrmatch("fe80::/10", DestinationIp)');
  });
  it('elastic: cidrMatch / CIDR_MATCH / term on ip', () => {
    expect(q(cidr('DestinationIp', 'fe80::/10'), 'elastic-eql')).toContain('cidrMatch(destination.ip, "fe80::/10")');
    expect(q(cidr('DestinationIp', 'fe80::/10'), 'elastic-esql')).toContain('CIDR_MATCH(destination.ip, "fe80::/10")');
    expect(JSON.parse(q(cidr('DestinationIp', 'fe80::/10'), 'elastic-dsl')).bool.filter[2]).toEqual({ term: { 'destination.ip': { value: 'fe80::/10' } } });
  });
  it('NOT cidr stays true for events without the field / other family (KQL coalesce)', () =>
    expect(q(not(cidr('DestinationIp', '10.0.0.0/8')), 'sentinel')).toContain('not(coalesce(ipv4_is_in_range(tostring(DestinationIp), @"10.0.0.0/8"), false))'));
});

describe('numbers, typed literals, comparisons', () => {
  it('sentinel (dynamic columns) compares as text for equality and casts for ranges', () => {
    expect(q(m('DestinationPort', 443), 'sentinel')).toContain('tostring(DestinationPort) =~ @"443"');
    expect(q({ type: 'compare', field: 'DestinationPort', op: 'gte', value: 1024 }, 'sentinel')).toContain('todouble(DestinationPort) >= 1024');
  });
  it('typed int fields get number literals', () => {
    expect(q(m('DestinationPort', 443), 'sentinel-asim')).toContain('DstPortNumber == 443');
    expect(q(m('DestinationPort', '443'), 'elastic-esql')).toContain('destination.port == 443');
    expect(q(m('DestinationPort', 443), 'elastic-eql')).toContain('destination.port == 443');
    expect(JSON.parse(q(m('DestinationPort', 443), 'elastic-dsl')).bool.filter[2]).toEqual({ term: { 'destination.port': { value: 443 } } });
    expect(q(m('DestinationPort', 443), 'splunk')).toContain('DestinationPort=443');
  });
  it('ranges', () => {
    const c: Expr = { type: 'compare', field: 'DestinationPort', op: 'gt', value: 49151 };
    expect(q(c, 'splunk')).toContain('DestinationPort>49151');
    expect(q(c, 'elastic-esql')).toContain('destination.port > 49151');
    expect(JSON.parse(q(c, 'elastic-dsl')).bool.filter[2]).toEqual({ range: { 'destination.port': { gt: 49151 } } });
  });
  it('a pattern on a numeric ECS field is a named TypeMismatch in DSL', () => expect(err(parts(lit('44'), ANY) && { type: 'match', field: 'DestinationPort', pattern: { parts: [lit('44'), ANY] }, cased: false, origin: 'string' }, 'elastic-dsl')).toBe('TypeMismatch'));
});

describe('exists, null, empty', () => {
  const ex: Expr = { type: 'exists', field: 'DestinationHostname', exists: true };
  const nx: Expr = { type: 'exists', field: 'DestinationHostname', exists: false };
  const nul: Expr = { type: 'null', field: 'DestinationHostname' };
  const empty: Expr = { type: 'match', field: 'DestinationHostname', pattern: { parts: [] }, cased: false, origin: 'string' };
  it.each([
    ['sentinel', 'isnotnull(DestinationHostname)', 'isnull(DestinationHostname)', '(isnotnull(DestinationHostname) and tostring(DestinationHostname) == "")'],
    ['splunk', 'isnotnull(DestinationHostname)', 'isnull(DestinationHostname)', 'DestinationHostname==""'],
    ['elastic-eql', 'destination.domain != null', 'destination.domain == null', 'destination.domain == ""'],
    ['elastic-esql', 'destination.domain IS NOT NULL', 'destination.domain IS NULL', 'destination.domain == ""'],
  ] as const)('%s', (t, yes, isnull, emp) => {
    expect(q(ex, t)).toContain(yes);
    expect(q(nul, t)).toContain(isnull);
    expect(q(empty, t)).toContain(emp);
    expect(q(nx, t)).toContain(isnull.replace('DestinationHostname', 'DestinationHostname'));
  });
  it('dsl', () => {
    expect(JSON.parse(q(ex, 'elastic-dsl')).bool.filter[2]).toEqual({ exists: { field: 'destination.domain' } });
    expect(JSON.parse(q(nul, 'elastic-dsl')).bool.filter[2]).toEqual({ bool: { must_not: [{ exists: { field: 'destination.domain' } }] } });
  });
});

describe('fieldref', () => {
  const e: Expr = { type: 'fieldref', field: 'SourceHostname', other: 'DestinationHostname', position: 'eq', cased: false };
  it('kql/spl/esql compare lowered fields', () => {
    expect(q(e, 'sentinel')).toContain('tolower(tostring(SourceHostname)) == tolower(tostring(DestinationHostname))');
    expect(q(e, 'splunk')).toContain('lower(SourceHostname)==lower(DestinationHostname)');
    expect(q(e, 'elastic-esql')).toContain('TO_LOWER(source.domain) == TO_LOWER(destination.domain)');
  });
  it('eql (ci) and dsl refuse with UnsupportedFeature', () => {
    expect(err(e, 'elastic-eql')).toBe('UnsupportedFeature');
    expect(err(e, 'elastic-dsl')).toBe('UnsupportedFeature');
  });
});

describe('keywords search every mapped field (OR), skipping fields that cannot hold the term', () => {
  const k: Expr = { type: 'keyword', pattern: { parts: [lit('evil')] }, cased: false };
  it('kql', () => {
    const s = q(k, 'sentinel');
    expect(s).toContain('tostring(Image) contains @"evil"');
    expect(s).toContain('tostring(DestinationHostname) contains @"evil"');
    expect(q(k, 'sentinel-asim')).not.toContain('DstPortNumber');
  });
  it('spl', () => expect(q(k, 'splunk')).toContain('Image="*evil*" OR '));
  it('eql / esql / dsl skip ip and int fields for a non-hex term', () => {
    expect(q(k, 'elastic-eql')).not.toContain('destination.ip');
    expect(q(k, 'elastic-esql')).toContain('LOCATE(TO_LOWER(process.executable), "evil") > 0');
    expect(q(k, 'elastic-dsl')).toContain('"*evil*"');
  });
  it('keyword |re stays a named error', () => expect(err({ type: 'keyword_regex', regex: 'a+', flags: { i: false, m: false, s: false } }, 'sentinel')).toBe('UnsupportedFeature'));
});

describe('expansions arrive as ORs (base64offset, windash) and render as ORs', () => {
  const e = or(parts(ANY, lit('-enc'), ANY), parts(ANY, lit('/enc'), ANY), parts(ANY, lit('\u2013enc'), ANY));
  it.each(['sentinel', 'splunk', 'elastic-eql', 'elastic-esql'] as const)('%s', (t) => {
    const s = q(e, t);
    expect(s).toContain('enc');
    expect(s).toContain('\u2013enc');
  });
});

describe('Initiated maps to each schema', () => {
  it('ECS network.direction egress/ingress', () => {
    expect(q(m('Initiated', 'true'), 'elastic-eql')).toContain('network.direction : "egress"');
    expect(q(m('Initiated', false), 'elastic-esql')).toContain('TO_LOWER(network.direction) == "ingress"');
  });
  it('CIM direction outbound', () => expect(q(m('Initiated', 'true'), 'splunk-cim')).toContain('All_Traffic.direction="outbound"'));
  it('ASIM refuses it (UnmappedField)', () => expect(err(m('Initiated', 'true'), 'sentinel-asim')).toBe('UnmappedField'));
  it('a value outside the map is UnmappedValue', () => expect(err(m('Initiated', 'maybe'), 'elastic-eql')).toBe('UnmappedValue'));
  it('ASIM maps Image to Src and Dst process names with OR', () =>
    expect(q(parts(ANY, lit('\\cmd.exe')), 'sentinel-asim')).toContain('((SrcProcessName endswith @"\\cmd.exe") or (DstProcessName endswith @"\\cmd.exe"))'));
});

describe('ip fields in Elastic: text prefixes become the exact CIDR list, other patterns are refused', () => {
  const e: Expr = { type: 'match', field: 'DestinationIp', pattern: { parts: [lit('10.'), ANY] }, cased: false, origin: 'string' };
  it('10.* → 10.0.0.0/8', () => expect(q(e, 'elastic-esql')).toContain('CIDR_MATCH(destination.ip, "10.0.0.0/8")'));
  it('10.1* → 10.1.0.0/16 plus 10.10-19 and 10.100-199', () =>
    expect(q({ type: 'match', field: 'DestinationIp', pattern: { parts: [lit('10.1'), ANY] }, cased: false, origin: 'string' }, 'elastic-eql')).toContain(
      'cidrMatch(destination.ip, "10.1.0.0/16", "10.10.0.0/15", "10.12.0.0/14", "10.16.0.0/14", "10.100.0.0/14", "10.104.0.0/13", "10.112.0.0/12", "10.128.0.0/10", "10.192.0.0/13")',
    ));
  it('*.1 is refused (no short CIDR list)', () =>
    expect(err({ type: 'match', field: 'DestinationIp', pattern: { parts: [ANY, lit('.1')] }, cased: false, origin: 'string' }, 'elastic-dsl')).toBe('TypeMismatch'));
});

describe('NOT over fields that may be missing', () => {
  it('esql coalesces at the NOT', () => expect(q(not(m('DestinationHostname', 'x')), 'elastic-esql')).toContain('NOT COALESCE(TO_LOWER(destination.domain) == "x", false)'));
  it('eql guards with != null', () => expect(q(not(m('DestinationHostname', 'x')), 'elastic-eql')).toContain('not ((destination.domain != null and destination.domain : "x"))'));
  it('spl search NOT is already true for a missing field', () => expect(q(not(m('DestinationHostname', 'x')), 'splunk')).toContain('NOT (DestinationHostname="x")'));
});

describe('correlations', () => {
  const base = rule(m('DestinationPort', 53));
  const ctx = { rulesByKey: new Map([[base.id!, base]]), validate: true };
  const ec = corr({ type: 'event_count', rules: [base.id!], groupBy: ['Computer', 'Image'], timespanMs: 300_000, condition: [{ op: 'gte', value: 50 }] });
  const comp = (c: ReturnType<typeof corr>, t: TargetId) => compileRule(c, t, ctx);
  it('kql: epoch-aligned bin_at + summarize', () => {
    const r = comp(ec, 'sentinel');
    expect(r.ok && r.value.query).toContain('bin_at(TimeGenerated, 5m, datetime(1970-01-01))');
    expect(r.ok && r.value.query).toContain('| summarize _count = count() by _window, Computer, Image');
    expect(r.ok && r.value.query).toContain('| where _count >= 50');
  });
  it('spl: epoch-aligned floor(_time/300)*300 + stats', () => {
    const r = comp(ec, 'splunk');
    expect(r.ok && r.value.query).toContain('_window=floor(_time/300)*300');
    expect(r.ok && r.value.query).toContain('| stats count AS _count BY _window Computer Image');
  });
  it('esql: STATS … BY BUCKET(@timestamp, 5 minutes)', () => {
    const r = comp(ec, 'elastic-esql');
    expect(r.ok && r.value.query).toContain('| STATS _count = COUNT(*) BY _window = BUCKET(@timestamp, 5 minutes), Computer, Image');
  });
  it('eql and dsl refuse event_count', () => {
    const a = comp(ec, 'elastic-eql');
    const b = comp(ec, 'elastic-dsl');
    expect(!a.ok && a.error.code).toBe('UnsupportedFeature');
    expect(!b.ok && b.error.code).toBe('UnsupportedFeature');
  });
  it('value_count is an exact two-step distinct count in KQL and ES|QL', () => {
    const vc = corr({ type: 'value_count', rules: [base.id!], valueField: 'DestinationIp', condition: [{ op: 'gt', value: 20 }] });
    const k = comp(vc, 'sentinel');
    expect(k.ok && k.value.query).toContain('| summarize by _window, Computer, _value = tostring(DestinationIp)');
    const e = comp(vc, 'elastic-esql');
    expect(e.ok && e.value.query).toContain('| STATS _count = COUNT(*) BY _window, Computer');
  });
  it('beacon uses stdevp / STD_DEV and refuses intervals on ES|QL', () => {
    const b = corr({ type: 'beacon', rules: [base.id!], condition: [], beacon: { bucketMs: 60_000, minEvents: 10, minBuckets: 10, minCoverage: 0.8, maxCv: 0.3, method: 'buckets' } });
    const k = comp(b, 'sentinel');
    expect(k.ok && k.value.query).toContain('stdevp(_c)');
    const s = comp(b, 'splunk');
    expect(s.ok && s.value.query).toContain('stdevp(_c)');
    const e = comp(b, 'elastic-esql');
    expect(e.ok && e.value.query).toContain('STD_DEV(_c)');
    const iv = corr({ type: 'beacon', rules: [base.id!], condition: [], beacon: { bucketMs: 60_000, minEvents: 10, minBuckets: 10, minCoverage: 0.8, maxCv: 0.3, method: 'intervals', maxIntervalCv: 0.2 } });
    const ei = comp(iv, 'elastic-esql');
    expect(!ei.ok && ei.error.code).toBe('UnsupportedFeature');
    const ki = comp(iv, 'sentinel');
    expect(ki.ok && ki.value.query).toContain('prev(TimeGenerated)');
    const si = comp(iv, 'splunk');
    expect(si.ok && si.value.query).toContain('streamstats current=f last(_time) AS _prev');
  });
  it('temporal_ordered is an EQL sequence with maxspan', () => {
    const other = rule(m('DestinationPort', 445), '33333333-3333-4333-8333-333333333333');
    const c2 = { rulesByKey: new Map([[base.id!, base], [other.id!, other]]), validate: true };
    const t = corr({ type: 'temporal_ordered', rules: [base.id!, other.id!], condition: [] });
    const r = compileRule(t, 'elastic-eql', c2);
    expect(r.ok && r.value.query).toMatch(/^sequence with maxspan=5m\n {2}\[network where .*\] by host\.name\n {2}\[network where .*\] by host\.name$/);
  });
  it('value_percentile is refused (targets estimate percentiles)', () => {
    const p = corr({ type: 'value_percentile', rules: [base.id!], valueField: 'DestinationPort', percentile: 95 });
    for (const t of ['sentinel', 'splunk', 'elastic-esql'] as const) {
      const r = comp(p, t);
      expect(!r.ok && r.error.code).toBe('UnsupportedFeature');
    }
  });
  it('an unknown base rule is UnknownRule', () => {
    const r = compileRule(corr({ type: 'event_count', rules: ['nope'] }), 'sentinel', ctx);
    expect(!r.ok && r.error.code).toBe('UnknownRule');
  });
});

describe('errors are named and carry the rule, construct and target', () => {
  it('UnmappedField on splunk-cim', () => {
    const r = compileRule(rule(m('DestinationHostname', 'x')), 'splunk-cim', { rulesByKey: new Map() });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ code: 'UnmappedField', target: 'splunk-cim', ruleKey: '11111111-1111-4111-8111-111111111111', construct: 'field DestinationHostname' });
    }
  });
  it('NOT over an OR of groups stays one group in SPL search (found by the agreement test)', () => {
    const s = q(and(m('DestinationPort', 53), not(or(or(m('Image', '*\\a.exe'), m('Image', '*\\b.exe')), or(m('Image', '*\\c.exe'), m('Image', '*\\d.exe'))))), 'splunk');
    expect(s).toContain('NOT ((Image="*\\\\a.exe" OR Image="*\\\\b.exe") OR (Image="*\\\\c.exe" OR Image="*\\\\d.exe"))');
  });
  it('a mixed AND/OR keeps precedence with parentheses in SPL search (OR binds tighter there)', () => {
    const s = q(or(and(m('Image', 'a'), m('User', 'b')), m('Image', 'c')), 'splunk');
    expect(s).toContain('((Image="a" User="b") OR Image="c")');
  });
});
