import { describe, expect, it } from 'vitest';
import { parseSigmaString, toSigmaString } from '../../src/sigma/strings.js';
import { base64offset, utf16, windash } from '../../src/sigma/encode.js';
import { parseCidr } from '../../src/sigma/cidr.js';
import { parseTimespan } from '../../src/sigma/timespan.js';
import type { PatternPart } from '../../src/ir/types.js';

const lit = (text: string): PatternPart => ({ kind: 'lit', text });
const ANY: PatternPart = { kind: 'any' };
const ONE: PatternPart = { kind: 'one' };

describe('Sigma string escapes (pySigma SigmaString rules)', () => {
  // Each row: YAML scalar as the rule author writes it → the pattern it means.
  const cases: Array<[string, PatternPart[]]> = [
    ['plain', [lit('plain')]],
    ['*', [ANY]],
    ['a*b?c', [lit('a'), ANY, lit('b'), ONE, lit('c')]],
    ['\\*', [lit('*')]], // \*  → literal star
    ['\\?', [lit('?')]], // \?  → literal question mark
    ['\\\\*', [lit('\\'), ANY]], // \\* → backslash then wildcard
    ['\\\\\\*', [lit('\\*')]], // \\\* → backslash then literal star
    ['C:\\Windows\\', [lit('C:\\Windows\\')]], // trailing backslash is literal
    ['C:\\Windows\\System32', [lit('C:\\Windows\\System32')]], // \W, \S are literal backslashes
    ['\\\\server\\share', [lit('\\server\\share')]], // \\ → one backslash (as in pySigma)
    ['trailing\\', [lit('trailing\\')]],
    // The classic trap: `\*` is an escaped star, so this ends in a literal '*', not a wildcard.
    ['*\\AppData\\*', [ANY, lit('\\AppData*')]],
    ['*\\AppData\\\\*', [ANY, lit('\\AppData\\'), ANY]],
    ['a**b', [lit('a'), ANY, lit('b')]], // runs of * collapse
    ['', []],
  ];
  for (const [input, parts] of cases) {
    it(`${JSON.stringify(input)}`, () => {
      expect(parseSigmaString(input).parts).toEqual(parts);
    });
  }
  it('renders patterns back to Sigma strings that parse to the same pattern', () => {
    for (const [input] of cases) {
      const p = parseSigmaString(input);
      expect(parseSigmaString(toSigmaString(p))).toEqual(p);
    }
    expect(toSigmaString({ parts: [lit('C:\\dir\\'), ANY] })).toBe('C:\\dir\\\\*');
    expect(toSigmaString({ parts: [lit('a*b')] })).toBe('a\\*b');
  });
});

describe('value encodings', () => {
  it('windash expands only dashes that start a word', () => {
    const out = windash(parseSigmaString(' -enc '))!.map((p) => p.parts);
    expect(out).toEqual([[lit(' -enc ')], [lit(' /enc ')], [lit(' \u2013enc ')], [lit(' \u2014enc ')], [lit(' \u2015enc ')]]);
    expect(windash(parseSigmaString('a-b'))!.length).toBe(1);
    expect(windash(parseSigmaString('-a -b'))!.length).toBe(25);
  });
  it('base64offset gives pySigma’s three strings', () => {
    // "ping" at offsets 0/1/2 inside a longer base64 stream.
    expect(base64offset(new TextEncoder().encode('ping'))).toEqual(['cGluZ', 'Bpbm', 'waW5n']);
    expect(base64offset(new TextEncoder().encode('IEX'))).toEqual(['SUVY', 'lFW', 'JRV']);
  });
  it('utf16 variants', () => {
    expect([...utf16('Ab', 'utf16le')]).toEqual([0x41, 0, 0x62, 0]);
    expect([...utf16('Ab', 'utf16be')]).toEqual([0, 0x41, 0, 0x62]);
    expect([...utf16('A', 'utf16')]).toEqual([0xff, 0xfe, 0x41, 0]);
    expect([...utf16('A', 'wide')]).toEqual([0x41, 0]);
  });
});

describe('CIDR parsing', () => {
  it('IPv4 and IPv6, normalising host bits', () => {
    expect(parseCidr('10.0.0.0/8')).toMatchObject({ ok: true, hostBits: false, value: { version: 4, prefix: 8, network: '10.0.0.0' } });
    expect(parseCidr('10.1.2.3/8')).toMatchObject({ ok: true, hostBits: true, value: { cidr: '10.0.0.0/8' } });
    expect(parseCidr('::1/128')).toMatchObject({ ok: true, value: { version: 6, cidr: '::1/128' } });
    expect(parseCidr('fe80::/10')).toMatchObject({ ok: true, value: { version: 6, prefix: 10, network: 'fe80::' } });
    expect(parseCidr('FC00::/7')).toMatchObject({ ok: true, value: { cidr: 'fc00::/7' } });
    expect(parseCidr('::ffff:10.0.0.0/104')).toMatchObject({ ok: true, value: { version: 6, network: '::ffff:a00:0' } });
    expect(parseCidr('192.168.1.1')).toMatchObject({ ok: true, value: { cidr: '192.168.1.1/32' } });
  });
  it('rejects malformed networks', () => {
    for (const bad of ['10.0.0.0/33', '256.0.0.0/8', 'fe80:::1/10', '1:2:3:4:5:6:7:8:9/64', '::/129', '10.0.0/8', 'ten/8', '10.*', '']) {
      expect(parseCidr(bad).ok, bad).toBe(false);
    }
  });
});

describe('timespans', () => {
  it('parses every unit', () => {
    expect(parseTimespan('30s')).toEqual({ ok: true, ms: 30_000 });
    expect(parseTimespan('5m')).toEqual({ ok: true, ms: 300_000 });
    expect(parseTimespan('2h')).toEqual({ ok: true, ms: 7_200_000 });
    expect(parseTimespan('1d')).toEqual({ ok: true, ms: 86_400_000 });
    expect(parseTimespan('1w')).toEqual({ ok: true, ms: 604_800_000 });
    expect(parseTimespan('1M')).toEqual({ ok: true, ms: 30 * 86_400_000 });
    expect(parseTimespan('1y')).toEqual({ ok: true, ms: 365 * 86_400_000 });
  });
  it('refuses what does not parse', () => {
    for (const bad of ['5', '5 minutes', 'm5', '0m', '-1h', '1.5h']) expect(parseTimespan(bad).ok, bad).toBe(false);
  });
});
