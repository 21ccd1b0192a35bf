/**
 * `compileRules`: IR rules → a compiled rule set (predicates, logsource selectors, correlation
 * wiring). Compilation never throws: every problem becomes an `EngineProblem` value.
 */
import type { CorrelationRule, DetectionRule, Rule, SourcePos } from '../ir/types.js';
import { countLeaves, ExprCompiler, normalise, type FieldPlan, type LeafError, type NormalNode, type Pred, type Program } from './compile.js';
import { fold } from './fold.js';
import type { FieldValue } from '../logs/event.js';
import type { ValueView } from './value.js';
import { resolveLogsource, type EventSelector } from './logsource.js';

export interface CompileOptions {
  /** Events kept per correlation match (the count is always exact). Default 100. */
  readonly maxEventsPerMatch?: number;
  /**
   * Events kept per beacon match, default 10 (beacon windows are many and long: one per
   * computer, image, destination and port). A beacon window keeps events from its second
   * occurrence on: the first occurrence of a group is held as a time only (most groups never
   * occur twice; keeping their events would keep the whole input in memory).
   */
  readonly maxEventsPerBeacon?: number;
  /**
   * Keep beacon events as other correlations do (the first `maxEventsPerMatch` of a window,
   * first occurrence included), at the cost of memory per group: for rule tests on small
   * fixtures that check every contributing event. Default false.
   */
  readonly keepAllBeaconEvents?: boolean;
  /**
   * Generate one JS function per rule (default true; faster than nested closures). `false`
   * builds closures instead; generation also falls back to closures when not allowed.
   */
  readonly codegen?: boolean;
}

export type EngineProblemCode =
  | 'ENGINE_UNKNOWN_LOGSOURCE'
  | 'ENGINE_BAD_LEAF'
  | 'ENGINE_UNRESOLVED_REFERENCE'
  | 'ENGINE_CORRELATION_CYCLE'
  | 'ENGINE_BAD_CORRELATION';

/** A compile-time problem. `error`: the rule is left out; `warning`: it runs, with a caveat. */
export interface EngineProblem {
  readonly code: EngineProblemCode;
  readonly severity: 'error' | 'warning';
  readonly ruleKey: string;
  readonly title: string;
  readonly source: SourcePos;
  readonly message: string;
}

export interface CompiledDetection {
  readonly kind: 'detection';
  readonly rule: DetectionRule;
  /** id, else name, else `#<index>` (what correlations reference). */
  readonly key: string;
  readonly selector: EventSelector;
  readonly logsourceKnown: boolean;
  /**
   * Whether this rule's own matches should be emitted as alerts: true unless every correlation
   * that references it has `generate: false` (Sigma correlation `generate`).
   */
  readonly emit: boolean;
  /** @internal */
  readonly test: Pred;
  /** @internal A necessary condition tested first, as [plan, bit] (compile.ts `gate`). */
  readonly gate: readonly [number, number] | undefined;
  /** @internal Correlations fed directly by this rule: [correlation index, input index]. */
  readonly feeds: ReadonlyArray<readonly [number, number]>;
}

export interface CorrelationInput {
  readonly key: string;
  readonly kind: 'detection' | 'correlation';
  readonly index: number;
}

export interface CompiledCorrelation {
  readonly kind: 'correlation';
  readonly rule: CorrelationRule;
  readonly key: string;
  readonly inputs: readonly CorrelationInput[];
  /** Group-by names actually used (beacon default: Computer, Image, DestinationIp, DestinationPort). */
  readonly groupBy: readonly string[];
  /** Per input: the event field read for each group-by name (aliases resolved). */
  readonly groupFields: ReadonlyArray<readonly string[]>;
  /** @internal Per input: its group fields joined (inputs that group alike share a key). */
  readonly groupSignatures: readonly string[];
  /** Per input: the field aggregated by value_* / value_count (aliases resolved). */
  readonly valueFields: ReadonlyArray<string | undefined>;
  readonly emit: boolean;
  /** @internal Correlations fed by this one: [correlation index, input index]. */
  readonly feeds: ReadonlyArray<readonly [number, number]>;
}

