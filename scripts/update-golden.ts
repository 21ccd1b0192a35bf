/**
 * Regenerates fixtures/golden/<target>/<rule-file-stem>.<ext> from rules/ (every target, with
 * validation). Run: npx tsx scripts/update-golden.ts
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRulePaths } from '../src/sigma/index.js';
import { goldenFiles } from '../src/targets/golden.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'fixtures', 'golden');
const loaded = await loadRulePaths([join(root, 'rules')], { profile: 'repo', listsDir: join(root, 'lists') });
const errors = loaded.findings.filter((f) => f.severity === 'error');
if (errors.length) {
  for (const f of errors) process.stderr.write(`${f.file}:${f.line}:${f.column}: ${f.code} ${f.message}\n`);
  process.stderr.write('rules have load errors; golden files not written\n');
  process.exit(1);
}
const files = goldenFiles(loaded.rules);
rmSync(dir, { recursive: true, force: true });
for (const [rel, text] of files) {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
}
const count = readdirSync(dir).reduce((n, t) => n + readdirSync(join(dir, t)).length, 0);
process.stdout.write(`${loaded.rules.length} rule(s) → ${count} golden file(s) in fixtures/golden/\n`);
