import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/ir/types.js';
import { ANY, ONE, and, anyOf, cidr, lit, match, not, or, pat, re, sigmaString, type Mod } from './build.js';
import { matches } from './helpers.js';

describe('sigmaString (test builder) follows pySigma escapes', () => {
  it.each([
    ['\\*', pat(lit('*'))],
    ['\\\\*', pat(lit('\\'), ANY)],
    ['\\\\\\*', pat(lit('\\*'))],
    ['C:\\Windows\\', pat(lit('C:\\Windows\\'))],
    ['a\\', pat(lit('a\\'))],
    ['\\?x?', pat(lit('?x'), ONE)],
    ['*\\cmd.exe', pat(ANY, lit('\\cmd.exe'))],
  ])('%s', (s, p) => expect(sigmaString(s)).toEqual(p));
});

// [YAML value, modifier, event value, expected]
const ESCAPES: Array<[string, Mod | undefined, string, boolean]> = [
  // `\*` is a literal star
  ['\\*', undefined, '*', true],
  ['\\*', undefined, 'anything', false],
  ['a\\*b', undefined, 'a*b', true],
  ['a\\*b', undefined, 'axxb', false],
  // `\\*` is a literal backslash followed by the wildcard
  ['C:\\\\*', undefined, 'C:\\Windows', true],
  ['C:\\\\*', undefined, 'C:Windows', false],
  // `\\\*` is a literal backslash and a literal star
  ['a\\\\\\*', undefined, 'a\\*', true],
  ['a\\\\\\*', undefined, 'a\\xyz', false],
  // a trailing backslash is literal
  ['C:\\Windows\\', undefined, 'C:\\Windows\\', true],
  ['C:\\Windows\\', undefined, 'C:\\Windows', false],
  ['C:\\Windows\\', 'startswith', 'c:\\windows\\system32\\cmd.exe', true],
  ['C:\\Windows\\', 'startswith', 'C:\\WindowsApps\\x.exe', false],
  // backslash before an ordinary character is literal (no doubling needed)
  ['\\cmd.exe', 'endswith', 'C:\\Windows\\System32\\cmd.exe', true],
  ['\\cmd.exe', 'endswith', 'C:\\Windows\\System32\\xcmd.exe', false],
  // `?` = exactly one character, `\?` literal
  ['a?c', undefined, 'abc', true],
  ['a?c', undefined, 'ac', false],
  ['a?c', undefined, 'abbc', false],
  ['a\\?c', undefined, 'a?c', true],
  ['a\\?c', undefined, 'abc', false],
  ['?', undefined, '😀', true], // one code point, even outside the BMP
  ['a?', undefined, 'a😀', true],
  ['a??', undefined, 'a😀', false],
  // `*` any run including empty; inner wildcards
  ['*', undefined, '', true],
  ['a*', undefined, 'a', true],
  ['*power*shell*', undefined, 'C:\\x\\PowerShell.exe', true],
  ['*power*shell*', undefined, 'C:\\x\\shellpower.exe', false],
  ['a*b*c', undefined, 'abc', true],
  ['a*b*c', undefined, 'a-b-c', true],
  ['a*b*c', undefined, 'a-c-b', false],
  ['ab*ba', undefined, 'aba', false], // anchored ends must not overlap
  ['ab*ba', undefined, 'abba', true],
  ['a*?b', undefined, 'ab', false],
  ['a*?b', undefined, 'axb', true],
  ['*.?x', undefined, 'file.x', false],
  ['*.?x', undefined, 'file.ax', true],
  // modifiers
  ['cmd', 'contains', 'C:\\CMD.exe', true],
  ['cmd', 'startswith', 'C:\\CMD.exe', false],
  ['.exe', 'endswith', 'a.EXE', true],
  ['a*b', 'contains', 'xxaZZbxx', true],
  ['a*b', 'contains', 'xxbZZaxx', false],
  // empty string
  ['', undefined, '', true],
  ['', undefined, 'x', false],
];

describe('wildcards and escapes evaluated on events', () => {
  it.each(ESCAPES)('%j |%s vs %j → %s', (yaml, mod, value, want) => {
    expect(matches(match('F', yaml, mod ? { mod } : {}), { F: value })).toBe(want);
  });
});

