/**
 * The IR: what a rule means, independent of any engine or query language.
 *
 * Produced once by src/sigma (wildcards, escapes and value modifiers are already resolved here,
 * so no later stage re-parses a Sigma string). Consumed by src/engine (the reference evaluator)
 * and src/targets (query compilers). Every object is treated as immutable (readonly).
 */

/** A place in a source file, 1-based line and column. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

// ---------------------------------------------------------------------------------------------
// String patterns
// ---------------------------------------------------------------------------------------------

/**
 * One piece of a resolved Sigma string. `lit` text is literal (escapes already removed: a `\*`
 * in YAML is `{kind:'lit', text:'*'}` here). `any` is the Sigma `*` (any run, possibly empty),
 * `one` is the Sigma `?` (exactly one character).
 */
export type PatternPart =
  | { readonly kind: 'lit'; readonly text: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'one' };

/**
 * A resolved string pattern. Adjacent `lit` parts are merged and runs of `any` collapsed, so a
 * consumer can recognise shapes cheaply: [lit] = equality, [any, lit] = endswith,
 * [lit, any] = startswith, [any, lit, any] = contains, [] = empty string.
 * `contains`/`startswith`/`endswith` modifiers are expressed by adding `any` at the ends.
 */
export interface StringPattern {
  readonly parts: readonly PatternPart[];
}

/** What kind of YAML scalar a value was written as (targets use it for typed comparisons). */
export type ValueOrigin = 'string' | 'number' | 'boolean';

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

/** Field equals a (wildcard) pattern. Case-insensitive unless `cased`. */
export interface MatchNode {
  readonly type: 'match';
  readonly field: string;
  readonly pattern: StringPattern;
  readonly cased: boolean;
  /** The YAML type of the value before it was turned into text (`443` → 'number'). */
  readonly origin: ValueOrigin;
}

/** `|re`: a search (not full match) with an RE2-portable regular expression. */
export interface RegexNode {
  readonly type: 'regex';
  readonly field: string;
  readonly regex: string;
  readonly flags: { readonly i: boolean; readonly m: boolean; readonly s: boolean };
}

/** `|cidr`: the field, read as an IP address, lies in the network. */
export interface CidrNode {
  readonly type: 'cidr';
  readonly field: string;
  /** Normalised text, e.g. `10.0.0.0/8`, `fe80::/10`. */
  readonly cidr: string;
  readonly version: 4 | 6;
  /** Network address as text (host bits cleared), and prefix length. */
  readonly network: string;
  readonly prefix: number;
}

/** `|lt|lte|gt|gte`: numeric comparison of the field's value. */
export interface CompareNode {
  readonly type: 'compare';
  readonly field: string;
  readonly op: 'lt' | 'lte' | 'gt' | 'gte';
  readonly value: number;
}

/** `|exists: true|false`: presence of the field (any value, even empty). */
export interface ExistsNode {
  readonly type: 'exists';
  readonly field: string;
  readonly exists: boolean;
}

/** `Field: null`: the field is absent or null. */
export interface NullNode {
  readonly type: 'null';
  readonly field: string;
}

/** `|fieldref`: the field's value compared with another field's value of the same event. */
export interface FieldRefNode {
  readonly type: 'fieldref';
  readonly field: string;
  readonly other: string;
  /** How the other field's value is applied (Sigma allows startswith/endswith/contains). */
  readonly position: 'eq' | 'startswith' | 'endswith' | 'contains';
  readonly cased: boolean;
}

/** `|minute|hour|day|week|month|year`: a part of a timestamp field compared with a number. */
export interface TimePartNode {
  readonly type: 'timepart';
  readonly field: string;
  readonly part: 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
  readonly op: 'eq' | 'lt' | 'lte' | 'gt' | 'gte';
  readonly value: number;
}

/** A keyword: full-text match of a pattern against any value of the event. */
export interface KeywordNode {
  readonly type: 'keyword';
  readonly pattern: StringPattern;
  readonly cased: boolean;
}

/** Keyword given as `|re` (rare, but allowed). */
export interface KeywordRegexNode {
  readonly type: 'keyword_regex';
  readonly regex: string;
  readonly flags: { readonly i: boolean; readonly m: boolean; readonly s: boolean };
}

export interface AndNode {
  readonly type: 'and';
  readonly children: readonly Expr[];
}
export interface OrNode {
  readonly type: 'or';
  readonly children: readonly Expr[];
  /**
   * Set when this OR is the expansion of a named value list (`%name%` with `|expand`, values from
   * `lists/<name>.yml`): targets may render it as a watchlist/lookup instead of inline values.
   */
  readonly list?: { readonly name: string; readonly field: string };
}
export interface NotNode {
  readonly type: 'not';
  readonly child: Expr;
}
/** A constant (e.g. an empty `all` list is true, an empty OR list is false). */
export interface ConstNode {
  readonly type: 'const';
  readonly value: boolean;
}

export type LeafExpr =
  | MatchNode
  | RegexNode
  | CidrNode
  | CompareNode
  | ExistsNode
  | NullNode
  | FieldRefNode
  | TimePartNode
  | KeywordNode
  | KeywordRegexNode;

