/**
 * Public API of src/targets: compile an IR rule for a target through a field pipeline.
 *
 *   compileRule(rule, 'sentinel', { rulesByKey })            // default pipeline of the target
 *   compileRule(rule, 'splunk', { rulesByKey, pipeline: loadPipeline('my-splunk.yml') })
 *
 * Never throws for a rule that cannot be compiled: the result carries a named error
 * (UnsupportedFeature, UnmappedField, UnmappedValue, UnsupportedRegex, TypeMismatch, …).
 */
import type { CorrelationRule, DetectionRule } from '../ir/types.js';
import type { CompileContext, CompileResult, CompiledQuery, TargetId } from './api.js';
import { TARGET_IDS } from './api.js';
import { baseRules } from './correlation.js';
import { DslCompiler } from './dsl.js';
import { EqlCompiler } from './eql.js';
import { TargetError, unsupported } from './errors.js';
import { EsqlCompiler } from './esql.js';
import { KqlCompiler } from './kql.js';
import { checkLogsource } from './logsource.js';
import { TARGETS } from './meta.js';
import { defaultPipeline, type Pipeline } from './pipeline.js';
import { SplCompiler } from './spl.js';
import { validateQuery } from './validate/index.js';

export * from './api.js';
export { TARGETS, type TargetInfo } from './meta.js';
export { loadPipeline, parsePipeline, defaultPipeline, PipelineError, PIPELINES_DIR, type Pipeline } from './pipeline.js';
export { TargetError, type TargetErrorCode } from './errors.js';
export { validateQuery, type ValidationResult } from './validate/index.js';

export function ruleKey(rule: DetectionRule | CorrelationRule): string {
  return rule.id ?? rule.name ?? rule.title;
}

export function isTargetId(s: string): s is TargetId {
  return (TARGET_IDS as readonly string[]).includes(s);
}

function render(rule: DetectionRule | CorrelationRule, target: TargetId, ctx: CompileContext, p: Pipeline): string {
  if (!p.targets.includes(target)) {
    throw new TargetError('PipelineMismatch', `pipeline '${p.name}' (${p.path}) is for ${p.targets.join(', ')}, not ${target}`);
  }
  // A rule about other events (dns_query, process_creation, …) must not become an Event 3 query.
  if (rule.kind === 'detection') checkLogsource(rule, p);
  else for (const b of baseRules(rule, ctx)) checkLogsource(b.rule, p);
  const info = TARGETS[target];
  switch (info.language) {
    case 'kql': {
      const c = new KqlCompiler(p, target);
      return rule.kind === 'detection' ? c.detection(rule) : c.correlation(rule, ctx);
    }
    case 'spl': {
      const c = new SplCompiler(p, target);
      return rule.kind === 'detection' ? c.detection(rule) : c.correlation(rule, ctx);
    }
    case 'eql': {
      const c = new EqlCompiler(p, target);
      return rule.kind === 'detection' ? c.detection(rule) : c.correlation(rule, ctx);
    }
    case 'esql': {
      const c = new EsqlCompiler(p, target);
      return rule.kind === 'detection' ? c.detection(rule) : c.correlation(rule, ctx);
    }
    case 'dsl': {
      if (rule.kind !== 'detection') throw unsupported(`${rule.type} correlation`, 'Query DSL is a single-event query; use elastic-esql for correlations');
      return JSON.stringify(new DslCompiler(p, target).detection(rule), null, 2);
    }
  }
}

/** Compiles one rule for one target; the result is a query or a named error. */
export function compileRule(
  rule: DetectionRule | CorrelationRule,
  target: TargetId,
  ctx: CompileContext & { readonly pipeline?: Pipeline; readonly validate?: boolean },
): CompileResult {
  const key = ruleKey(rule);
  try {
    const p = ctx.pipeline ?? defaultPipeline(target);
    const query = render(rule, target, ctx, p);
    const info = TARGETS[target];
    if (ctx.validate) {
      const v = validateQuery(info.language, query, p);
      if (!v.ok) throw new TargetError('ValidationFailed', `generated query failed ${v.depth} validation: ${v.problems.join('; ')}`);
    }
    const value: CompiledQuery = { target, language: info.language, ruleKey: key, query, extension: info.extension };
    return { ok: true, value };
  } catch (err) {
    if (err instanceof TargetError) {
      return {
        ok: false,
        error: { code: err.code, message: `${err.code}: ${target} ${err.message} (rule ${key})`, target, ruleKey: key, ...(err.construct ? { construct: err.construct } : {}) },
      };
    }
    throw err;
  }
}