describe('case folding', () => {
  const cases: Array<[string, string, boolean, boolean]> = [
    // [pattern, value, case-insensitive result, cased result]
    ['powershell.exe', 'POWERSHELL.EXE', true, false],
    ['Ä', 'ä', true, false],
    ['straße', 'STRASSE', false, false], // no expansion: ß ≠ ss
    ['straße', 'STRAẞE', true, false], // capital sharp s folds to ß
    ['İstanbul', 'istanbul', true, false], // İ folds to i (simple lowercase)
    ['ISTANBUL', 'ıstanbul', false, false], // dotless ı is a different letter
    ['ΟΔΟΣ', 'οδος', true, false], // final sigma folds like σ
    ['Ωmega', 'ωMEGA', true, false],
    ['Ünïcödé', 'üNÏCÖDÉ', true, false],
    ['KELVIN', 'kelvin', true, false], // Kelvin sign folds to k
  ];
  it.each(cases)('%s vs %s', (p, v, ci, cs) => {
    expect(matches(match('F', p), { F: v })).toBe(ci);
    expect(matches(match('F', p, { cased: true }), { F: v })).toBe(cs);
    expect(matches(match('F', p, { cased: true }), { F: p })).toBe(true);
  });
  it('wildcard ? counts a folded non-ASCII letter as one character', () => {
    expect(matches(match('F', 'Stra?e'), { F: 'STRAẞE' })).toBe(true);
    expect(matches(match('F', 'Stra?e'), { F: 'STRASSE' })).toBe(false);
  });
});

describe('type coercion', () => {
  it.each([
    [match('DestinationPort', '443', { origin: 'number' }), 443, true],
    [match('DestinationPort', '443', { origin: 'number' }), '443', true],
    [match('DestinationPort', '443'), 443, true],
    [match('DestinationPort', '443'), 4430, false],
    [match('DestinationPort', '44', { mod: 'startswith' }), 443, true],
    [match('Initiated', 'true', { origin: 'boolean' }), true, true],
    [match('Initiated', 'true', { origin: 'boolean' }), 'True', true],
    [match('Initiated', 'true', { origin: 'boolean' }), 'true', true],
    [match('Initiated', 'true', { origin: 'boolean' }), false, false],
    [match('Initiated', 'false', { origin: 'boolean' }), false, true],
    [match('Initiated', 'True'), true, true],
    [match('Ratio', '1.5', { origin: 'number' }), 1.5, true],
  ] as Array<[Expr, string | number | boolean, boolean]>)('%#', (expr, value, want) => {
    expect(matches(expr, { [(expr as { field: string }).field]: value })).toBe(want);
  });
});

describe('null, missing, empty and exists', () => {
  const isNull: Expr = { type: 'null', field: 'F' };
  const exists: Expr = { type: 'exists', field: 'F', exists: true };
  const notExists: Expr = { type: 'exists', field: 'F', exists: false };
  const empty = match('F', '');
  it.each([
    ['missing', {}, { isNull: true, exists: false, notExists: true, empty: false, notEmpty: true }],
    ['null', { F: null }, { isNull: true, exists: false, notExists: true, empty: false, notEmpty: true }],
    ["''", { F: '' }, { isNull: false, exists: true, notExists: false, empty: true, notEmpty: false }],
    ["'x'", { F: 'x' }, { isNull: false, exists: true, notExists: false, empty: false, notEmpty: true }],
    ['0', { F: 0 }, { isNull: false, exists: true, notExists: false, empty: false, notEmpty: true }],
    ['false', { F: false }, { isNull: false, exists: true, notExists: false, empty: false, notEmpty: true }],
  ])('%s', (_n, fields, want) => {
    expect(matches(isNull, fields)).toBe(want.isNull);
    expect(matches(exists, fields)).toBe(want.exists);
    expect(matches(notExists, fields)).toBe(want.notExists);
    expect(matches(empty, fields)).toBe(want.empty);
    expect(matches(not(empty), fields)).toBe(want.notEmpty);
  });
  it('a wildcard-only pattern needs a value', () => {
    expect(matches(match('F', '*'), {})).toBe(false);
    expect(matches(match('F', '*'), { F: null })).toBe(false);
    expect(matches(match('F', '*'), { F: '' })).toBe(true);
  });
});

