/**
 * Compatibility with public Sigma rules (`--profile sigma`): each case is a small, self-written
 * rule reproducing a construct that public rule sets use and that the loader once rejected or
 * mistranslated. Expected IR follows pySigma's behaviour.
 */
import { describe, expect, it } from 'vitest';
import { loadRuleText } from '../../src/sigma/index.js';
import type { CorrelationRule, DetectionRule, Expr } from '../../src/ir/types.js';
import type { Profile } from '../../src/sigma/index.js';

function load(detection: string, profile: Profile = 'sigma', extra = '') {
  const text = `title: Compat case\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n${detection}\n${extra}`;
  return loadRuleText(text, 'case.yml', { profile });
}
/** Metadata the repo profile requires, so repo-profile cases reach the detection checks. */
const REPO_META = [
  'id: 0c1e9d7a-3b7f-4d0e-9a51-6f2d8b4c9e10',
  'status: test',
  'level: low',
  'date: 2025-01-01',
  'author: test',
  'description: A self-written case for the compatibility tests of the loader.',
  'falsepositives:',
  '    - none',
  'tags:',
  '    - attack.t1078',
  'tests:',
  '    fixtures:',
  '        - {path: a.jsonl, expect: 1}',
  '        - {path: b.jsonl, expect: 0}',
  '',
].join('\n');
const codes = (r: ReturnType<typeof load>, severity: 'error' | 'warning') =>
  r.findings.filter((f) => f.severity === severity).map((f) => f.code);
const detection = (r: ReturnType<typeof load>): DetectionRule => {
  const d = r.rules.find((x): x is DetectionRule => x.kind === 'detection');
  if (!d) throw new Error(`no detection rule: ${JSON.stringify(r.findings)}`);
  return d;
};
const lit = (text: string) => ({ kind: 'lit', text });

