/**
 * The contract of src/targets: IR rule + field pipeline → query text for one target.
 * (Implementation: the targets issue. Deploy and the CLI depend on these names only.)
 */
import type { CorrelationRule, DetectionRule } from '../ir/types.js';

export const TARGET_IDS = [
  'sentinel',
  'sentinel-asim',
  'splunk',
  'splunk-cim',
  'elastic-eql',
  'elastic-esql',
  'elastic-dsl',
] as const;
export type TargetId = (typeof TARGET_IDS)[number];

export type QueryLanguage = 'kql' | 'spl' | 'eql' | 'esql' | 'dsl';

export interface CompiledQuery {
  readonly target: TargetId;
  readonly language: QueryLanguage;
  /** Rule key: id, else name, else title. */
  readonly ruleKey: string;
  /** The query text (for elastic-dsl: pretty JSON of the query object). */
  readonly query: string;
  /** File extension for `--out` (kql, spl, eql, esql, json). */
  readonly extension: string;
}

/** A named, typed compile failure: `UnsupportedFeature`, `UnmappedField`, … */
export interface CompileError {
  readonly code: string;
  readonly message: string;
  readonly target: TargetId;
  readonly ruleKey: string;
  /** The construct that could not be expressed, when there is one. */
  readonly construct?: string;
}

export type CompileResult =
  | { readonly ok: true; readonly value: CompiledQuery }
  | { readonly ok: false; readonly error: CompileError };

export interface CompileContext {
  /** All loaded rules by key, so correlations can reach their base rules. */
  readonly rulesByKey: ReadonlyMap<string, DetectionRule | CorrelationRule>;
}
