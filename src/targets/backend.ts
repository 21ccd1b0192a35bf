/**
 * The shared walk of an IR expression for the text languages (KQL, SPL, EQL, ES|QL).
 *
 * A language is a subclass: a small token table (how to write and/or/not/true/false) plus one
 * method per leaf kind. The base class does what every language needs the same way: field
 * mapping through the pipeline (one Sysmon field may map to several target fields, ORed), value
 * maps (Initiated → egress/ingress), named lists, and the polarity of each leaf, so a language
 * with SQL-like three-valued logic can make a leaf under NOT null-safe (the engine's NOT of a
 * test on an absent field is true; `not(null)` in KQL/ES|QL/eval is null, which drops the row).
 */
import type {
  CidrNode,
  CompareNode,
  ExistsNode,
  Expr,
  FieldRefNode,
  KeywordNode,
  KeywordRegexNode,
  MatchNode,
  NullNode,
  OrNode,
  RegexNode,
  TimePartNode,
} from '../ir/types.js';
import type { TargetId } from './api.js';
import { TargetError, unsupported } from './errors.js';
import type { FieldType, ListMapping, Pipeline } from './pipeline.js';
import { literalOf, shapeOf, type PatternShape } from './patterns.js';

/** A target field with its declared type. */
export interface TField {
  readonly name: string;
  readonly type: FieldType;
}

export interface Tokens {
  readonly and: string;
  readonly or: string;
  readonly not: (inner: string) => string;
  readonly group: (inner: string) => string;
  readonly true: string;
  readonly false: string;
}

/** A match leaf after field/value mapping: the pattern shape and whether it came as a number. */
export interface MatchLeaf {
  readonly shape: PatternShape;
  readonly cased: boolean;
  readonly origin: MatchNode['origin'];
  /** True when the value went through a pipeline value map (it is then an exact target value). */
  readonly mapped: boolean;
}

export abstract class ExprCompiler {
  protected abstract readonly tokens: Tokens;

  constructor(
    protected readonly pipeline: Pipeline,
    protected readonly target: TargetId,
  ) {}

  /** Maps a Sysmon field to its target field(s); throws UnmappedField with the reason. */
  field(sysmon: string): TField[] {
    const m = this.pipeline.fields[sysmon];
    if (!m) {
      throw new TargetError('UnmappedField', `field '${sysmon}' is not mapped by pipeline '${this.pipeline.name}' (this schema does not carry it)`, `field ${sysmon}`);
    }
    if ('refuse' in m) throw new TargetError('UnmappedField', `field '${sysmon}' cannot be tested in pipeline '${this.pipeline.name}': ${m.refuse}`, `field ${sysmon}`);
    return m.to.map((name) => ({ name, type: this.pipeline.types[name] ?? 'string' }));
  }

  /** Type of a target field named directly (group-by, source conditions). */
  typeOf(name: string): FieldType {
    return this.pipeline.types[name] ?? 'string';
  }

  compile(e: Expr): string {
    return this.expr(e, false);
  }

  /** `neg`: the node sits under an odd number of NOTs. */
  protected expr(e: Expr, neg: boolean): string {
    switch (e.type) {
      case 'and':
      case 'or': {
        if (e.type === 'or' && e.list) {
          const lm = this.pipeline.lists[e.list.name];
          if (lm) return this.listRef(e, lm, neg);
        }
        if (e.children.length === 0) return e.type === 'and' ? this.tokens.true : this.tokens.false;
        const { merged, rest } = e.type === 'or' ? this.mergeOr(e.children, neg) : { merged: [], rest: e.children };
        const parts = [...merged, ...rest.map((c) => this.wrap(c, this.expr(c, neg)))];
        if (parts.length === 1) return parts[0]!;
        return parts.join(e.type === 'and' ? this.tokens.and : this.tokens.or);
      }
      case 'not':
        return this.tokens.not(this.expr(e.child, !neg));
      case 'const':
        return e.value ? this.tokens.true : this.tokens.false;
      default:
        return this.leafOverFields(e, neg);
    }
  }

  /** Groups compound children: precedence differs between languages (SPL search: OR > AND). */
  protected wrap(child: Expr, text: string): string {
    // Leaves return self-contained text; only compound children need parentheses.
    const compound = (child.type === 'and' || child.type === 'or') && child.children.length > 1;
    return compound ? this.tokens.group(text) : text;
  }