describe('expand placeholders without values', () => {
  const det = `    selection:\n        EventID: 4672\n    filter:\n        SubjectUserName|expand: '%admin_accounts%'\n    condition: selection and not filter`;

  it('loads in the sigma profile with a warning, the placeholder matching nothing', () => {
    const r = load(det);
    expect(codes(r, 'error')).toEqual([]);
    expect(r.findings.filter((f) => f.code === 'EXPAND_UNRESOLVED').map((f) => [f.severity, f.line, f.column])).toEqual([['warning', 9, 33]]);
    const filter = detection(r).selections['filter'];
    expect(filter).toEqual({ type: 'or', children: [], list: { name: 'admin_accounts', field: 'SubjectUserName' } });
  });

  it('is an error in the repo profile', () => {
    const r = load(det, 'repo', REPO_META);
    expect(r.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(['EXPAND_UNRESOLVED']);
    expect(r.rules.filter((x) => x.kind === 'detection')).toEqual([]);
  });

  it('uses values when they are given', () => {
    const r = loadRuleText(
      `title: t\nlogsource: {product: windows}\ndetection:\n    sel:\n        User|expand: '%admins%'\n    condition: sel\n`,
      'p.yml',
      { profile: 'sigma', placeholders: { admins: ['alice', 'bob'] } },
    );
    expect(codes(r, 'warning')).toEqual([]);
    expect(detection(r).expr).toEqual({
      type: 'or',
      list: { name: 'admins', field: 'User' },
      children: ['alice', 'bob'].map((v) => ({ type: 'match', field: 'User', pattern: { parts: [lit(v)] }, cased: false, origin: 'string' })),
    });
  });

  it('a placeholder inside a longer value becomes an unmatchable constant', () => {
    const r = load(`    sel:\n        CommandLine|contains|expand: 'echo %userdomain%'\n    condition: sel`);
    expect(codes(r, 'error')).toEqual([]);
    expect(detection(r).expr).toEqual({ type: 'const', value: false });
  });
});

describe('Sigma v1 aggregation conditions', () => {
  const det = `    selection:\n        EventID: 4776\n    timeframe: 24h\n    condition: selection | count(TargetUserName) by Workstation > 3`;

  it('become a base rule plus a value_count correlation in the sigma profile', () => {
    const r = load(det, 'sigma', 'id: 5b1a3f2e-8c1d-4e57-9a0b-2f6f9e1d3c44\n');
    expect(codes(r, 'error')).toEqual([]);
    expect(codes(r, 'warning')).toContain('COND_LEGACY_AGGREGATION');
    expect(codes(r, 'warning')).not.toContain('DET_TIMEFRAME');
    const base = detection(r);
    expect(base.conditions).toEqual(['selection ']);
    const corr = r.rules.find((x): x is CorrelationRule => x.kind === 'correlation')!;
    expect(corr).toMatchObject({
      type: 'value_count',
      rules: ['5b1a3f2e-8c1d-4e57-9a0b-2f6f9e1d3c44'],
      groupBy: ['Workstation'],
      valueField: 'TargetUserName',
      timespanMs: 24 * 3600 * 1000,
      condition: [{ op: 'gt', value: 3 }],
      title: 'Compat case (aggregation)',
    });
    expect(corr.id).toBeUndefined();
  });

  it('count() without a field and without an id is an event_count over a derived name', () => {
    const r = load(`    selection:\n        EventID: 1\n    timeframe: 5m\n    condition: selection | count() by Computer >= 5`);
    const base = detection(r);
    const corr = r.rules.find((x): x is CorrelationRule => x.kind === 'correlation')!;
    expect(corr.type).toBe('event_count');
    expect(corr.rules).toEqual([base.name]);
    expect(corr.condition).toEqual([{ op: 'gte', value: 5 }]);
  });

  it('sum() becomes value_sum', () => {
    const r = load(`    selection:\n        query: '*'\n    timeframe: 1m\n    condition: selection | sum(question_length) by src_ip > 300000`);
    expect(r.rules.find((x): x is CorrelationRule => x.kind === 'correlation')).toMatchObject({ type: 'value_sum', valueField: 'question_length' });
  });

  it('an aggregation without timeframe, or one not convertible, is an error', () => {
    expect(codes(load(`    selection:\n        EventID: 1\n    condition: selection | count() > 5`), 'error')).toEqual(['CORR_TIMESPAN']);
    expect(codes(load(`    selection:\n        EventID: 1\n    timeframe: 5m\n    condition: selection | near other`), 'error')).toEqual(['COND_AGGREGATION']);
  });

  it('are rejected in the repo profile', () => {
    expect(codes(load(det, 'repo', REPO_META), 'error')).toEqual(['COND_AGGREGATION']);
  });
});

describe('modifier spellings and combinations pySigma accepts', () => {
  it('ignorecase, multiline and dotall are the long names of i, m and s', () => {
    const r = load(`    sel:\n        CommandLine|re|ignorecase|multiline|dotall: 'a.b'\n    condition: sel`);
    expect(codes(r, 'error')).toEqual([]);
    expect(detection(r).expr).toEqual({ type: 'regex', field: 'CommandLine', regex: 'a.b', flags: { i: true, m: true, s: true } });
  });

  it('re followed by contains/startswith/endswith keeps the regex (search semantics)', () => {
    for (const pos of ['contains', 'startswith', 'endswith']) {
      const r = load(`    sel:\n        CommandLine|re|${pos}: 'x[0-9]+'\n    condition: sel`);
      expect(codes(r, 'error')).toEqual([]);
      expect(detection(r).expr).toEqual({ type: 'regex', field: 'CommandLine', regex: 'x[0-9]+', flags: { i: false, m: false, s: false } });
    }
  });

  it('a position modifier before re is still an error', () => {
    expect(codes(load(`    sel:\n        CommandLine|contains|re: 'x'\n    condition: sel`), 'error')).toEqual(['MOD_COMBINATION']);
  });

  it('fieldref with a wildcard is refused, as pySigma does', () => {
    expect(codes(load(`    sel:\n        TargetUserName|fieldref: 'Subject*'\n    condition: sel`), 'error')).toEqual(['MOD_VALUE_TYPE']);
  });
});

describe('encodings agree with pySigma', () => {
  const values = (e: Expr): string[] =>
    e.type === 'or' ? e.children.flatMap(values) : e.type === 'match' ? [e.pattern.parts.map((p) => (p.kind === 'lit' ? p.text : '*')).join('')] : [];

  it('base64offset|contains gives the three offsets', () => {
    const r = load(`    sel:\n        CommandLine|base64offset|contains: 'IEX (['\n    condition: sel`);
    expect(values(detection(r).expr)).toEqual(['*SUVYIChb*', '*lFWCAoW*', '*JRVggKF*']);
  });

  it('utf16le then base64offset encodes the UTF-16 bytes', () => {
    const r = load(`    sel:\n        CommandLine|utf16le|base64offset|contains: 'ab'\n    condition: sel`);
    expect(values(detection(r).expr)).toEqual(['*YQBiA*', '*EAYg*', '*hAGIA*']);
  });

  it('windash replaces only a dash or slash that starts a word, with all five variants', () => {
    const r = load(`    sel:\n        CommandLine|contains|windash: ' -q a-b'\n    condition: sel`);
    expect(values(detection(r).expr)).toEqual(['-', '/', '\u2013', '\u2014', '\u2015'].map((d) => `* ${d}q a-b*`));
  });
});

describe('constructs of public rules that load unchanged', () => {
  it('keyword lists, |all keywords, null and empty filters, 1 of / all of patterns', () => {
    const r = load(
      [
        '    keywords:',
        "        - 'wget * - http* | sh'",
        "        - '*>>/etc/rc.local'",
        '    both:',
        "        '|all':",
        '            - foo',
        '            - bar',
        '    filter_null:',
        '        Image: null',
        '    filter_empty:',
        "        Image: ''",
        '    condition: (keywords or both) and not 1 of filter_*',
      ].join('\n'),
    );
    expect(codes(r, 'error')).toEqual([]);
    const d = detection(r);
    expect(d.selections['both']).toEqual({
      type: 'and',
      children: ['foo', 'bar'].map((t) => ({ type: 'keyword', pattern: { parts: [lit(t)] }, cased: false })),
    });
    expect(d.selections['filter_null']).toEqual({ type: 'null', field: 'Image' });
    expect(d.selections['filter_empty']).toMatchObject({ type: 'match', pattern: { parts: [] } });
  });

  it('null inside a value list stays an error (the specification calls it invalid)', () => {
    expect(codes(load(`    sel:\n        Image:\n            - ''\n            - null\n    condition: sel`), 'error')).toEqual(['VAL_NULL_IN_LIST']);
  });
});

describe('cidr with expand (a placeholder holding networks)', () => {
  const det = `    sel:\n        DestinationIp|cidr|expand: '%mgmt_nets%'\n    condition: sel`;

  it('loads in the sigma profile: unresolved it matches nothing, with a warning for each leniency', () => {
    const r = load(det);
    expect(codes(r, 'error')).toEqual([]);
    expect(r.findings.filter((f) => f.severity === 'warning').map((f) => [f.code, f.line, f.column])).toEqual([
      ['MOD_CIDR_EXPAND', 7, 9],
      ['EXPAND_UNRESOLVED', 7, 36],
    ]);
    expect(detection(r).expr).toEqual({ type: 'const', value: false });
  });

  it('reads every placeholder value as a network, without a list lookup (lookups compare equal values)', () => {
    const r = loadRuleText(`title: t\nlogsource: {product: windows}\ndetection:\n${det}\n`, 'c.yml', {
      profile: 'sigma',
      placeholders: { mgmt_nets: ['10.1.0.0/16', 'fd00::/8'] },
    });
    expect(codes(r, 'error')).toEqual([]);
    const e = detection(r).expr;
    expect(e.type).toBe('or');
    expect((e as { list?: unknown }).list).toBeUndefined();
    expect(e).toMatchObject({ children: [{ type: 'cidr', field: 'DestinationIp' }, { type: 'cidr', field: 'DestinationIp' }] });
  });

  it('expanded values that are not networks are errors', () => {
    const r = loadRuleText(`title: t\nlogsource: {product: windows}\ndetection:\n${det}\n`, 'c.yml', {
      profile: 'sigma',
      placeholders: { mgmt_nets: ['not-a-net'] },
    });
    expect(codes(r, 'error')).toEqual(['CIDR_INVALID']);
  });

  it('stays an error in the repo profile', () => {
    expect(codes(load(det, 'repo', REPO_META), 'error')).toEqual(['MOD_COMBINATION']);
  });
});

describe('metadata pySigma accepts (sigma profile)', () => {
  const det = `    sel:\n        Image|endswith: '\\\\x.exe'\n    condition: sel`;

  it('null metadata is absent, with a warning at the key', () => {
    const r = load(det, 'sigma', 'modified:\nauthor: ~\nreferences:\n');
    expect(codes(r, 'error')).toEqual([]);
    // In the order of the metadata list: references (line 11), author (10), modified (9).
    expect(r.findings.filter((f) => f.code === 'META_NULL').map((f) => [f.line, f.column])).toEqual([
      [11, 1],
      [10, 1],
      [9, 1],
    ]);
    const d = detection(r);
    expect(d.modified).toBeUndefined();
    expect(d.author).toBeUndefined();
    expect(d.references).toEqual([]);
  });

  it('level and status are case-insensitive', () => {
    const r = load(det, 'sigma', 'level: High\nstatus: Experimental\n');
    expect(codes(r, 'error')).toEqual([]);
    expect(codes(r, 'warning')).toEqual(['META_CASE', 'META_CASE']);
    expect(detection(r)).toMatchObject({ level: 'high', status: 'experimental' });
  });

  it('a tag needs a lower-case namespace; the rest may break the strict form (warning, kept as written)', () => {
    const r = load(det, 'sigma', 'tags:\n    - attack.T1548.001\n    - attack.Privilege Escalation\n    - attack.execution\n');
    expect(codes(r, 'error')).toEqual([]);
    expect(r.findings.filter((f) => f.code === 'TAG_FORMAT').map((f) => f.line)).toEqual([10, 11]);
    expect(detection(r).tags).toEqual(['attack.T1548.001', 'attack.Privilege Escalation', 'attack.execution']);
    expect(codes(load(det, 'sigma', 'tags:\n    - ATTACK.T1071\n'), 'error')).toEqual(['SCHEMA_PATTERN']);
    expect(codes(load(det, 'sigma', 'tags:\n    - attack\n'), 'error')).toEqual(['SCHEMA_PATTERN']);
  });

  it('dates as pySigma reads them: YYYY/M/D and unpadded YYYY-M-D', () => {
    const r = load(det, 'sigma', 'date: 2022/1/5\nmodified: 2023-3-07\n');
    expect(codes(r, 'error')).toEqual([]);
    expect(detection(r)).toMatchObject({ date: '2022/1/5', modified: '2023-3-07' });
    expect(codes(load(det, 'sigma', 'date: 22-01-05\n'), 'error')).toEqual(['SCHEMA_PATTERN']);
  });

  it('the repo profile stays strict', () => {
    const base = REPO_META.replace('level: low', 'level: Low');
    expect(codes(load(det, 'repo', base), 'error')).toEqual(['SCHEMA_ENUM']);
    expect(codes(load(det, 'repo', REPO_META.replace('date: 2025-01-01', 'date: 2025/1/1')), 'error')).toEqual(['SCHEMA_FORMAT']);
    expect(codes(load(det, 'repo', REPO_META.replace('    - attack.t1078', '    - attack.t1078\n    - attack.Execution')), 'error')).toEqual(['SCHEMA_PATTERN']);
  });
});

describe('regular expressions Python accepts but RE2 does not', () => {
  const re = (pattern: string, profile: Profile = 'sigma') =>
    load(`    sel:\n        CommandLine|re: '${pattern}'\n    condition: sel`, profile, profile === 'repo' ? REPO_META : '');

  it('repeat counts over 1000, \\Z, comments and verbose mode load with a portability warning', () => {
    for (const p of ['.{2000,}', '^a{1,1500}$', 'cmd\\.exe\\Z', '(?#note)cmd', '(?x) c m d']) {
      const r = re(p);
      expect(codes(r, 'error'), p).toEqual([]);
      expect(r.findings.map((f) => [f.code, f.severity, f.line, f.column]), p).toEqual([['REGEX_NOT_PORTABLE', 'warning', 7, 25]]);
      expect(detection(r).expr, p).toEqual({ type: 'regex', field: 'CommandLine', regex: p, flags: { i: false, m: false, s: false } });
    }
  });

  it('RE2 limits themselves are fine: a count of exactly 1000 is portable', () => {
    expect(re('.{1000,}').findings).toEqual([]);
  });

  it('they are errors in the repo profile, and a regex that no engine parses stays an error', () => {
    expect(codes(re('.{2000,}', 'repo'), 'error')).toEqual(['REGEX_NOT_PORTABLE']);
    expect(codes(re('(cmd'), 'error')).toEqual(['REGEX_INVALID']);
    expect(codes(re('a{3,2}'), 'error')).toEqual(['REGEX_INVALID']);
  });
});

describe('x of pattern as pySigma resolves it (sigma profile)', () => {
  const sel = `    selection:\n        Image|endswith: '\\\\a.exe'\n    filter_one:\n        User: x\n    filter_two:\n        User: y\n`;
  const a = { type: 'match', field: 'Image', pattern: { parts: [{ kind: 'any' }, lit('\\a.exe')] }, cased: false, origin: 'string' };
  const userIs = (v: string) => ({ type: 'match', field: 'User', pattern: { parts: [lit(v)] }, cased: false, origin: 'string' });

  it('a pattern that names nothing is an empty 1 of (false) with a warning, so the rule still loads', () => {
    const r = load(`${sel}    condition: selection and not 1 of filter_main_*`);
    expect(codes(r, 'error')).toEqual([]);
    expect(r.findings.filter((f) => f.code === 'COND_EMPTY_PATTERN').map((f) => [f.severity, f.line, f.column])).toEqual([['warning', 12, 39]]);
    expect(detection(r).expr).toEqual({ type: 'and', children: [a, { type: 'not', child: { type: 'const', value: false } }] });
  });

  it('an empty all of is true', () => {
    const r = load(`${sel}    condition: selection and all of nothing_*`);
    expect(detection(r).expr).toEqual({ type: 'and', children: [a, { type: 'const', value: true }] });
  });

  it('a pattern without a full match is read as a prefix, as pySigma does', () => {
    const r = load(`${sel}    condition: selection and not 1 of filter`);
    expect(codes(r, 'error')).toEqual([]);
    expect(codes(r, 'warning')).toEqual(['COND_PATTERN_PREFIX']);
    expect(detection(r).expr).toEqual({ type: 'and', children: [a, { type: 'not', child: { type: 'or', children: [userIs('x'), userIs('y')] } }] });
  });

  it('full matches are unchanged, and the repo profile keeps both as errors', () => {
    const r = load(`${sel}    condition: selection and not 1 of filter_*`);
    expect(r.findings.filter((f) => f.severity === 'warning' && f.code.startsWith('COND_'))).toEqual([]);
    expect(codes(load(`${sel}    condition: selection and not 1 of filter_main_*`, 'repo', REPO_META), 'error')).toEqual(['COND_EMPTY_PATTERN']);
    expect(codes(load(`${sel}    condition: selection and not 1 of filter`, 'repo', REPO_META), 'error')).toEqual(['COND_EMPTY_PATTERN']);
  });

  it('an identifier that is not defined stays an error (pySigma refuses it when it parses the condition)', () => {
    expect(codes(load(`${sel}    condition: selection and not filter`), 'error')).toEqual(['COND_UNKNOWN_ID']);
  });
});

describe('loose tags keep the positions of other tags', () => {
  it('a tag without namespace after a loose tag is reported at its own index and line', () => {
    const r = load(`    sel:\n        Image: x\n    condition: sel`, 'sigma', 'tags:\n    - attack.T1059\n    - exfiltration\n');
    expect(r.findings.filter((f) => f.severity === 'error').map((f) => [f.code, f.line, f.column, f.message])).toEqual([
      ['SCHEMA_PATTERN', 11, 7, 'tags.1: must match pattern "^[a-z0-9_-]+\\.[a-z0-9._-]+$"'],
    ]);
  });
});

describe('related types as pySigma reads them', () => {
  const det = `    sel:\n        Image: x\n    condition: sel`;
  const rel = (type: string) => `related:\n    - id: 5b1a3f2e-8c1d-4e57-9a0b-2f6f9e1d3c44\n      type: ${type}\n`;

  it("'correlation' is a related type (pySigma's SigmaRelatedType has it)", () => {
    const r = load(det, 'sigma', rel('correlation'));
    expect(r.findings.filter((f) => f.severity === 'error' || f.code.startsWith('META'))).toEqual([]);
  });

  it('types are case-insensitive, with a warning', () => {
    const r = load(det, 'sigma', rel('Derived'));
    expect(codes(r, 'error')).toEqual([]);
    expect(r.findings.filter((f) => f.code === 'META_CASE').map((f) => [f.line, f.column, f.message])).toEqual([[11, 13, "related type 'Derived' is read as 'derived'"]]);
  });

  it("a known type with a plural 's' ('obsoletes', shipped by SigmaHQ) is read as the type, with a warning", () => {
    const r = load(det, 'sigma', rel('obsoletes'));
    expect(codes(r, 'error')).toEqual([]);
    expect(r.findings.filter((f) => f.code === 'META_RELATED_TYPE').map((f) => [f.severity, f.line, f.column, f.message])).toEqual([
      ['warning', 11, 13, "related type 'obsoletes' is read as 'obsolete'"],
    ]);
    expect(codes(load(det, 'sigma', rel('Similars')), 'warning')).toEqual(['META_CASE', 'META_RELATED_TYPE']);
    const repo = load(det, 'repo', REPO_META + rel('obsoletes'));
    expect(new Set(codes(repo, 'error'))).toEqual(new Set(['SCHEMA_ENUM']));
    expect(codes(repo, 'warning')).not.toContain('META_RELATED_TYPE');
  });

  it('unknown types stay errors, and the repo profile keeps the five of the specification', () => {
    expect(codes(load(det, 'sigma', rel('supersedes')), 'error')).toEqual(['SCHEMA_ENUM']);
    expect(codes(load(det, 'sigma', rel('s')), 'error')).toEqual(['SCHEMA_ENUM']);
    expect(codes(load(det, 'repo', REPO_META + rel('correlation')), 'error')).toEqual(['SCHEMA_ENUM']);
    expect(codes(load(det, 'repo', REPO_META + rel('similar')), 'error')).toEqual([]);
  });
});

describe("pySigma's extended temporal conditions (a string over rule names)", () => {
  const base = (name: string, id: string) =>
    `title: Base ${name}\nid: ${id}\nname: ${name}\nlogsource: {product: windows, service: security}\ndetection:\n    sel:\n        EventID: 1\n    condition: sel\n`;
  const bases = base('rule_a', '11111111-1111-4111-8111-111111111111') + '---\n' + base('rule_b', '22222222-2222-4222-8222-222222222222');
  const corr = (type: string, cond: string, rules?: string[]) =>
    `---\ntitle: Corr\ncorrelation:\n    type: ${type}\n${rules ? `    rules: [${rules.join(', ')}]\n` : ''}    timespan: 5m\n    condition: '${cond}'\n`;
  const loadCorr = (text: string, profile: Profile = 'sigma') => loadRuleText(text, 'corr.yml', { profile });
  const correlation = (r: ReturnType<typeof loadCorr>) => r.rules.find((x): x is CorrelationRule => x.kind === 'correlation');
  const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];

  it("'a and b' is all of the rules; the rules list may be left out", () => {
    const r = loadCorr(bases + corr('temporal', 'rule_a and rule_b'));
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(correlation(r)).toMatchObject({ type: 'temporal', rules: ids, condition: [] });
  });

  it("'a or b' is at least one of them", () => {
    const r = loadCorr(bases + corr('temporal_ordered', 'rule_a or rule_b', ['rule_a', 'rule_b']));
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(correlation(r)).toMatchObject({ type: 'temporal_ordered', rules: ids, condition: [{ op: 'gte', value: 1 }] });
  });

  it('other expressions load as "at least one" with a warning', () => {
    const r = loadCorr(bases + corr('temporal', 'rule_a and not rule_b'));
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.findings.filter((f) => f.code === 'CORR_EXTENDED_APPROX').map((f) => f.line)).toEqual([23]);
    expect(correlation(r)).toMatchObject({ rules: ids, condition: [{ op: 'gte', value: 1 }] });
  });

  it('errors: not temporal, rules and condition disagree, x of; and the repo profile refuses it', () => {
    const errs = (text: string, profile: Profile = 'sigma') => loadCorr(text, profile).findings.filter((f) => f.severity === 'error').map((f) => f.code);
    expect(errs(bases + corr('event_count', 'rule_a and rule_b'))).toEqual(['CORR_EXTENDED_CONDITION']);
    expect(errs(bases + corr('temporal', 'rule_a and rule_b', ['rule_a']))).toEqual(['CORR_EXTENDED_CONDITION']);
    expect(errs(bases + corr('temporal', '1 of rule_*'))).toEqual(['CORR_EXTENDED_CONDITION']);
    expect(errs(bases + corr('temporal', 'rule_a and rule_c', ['rule_a', 'rule_c']))).toEqual(['CORR_UNKNOWN_RULE']);
    expect(errs(bases + corr('temporal', 'rule_a and rule_b', ['rule_a', 'rule_b']) + REPO_META.replace(/^tests:[\s\S]*$/m, ''), 'repo')).toContain('SCHEMA_TYPE');
  });
});

