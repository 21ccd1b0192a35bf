import type { Expr, Rule } from '../../src/ir/types.js';
import type { CanonicalEvent, FieldValue } from '../../src/logs/event.js';
import { compileRules, createEvaluator } from '../../src/engine/index.js';
import { detection, ev } from './build.js';

/** Does this expression (as a network_connection rule) match an event with these fields? */
export function matches(expr: Expr, fields: Record<string, FieldValue> | CanonicalEvent): boolean {
  const e = 'fields' in fields && 'source' in fields ? (fields as CanonicalEvent) : ev(fields as Record<string, FieldValue>);
  // Both evaluation paths (generated functions and closures) must agree on every case.
  const results = [true, false].map((codegen) => {
    const rs = compileRules([detection(expr)], { codegen });
    if (rs.problems.some((p) => p.severity === 'error')) throw new Error(rs.problems.map((p) => p.message).join('; '));
    return createEvaluator(rs).push(e).length === 1;
  });
  if (results[0] !== results[1]) throw new Error(`generated code says ${results[0]}, closures say ${results[1]}`);
  return results[0]!;
}

export function run(rules: Rule[], events: CanonicalEvent[]) {
  const rs = compileRules(rules);
  const evaluator = createEvaluator(rs);
  const detections = events.flatMap((e) => [...evaluator.push(e)]);
  const correlations = evaluator.finish();
  return { rs, detections, correlations, stats: evaluator.stats };
}