export interface RuleSet {
  readonly detections: readonly CompiledDetection[];
  /** In evaluation order (a correlation comes after the correlations it references). */
  readonly correlations: readonly CompiledCorrelation[];
  readonly problems: readonly EngineProblem[];
  readonly maxEventsPerMatch: number;
  readonly maxEventsPerBeacon: number;
  readonly keepAllBeaconEvents: boolean;
  /** @internal */
  readonly fieldSlots: number;
  /** @internal */
  readonly leafSlots: number;
  /** @internal One-field leaves grouped per field (see compile.ts `FieldPlan`). */
  readonly plans: readonly FieldPlan[];
  /** @internal Number of distinct fields with a plan. */
  readonly viewCount: number;
  /** @internal Reads every planned field of an event into the views (compile.ts `loader`). */
  readonly loadViews: (fields: Readonly<Record<string, FieldValue>>, views: readonly ValueView[]) => void;
  /** @internal Detection indices per EventID, and those that take any EventID. */
  readonly byEventId: ReadonlyMap<number, readonly number[]>;
  readonly anyEventId: readonly number[];
  /** @internal Folded channel names per detection (null = any channel). */
  readonly channels: ReadonlyArray<ReadonlySet<string> | null>;
  /** @internal Generated code per EventID list (and for `anyEventId`); absent without codegen. */
  readonly programs: ReadonlyMap<number, Program>;
  readonly anyProgram: Program | undefined;
}

export const BEACON_DEFAULT_GROUP_BY = ['Computer', 'Image', 'DestinationIp', 'DestinationPort'] as const;

const ruleKey = (r: Rule, i: number): string => r.id ?? r.name ?? `#${i}`;