describe('lists pySigma reads item by item (sigma profile)', () => {
  const kw = (t: string) => ({ type: 'keyword', pattern: { parts: [lit(t)] }, cased: false });
  const imageIs = (v: string) => ({ type: 'match', field: 'Image', pattern: { parts: [lit(v)] }, cased: false, origin: 'string' });

  it('a list mixing maps, keywords and nested lists is the OR of its items', () => {
    const r = load(`    sel:\n        - Image: x.exe\n        - evil\n        - - one\n          - two\n    condition: sel`);
    expect(codes(r, 'error')).toEqual([]);
    expect(r.findings.filter((f) => f.code === 'DET_MIXED_LIST').map((f) => [f.severity, f.line])).toEqual([['warning', 6]]);
    expect(detection(r).expr).toEqual({ type: 'or', children: [imageIs('x.exe'), kw('evil'), { type: 'or', children: [kw('one'), kw('two')] }] });
  });

  it('a field with an empty list of values is a null test, as pySigma makes it', () => {
    const r = load(`    sel:\n        Image: []\n    condition: sel`);
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['VAL_EMPTY_LIST', 'warning']]);
    expect(detection(r).expr).toEqual({ type: 'null', field: 'Image' });
    expect(codes(load(`    sel:\n        Image|contains: []\n    condition: sel`), 'error')).toEqual(['VAL_EMPTY_LIST']);
  });

  it('both stay errors in the repo profile', () => {
    expect(codes(load(`    sel:\n        - Image: x.exe\n        - evil\n    condition: sel`, 'repo', REPO_META), 'error')).toEqual(['DET_MIXED_LIST']);
    expect(codes(load(`    sel:\n        Image: []\n    condition: sel`, 'repo', REPO_META), 'error')).toEqual(['VAL_EMPTY_LIST']);
  });
});

