/**
 * Statistics used by correlations. Population standard deviation everywhere (SEMANTICS.md:
 * KQL `stdevp`, SPL `stdevp`, ES|QL `STD_DEV` all agree on it).
 */
import type { BeaconSpec, CompareOp, Threshold } from '../ir/types.js';

export function compare(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'eq':
      return a === b;
    case 'neq':
      return a !== b;
  }
}

/** All thresholds hold (an empty list holds). */
export function meets(value: number, thresholds: readonly Threshold[]): boolean {
  for (const t of thresholds) if (!compare(t.op, value, t.value)) return false;
  return true;
}

export function meanStdevp(xs: readonly number[]): { mean: number; stdevp: number } {
  const n = xs.length;
  if (n === 0) return { mean: 0, stdevp: 0 };
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  let sq = 0;
  for (const x of xs) sq += (x - mean) * (x - mean);
  return { mean, stdevp: Math.sqrt(sq / n) };
}

/**
 * Percentile by linear interpolation between closest ranks (numpy's default, "type 7"):
 * rank = p/100·(n−1). The median is the 50th percentile (mean of the two middle values).
 */
export function percentile(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** What a beacon match reports (SEMANTICS.md "Extension: type: beacon"). */
export interface BeaconStats {
  readonly method: 'buckets' | 'intervals';
  readonly bucketMs: number;
  /** Buckets with at least one event. */
  readonly active: number;
  /** Σ of per-bucket counts = events. */
  readonly total: number;
  /** Start (epoch ms) of the first and last active bucket. */
  readonly first: number;
  readonly last: number;
  /** (last − first)/bucket + 1. */
  readonly span: number;
  /** active / span. */
  readonly coverage: number;
  /** Mean, population stdev and coefficient of variation of counts over active buckets. */
  readonly mean: number;
  readonly stdevp: number;
  readonly cv: number;
  /** Method `intervals` only: gaps between consecutive events (ms). */
  readonly intervals?: { readonly count: number; readonly mean: number; readonly stdevp: number; readonly cv: number };
}

/** Compute beacon statistics from bucket counts (and event times for `intervals`). */
export function beaconStats(spec: BeaconSpec, buckets: ReadonlyMap<number, number>, times?: readonly number[]): BeaconStats | undefined {
  if (buckets.size === 0) return undefined;
  const counts: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  let total = 0;
  for (const [b, c] of buckets) {
    if (c <= 0) continue;
    counts.push(c);
    total += c;
    if (b < first) first = b;
    if (b > last) last = b;
  }
  if (counts.length === 0) return undefined;
  const span = Math.round((last - first) / spec.bucketMs) + 1;
  const { mean, stdevp } = meanStdevp(counts);
  const base = {
    method: spec.method,
    bucketMs: spec.bucketMs,
    active: counts.length,
    total,
    first,
    last,
    span,
    coverage: counts.length / span,
    mean,
    stdevp,
    cv: mean > 0 ? stdevp / mean : 0,
  };
  if (spec.method !== 'intervals' || !times) return base;
  const ts = [...times].sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < ts.length; i++) gaps.push(ts[i]! - ts[i - 1]!);
  const g = meanStdevp(gaps);
  return { ...base, intervals: { count: gaps.length, mean: g.mean, stdevp: g.stdevp, cv: g.mean > 0 ? g.stdevp / g.mean : 0 } };
}

/** Does a beacon fire (SEMANTICS.md step 4; `intervals` replaces coverage/cv by the gap cv)? */
export function beaconFires(spec: BeaconSpec, s: BeaconStats): boolean {
  if (s.total < spec.minEvents || s.span < spec.minBuckets) return false;
  if (spec.method === 'intervals') {
    const limit = spec.maxIntervalCv ?? spec.maxCv;
    return s.intervals !== undefined && s.intervals.count > 0 && s.intervals.cv <= limit;
  }
  return s.coverage >= spec.minCoverage && s.cv <= spec.maxCv;
}
