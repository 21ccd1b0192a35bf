/**
 * Rule tests: replay every rule's declared fixtures (`tests.fixtures`, paths relative to the rule
 * file) and the benign baseline corpus through the reference engine, and compare match counts.
 *
 * Counting: a detection rule counts matching events; a correlation counts alerts (group ×
 * window). Each fixture file is read and evaluated once against the whole rule set (so
 * correlations see their base rules), then each rule looks up its own count.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Rule } from '../ir/types.js';
import { compileRules, createEvaluator, type EngineProblem, type RuleSet } from '../engine/index.js';
import { readEvents, type ReadError } from '../logs/read.js';
import type { LogFormat } from '../logs/detect.js';
import type { Finding, LoadOptions } from '../sigma/api.js';
import type { CanonicalEvent } from '../logs/event.js';
import { deriveFilter, passesFilter } from '../sysmon-config/index.js';
import { loadRulePaths } from '../sigma/index.js';

export interface FixtureResult {
  readonly ruleKey: string;
  readonly title: string;
  readonly ruleFile: string;
  /** Fixture path (relative to cwd), or `baseline` for the baseline corpus. */
  readonly fixture: string;
  readonly expected: number;
  readonly actual: number;
  readonly pass: boolean;
  /** Why it failed beyond a count mismatch (unreadable fixture, bad records). */
  readonly error?: string;
}

export interface RuleTestReport {
  readonly results: readonly FixtureResult[];
  readonly findings: readonly Finding[];
  readonly engineProblems: readonly EngineProblem[];
  readonly rules: number;
  /** Rules of the repo profile that declare no fixtures (reported as failures). */
  readonly baselineFiles: readonly string[];
  readonly baselineEvents: number;
}

export interface RuleTestOptions {
  readonly rulePaths: readonly string[];
  readonly load: LoadOptions;
  /** Folder (or file) of benign logs every rule must stay silent on unless it says otherwise. */
  readonly baseline?: string;
  /** Only rules whose key or title contains this. */
  readonly only?: string;
  /** Paths in the report are made relative to this folder. */
  readonly cwd: string;
}

interface Counts {
  readonly byRule: Map<string, number>;
  /** Events each rule matched (for correlations: the contributing events kept by the engine). */
  readonly matched: Map<string, CanonicalEvent[]>;
  readonly events: number;
  readonly errors: ReadError[];
}

const keyOf = (r: Rule): string => r.id ?? r.name ?? r.title;

/** Reads files and counts matches per rule key over all of them together. */
async function evaluate(rs: RuleSet, files: readonly string[], format?: string): Promise<Counts> {
  const ev = createEvaluator(rs);
  const byRule = new Map<string, number>();
  const matched = new Map<string, CanonicalEvent[]>();
  const keep = (key: string, evs: readonly CanonicalEvent[]): void => {
    const list = matched.get(key);
    if (list) list.push(...evs);
    else matched.set(key, [...evs]);
  };
  const errors: ReadError[] = [];
  let events = 0;
  for (const f of files) {
    try {
      for await (const e of readEvents(f, { ...(format ? { format: format as LogFormat } : {}), onError: (x) => errors.push(x) })) {
        events++;
        for (const m of ev.push(e)) {
          byRule.set(m.ruleKey, (byRule.get(m.ruleKey) ?? 0) + 1);
          keep(m.ruleKey, [m.event]);
        }
      }
    } catch (e) {
      errors.push({ file: f, message: e instanceof Error ? e.message : String(e) });
    }
  }
  for (const m of ev.finish()) {
    byRule.set(m.ruleKey, (byRule.get(m.ruleKey) ?? 0) + 1);
    keep(m.ruleKey, m.events);
  }
  return { byRule, matched, events, errors };
}

function listLogFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  const out: string[] = [];
  for (const e of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(path, e.name);
    if (e.isDirectory()) out.push(...listLogFiles(p));
    else if (e.isFile() && !/\.(md|txt|ya?ml|ts|js)$/i.test(e.name)) out.push(p);
  }
  return out;
}

