/**
 * Loads a folder of public Sigma rules (e.g. a SigmaHQ checkout) with the `sigma` profile and
 * prints every error grouped by code, plus counts and time taken. Used to prove that the front
 * end accepts everything the specification allows; the rules themselves are never committed.
 *
 *   npx tsx scripts/sigmahq-check.ts /tmp/sigmahq [--warnings] [--placeholder name=v1,v2]…
 *
 * Exit status: 0 when no file has an error, 1 otherwise, 2 for usage errors.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, relative, resolve, sep } from 'node:path';
import { loadRulePaths, type Finding } from '../src/sigma/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const paths: string[] = [];
const placeholders: Record<string, string[]> = {};
let showWarnings = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--warnings') showWarnings = true;
  else if (a === '--placeholder') {
    const spec = args[++i] ?? '';
    const eq = spec.indexOf('=');
    if (eq < 1) {
      console.error(`--placeholder needs name=value[,value…], got ${JSON.stringify(spec)}`);
      process.exit(2);
    }
    placeholders[spec.slice(0, eq)] = spec.slice(eq + 1).split(',');
  } else if (a.startsWith('-')) {
    console.error(`unknown option ${a}`);
    process.exit(2);
  } else paths.push(a);
}
if (paths.length === 0) {
  console.error('usage: npx tsx scripts/sigmahq-check.ts DIR… [--warnings] [--placeholder name=v1,v2]');
  process.exit(2);
}

const catalog = resolve(here, '../../shared/data/attack-enterprise.json');
const t0 = performance.now();
const res = await loadRulePaths(paths, {
  profile: 'sigma',
  ...(existsSync(catalog) ? { attackCatalog: catalog } : {}),
  ...(Object.keys(placeholders).length ? { placeholders } : {}),
});
const ms = performance.now() - t0;

function group(list: readonly Finding[]): Map<string, Finding[]> {
  const by = new Map<string, Finding[]>();
  for (const f of list) {
    const g = by.get(f.code) ?? [];
    g.push(f);
    by.set(f.code, g);
  }
  return new Map([...by].sort((a, b) => b[1].length - a[1].length));
}

const errors = res.findings.filter((f) => f.severity === 'error');
const warnings = res.findings.filter((f) => f.severity === 'warning');
const print = (title: string, list: readonly Finding[], limit: number): void => {
  for (const [code, fs] of group(list)) {
    console.log(`\n${title} ${code} (${fs.length})`);
    for (const f of fs.slice(0, limit)) console.log(`  ${f.file}:${f.line}:${f.column}: ${f.message}`);
    if (fs.length > limit) console.log(`  … ${fs.length - limit} more`);
  }
};
print('error', errors, 1000);
if (showWarnings) print('warning', warnings, 20);
else {
  const counts = [...group(warnings)].map(([c, fs]) => `${c}=${fs.length}`).join(' ');
  if (counts) console.log(`\nwarnings by code: ${counts}`);
}
const badFiles = new Set(errors.map((f) => f.file));

// Files and files with errors per top folder (rules, rules-emerging-threats, deprecated, …) under each path.
function ruleFiles(p: string): string[] {
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? ruleFiles(resolve(p, e.name)) : /\.ya?ml$/i.test(e.name) ? [resolve(p, e.name)] : [],
  );
}
const perFolder = new Map<string, { files: number; bad: number }>();
const bad = new Set([...badFiles].map((f) => resolve(f)));
for (const root of paths) {
  for (const f of ruleFiles(resolve(root))) {
    const rel = relative(resolve(root), f);
    const top = rel.includes(sep) ? rel.slice(0, rel.indexOf(sep)) : '.';
    const c = perFolder.get(top) ?? { files: 0, bad: 0 };
    c.files++;
    if (bad.has(f)) c.bad++;
    perFolder.set(top, c);
  }
}
console.log('\nper folder (files / files with errors):');
for (const [top, c] of [...perFolder].sort((a, b) => a[0].localeCompare(b[0]))) console.log(`  ${top}: ${c.files} / ${c.bad}`);
console.log(
  `\nfiles: ${res.files}, documents: ${res.documents}, rules loaded: ${res.rules.length}, ` +
    `files with errors: ${badFiles.size}, errors: ${errors.length}, warnings: ${warnings.length}, ` +
    `time: ${ms.toFixed(0)} ms`,
);
process.exit(errors.length ? 1 : 0);
