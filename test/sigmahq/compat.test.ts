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