  private leafOverFields(e: Exclude<Expr, { type: 'and' | 'or' | 'not' | 'const' }>, neg: boolean): string {
    if (e.type === 'keyword') return this.keyword(e, neg);
    if (e.type === 'keyword_regex') return this.keywordRegex(e, neg);
    const fields = this.field(e.field);
    const parts = fields.map((f) => this.leaf(f, e, neg));
    if (parts.length === 1) return parts[0]!;
    return this.tokens.group(parts.map((p) => this.tokens.group(p)).join(this.tokens.or));
  }

  private leaf(f: TField, e: Exclude<Expr, { type: 'and' | 'or' | 'not' | 'const' | 'keyword' | 'keyword_regex' }>, neg: boolean): string {
    switch (e.type) {
      case 'match':
        return this.match(f, this.mapValue(e), e, neg);
      case 'regex':
        return this.regex(f, e, neg);
      case 'cidr':
        return this.cidr(f, e, neg);
      case 'compare':
        return this.compare(f, e, neg);
      case 'exists':
        return this.exists(f, e);
      case 'null':
        return this.isNull(f, e);
      case 'fieldref': {
        const others = this.field(e.other);
        if (others.length !== 1) throw unsupported(`fieldref ${e.field}=${e.other}`, `'${e.other}' maps to several fields in pipeline '${this.pipeline.name}'`);
        return this.fieldref(f, others[0]!, e, neg);
      }
      case 'timepart':
        return this.timepart(f, e, neg);
    }
  }

  /** Applies the pipeline's value map; a value it does not list is an UnmappedValue error. */
  protected mapValue(e: MatchNode): MatchLeaf {
    const vm = this.pipeline.values[e.field];
    if (!vm) return { shape: shapeOf(e.pattern), cased: e.cased, origin: e.origin, mapped: false };
    const lit = literalOf(e.pattern);
    const to = lit === undefined ? undefined : vm[lit.toLowerCase()];
    if (to === undefined) {
      throw new TargetError(
        'UnmappedValue',
        `value '${lit ?? '(wildcard pattern)'}' of field '${e.field}' has no mapping in pipeline '${this.pipeline.name}' (known: ${Object.keys(vm).join(', ')})`,
        `value ${e.field}`,
      );
    }
    return { shape: { kind: 'exact', text: to }, cased: false, origin: 'string', mapped: true };
  }

  /** Integer literal of an exact match (for typed int fields), if the text is one. */
  protected intOf(leaf: MatchLeaf): number | undefined {
    if (leaf.shape.kind !== 'exact') return undefined;
    if (!/^-?\d{1,15}$/.test(leaf.shape.text)) return undefined;
    return Number(leaf.shape.text);
  }

  protected abstract match(f: TField, leaf: MatchLeaf, e: MatchNode, neg: boolean): string;
  protected abstract regex(f: TField, e: RegexNode, neg: boolean): string;
  protected abstract cidr(f: TField, e: CidrNode, neg: boolean): string;
  protected abstract compare(f: TField, e: CompareNode, neg: boolean): string;
  protected abstract exists(f: TField, e: ExistsNode): string;
  protected abstract isNull(f: TField, e: NullNode): string;
  protected abstract fieldref(f: TField, other: TField, e: FieldRefNode, neg: boolean): string;

  protected timepart(_f: TField, e: TimePartNode, _neg: boolean): string {
    throw unsupported(`|${e.part}`, `${this.target} has no timestamp-part comparison implemented`);
  }
  protected keyword(e: KeywordNode, neg: boolean): string {
    return this.expr(keywordExpansion(this.pipeline, e), neg);
  }
  protected keywordRegex(_e: KeywordRegexNode, _neg: boolean): string {
    throw unsupported('keyword |re', `${this.target} cannot regex-search every field of an event; use a field condition`);
  }
  /**
   * Lets a language render several ORed leaves as one (KQL `in~`, `ipv4_is_in_any_range`,
   * ES|QL `CIDR_MATCH(f, a, b)`): shorter queries and flatter trees. Default: nothing merged.
   */
  protected mergeOr(children: readonly Expr[], _neg: boolean): { merged: string[]; rest: readonly Expr[] } {
    return { merged: [], rest: children };
  }

