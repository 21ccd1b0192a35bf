/** The committed golden outputs equal what the compilers produce now (regenerate with
 *  `npx tsx scripts/update-golden.ts` when a change is intended, and review the diff). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '../../src/ir/types.js';
import { loadRulePaths } from '../../src/sigma/index.js';
import { TARGET_IDS } from '../../src/targets/api.js';
import { goldenFiles } from '../../src/targets/golden.js';

const root = join(import.meta.dirname, '..', '..');
const dir = join(root, 'fixtures', 'golden');

describe('golden outputs', () => {
  let rules: readonly Rule[] = [];
  let files = new Map<string, string>();
  beforeAll(async () => {
    const loaded = await loadRulePaths([join(root, 'rules')], { profile: 'repo', listsDir: join(root, 'lists') });
    rules = loaded.rules;
    files = goldenFiles(rules);
  });

  it('covers every rule file for every target', () => {
    const stems = new Set(rules.map((r) => r.source.file.split('/').pop()!.replace(/\.ya?ml$/, '')));
    expect(stems.size).toBeGreaterThan(0);
    for (const t of TARGET_IDS) {
      for (const s of stems) expect([...files.keys()].some((k) => k.startsWith(`${t}/${s}.`)), `${t}/${s}`).toBe(true);
    }
  });

  it('matches the committed files exactly (and nothing stale is left)', () => {
    const onDisk = new Map<string, string>();
    for (const t of existsSync(dir) ? readdirSync(dir) : []) for (const f of readdirSync(join(dir, t))) onDisk.set(`${t}/${f}`, readFileSync(join(dir, t, f), 'utf8'));
    expect([...onDisk.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [k, v] of files) expect(onDisk.get(k), k).toBe(v);
  });

  it('every single-event rule compiles for the languages that carry single events', () => {
    for (const [k, v] of files) {
      if (!k.endsWith('.error.txt')) continue;
      // Allowed refusals: fields a schema does not carry, correlations on EQL/DSL.
      for (const line of v.trim().split('\n').filter(Boolean)) expect(line, k).toMatch(/UnmappedField|UnsupportedFeature: elastic-(eql|dsl) cannot express \w+ correlation/);
    }
  });
});
