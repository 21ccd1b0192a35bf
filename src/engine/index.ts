/**
 * src/engine: the reference evaluator of the IR (src/ir/types.ts). What it matches is, by
 * definition, what every compiled query must match.
 *
 * Public API
 * ----------
 *   const rs = compileRules(rules, { maxEventsPerMatch?: 100, maxEventsPerBeacon?: 10, keepAllBeaconEvents?: false, codegen?: true });
 *   rs.problems       // EngineProblem[]: unknown logsource (warning; rule applies to every event),
 *                     // bad regex/CIDR (error; rule left out), unresolved correlation reference,
 *                     // correlation cycle, malformed correlation (error; correlation left out)
 *   const ev = createEvaluator(rs);
 *   for (const e of events) for (const m of ev.push(e)) …        // DetectionMatch, immediate
 *   const cms = ev.finish();                                      // CorrelationMatch[], at end
 *   ev.stats          // events, skipped (no logsource selected them), matchesByRule, untimed, …
 *
 * Split evaluation (parallel hunting, src/hunt/parallel.ts): a worker's evaluator made with
 * `createEvaluator(rs, { correlate: false, silentMatches: false })` pushes events and reads
 * `ev.lastHits()` (indices in rs.detections); the main evaluator gets those events in input
 * order through `ev.replay(event, hits)` (the event needs only `correlationFields(rs, di)`) and
 * `ev.count(events, skipped)`, and gives exactly the matches and correlations of one evaluator.
 *
 * `DetectionMatch.emit` / `CorrelationMatch.emit` honour Sigma's `generate`: a rule referenced
 * only by correlations with `generate: false` still matches (correlations need it) but has
 * emit=false; callers that print alerts should skip those.
 *
 * Semantics decided here (SEMANTICS.md is the authority; these are the details it leaves open)
 * -------------------------------------------------------------------------------------------
 * - Values: string as is; number → shortest JS text (`443`, `1.5`); boolean → `true`/`false`.
 *   Case-insensitive comparison folds both sides, so `Initiated: true` matches "True".
 * - Case folding (fold.ts): simple per-code-point lowercase, locale-independent; `İ`→`i`,
 *   final `ς`→`σ`, `ẞ`→`ß`, `ß` does NOT equal `ss` (no expansions). `|cased` compares exactly.
 * - `?` is one Unicode code point; `*` any run. Patterns never become backtracking regexes.
 * - Field names are looked up exactly (case-sensitive), as the readers emit Sysmon's names.
 * - `null`: absent or null. `|exists: true`: present with a non-null value ('' exists).
 *   `''` matches only the empty string. A NOT of a field test is true when the field is absent.
 * - `lt/lte/gt/gte`: the value must be a number or decimal text (`"443"`, `" 1e3 "`); anything
 *   else (`"0x10"`, `""`, booleans) does not match.
 * - `|cidr`: IPv4 CIDRs match dotted-quad text only; IPv6 CIDRs match IPv6 text (zone id and
 *   brackets ignored; `::ffff:1.2.3.4` is an IPv6 address). Non-addresses do not match.
 * - `|re`: re2js (RE2 syntax, linear time), unanchored search, flags i/m/s; case-sensitive.
 * - `|fieldref`: both fields present; compared as text, folded unless cased.
 * - `|minute…|year`: the field parsed as a UTC timestamp (epoch ms number or ISO/Sysmon text);
 *   day = day of month, week = ISO-8601 week.
 * - Keywords: the pattern may occur anywhere in any field value of the event (implicit `*…*`,
 *   as SigmaHQ backends search unbound terms), case-insensitive unless cased.
 * - Logsource (logsource.ts): Sysmon categories → Sysmon channel + EventID; Windows services →
 *   Channel; `ps_*` categories → PowerShell channel + EventID. An event without a Channel field, or
 *   with a Channel that no logsource maps, is judged on EventID alone. Events no rule selects are
 *   counted in `stats.skipped`.
 * - Correlations: tumbling windows aligned to the epoch (start = floor(t/timespan)·timespan);
 *   group values are compared as exact text; a base event missing a group-by field (or null)
 *   is not correlated (`stats.ungrouped`, like SPL `stats … by`); events without a time cannot be
 *   windowed (`stats.untimed`). value_count counts distinct non-null texts; value_sum/avg/
 *   percentile use numeric values only (none → no match); percentile is linear interpolation
 *   (numpy default), median = 50th percentile. temporal: distinct referenced rules seen in the
 *   window (default condition: all); temporal_ordered: rules matched in the listed order
 *   (earliest-first greedy, ties allowed). A correlation referencing a correlation receives each
 *   inner match as one occurrence at the inner window's start, grouped by its group values.
 *   Groups are told apart by their exact values (a value containing the display separator of
 *   `groupKey` does not merge two groups). A match's `events` are a sample (`eventCount` is
 *   exact): the first `maxEventsPerMatch` (100) of the window; for beacons the first
 *   `maxEventsPerBeacon` (10) from the window's second occurrence on, since a group's first
 *   occurrence is held as a time only (one-off destinations would otherwise keep the input);
 *   `keepAllBeaconEvents: true` keeps them as other correlations do (rule tests).
 * - Beacon (stats.ts): SEMANTICS.md "buckets" method exactly (population stdev; coverage over
 *   first..last active bucket); thresholds in `condition`, if any, apply to `total`. Method
 *   `intervals`: total ≥ minEvents, span ≥ minBuckets and cv of gaps between consecutive
 *   events ≤ maxIntervalCv (default maxCv). Default group-by: Computer, Image, DestinationIp,
 *   DestinationPort.
 * - Nothing here throws on event content; compile problems are values.
 */
export { compileRules, BEACON_DEFAULT_GROUP_BY } from './ruleset.js';
export type {
  CompileOptions,
  CompiledCorrelation,
  CompiledDetection,
  CorrelationInput,
  EngineProblem,
  EngineProblemCode,
  RuleSet,
} from './ruleset.js';
export { createEvaluator, correlationFields } from './evaluator.js';
export type { CorrelationMatch, DetectionMatch, EvalStats, Evaluator, EvaluatorOptions } from './evaluator.js';
export type { BeaconStats } from './stats.js';
export { beaconStats, beaconFires, percentile, meanStdevp } from './stats.js';
export { resolveLogsource, SYSMON_CATEGORIES, WINDOWS_SERVICES, WINDOWS_CHANNEL_CATEGORIES, SYSMON_CHANNEL } from './logsource.js';
export type { EventSelector, LogsourceResolution } from './logsource.js';
export { fold } from './fold.js';
export { parseIPv4, parseIPv6 } from './ip.js';

import type { CanonicalEvent } from '../logs/event.js';
import type { Rule } from '../ir/types.js';
import { compileRules as compile } from './ruleset.js';
import { createEvaluator as create } from './evaluator.js';
import type { CorrelationMatch, DetectionMatch } from './evaluator.js';

/** Convenience: run rules over an in-memory list of events. */
export function evaluateAll(
  rules: readonly Rule[],
  events: Iterable<CanonicalEvent>,
): { detections: DetectionMatch[]; correlations: readonly CorrelationMatch[]; skipped: number } {
  const ev = create(compile(rules));
  const detections: DetectionMatch[] = [];
  for (const e of events) for (const m of ev.push(e)) detections.push(m);
  const correlations = ev.finish();
  return { detections, correlations, skipped: ev.stats.skipped };
}
