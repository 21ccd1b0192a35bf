/**
 * `dac diff --base REF`: rules added, changed and removed since a git ref, with the diff of each
 * compiled query per target, rendered through handlebars (markdown for a PR comment or the job
 * summary) or as JSON. Old rule files are read with `git show REF:path`; nothing is checked out.
 */
import { execFileSync } from 'node:child_process';
import type { Rule } from '../ir/types.js';
import { findRuleFiles, loadRuleTexts } from '../sigma/index.js';
import { compileRule } from '../targets/index.js';
import { TARGET_IDS, type TargetId } from '../targets/api.js';
import { formatDiff, lineDiff } from './linediff.js';
import { compileContext } from './pipeline.js';
import { render } from './templates.js';
import { relative, resolve } from 'node:path';

export interface TargetDiff {
  readonly target: TargetId;
  /** Unified-style lines (`+ `, `- `, `  `), or the error text when a side fails to compile. */
  readonly diff: string;
  readonly before?: string;
  readonly after?: string;
}

export interface RuleChange {
  readonly status: 'added' | 'changed' | 'removed';
  readonly key: string;
  readonly title: string;
  readonly file: string;
  /** Targets whose compiled query differs (all compiled targets for added/removed). */
  readonly targets: readonly TargetDiff[];
}

export interface DiffReport {
  readonly base: string;
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly unchanged: number;
  readonly rules: readonly RuleChange[];
}

function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A ref that git knows, and that cannot be read as an option. */
export function checkRef(cwd: string, ref: string): string | undefined {
  if (ref.startsWith('-') || /[\s\0]/.test(ref)) return `not a git ref: ${ref}`;
  try {
    git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return undefined;
  } catch {
    return `git does not know the ref '${ref}' (fetch it first, e.g. actions/checkout with fetch-depth: 0)`;
  }
}

function compiledAll(rules: readonly Rule[]): Map<string, { rule: Rule; queries: Map<TargetId, string> }> {
  const ctx = { rulesByKey: compileContext(rules) };
  const out = new Map<string, { rule: Rule; queries: Map<TargetId, string> }>();
  for (const r of rules) {
    if (r.kind === 'filter') continue;
    const queries = new Map<TargetId, string>();
    for (const t of TARGET_IDS) {
      const res = compileRule(r, t, ctx);
      queries.set(t, res.ok ? res.value.query : `(does not compile: ${res.error.code})`);
    }
    out.set(r.id ?? r.name ?? r.title, { rule: r, queries });
  }
  return out;
}

export interface DiffOptions {
  readonly cwd: string;
  readonly base: string;
  /** Rule folders relative to the repository root (default rules). */
  readonly paths?: readonly string[];
  readonly listsDir?: string;
}

export async function diffRules(o: DiffOptions): Promise<DiffReport> {
  const root = git(o.cwd, ['rev-parse', '--show-toplevel']).trim();
  const paths = o.paths ?? ['rules'];
  const load = { profile: 'sigma' as const, ...(o.listsDir ? { listsDir: o.listsDir } : {}) };

  // Before: the files under the same folders at the base ref.
  const names = git(root, ['ls-tree', '-r', '--name-only', o.base, '--', ...paths.map((p) => relative(root, resolve(o.cwd, p)) || '.')])
    .split('\n').filter((f) => /\.ya?ml$/i.test(f));
  const oldSources = names.map((f) => ({ file: f, text: git(root, ['show', `${o.base}:${f}`]) }));
  const before = compiledAll(loadRuleTexts(oldSources, load).rules);

  // After: the working tree.
  const { files } = findRuleFiles(paths.map((p) => resolve(o.cwd, p)));
  const { readFileSync } = await import('node:fs');
  const newSources = files.map((f) => ({ file: relative(root, f), text: readFileSync(f, 'utf8') }));
  const after = compiledAll(loadRuleTexts(newSources, load).rules);

  const rules: RuleChange[] = [];
  let unchanged = 0;
  for (const [key, a] of after) {
    const b = before.get(key);
    const targets: TargetDiff[] = [];
    for (const t of TARGET_IDS) {
      const q1 = b?.queries.get(t) ?? '';
      const q2 = a.queries.get(t) ?? '';
      if (q1 !== q2) targets.push({ target: t, diff: formatDiff(lineDiff(q1, q2)), ...(b ? { before: q1 } : {}), after: q2 });
    }
    const metaChanged = b !== undefined && JSON.stringify(b.rule.raw) !== JSON.stringify(a.rule.raw);
    if (!b) rules.push({ status: 'added', key, title: a.rule.title, file: a.rule.source.file, targets });
    else if (targets.length > 0 || metaChanged) rules.push({ status: 'changed', key, title: a.rule.title, file: a.rule.source.file, targets });
    else unchanged++;
  }
  for (const [key, b] of before) {
    if (after.has(key)) continue;
    rules.push({
      status: 'removed', key, title: b.rule.title, file: b.rule.source.file,
      targets: TARGET_IDS.map((t) => ({ target: t, diff: formatDiff(lineDiff(b.queries.get(t) ?? '', '')), before: b.queries.get(t) ?? '' })),
    });
  }
  const order = { removed: 0, changed: 1, added: 2 } as const;
  rules.sort((x, y) => order[x.status] - order[y.status] || x.file.localeCompare(y.file));
  return {
    base: o.base,
    added: rules.filter((r) => r.status === 'added').length,
    changed: rules.filter((r) => r.status === 'changed').length,
    removed: rules.filter((r) => r.status === 'removed').length,
    unchanged,
    rules,
  };
}

export function renderDiffMarkdown(report: DiffReport): string {
  return render('diff/summary.md.hbs', report);
}
