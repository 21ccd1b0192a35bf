/**
 * What every language needs to render a correlation: its base rules (resolved from the context),
 * each group-by name as a per-rule field (aliases), the window, and the threshold checks.
 */
import type { CompareOp, CorrelationRule, DetectionRule, Threshold } from '../ir/types.js';
import type { CompileContext } from './api.js';
import { TargetError, unsupported } from './errors.js';

export interface BaseRef {
  readonly key: string;
  readonly rule: DetectionRule;
}

export interface GroupKey {
  /** Output column name (identifier-safe). */
  readonly column: string;
  /** Sysmon field per base rule key. */
  readonly fieldByRule: ReadonlyMap<string, string>;
  /** Same Sysmon field for every rule (no alias in play). */
  readonly common?: string;
}

export function baseRules(rule: CorrelationRule, ctx: CompileContext): BaseRef[] {
  return rule.rules.map((key) => {
    const r = ctx.rulesByKey.get(key);
    if (!r) throw new TargetError('UnknownRule', `correlation references rule '${key}', which is not loaded`, `rules: ${key}`);
    if (r.kind !== 'detection') throw unsupported('correlation of correlations', `rule '${key}' is itself a correlation`);
    return { key, rule: r };
  });
}

/** SEMANTICS.md: a beacon without group-by groups by these (the engine does the same). */
export const BEACON_DEFAULT_GROUP_BY = ['Computer', 'Image', 'DestinationIp', 'DestinationPort'] as const;

export function effectiveGroupBy(rule: CorrelationRule): readonly string[] {
  return rule.type === 'beacon' && rule.groupBy.length === 0 ? BEACON_DEFAULT_GROUP_BY : rule.groupBy;
}

export function groupKeys(rule: CorrelationRule, bases: readonly BaseRef[]): GroupKey[] {
  return effectiveGroupBy(rule).map((g) => {
    const alias = rule.aliases[g];
    const m = new Map<string, string>();
    for (const b of bases) m.set(b.key, alias?.[b.key] ?? g);
    const distinct = new Set(m.values());
    const column = g.replace(/[^A-Za-z0-9_]/g, '_');
    return distinct.size === 1 ? { column, fieldByRule: m, common: [...distinct][0]! } : { column, fieldByRule: m };
  });
}

export const OPS: Readonly<Record<CompareOp, string>> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '==', neq: '!=' };

/** The thresholds to apply: the rule's own, or (temporal types) "all referenced rules seen". */
export function thresholds(rule: CorrelationRule): readonly Threshold[] {
  if (rule.condition.length > 0) return rule.condition;
  if (rule.type === 'temporal' || rule.type === 'temporal_ordered') return [{ op: 'gte', value: rule.rules.length }];
  throw unsupported(`${rule.type} without a condition`, 'a count correlation needs a condition');
}

/** Whole seconds of a span; spans are whole seconds in Sigma (`\d+[smhdwMy]`). */
export function spanSeconds(ms: number): number {
  if (ms <= 0 || ms % 1000 !== 0) throw unsupported(`timespan ${ms}ms`, 'spans must be whole seconds');
  return ms / 1000;
}

/** A KQL/ES|QL-style timespan literal with the largest exact unit. */
export function spanUnits(ms: number): { n: number; unit: 'd' | 'h' | 'm' | 's' } {
  const s = spanSeconds(ms);
  if (s % 86400 === 0) return { n: s / 86400, unit: 'd' };
  if (s % 3600 === 0) return { n: s / 3600, unit: 'h' };
  if (s % 60 === 0) return { n: s / 60, unit: 'm' };
  return { n: s, unit: 's' };
}

/** Correlation types whose statistic no target computes the way the engine does. */
export function refuseApproximate(rule: CorrelationRule, target: string): void {
  if (rule.type === 'value_percentile' || rule.type === 'value_median') {
    throw unsupported(rule.type, `${target}'s percentile functions are estimates (t-digest/approximate); the engine's value is exact`);
  }
}

export function checkTemporalOrdered(rule: CorrelationRule, target: string): void {
  if (rule.type === 'temporal_ordered' && rule.rules.length !== 2) {
    throw unsupported('temporal_ordered with more than two rules', `${target} renders order only for two rules (earliest first-rule event before latest second-rule event)`);
  }
  if (rule.type === 'temporal_ordered' && rule.condition.length > 0) {
    throw unsupported('temporal_ordered with a condition', 'only the default (all rules, in order) is expressible');
  }
}
