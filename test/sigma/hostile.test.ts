/**
 * Hostile rule files: every one must end in a clear finding, never a crash or a hang.
 * (No timing assertions: a hang would show as the test runner's timeout.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRulePaths, loadRuleText } from '../../src/sigma/index.js';
import { parseCondition } from '../../src/sigma/condition.js';

const codes = (text: string): string[] => loadRuleText(text, 'h.yml', { profile: 'sigma' }).findings.map((f) => f.code);
const base = (detection: string): string =>
  `title: t\nlogsource:\n  product: windows\n  category: network_connection\ndetection:\n${detection}`;

describe('hostile rule input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dac-hostile-'));

  it('invalid UTF-8 is reported with its line and column', async () => {
    const f = join(dir, 'bad-utf8.yml');
    writeFileSync(f, Buffer.concat([Buffer.from('title: ok\nlogsource:\n  product: x\ndetection:\n  s:\n    A: "'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n  condition: s\n')]));
    const res = await loadRulePaths([f], { profile: 'sigma' });
    expect(res.findings).toEqual([
      expect.objectContaining({ code: 'FILE_ENCODING', line: 6, column: 9, severity: 'error' }),
    ]);
    expect(res.rules).toEqual([]);
  });

  it('a YAML alias bomb is refused without expanding it', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    const text = `title: bomb\n${lines.join('\n')}\nlogsource:\n  product: windows\ndetection:\n  s:\n    A: *l\n  condition: s\n`;
    const res = loadRuleText(text, 'bomb.yml', { profile: 'sigma' });
    expect(res.rules).toEqual([]);
    expect(res.findings.some((f) => f.severity === 'error')).toBe(true);
  });

  it('a 10 MB file is refused by size before parsing', async () => {
    const f = join(dir, 'huge.yml');
    writeFileSync(f, 'title: huge\n# ' + 'x'.repeat(10 * 1024 * 1024) + '\n');
    const res = await loadRulePaths([f], { profile: 'sigma' });
    expect(res.findings.map((x) => x.code)).toEqual(['FILE_TOO_LARGE']);
  });

  it('__proto__ and constructor keys are ordinary names', () => {
    const res = loadRuleText(base('  __proto__:\n    constructor: x\n  condition: __proto__\n'), 'p.yml', { profile: 'sigma' });
    expect(({} as Record<string, unknown>)['constructor']).toBe(Object);
    expect(res.rules).toHaveLength(1);
    const r = res.rules[0]!;
    expect(r.kind === 'detection' && r.expr).toMatchObject({ type: 'match', field: 'constructor' });
  });

  it('10,000-deep nesting is an error, not a stack overflow', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    expect(codes(`title: deep\nx: ${deep}\n`)).toEqual(['YAML_SYNTAX']);
    const deepMap = Array.from({ length: 10_000 }, (_, i) => ' '.repeat(i) + 'k:').join('\n');
    expect(codes(deepMap).length).toBeGreaterThan(0);
  });

  it('a condition of 100,000 tokens parses (long chains) or is refused (deep parentheses)', () => {
    const ids = 'a or '.repeat(50_000) + 'a';
    const parsed = parseCondition(ids);
    expect(parsed.ok).toBe(true);
    const res = loadRuleText(base(`  a:\n    A: 1\n  condition: ${ids}\n`), 'long.yml', { profile: 'sigma' });
    expect(res.rules).toHaveLength(1);
    const deepParens = '('.repeat(50_000) + 'a' + ')'.repeat(50_000);
    expect(parseCondition(deepParens)).toMatchObject({ ok: false, error: { code: 'COND_TOO_DEEP' } });
    const nots = 'not '.repeat(100_000) + 'a';
    expect(parseCondition(nots).ok).toBe(true);
  });

  it('garbage documents are findings', () => {
    expect(codes('just a string')).toEqual(['DOC_NOT_MAP']);
    expect(codes('- a\n- b')).toEqual(['DOC_NOT_MAP']);
    expect(codes('title: x\nlogsource: 3\ndetection: {}\n')).toContain('SCHEMA_TYPE');
    expect(codes('\u0000\u0001binary')).toEqual(['YAML_SYNTAX']);
  });
});