describe('CIDR', () => {
  it.each([
    ['10.0.0.0/8', '10.1.2.3', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['10.0.0.0/8', '10.0.0', false],
    ['192.168.1.0/24', '192.168.1.255', true],
    ['192.168.1.0/24', '192.168.2.0', false],
    ['172.16.0.0/12', '172.31.255.255', true],
    ['172.16.0.0/12', '172.32.0.0', false],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['8.8.8.8/32', '8.8.8.8', true],
    ['8.8.8.8/32', '8.8.8.9', false],
    ['127.0.0.0/8', '::1', false],
    ['10.0.0.0/8', '::ffff:10.0.0.1', false], // v4 CIDR: dotted-quad only
    ['10.0.0.0/8', '10.0.0.256', false],
    ['10.0.0.0/8', 'not an ip', false],
    ['fe80::/10', 'fe80::1', true],
    ['fe80::/10', 'FEBF:ffff::1', true],
    ['fe80::/10', 'fec0::1', false],
    ['fe80::/10', 'fe80::1%12', true],
    ['::1/128', '::1', true],
    ['::1/128', '0:0:0:0:0:0:0:1', true],
    ['::1/128', '::2', false],
    ['fc00::/7', 'fd12:3456:789a:1::1', true],
    ['fc00::/7', 'fe00::1', false],
    ['2001:db8::/32', '2001:0db8:85a3:0000:0000:8a2e:0370:7334', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::ffff:0:0/96', '::ffff:192.168.0.1', true],
    ['2001:db8:abcd:12::/64', '2001:db8:abcd:12:ffff::1', true],
    ['2001:db8:abcd:12::/64', '2001:db8:abcd:13::1', false],
    ['2001:db8::/33', '2001:db8:7fff::1', true],
    ['2001:db8::/33', '2001:db8:8000::1', false],
    ['fe80::/10', '10.0.0.1', false],
    ['fe80::/10', 'fe80:::1', false],
  ])('%s contains %s → %s', (c, ip, want) => {
    expect(matches(cidr('DestinationIp', c), { DestinationIp: ip })).toBe(want);
  });
  it('missing or non-text address does not match, NOT of it does', () => {
    expect(matches(cidr('DestinationIp', '10.0.0.0/8'), {})).toBe(false);
    expect(matches(not(cidr('DestinationIp', '10.0.0.0/8')), {})).toBe(true);
  });
  it('OR of CIDRs', () => {
    const priv = or(cidr('DestinationIp', '10.0.0.0/8'), cidr('DestinationIp', '192.168.0.0/16'), cidr('DestinationIp', 'fc00::/7'));
    expect(matches(priv, { DestinationIp: '192.168.3.4' })).toBe(true);
    expect(matches(priv, { DestinationIp: 'fd00::5' })).toBe(true);
    expect(matches(priv, { DestinationIp: '8.8.4.4' })).toBe(false);
  });
});

describe('regex', () => {
  it.each([
    [re('F', 'b+'), 'abbc', true], // search, not full match
    [re('F', '^b+$'), 'abbc', false],
    [re('F', 'ABC'), 'abc', false], // case-sensitive by default
    [re('F', 'ABC', { i: true }), 'abc', true],
    [re('F', '^b$'), 'a\nb', false],
    [re('F', '^b$', { m: true }), 'a\nb', true],
    [re('F', 'a.b'), 'a\nb', false],
    [re('F', 'a.b', { s: true }), 'a\nb', true],
    [re('F', '\\d{3}'), 443, true],
    [re('F', 'Tru'), true, false], // booleans as lowercase text
    [re('F', '[A-Z]{8,}\\.(com|net)$'), 'QWERTYUIOP.com', true],
  ] as Array<[Expr, string | number | boolean, boolean]>)('%#', (expr, v, want) => {
    expect(matches(expr, { F: v })).toBe(want);
  });
});

describe('numeric comparison', () => {
  const gt = (v: number): Expr => ({ type: 'compare', field: 'F', op: 'gt', value: v });
  const lte = (v: number): Expr => ({ type: 'compare', field: 'F', op: 'lte', value: v });
  it.each([
    [gt(1024), 49152, true],
    [gt(1024), '49152', true],
    [gt(1024), ' 2048 ', true],
    [gt(1024), 1024, false],
    [lte(1024), 1024, true],
    [gt(0), '0x10', false],
    [gt(-1), '', false],
    [gt(-1), 'abc', false],
    [gt(0), true, false],
    [lte(10), '1e1', true],
    [gt(1.5), '1.6', true],
  ] as Array<[Expr, string | number | boolean, boolean]>)('%#', (expr, v, want) => {
    expect(matches(expr, { F: v })).toBe(want);
  });
  it('missing field does not compare', () => expect(matches(gt(0), {})).toBe(false));
});

describe('fieldref', () => {
  const ref = (position: 'eq' | 'startswith' | 'endswith' | 'contains', cased = false): Expr => ({ type: 'fieldref', field: 'A', other: 'B', position, cased });
  it.each([
    [ref('eq'), { A: 'x.exe', B: 'X.EXE' }, true],
    [ref('eq', true), { A: 'x.exe', B: 'X.EXE' }, false],
    [ref('eq'), { A: 'x.exe' }, false],
    [ref('eq'), { A: 443, B: '443' }, true],
    [ref('startswith'), { A: 'C:\\Temp\\x.exe', B: 'c:\\temp' }, true],
    [ref('endswith'), { A: 'C:\\Temp\\x.exe', B: 'X.exe' }, true],
    [ref('contains'), { A: 'C:\\Temp\\x.exe', B: 'temp' }, true],
    [ref('contains'), { A: 'C:\\Temp\\x.exe', B: 'tmp' }, false],
  ] as const)('%#', (expr, fields, want) => {
    expect(matches(expr, { ...fields })).toBe(want);
  });
});

describe('time parts', () => {
  const tp = (part: 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year', op: 'eq' | 'lt' | 'gte', value: number): Expr => ({ type: 'timepart', field: 'UtcTime', part, op, value });
  const fields = { UtcTime: '2024-03-04 22:15:09.123' }; // a Monday, ISO week 10
  it.each([
    [tp('hour', 'eq', 22), true],
    [tp('hour', 'lt', 6), false],
    [tp('minute', 'eq', 15), true],
    [tp('day', 'eq', 4), true],
    [tp('week', 'eq', 10), true],
    [tp('month', 'eq', 3), true],
    [tp('year', 'gte', 2024), true],
  ])('%#', (expr, want) => expect(matches(expr, fields)).toBe(want));
  it('offsets and non-timestamps', () => {
    expect(matches(tp('hour', 'eq', 20), { UtcTime: '2024-03-04T22:15:09+02:00' })).toBe(true);
    expect(matches(tp('hour', 'eq', 0), { UtcTime: 'yesterday' })).toBe(false);
    expect(matches(tp('week', 'eq', 1), { UtcTime: '2024-12-30 00:00:00' })).toBe(true); // ISO week 1 of 2025
  });
});

describe('keywords', () => {
  const kw = (v: string, cased = false): Expr => ({ type: 'keyword', pattern: sigmaString(v), cased });
  it.each([
    [kw('mimikatz'), { CommandLine: 'C:\\x\\MIMIKATZ.exe sekurlsa' }, true],
    [kw('mimikatz', true), { CommandLine: 'C:\\x\\MIMIKATZ.exe' }, false],
    [kw('sekurlsa::logonpasswords'), { A: 'x', B: 'run sekurlsa::logonpasswords now' }, true],
    [kw('443'), { DestinationPort: 443 }, true],
    [kw('evil*.exe'), { Image: 'C:\\evil-tool.exe' }, true],
    [kw('evil*.exe'), { Image: 'C:\\tool.exe', Other: 'evil' }, false],
    [kw('nothing'), { Image: 'C:\\tool.exe' }, false],
  ] as const)('%#', (expr, fields, want) => expect(matches(expr, { ...fields })).toBe(want));
  it('all of keywords (AND)', () => {
    const all = and(kw('alpha'), kw('beta'));
    expect(matches(all, { A: 'alpha', B: 'BETA' })).toBe(true);
    expect(matches(all, { A: 'alpha' })).toBe(false);
  });
  it('keyword regex', () => {
    const k: Expr = { type: 'keyword_regex', regex: 'ev[i1]l', flags: { i: false, m: false, s: false } };
    expect(matches(k, { A: 'xev1lx' })).toBe(true);
    expect(matches(k, { A: 'EVIL' })).toBe(false);
  });
});

describe('conditions and value lists', () => {
  const sel = anyOf('Image', ['\\powershell.exe', '\\pwsh.exe', '\\mshta.exe', 'C:\\Tools\\exact.exe', 'C:\\Users\\'], 'endswith');
  it.each([
    ['C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', true],
    ['C:\\x\\PWSH.EXE', true],
    ['C:\\x\\notmshta.exe', false],
    ['c:\\tools\\exact.exe', true],
    ['C:\\Users\\', true],
  ])('OR of endswith values: %s', (img, want) => expect(matches(sel, { Image: img })).toBe(want));
  it('mixed shapes in one list (eq, prefix, suffix, contains, wildcard)', () => {
    const mixed = or(
      match('F', 'exact'),
      match('F', 'pre', { mod: 'startswith' }),
      match('F', 'suf', { mod: 'endswith' }),
      match('F', 'mid', { mod: 'contains' }),
      match('F', 'a?c*z'),
    );
    for (const [v, want] of [['EXACT', true], ['prefix', true], ['xsuf', true], ['xmidx', true], ['abcxyz', true], ['abz', false], ['nothing', false]] as const) {
      expect(matches(mixed, { F: v }), v).toBe(want);
    }
  });
  it('|all: AND over values', () => {
    const all = and(match('CommandLine', '-enc', { mod: 'contains' }), match('CommandLine', 'hidden', { mod: 'contains' }));
    expect(matches(all, { CommandLine: 'powershell -W Hidden -Enc AAA' })).toBe(true);
    expect(matches(all, { CommandLine: 'powershell -Enc AAA' })).toBe(false);
  });
  it('and / or / not, constants, neq', () => {
    const e = and(match('Initiated', 'true'), not(or(cidr('DestinationIp', '10.0.0.0/8'), match('DestinationPort', '53'))));
    expect(matches(e, { Initiated: true, DestinationIp: '8.8.8.8', DestinationPort: 443 })).toBe(true);
    expect(matches(e, { Initiated: true, DestinationIp: '10.8.8.8', DestinationPort: 443 })).toBe(false);
    expect(matches(e, { Initiated: true, DestinationIp: '8.8.8.8', DestinationPort: 53 })).toBe(false);
    expect(matches(e, { Initiated: 'false', DestinationIp: '8.8.8.8', DestinationPort: 443 })).toBe(false);
    expect(matches({ type: 'const', value: true }, {})).toBe(true);
    expect(matches({ type: 'const', value: false }, {})).toBe(false);
    expect(matches({ type: 'and', children: [] }, {})).toBe(true);
    expect(matches({ type: 'or', children: [] }, {})).toBe(false);
    expect(matches(not(not(match('F', 'a'))), { F: 'A' })).toBe(true);
  });
  it('windash expansion (OR nodes from the front end)', () => {
    const dashes = ['-', '/', '\u2013', '\u2014', '\u2015'];
    const e = or(...dashes.map((d) => match('CommandLine', ` ${d}enc `, { mod: 'contains' })));
    for (const d of dashes) expect(matches(e, { CommandLine: `powershell ${d}enc AAAA` })).toBe(true);
    expect(matches(e, { CommandLine: 'powershell +enc AAAA' })).toBe(false);
  });
  it('base64offset expansion (OR of contains on the three variants)', () => {
    // base64offset|contains: 'http' → the front end's three variants.
    const e = anyOf('CommandLine', ['aHR0c', 'h0dH', 'odHRw'], 'contains');
    expect(matches(e, { CommandLine: 'powershell -e aHR0cDovL2V2aWw=' })).toBe(true);
    expect(matches(e, { CommandLine: 'powershell -e bm90aGluZw==' })).toBe(false);
  });
});

describe('field lookup is exact and safe', () => {
  it('prototype names are just (absent) fields', () => {
    expect(matches(match('constructor', '*'), {})).toBe(false);
    expect(matches({ type: 'null', field: 'toString' }, {})).toBe(true);
    expect(matches(match('__proto__', 'x'), { ['__proto__']: 'x' })).toBe(true);
  });
  it('objects or arrays as values are treated as absent', () => {
    const weird = { F: { a: 1 } as unknown as string };
    expect(matches(match('F', '*'), weird)).toBe(false);
    expect(matches({ type: 'null', field: 'F' }, weird)).toBe(true);
  });
});