export type Expr = LeafExpr | AndNode | OrNode | NotNode | ConstNode;

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

export type Level = 'informational' | 'low' | 'medium' | 'high' | 'critical';
export type Status = 'stable' | 'test' | 'experimental' | 'deprecated' | 'unsupported';

export interface LogSource {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
  readonly definition?: string;
}

/** Common metadata of detection and correlation rules. */
export interface RuleMeta {
  /** UUID if given; otherwise undefined (the `sigma` profile allows rules without one). */
  readonly id?: string;
  readonly name?: string;
  readonly title: string;
  readonly description?: string;
  readonly level?: Level;
  readonly status?: Status;
  readonly author?: string;
  readonly date?: string;
  readonly modified?: string;
  readonly tags: readonly string[];
  readonly references: readonly string[];
  readonly falsepositives: readonly string[];
  readonly fields: readonly string[];
  /** Where the rule document starts. */
  readonly source: SourcePos;
  /** Repository extension: declared fixtures (see README "Rule tests"). */
  readonly tests?: RuleTests;
  /** Repository extension: per-SIEM deploy settings (see README "Deploy settings"). */
  readonly deploy?: DeploySettings;
  /** The raw document (plain data, for templates and custom attributes). */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface DetectionRule extends RuleMeta {
  readonly kind: 'detection';
  readonly logsource: LogSource;
  /** The whole detection: named selections combined by the condition(s). */
  readonly expr: Expr;
  /** Each named search identifier, resolved (for explanation and documentation). */
  readonly selections: Readonly<Record<string, Expr>>;
  /** Condition text(s) as written. */
  readonly conditions: readonly string[];
}

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile'
  | 'value_median'
  | 'beacon';

export type CompareOp = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

/** One threshold; a correlation condition may hold several (all must hold), e.g. a range. */
export interface Threshold {
  readonly op: CompareOp;
  readonly value: number;
}

/** Beacon parameters (this project's extension; see SEMANTICS.md). */
export interface BeaconSpec {
  /** Bucket length in milliseconds (epoch-aligned). */
  readonly bucketMs: number;
  /** Fire only when Σc ≥ minEvents. */
  readonly minEvents: number;
  /** Fire only when span (first..last active bucket, inclusive) ≥ minBuckets. */
  readonly minBuckets: number;
  /** Fire only when active/span ≥ minCoverage (0..1). */
  readonly minCoverage: number;
  /** Fire only when stdevp/mean of per-bucket counts ≤ maxCv. */
  readonly maxCv: number;
  /** 'buckets' (default, every target) or 'intervals' (stdev of gaps; not ES|QL). */
  readonly method: 'buckets' | 'intervals';
  /** For method 'intervals': fire when stdevp/mean of gaps ≤ maxIntervalCv. */
  readonly maxIntervalCv?: number;
}

export interface CorrelationRule extends RuleMeta {
  readonly kind: 'correlation';
  readonly type: CorrelationType;
  /** Referenced rules, resolved to rule keys (id when present, else name). */
  readonly rules: readonly string[];
  readonly groupBy: readonly string[];
  readonly timespanMs: number;
  /** Thresholds on the count/value; empty for temporal types means "all rules seen". */
  readonly condition: readonly Threshold[];
  /** value_* and value_count: the field aggregated. */
  readonly valueField?: string;
  /** value_percentile: which percentile (0..100). */
  readonly percentile?: number;
  /** alias name → (rule key → field name in that rule's events). */
  readonly aliases: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly generate: boolean;
  readonly beacon?: BeaconSpec;
}

/** Sigma filter document: excludes matches of `expr` from the referenced rules. */
export interface FilterRule extends RuleMeta {
  readonly kind: 'filter';
  readonly logsource: LogSource;
  readonly rules: readonly string[];
  readonly expr: Expr;
}

export type Rule = DetectionRule | CorrelationRule | FilterRule;

// ---------------------------------------------------------------------------------------------
// Repository extensions
// ---------------------------------------------------------------------------------------------

/** A fixture a rule declares, with the number of matches expected from it. */
export interface FixtureExpectation {
  /** Path relative to the rule file's directory. */
  readonly path: string;
  /** Expected matches: events for detection rules, alerts (group × window) for correlations. */
  readonly expect: number;
  /** Force a log format instead of detection. */
  readonly format?: string;
  readonly note?: string;
}

export interface RuleTests {
  readonly fixtures: readonly FixtureExpectation[];
  /** Expected matches on the benign baseline corpus (default 0). */
  readonly baseline: number;
}

export type DeployTarget = 'sentinel' | 'splunk' | 'elastic';

export interface DeploySettings {
  readonly enabled: boolean;
  /** How often the SIEM runs the rule, as a Sigma timespan (`5m`, `1h`). */
  readonly frequency: string;
  /** How far back each run looks (≥ frequency). */
  readonly lookback: string;
  /** 0..100; default derived from level. */
  readonly riskScore?: number;
  /** Suppress repeated alerts for this long (timespan), if set. */
  readonly suppression?: string;
  /** Entities to map (at most 5): host, account, ip, process, … */
  readonly entities: readonly string[];
  /** SIEMs to deploy to (default all). */
  readonly targets: readonly DeployTarget[];
}