export async function runRuleTests(opts: RuleTestOptions): Promise<RuleTestReport> {
  const loaded = await loadRulePaths(opts.rulePaths, opts.load);
  const rs = compileRules(loaded.rules, { keepAllBeaconEvents: true });
  const rel = (p: string): string => relative(opts.cwd, p) || p;
  const results: FixtureResult[] = [];
  const cache = new Map<string, Promise<Counts>>();
  const countsFor = (file: string, format?: string): Promise<Counts> => {
    const k = `${format ?? ''}\u0000${file}`;
    let c = cache.get(k);
    if (!c) cache.set(k, (c = evaluate(rs, [file], format)));
    return c;
  };
  const selected = loaded.rules.filter(
    (r) => r.kind !== 'filter' && (!opts.only || keyOf(r).includes(opts.only) || r.title.includes(opts.only)),
  );
  const byKey = new Map(loaded.rules.map((r) => [keyOf(r), r] as const));
  /** The rule with the base rules it needs (correlations reach theirs recursively). */
  const withBases = (r: Rule, acc: Set<Rule> = new Set()): Set<Rule> => {
    if (acc.has(r)) return acc;
    acc.add(r);
    if (r.kind === 'correlation') for (const k of r.rules) {
      const b = byKey.get(k);
      if (b) withBases(b, acc);
    }
    return acc;
  };
  const filterFor = (r: Rule): ReturnType<typeof deriveFilter> => deriveFilter([...withBases(r)]);
  // Base rules of correlations are proven through the correlation's fixtures.
  const baseRules = new Set(loaded.rules.flatMap((r) => (r.kind === 'correlation' ? r.rules : [])));
  for (const r of selected) {
    const key = keyOf(r);
    const base = { ruleKey: key, title: r.title, ruleFile: rel(r.source.file) };
    if (!r.tests) {
      if (opts.load.profile === 'repo' && !baseRules.has(key)) {
        results.push({ ...base, fixture: '(none)', expected: 1, actual: 0, pass: false, error: 'the rule declares no fixtures (tests.fixtures)' });
      }
      continue;
    }
    for (const fx of r.tests.fixtures) {
      const path = resolve(dirname(r.source.file), fx.path);
      if (!existsSync(path)) {
        results.push({ ...base, fixture: rel(path), expected: fx.expect, actual: 0, pass: false, error: `fixture not found: ${rel(path)}` });
        continue;
      }
      const counts = await countsFor(path, fx.format);
      const actual = counts.byRule.get(key) ?? 0;
      const error = counts.errors.length
        ? `${counts.errors.length} unreadable record(s), first: ${counts.errors[0]!.line ?? counts.errors[0]!.record ?? ''} ${counts.errors[0]!.message}`
        : counts.events === 0
          ? 'the fixture holds no events'
          : undefined;
      results.push({
        ...base,
        fixture: rel(path),
        expected: fx.expect,
        actual,
        pass: actual === fx.expect && !error,
        ...(error ? { error } : {}),
      });
      // The Sysmon config `dac sysmon-config` derives for this rule must keep what it matched.
      if (fx.expect > 0) {
        const filter = filterFor(r);
        const hit = counts.matched.get(key) ?? [];
        const kept = hit.filter((e) => passesFilter(filter, e)).length;
        results.push({
          ...base,
          fixture: `[sysmon-config${filter.collectAll ? ', collects all' : ''}] ${rel(path)}`,
          expected: hit.length,
          actual: kept,
          pass: kept === hit.length,
          ...(kept === hit.length ? {} : { error: `the derived Sysmon filter drops ${hit.length - kept} matched event(s)` }),
        });
      }
    }
  }
  let baselineFiles: string[] = [];
  let baselineEvents = 0;
  if (opts.baseline) {
    baselineFiles = listLogFiles(opts.baseline);
    if (baselineFiles.length) {
      const counts = await evaluate(rs, baselineFiles);
      baselineEvents = counts.events;
      for (const r of selected) {
        const key = keyOf(r);
        const expected = r.tests?.baseline ?? 0;
        const actual = counts.byRule.get(key) ?? 0;
        results.push({
          ruleKey: key,
          title: r.title,
          ruleFile: rel(r.source.file),
          fixture: 'baseline',
          expected,
          actual,
          pass: actual === expected && counts.errors.length === 0,
          ...(counts.errors.length ? { error: `baseline has ${counts.errors.length} unreadable record(s)` } : {}),
        });
      }
    }
  }
  return {
    results,
    findings: loaded.findings,
    engineProblems: rs.problems,
    rules: selected.length,
    baselineFiles: baselineFiles.map(rel),
    baselineEvents,
  };
}
