/**
 * Golden outputs: the compiled form of every repository rule for every target, as files
 * fixtures/golden/<target>/<rule-file-stem>.<ext> (a failure as <stem>.error.txt with its named
 * code), so a pull request shows query diffs next to rule diffs. scripts/update-golden.ts writes
 * them; test/targets/golden.test.ts compares.
 */
import { basename, extname } from 'node:path';
import type { Rule } from '../ir/types.js';
import { TARGET_IDS } from './api.js';
import { compileAll, ruleKey } from './batch.js';
import { TARGETS } from './meta.js';

/** Relative path (under fixtures/golden) → content. */
export function goldenFiles(rules: readonly Rule[]): Map<string, string> {
  const out = new Map<string, string[]>();
  for (const it of compileAll(rules, TARGET_IDS, { validate: true })) {
    const stem = basename(it.file, extname(it.file));
    const path = it.result.ok ? `${it.target}/${stem}.${TARGETS[it.target].extension}` : `${it.target}/${stem}.error.txt`;
    const text = it.result.ok
      ? `// ${ruleKey(it.rule)} ${it.rule.title}\n${it.result.value.query}`
      : `${ruleKey(it.rule)} ${it.result.error.message}`;
    const prev = out.get(path) ?? [];
    prev.push(text);
    out.set(path, prev);
  }
  // DSL files are JSON: keep them parseable (the rule key goes in a wrapper, not a comment).
  const files = new Map<string, string>();
  for (const [path, parts] of out) {
    if (path.endsWith('.json')) {
      files.set(path, parts.map((p) => p.replace(/^\/\/ .*\n/, '')).join('\n') + '\n');
    } else files.set(path, parts.join('\n\n') + '\n');
  }
  return files;
}
