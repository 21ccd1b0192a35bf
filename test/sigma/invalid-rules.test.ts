/**
 * Every file in fixtures/invalid-rules/ is broken on purpose. Its header says, by hand, which
 * finding it must produce and where: `# expect: CODE LINE:COL` (several lines allowed) and
 * optionally `# profile: repo`. The test asserts each expected finding exactly and that no
 * other error is reported.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleText } from '../../src/sigma/index.js';

const DIR = join(import.meta.dirname, '../../fixtures/invalid-rules');
const CATALOG = join(import.meta.dirname, 'attack-mini.json');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml')).sort();

describe('fixtures/invalid-rules', () => {
  it('holds at least 30 broken rules', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });
  for (const f of files) {
    it(f, () => {
      const text = readFileSync(join(DIR, f), 'utf8');
      const expects = [...text.matchAll(/^# expect: (\S+) (\d+):(\d+)$/gm)].map((m) => ({
        code: m[1]!,
        line: Number(m[2]),
        column: Number(m[3]),
      }));
      expect(expects.length).toBeGreaterThan(0);
      const profile = /^# profile: repo$/m.test(text) ? 'repo' : 'sigma';
      const res = loadRuleText(text, f, { profile, attackCatalog: CATALOG });
      const errors = res.findings.filter((x) => x.severity === 'error' || expects.some((e) => e.code === x.code));
      const got = errors.map((x) => ({ code: x.code, line: x.line, column: x.column }));
      expect(got).toEqual(expects);
      for (const e of errors) expect(e.file).toBe(f);
    });
  }
});
