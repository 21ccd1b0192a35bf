/** Shared loading for the content tests: the repository's rules with its lists, compiled once. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadRulePaths } from '../../src/sigma/index.js';
import { compileRules, createEvaluator } from '../../src/engine/index.js';
import { readAllEvents, type CanonicalEvent } from '../../src/logs/index.js';
import type { Rule } from '../../src/ir/types.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const REAL_LOGS = join(ROOT, '..', 'shared', 'real-logs', 'otrf');
export const HAVE_REAL_LOGS = existsSync(REAL_LOGS);

export async function loadRepoRules(): Promise<readonly Rule[]> {
  const r = await loadRulePaths([join(ROOT, 'rules')], { profile: 'repo', listsDir: join(ROOT, 'lists') });
  const errors = r.findings.filter((f) => f.severity === 'error');
  if (errors.length) throw new Error(errors.map((f) => `${f.file}:${f.line} ${f.code} ${f.message}`).join('\n'));
  return r.rules;
}

export async function readEvents(paths: readonly string[]): Promise<CanonicalEvent[]> {
  const out: CanonicalEvent[] = [];
  for await (const e of readAllEvents(paths)) out.push(e);
  return out;
}

export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)])).sort();
}

/** Alerts a user would see: emitted detections and correlation matches, by rule title. */
export function alertsByTitle(rules: readonly Rule[], events: readonly CanonicalEvent[]): Map<string, number> {
  const ev = createEvaluator(compileRules(rules));
  const out = new Map<string, number>();
  const add = (t: string): void => void out.set(t, (out.get(t) ?? 0) + 1);
  for (const e of events) for (const m of ev.push(e)) if (m.emit) add(m.rule.title);
  for (const m of ev.finish()) if (m.emit) add(m.rule.title);
  return out;
}
