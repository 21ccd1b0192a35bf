import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { filesUnder, loadRepoRules, ROOT } from './helpers.js';

describe('rule content', async () => {
  const rules = await loadRepoRules();

  it('every rule declares a positive and a near-miss fixture that exist', () => {
    for (const r of rules) {
      const fx = r.tests?.fixtures ?? [];
      expect(fx.some((f) => f.expect > 0), r.title).toBe(true);
      expect(fx.some((f) => f.expect === 0), r.title).toBe(true);
      for (const f of fx) expect(existsSync(resolve(dirname(r.source.file), f.path)), `${r.title}: ${f.path}`).toBe(true);
    }
  });

  it('every fixture file is used by some rule', () => {
    const used = new Set(rules.flatMap((r) => (r.tests?.fixtures ?? []).map((f) => resolve(dirname(r.source.file), f.path))));
    const unused = filesUnder(join(ROOT, 'fixtures', 'rules')).filter((f) => !used.has(f));
    expect(unused.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('fixtures come in at least three formats', () => {
    const files = filesUnder(join(ROOT, 'fixtures', 'rules')).map((f) => f.replace(/\.gz$/, ''));
    const kinds = new Set(files.map((f) => (f.endsWith('.ecs.ndjson') ? 'ecs' : f.endsWith('.flat.jsonl') ? 'flat' : f.endsWith('.xml') ? 'xml' : 'other')));
    expect([...kinds].sort()).toEqual(['ecs', 'flat', 'xml']);
  });

  it('every detection rule has ATT&CK tactic and technique tags and a level', () => {
    expect(readdirSync(join(ROOT, 'rules', 'network_connection')).length).toBeGreaterThanOrEqual(30);
    for (const r of rules) {
      expect(r.tags.some((t) => /^attack\.t\d{4}/.test(t)), r.title).toBe(true);
      expect(r.tags.some((t) => /^attack\.[a-z-]+$/.test(t) && !/^attack\.t\d/.test(t)), r.title).toBe(true);
      expect(r.level, r.title).toBeDefined();
    }
  });
});
