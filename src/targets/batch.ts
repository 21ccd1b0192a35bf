/** Compile many rules for many targets (used by `dac compile`, golden files and tests). */
import type { CorrelationRule, DetectionRule, Rule } from '../ir/types.js';
import type { CompileResult, TargetId } from './api.js';
import { compileRule, ruleKey } from './index.js';
import type { Pipeline } from './pipeline.js';

export interface BatchItem {
  readonly file: string;
  readonly rule: DetectionRule | CorrelationRule;
  readonly target: TargetId;
  readonly result: CompileResult;
}

/** Map of rule key → rule (id, and name when present) for correlations to find their bases. */
export function rulesByKey(rules: readonly Rule[]): Map<string, DetectionRule | CorrelationRule> {
  const m = new Map<string, DetectionRule | CorrelationRule>();
  for (const r of rules) {
    if (r.kind === 'filter') continue;
    if (r.id) m.set(r.id, r);
    if (r.name) m.set(r.name, r);
    if (!r.id && !r.name) m.set(r.title, r);
  }
  return m;
}

/** Compiles every detection and correlation rule (filters are applied by the front end). */
export function compileAll(
  rules: readonly Rule[],
  targets: readonly TargetId[],
  opts: { readonly pipeline?: Pipeline; readonly validate?: boolean } = {},
): BatchItem[] {
  const byKey = rulesByKey(rules);
  const out: BatchItem[] = [];
  for (const rule of rules) {
    if (rule.kind === 'filter') continue;
    for (const target of targets) {
      const result = compileRule(rule, target, {
        rulesByKey: byKey,
        ...(opts.pipeline ? { pipeline: opts.pipeline } : {}),
        ...(opts.validate ? { validate: true } : {}),
      });
      out.push({ file: rule.source.file, rule, target, result });
    }
  }
  return out;
}

export { ruleKey };