  /**
   * Groups children by a key (undefined = not mergeable); groups of one stay in `rest`.
   * Keeps the first occurrence order.
   */
  protected groupBy<T extends Expr>(children: readonly Expr[], key: (c: Expr) => string | undefined): { groups: T[][]; rest: Expr[] } {
    const map = new Map<string, T[]>();
    for (const c of children) {
      const k = key(c);
      if (k === undefined) continue;
      const g = map.get(k) ?? [];
      g.push(c as T);
      map.set(k, g);
    }
    const groups = [...map.values()].filter((g) => g.length > 1);
    const grouped = new Set<Expr>(groups.flat());
    return { groups, rest: children.filter((c) => !grouped.has(c)) };
  }

  /** The single target field of a Sysmon field, or undefined (unmapped or several). */
  protected singleField(sysmon: string): TField | undefined {
    const m = this.pipeline.fields[sysmon];
    if (!m || !('to' in m) || m.to.length !== 1) return undefined;
    return { name: m.to[0]!, type: this.pipeline.types[m.to[0]!] ?? 'string' };
  }

  /** Key for exact, case-insensitive, unmapped-value string matches on one field. */
  protected exactCiKey(c: Expr): string | undefined {
    if (c.type !== 'match' || c.cased || this.pipeline.values[c.field]) return undefined;
    const f = this.singleField(c.field);
    if (!f || f.type === 'int' || f.type === 'ip' || f.type === 'bool') return undefined;
    const sh = shapeOf(c.pattern);
    return sh.kind === 'exact' ? `m:${c.field}` : undefined;
  }

  /** Key for exact integer matches on one typed int field (rendered as `in (…)`). */
  protected intKey(c: Expr): string | undefined {
    if (c.type !== 'match' || this.pipeline.values[c.field]) return undefined;
    const f = this.singleField(c.field);
    if (!f || f.type !== 'int') return undefined;
    const lit = literalOf(c.pattern);
    return lit !== undefined && /^-?\d{1,15}$/.test(lit) ? `i:${c.field}` : undefined;
  }

  /** A named list as a watchlist/lookup reference; default: inline values. */
  protected listRef(e: OrNode, lm: ListMapping, neg: boolean): string {
    void lm;
    return this.expr({ type: 'or', children: e.children }, neg);
  }
}

/**
 * A keyword (full-text term) as an OR over the fields the pipeline maps: the engine searches
 * `*term*` in every value of the event. Fields that cannot hold the term are skipped exactly:
 * an int field's text has only digits and '-', an ip field's only hex digits, ':', '.' and '%';
 * fields behind a value map (Initiated → egress) hold other words in the target and are skipped.
 * Scope (documented): System fields the pipeline does not map are not searched.
 */
export function keywordExpansion(p: Pipeline, e: KeywordNode): Expr {
  const parts = e.pattern.parts;
  const wrapped = [...(parts[0]?.kind === 'any' ? [] : [{ kind: 'any' as const }]), ...parts, ...(parts[parts.length - 1]?.kind === 'any' ? [] : [{ kind: 'any' as const }])];
  const text = parts.map((x) => (x.kind === 'lit' ? x.text : '')).join('');
  const children: Expr[] = [];
  for (const [sysmon, m] of Object.entries(p.fields)) {
    if (!('to' in m) || p.values[sysmon]) continue;
    const types = m.to.map((n) => p.types[n] ?? 'string');
    if (types.every((t) => t === 'int') && /[^0-9-]/.test(text)) continue;
    if (types.every((t) => t === 'ip') && /[^0-9a-fA-F:.%]/.test(text)) continue;
    if (types.every((t) => t === 'time')) continue;
    children.push({ type: 'match', field: sysmon, pattern: { parts: wrapped }, cased: e.cased, origin: 'string' });
  }
  return { type: 'or', children };
}

/** For list rendering: the exact, case-insensitive values of an OR over one field, if it is one. */
export function exactValuesOf(e: OrNode): { field: string; values: string[] } | undefined {
  const values: string[] = [];
  let field: string | undefined;
  for (const c of e.children) {
    if (c.type !== 'match' || c.cased) return undefined;
    const lit = literalOf(c.pattern);
    if (lit === undefined) return undefined;
    if (field !== undefined && field !== c.field) return undefined;
    field = c.field;
    values.push(lit);
  }
  return field === undefined ? undefined : { field, values };
}