export function compileRules(rules: readonly Rule[], opts: CompileOptions = {}): RuleSet {
  const problems: EngineProblem[] = [];
  const problem = (r: Rule, key: string, code: EngineProblemCode, severity: 'error' | 'warning', message: string): void => {
    problems.push({ code, severity, ruleKey: key, title: r.title, source: r.source, message });
  };

  // Detection rules: normalise all first so shared leaves can be counted across rules.
  const dets: Array<{ rule: DetectionRule; key: string; node: NormalNode }> = [];
  const cors: Array<{ rule: CorrelationRule; key: string }> = [];
  rules.forEach((r, i) => {
    if (r.kind === 'detection') dets.push({ rule: r, key: ruleKey(r, i), node: normalise(r.expr) });
    else if (r.kind === 'correlation') cors.push({ rule: r, key: ruleKey(r, i) });
    // Filter documents are already folded into the detection rules by the front end.
  });
  const uses = new Map<string, number>();
  for (const d of dets) countLeaves(d.node, uses);
  const compiler = new ExprCompiler(uses);

  type MutDet = Omit<CompiledDetection, 'emit' | 'feeds'> & { emit: boolean; feeds: Array<[number, number]> };
  const detections: MutDet[] = [];
  const nodes: NormalNode[] = [];
  for (const d of dets) {
    const errors: LeafError[] = [];
    const test = opts.codegen === false ? compiler.build(d.node, errors) : compiler.generate(d.node, errors);
    const gate = compiler.gate(d.node, []); // its errors, if any, are in `errors` already
    if (errors.length) {
      for (const e of errors) problem(d.rule, d.key, 'ENGINE_BAD_LEAF', 'error', `${e.construct}: ${e.message}`);
      continue;
    }
    const ls = resolveLogsource(d.rule.logsource);
    if (!ls.known) {
      problem(d.rule, d.key, 'ENGINE_UNKNOWN_LOGSOURCE', 'warning', `${ls.reason}; the rule is applied to every event`);
    }
    detections.push({ kind: 'detection', rule: d.rule, key: d.key, selector: ls.selector, logsourceKnown: ls.known, test, gate, emit: true, feeds: [] });
    nodes.push(d.node);
  }

  // Correlations: resolve references (by id or name), then order them so inputs come first.
  const detByRef = new Map<string, number>();
  detections.forEach((d, i) => {
    for (const ref of [d.key, d.rule.id, d.rule.name]) if (ref !== undefined && !detByRef.has(ref)) detByRef.set(ref, i);
  });
  const corByRef = new Map<string, number>();
  cors.forEach((c, i) => {
    for (const ref of [c.key, c.rule.id, c.rule.name]) if (ref !== undefined && !corByRef.has(ref)) corByRef.set(ref, i);
  });
  const valid: boolean[] = cors.map(() => true);
  const refsOf: Array<Array<{ key: string; kind: 'detection' | 'correlation'; idx: number }>> = cors.map((c) => {
    const out: Array<{ key: string; kind: 'detection' | 'correlation'; idx: number }> = [];
    for (const ref of c.rule.rules) {
      const d = detByRef.get(ref);
      const k = corByRef.get(ref);
      if (d !== undefined) out.push({ key: ref, kind: 'detection', idx: d });
      else if (k !== undefined) out.push({ key: ref, kind: 'correlation', idx: k });
      else {
        problem(c.rule, c.key, 'ENGINE_UNRESOLVED_REFERENCE', 'error', `referenced rule '${ref}' is not in the compiled set`);
        valid[cors.indexOf(c)] = false;
      }
    }
    return out;
  });
  cors.forEach((c, i) => {
    const r = c.rule;
    const needsField = r.type === 'value_count' || r.type.startsWith('value_');
    if (needsField && !r.valueField) {
      problem(r, c.key, 'ENGINE_BAD_CORRELATION', 'error', `${r.type} needs a field`);
      valid[i] = false;
    }
    if (r.type === 'beacon' && !r.beacon) {
      problem(r, c.key, 'ENGINE_BAD_CORRELATION', 'error', 'beacon correlation without beacon parameters');
      valid[i] = false;
    }
    if (!(r.timespanMs > 0) || (r.beacon && !(r.beacon.bucketMs > 0))) {
      problem(r, c.key, 'ENGINE_BAD_CORRELATION', 'error', 'timespan and bucket must be positive');
      valid[i] = false;
    }
  });
  // Topological order (depth-first); cycles and invalid dependencies are errors.
  const order: number[] = [];
  const state = cors.map(() => 0); // 0 new, 1 visiting, 2 done
  const visit = (i: number): boolean => {
    if (state[i] === 2) return valid[i]!;
    if (state[i] === 1) {
      problem(cors[i]!.rule, cors[i]!.key, 'ENGINE_CORRELATION_CYCLE', 'error', 'correlation references itself through other correlations');
      valid[i] = false;
      return false;
    }
    state[i] = 1;
    for (const ref of refsOf[i]!) {
      if (ref.kind === 'correlation' && !visit(ref.idx)) valid[i] = false;
    }
    state[i] = 2;
    if (valid[i]) order.push(i);
    return valid[i]!;
  };
  cors.forEach((_, i) => visit(i));

  type MutCor = Omit<CompiledCorrelation, 'emit' | 'feeds'> & { emit: boolean; feeds: Array<[number, number]> };
  const position = new Map<number, number>();
  order.forEach((ci, pos) => position.set(ci, pos));
  const correlations: MutCor[] = order.map((ci) => {
    const c = cors[ci]!;
    const r = c.rule;
    const groupBy = r.type === 'beacon' && r.groupBy.length === 0 ? [...BEACON_DEFAULT_GROUP_BY] : [...r.groupBy];
    const inputs: CorrelationInput[] = refsOf[ci]!.map((ref) => ({
      key: ref.kind === 'detection' ? detections[ref.idx]!.key : cors[ref.idx]!.key,
      kind: ref.kind,
      index: ref.kind === 'detection' ? ref.idx : position.get(ref.idx)!,
    }));
    const resolve = (name: string, input: CorrelationInput, refKey: string): string => {
      const alias = Object.prototype.hasOwnProperty.call(r.aliases, name) ? r.aliases[name] : undefined;
      if (!alias) return name;
      for (const k of [refKey, input.key]) if (Object.prototype.hasOwnProperty.call(alias, k)) return alias[k]!;
      return name;
    };
    const refKeys = refsOf[ci]!.map((x) => x.key);
    return {
      kind: 'correlation',
      rule: r,
      key: c.key,
      inputs,
      groupBy,
      // A correlation fed by a correlation groups on that correlation's group names directly.
      groupFields: inputs.map((inp, j) => groupBy.map((g) => resolve(g, inp, refKeys[j]!))),
      groupSignatures: inputs.map((inp, j) => groupBy.map((g) => resolve(g, inp, refKeys[j]!)).join('\u001f')),
      valueFields: inputs.map((inp, j) => (r.valueField ? resolve(r.valueField, inp, refKeys[j]!) : undefined)),
      emit: true,
      feeds: [],
    };
  });

  // Wiring and `generate`: a rule referenced only by correlations with generate:false is silent.
  const referenced = { det: new Set<number>(), cor: new Set<number>() };
  const generated = { det: new Set<number>(), cor: new Set<number>() };
  correlations.forEach((c, ci) => {
    c.inputs.forEach((inp, j) => {
      const target = inp.kind === 'detection' ? detections[inp.index]! : correlations[inp.index]!;
      target.feeds.push([ci, j]);
      const which = inp.kind === 'detection' ? 'det' : 'cor';
      referenced[which].add(inp.index);
      if (c.rule.generate) generated[which].add(inp.index);
    });
  });
  detections.forEach((d, i) => (d.emit = !referenced.det.has(i) || generated.det.has(i)));
  correlations.forEach((c, i) => (c.emit = !referenced.cor.has(i) || generated.cor.has(i)));

  // Logsource index.
  const byEventId = new Map<number, number[]>();
  const anyEventId: number[] = [];
  const channels: Array<ReadonlySet<string> | null> = [];
  detections.forEach((d, i) => {
    channels.push(d.selector.channels ? new Set(d.selector.channels.map(fold)) : null);
    if (d.selector.eventIds) {
      for (const id of d.selector.eventIds) {
        let l = byEventId.get(id);
        if (!l) byEventId.set(id, (l = []));
        l.push(i);
      }
    } else anyEventId.push(i);
  });

  const programs = new Map<number, Program>();
  let anyProgram: Program | undefined;
  if (opts.codegen !== false) {
    const entries = (list: readonly number[]) => list.map((i) => ({ index: i, node: nodes[i]!, gate: detections[i]!.gate }));
    let ok = true;
    for (const [id, list] of byEventId) {
      const prog = compiler.program(entries(list));
      if (prog) programs.set(id, prog);
      else ok = false;
    }
    if (ok && anyEventId.length) anyProgram = compiler.program(entries(anyEventId));
    if (!ok || (anyEventId.length && !anyProgram)) programs.clear(), (anyProgram = undefined);
  }

  return {
    detections,
    correlations,
    problems,
    maxEventsPerMatch: Math.max(0, opts.maxEventsPerMatch ?? 100),
    maxEventsPerBeacon: opts.keepAllBeaconEvents
      ? Math.max(0, opts.maxEventsPerMatch ?? 100)
      : Math.max(0, opts.maxEventsPerBeacon ?? Math.min(10, opts.maxEventsPerMatch ?? 10)),
    keepAllBeaconEvents: opts.keepAllBeaconEvents === true,
    fieldSlots: compiler.fieldSlotCount,
    leafSlots: compiler.leafSlotCount,
    plans: compiler.plans,
    viewCount: compiler.viewCount,
    loadViews: compiler.loader(),
    byEventId,
    anyEventId,
    channels,
    programs,
    anyProgram,
  };
}
