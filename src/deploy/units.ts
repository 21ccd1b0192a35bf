/**
 * A deploy unit: one rule, its resolved settings, its ATT&CK mapping and the compiled query for
 * each SIEM it goes to. Everything downstream (artifacts, plans) works from units.
 */
import type { CorrelationRule, DeployTarget, DetectionRule, Rule } from '../ir/types.js';
import type { CompileResult, CompiledQuery, TargetId } from '../targets/api.js';
import { mapAttackTags, type AttackCatalog, type AttackMapping } from './attack.js';
import { ENTITIES } from './entities.js';
import { resolveSettings, ruleKey, type DeployIssue, type ResolvedSettings } from './settings.js';

export type DeployableRule = DetectionRule | CorrelationRule;

export interface DeployUnit {
  readonly key: string;
  readonly rule: DeployableRule;
  readonly settings: ResolvedSettings;
  readonly attack: AttackMapping;
  /** Compiled queries for the SIEMs this rule deploys to (missing = failed or not targeted). */
  readonly queries: Readonly<Partial<Record<DeployTarget, CompiledQuery>>>;
  /**
   * SIEMs this rule should reach but cannot (compile or settings error). Deploy reports them as
   * failed and never prunes their remote copy: a broken edit must not delete a working rule.
   */
  readonly failed: Readonly<Partial<Record<DeployTarget, string>>>;
}

/** The compiler entry point (src/targets `compileRule` bound to a context), injectable for tests. */
export type CompileFn = (rule: DeployableRule, target: TargetId) => CompileResult;

export interface PrepareOptions {
  readonly catalog?: AttackCatalog;
  /** Which query target feeds each SIEM (defaults: sentinel, splunk, elastic-eql / elastic-esql). */
  readonly sentinelTarget?: TargetId;
  readonly splunkTarget?: TargetId;
  /** Only these SIEMs (default all). */
  readonly only?: readonly DeployTarget[];
}

export interface Prepared {
  readonly units: readonly DeployUnit[];
  readonly issues: readonly DeployIssue[];
  /** Rules not deployed on their own, with the reason (e.g. a correlation's `generate: false`). */
  readonly skipped: ReadonlyArray<{ readonly key: string; readonly reason: string }>;
}

/** EQL for single-event rules; correlations and beacons need ES|QL's STATS. */
export function queryTargetFor(siem: DeployTarget, rule: DeployableRule, opts: PrepareOptions = {}): TargetId {
  if (siem === 'sentinel') return opts.sentinelTarget ?? 'sentinel';
  if (siem === 'splunk') return opts.splunkTarget ?? 'splunk';
  return rule.kind === 'correlation' ? 'elastic-esql' : 'elastic-eql';
}

export function prepareUnits(rules: readonly Rule[], compile: CompileFn, opts: PrepareOptions = {}): Prepared {
  const units: DeployUnit[] = [];
  const issues: DeployIssue[] = [];
  const skipped: Array<{ key: string; reason: string }> = [];

  // Sigma: rules referenced by a correlation are not output on their own unless it says `generate: true`.
  const hidden = new Map<string, string>();
  const shown = new Set<string>();
  for (const r of rules) {
    if (r.kind !== 'correlation') continue;
    for (const ref of r.rules) {
      if (r.generate) shown.add(ref);
      else if (!hidden.has(ref)) hidden.set(ref, ruleKey(r));
    }
  }

  for (const rule of rules) {
    if (rule.kind === 'filter') continue; // filters are folded into their rules by the front end
    const key = ruleKey(rule);
    const by = hidden.get(key) ?? (rule.name ? hidden.get(rule.name) : undefined);
    if (by !== undefined && !shown.has(key) && !(rule.name && shown.has(rule.name))) {
      skipped.push({ key, reason: `referenced by correlation ${by} (generate: false)` });
      continue;
    }
    const { settings, issues: own } = resolveSettings(rule);
    const targets = settings.targets.filter((t) => !opts.only || opts.only.includes(t));
    const queries: Partial<Record<DeployTarget, CompiledQuery>> = {};
    const failed: Partial<Record<DeployTarget, string>> = {};
    const where = { ruleKey: key, file: rule.source.file, line: rule.source.line, column: rule.source.column };
    const relevant = own.filter((i) => i.target === undefined || targets.includes(i.target));
    issues.push(...relevant);
    if (rule.kind === 'correlation') {
      // A correlation's output has only its group-by columns: entities must come from them.
      for (const e of settings.entities) {
        const def = ENTITIES[e];
        if (def && !rule.groupBy.includes(def.sysmonField)) {
          const i: DeployIssue = {
            ...where, severity: 'error', code: 'DEPLOY_ENTITY_NOT_IN_OUTPUT',
            message: `entity '${e}' needs column ${def.sysmonField}, which the correlation does not group by (group-by: ${rule.groupBy.join(', ') || 'none'})`,
          };
          issues.push(i);
          relevant.push(i);
        }
      }
    }
    for (const siem of targets) {
      const blocking = relevant.find((i) => i.severity === 'error' && (i.target === undefined || i.target === siem));
      if (blocking) {
        failed[siem] = `${blocking.code}: ${blocking.message}`;
        continue;
      }
      const res = compile(rule, queryTargetFor(siem, rule, opts));
      if (!res.ok) {
        const message = `${res.error.target}: ${res.error.message}`;
        issues.push({ ...where, severity: 'error', code: res.error.code, target: siem, message });
        failed[siem] = `${res.error.code}: ${message}`;
        continue;
      }
      queries[siem] = res.value;
    }
    units.push({ key, rule, settings: { ...settings, targets }, attack: mapAttackTags(rule.tags, opts.catalog), queries, failed });
  }
  return { units, issues, skipped };
}