describe('duplicated ids and names (pySigma keeps both rules)', () => {
  const rule = (title: string) =>
    `title: ${title}\nid: 5b1a3f2e-8c1d-4e57-9a0b-2f6f9e1d3c44\nname: dup_name\nlogsource: {product: windows}\ndetection:\n    sel:\n        Image: x\n    condition: sel\n`;
  const text = rule('First') + '---\n' + rule('Second');

  it('sigma profile: both load, each duplicate is a warning at the later rule', () => {
    const r = loadRuleText(text, 'dup.yml', { profile: 'sigma' });
    expect(r.findings.map((f) => [f.code, f.severity, f.line])).toEqual([
      ['DUP_ID', 'warning', 10],
      ['DUP_NAME', 'warning', 10],
    ]);
    expect(r.rules.map((x) => x.title)).toEqual(['First', 'Second']);
  });

  it('repo profile: errors, the later rule is left out', () => {
    const meta = REPO_META.replace(/^id: .*\n/m, '');
    const r = loadRuleText(rule('First') + meta + '---\n' + rule('Second') + meta, 'dup.yml', { profile: 'repo' });
    expect(r.rules.map((x) => x.title)).toEqual(['First']);
    expect(r.findings.filter((f) => f.code.startsWith('DUP_ID') || f.code.startsWith('DUP_NAME')).map((f) => [f.code, f.severity])).toEqual([
      ['DUP_ID', 'error'],
      ['DUP_NAME', 'error'],
    ]);
  });
});

describe('repeated YAML keys', () => {
  const text = `title: t\nlogsource: {product: windows}\ndetection:\n    sel:\n        Image: first\n        Image: second\n    condition: sel\n`;

  it('sigma profile: the last value wins, as PyYAML (pySigma collections) reads it, with a warning', () => {
    const r = loadRuleText(text, 'k.yml', { profile: 'sigma' });
    expect(r.findings.map((f) => [f.code, f.severity, f.line, f.column])).toEqual([['YAML_DUPLICATE_KEY', 'warning', 6, 9]]);
    expect((r.rules[0] as DetectionRule).expr).toMatchObject({ type: 'match', field: 'Image', pattern: { parts: [lit('second')] } });
  });

  it('repo profile: a YAML error', () => {
    expect(loadRuleText(text, 'k.yml', { profile: 'repo' }).findings.map((f) => [f.code, f.line])).toEqual([['YAML_SYNTAX', 6]]);
  });
});
