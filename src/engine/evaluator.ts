/**
 * `createEvaluator`: feed events one at a time (`push`), get detection matches immediately;
 * `finish()` closes every correlation window and returns correlation matches.
 *
 * Correlation windows are tumbling and epoch-aligned: start = floor(t/timespan)·timespan,
 * window = [start, start+timespan). Events may arrive in any order: state is kept per
 * (correlation, group, window) until `finish`, so memory is bounded by groups × windows (plus
 * the kept sample of events, at most `maxEventsPerMatch` each, and for value percentiles,
 * temporal_ordered and beacon `intervals` one number per event).
 */
import type { CanonicalEvent, FieldValue } from '../logs/event.js';
import { EvalContext } from './context.js';
import { fold } from './fold.js';
import { isMappedChannel } from './logsource.js';
import type { CompiledCorrelation, CompiledDetection, RuleSet } from './ruleset.js';
import { beaconFires, beaconStats, meets, percentile, type BeaconStats } from './stats.js';
import { fieldGetter, fieldScalar, valueNumber, valueText } from './text.js';

const getEventId = fieldGetter('EventID');
const getChannel = fieldGetter('Channel');

export interface DetectionMatch {
  readonly kind: 'detection';
  readonly rule: CompiledDetection['rule'];
  readonly ruleKey: string;
  readonly event: CanonicalEvent;
  /** False when the rule only feeds correlations with `generate: false`. */
  readonly emit: boolean;
}

export interface CorrelationMatch {
  readonly kind: 'correlation';
  readonly rule: CompiledCorrelation['rule'];
  readonly ruleKey: string;
  readonly type: CompiledCorrelation['rule']['type'];
  /** Group-by name → value (as text). */
  readonly group: Readonly<Record<string, string>>;
  /** Group values joined for display/sorting. */
  readonly groupKey: string;
  /** [start, end) in epoch ms. */
  readonly window: { readonly start: number; readonly end: number };
  /**
   * The value compared with the condition: event_count → events; value_count → distinct values;
   * temporal → distinct referenced rules seen; temporal_ordered → rules matched in order;
   * value_sum/avg/percentile/median → that statistic; beacon → total events.
   */
  readonly value: number;
  /** Beacon only. */
  readonly stats?: BeaconStats;
  /** Contributing events, sorted by time, at most `maxEventsPerMatch`. */
  readonly events: readonly CanonicalEvent[];
  /** Exact number of contributing events (base-rule events). */
  readonly eventCount: number;
  /** False when this correlation only feeds correlations with `generate: false`. */
  readonly emit: boolean;
}

export interface EvalStats {
  /** Events pushed. */
  events: number;
  /** Events that no rule's logsource selected. */
  skipped: number;
  /** Detection matches per rule key (up to date whenever read). */
  readonly matchesByRule: Map<string, number>;
  /** Base-rule matches that fed a correlation but had no time, so no window. */
  untimed: number;
  /** Base-rule matches not correlated because a group-by field was missing or null. */
  ungrouped: number;
  /** Correlation matches per rule key (after finish). */
  correlationMatchesByRule: Map<string, number>;
}

export interface Evaluator {
  push(event: CanonicalEvent): readonly DetectionMatch[];
  finish(): readonly CorrelationMatch[];
  readonly stats: EvalStats;
  /**
   * Parallel hunting (src/hunt/parallel.ts) splits `push` in two. A worker's evaluator (created
   * with `correlate: false`) pushes events and reads `lastHits()`: the indices in
   * `rs.detections` of the rules the last event matched, in match order. The main evaluator
   * gets, in input order, each such event (with at least the fields `correlationFields` names)
   * and its indices through `replay`, which counts, feeds the correlations and returns the
   * matches exactly as `push` would have; `count` adds the events and skipped events.
   */
  lastHits(): readonly number[];
  replay(event: CanonicalEvent, hits: ArrayLike<number>): readonly DetectionMatch[];
  count(events: number, skipped: number): void;
}

export interface EvaluatorOptions {
  /** False: detections only, nothing is fed to correlations (a parallel worker's evaluator). */
  readonly correlate?: boolean;
  /**
   * False: `push` and `replay` return only matches with `emit` (alerts), not those of rules that
   * only feed correlations (callers that print alerts skip those anyway; a worker reads `lastHits`).
   */
  readonly silentMatches?: boolean;
}

/** Fields a match of detection `di` needs for the correlations it feeds (group-by and value fields). */
export function correlationFields(rs: RuleSet, di: number): string[] {
  const out = new Set<string>();
  for (const [ci, input] of rs.detections[di]!.feeds) {
    const c = rs.correlations[ci]!;
    for (const f of c.groupFields[input]!) out.add(f);
    const v = c.valueFields[input];
    if (v !== undefined) out.add(v);
  }
  return [...out];
}

/** State of one (correlation, group, window). */
interface Win {
  readonly start: number;
  readonly group: Record<string, string>;
  readonly groupKey: string;
  count: number;
  events: CanonicalEvent[];
  values?: Set<string>;
  nums?: number[];
  sum: number;
  n: number;
  seen?: number[][];
  /** Beacon: the first active bucket inline; a Map only once a second bucket appears. */
  b0?: number;
  c0?: number;
  buckets?: Map<number, number>;
  times?: number[];
}

const EMPTY: readonly DetectionMatch[] = Object.freeze([]);
const SEP = '\u001f';

export function createEvaluator(rs: RuleSet, opts: EvaluatorOptions = {}): Evaluator {
  const correlate = opts.correlate !== false;
  const keepSilent = opts.silentMatches !== false;
  const hitIdx: number[] = []; // rules matched by the last pushed event (lastHits)
  const ctx = new EvalContext(rs.fieldSlots, rs.leafSlots, rs.plans, rs.viewCount, rs.loadViews);
  // Per correlation: window start → (group key → state).
  const state: Array<Map<number, Map<string, Win | number>>> = rs.correlations.map(() => new Map());
  // Detection matches are counted per rule index (cheap) and folded into the Map when read.
  const hitCounts = new Float64Array(rs.detections.length);
  const byRule = new Map<string, number>();
  const firstHits: number[] = []; // rule indices in order of their first match (the Map's order)
  const stats: EvalStats = {
    events: 0,
    skipped: 0,
    get matchesByRule(): Map<string, number> {
      const sums = new Map<string, number>();
      for (const i of firstHits) {
        const k = rs.detections[i]!.key;
        sums.set(k, (sums.get(k) ?? 0) + hitCounts[i]!);
      }
      for (const [k, n] of sums) byRule.set(k, n);
      return byRule;
    },
    untimed: 0,
    ungrouped: 0,
    correlationMatchesByRule: new Map(),
  };
  const cap = rs.maxEventsPerMatch;
  let lastChannel: string | undefined;
  let lastChannelFolded = '';
  let finished: readonly CorrelationMatch[] | undefined;

  // Group keys: a long group value (Computer, Image) is replaced by a small id while its field
  // has few distinct long values; short values (addresses, ports) and the rest are written out
  // after their length. Keys are thus unambiguous and short: a beacon correlation can hold one
  // window per destination address. Every part starts with a tag below U+0080 (the key stays a
  // one-byte string): U+0001 + length for a value of up to 16 characters, U+0012 + id digits
  // (U+0080..U+00FF, base 128) for an interned one, U+0013 + decimal length + ':' for a long one.
  // Parts go to `keyParts` and are joined once (no garbage).
  const interned = new Map<string, Map<string, string>>();
  const INTERN_MAX = 4096;
  const SHORT = 16;
  const LEN_TAG = Array.from({ length: SHORT + 1 }, (_, n) => String.fromCharCode(1 + n));
  const internId = (n: number): string => {
    let id = '';
    do { id = String.fromCharCode(0x80 + (n % 128)) + id; n = Math.floor(n / 128); } while (n > 0);
    return `\u0012${id}`;
  };
  function keyPart(field: string, t: string): void {
    if (t.length <= SHORT) {
      keyParts.push(LEN_TAG[t.length]!, t);
      return;
    }
    let tab = interned.get(field);
    if (!tab) interned.set(field, (tab = new Map()));
    let id = tab.get(t);
    if (id === undefined && tab.size < INTERN_MAX) tab.set(t, (id = internId(tab.size)));
    if (id !== undefined) keyParts.push(id);
    else keyParts.push(`\u0013${t.length}:`, t);
  }
  // A beacon window seen once holds only the event's offset in the window (a number), no object
  // and no event: most groups of an outbound-traffic base rule are one-off destinations. It
  // becomes a `Win` at its second occurrence. Only when a single occurrence cannot fire.
  const compact = rs.correlations.map((c) => !rs.keepAllBeaconEvents && c.rule.type === 'beacon' && !!c.rule.beacon && (c.rule.beacon.minEvents > 1 || c.rule.beacon.minBuckets > 1));
  // Events kept per window: beacons keep fewer (they have many long windows).
  const caps = rs.correlations.map((c) => (c.rule.type === 'beacon' ? rs.maxEventsPerBeacon : cap));
  // One key per event and field list, shared by correlations that group alike (same string).
  let keyEvent: unknown = undefined;
  // Keys computed for `keyEvent`, by group signature (an event feeds few signatures: arrays, not a Map to clear per event).
  const memoSigs: string[] = [];
  const memoKeys: Array<string | null> = [];
  const keyParts: string[] = [];

  function newWin(c: CompiledCorrelation, input: number, start: number, get: (f: string) => unknown): Win {
    const r = c.rule;
    const fields = c.groupFields[input]!;
    const group: Record<string, string> = {};
    let groupKey = '';
    c.groupBy.forEach((name, g) => {
      const t = valueText(get(fields[g]!))!;
      group[name] = t;
      groupKey += (g ? SEP : '') + t;
    });
    const w: Win = { start, group, groupKey, count: 0, events: [], sum: 0, n: 0 };
    if (r.type === 'value_count') w.values = new Set();
    if (r.type === 'value_percentile' || r.type === 'value_median') w.nums = [];
    if (r.type === 'temporal' || r.type === 'temporal_ordered') w.seen = c.inputs.map(() => []);
    if (r.type === 'beacon' && r.beacon?.method === 'intervals') w.times = [];
    return w;
  }

  /** The internal group key of an occurrence (null: a group-by value is missing). */
  function keyOf(c: CompiledCorrelation, input: number, get: (f: string) => unknown, memoFor: unknown): string | null {
    const fields = c.groupFields[input]!;
    const sig = c.groupSignatures[input]!;
    if (memoFor === undefined || memoFor !== keyEvent) {
      keyEvent = memoFor;
      memoSigs.length = 0;
      memoKeys.length = 0;
    }
    let key: string | null | undefined;
    if (memoFor !== undefined) {
      const at = memoSigs.indexOf(sig);
      if (at >= 0) key = memoKeys[at];
    }
    if (key === undefined) {
      keyParts.length = 0;
      for (let g = 0; g < fields.length; g++) {
        const t = valueText(get(fields[g]!));
        if (t === undefined) {
          key = null;
          break;
        }
        keyPart(fields[g]!, t);
      }
      // join() yields one flat string (`+=` would keep a tree of partial strings per key).
      if (key === undefined) key = keyParts.join('');
      if (memoFor !== undefined) { memoSigs.push(sig); memoKeys.push(key); }
    }
    return key;
  }

  /**
   * Compact beacon correlations fed only by one rule and grouping alike (the 5-minute and the
   * 20-minute beacon on one base rule) share one store of groups seen exactly once overall: such
   * a group is a one-occurrence window in each of them, so one entry serves all. At a group's
   * second occurrence its first is handed to each correlation, and the group is remembered in
   * `once` as MANY (later occurrences go straight to the correlations). Exact in any order.
   */
  interface OnceGroup {
    readonly feeds: ReadonlyArray<readonly [number, number]>;
    /** Group key → time of its only occurrence so far (see onceSet), or MANY. */
    readonly once: Map<string, number>;
    /** Times that are not safe integers, by key (`once` holds NaN for them). */
    readonly onceExact: Map<string, number>;
  }
  const MANY = -Infinity; // never an event time (times are finite)
  // A time in `once` is kept as its distance from the first one stored: a small integer, which
  // V8 holds in the map entry itself, not as a heap number per entry (a million one-off groups
  // are common). Exact for integer times (what readers give); others go to `onceExact` (NaN).
  let onceBase: number | undefined;
  function onceSet(g: OnceGroup, key: string, time: number): void {
    onceBase ??= Number.isSafeInteger(time) ? time : undefined;
    if (onceBase !== undefined && Number.isSafeInteger(time) && Number.isSafeInteger(time - onceBase)) g.once.set(key, time - onceBase);
    else {
      g.once.set(key, NaN);
      g.onceExact.set(key, time);
    }
  }
  function onceTime(g: OnceGroup, key: string, stored: number): number {
    return Number.isNaN(stored) ? g.onceExact.get(key)! : stored + onceBase!;
  }
  const onceGroups: OnceGroup[][] = [];
  const directFeeds: Array<ReadonlyArray<readonly [number, number]>> = [];
  for (const d of rs.detections) {
    const bySig = new Map<string, Array<readonly [number, number]>>();
    const direct: Array<readonly [number, number]> = [];
    for (const f of d.feeds) {
      const c = rs.correlations[f[0]]!;
      if (compact[f[0]] && c.inputs.length === 1) {
        const sig = c.groupSignatures[f[1]]!;
        let l = bySig.get(sig);
        if (!l) bySig.set(sig, (l = []));
        l.push(f);
      } else direct.push(f);
    }
    const groups: OnceGroup[] = [];
    for (const l of bySig.values()) {
      if (l.length > 1) groups.push({ feeds: l, once: new Map(), onceExact: new Map() });
      else direct.push(...l);
    }
    onceGroups.push(groups);
    directFeeds.push(direct);
  }

  function feedOnceGroup(g: OnceGroup, time: number | undefined, get: (f: string) => unknown, events: readonly CanonicalEvent[], event: CanonicalEvent): void {
    if (time === undefined || !Number.isFinite(time)) {
      stats.untimed += g.feeds.length;
      return;
    }
    const [ci0, in0] = g.feeds[0]!;
    const key = keyOf(rs.correlations[ci0]!, in0, get, event);
    if (key === null) {
      stats.ungrouped += g.feeds.length;
      return;
    }
    let t1 = g.once.get(key);
    if (t1 === undefined) {
      onceSet(g, key, time);
      return;
    }
    if (t1 !== MANY) {
      t1 = onceTime(g, key, t1);
      g.once.set(key, MANY);
      if (g.onceExact.size > 0) g.onceExact.delete(key);
      for (const [ci] of g.feeds) {
        const span = rs.correlations[ci]!.rule.timespanMs;
        const start = Math.floor(t1 / span) * span;
        const byStart = state[ci]!;
        let m = byStart.get(start);
        if (!m) byStart.set(start, (m = new Map()));
        m.set(key, t1 - start);
      }
    }
    for (const [ci, input] of g.feeds) feed(ci, input, time, get, events, 1, event);
  }

  /** Add one occurrence (an event, or a match of an inner correlation) to a correlation. */
  function feed(ci: number, input: number, time: number | undefined, get: (f: string) => unknown, events: readonly CanonicalEvent[], weight: number, memoFor?: unknown): void {
    if (time === undefined || !Number.isFinite(time)) {
      stats.untimed++;
      return;
    }
    const c = rs.correlations[ci]!;
    const r = c.rule;
    const key = keyOf(c, input, get, memoFor);
    if (key === null) {
      stats.ungrouped++;
      return;
    }
    const span = r.timespanMs;
    const start = Math.floor(time / span) * span;
    const byStart = state[ci]!;
    let m = byStart.get(start);
    if (!m) byStart.set(start, (m = new Map()));
    const held = m.get(key);
    let w: Win;
    if (held === undefined) {
      if (compact[ci] && weight === 1) {
        m.set(key, time - start);
        return;
      }
      w = newWin(c, input, start, get);
      m.set(key, w);
    } else if (typeof held === 'number') {
      // Second occurrence of a compact beacon window: replay the first (count, bucket, time).
      w = newWin(c, input, start, get);
      const t0 = start + held;
      w.count = 1;
      const b = r.beacon!.bucketMs;
      w.b0 = Math.floor(t0 / b) * b;
      w.c0 = 1;
      w.times?.push(t0);
      m.set(key, w);
    } else w = held;
    const wcap = caps[ci]!;
    w.count += weight;
    for (const e of events) if (w.events.length < wcap) w.events.push(e);
    switch (r.type) {
      case 'value_count': {
        const vf = c.valueFields[input];
        const t = vf === undefined ? undefined : valueText(get(vf));
        if (t !== undefined) w.values!.add(t);
        break;
      }
      case 'value_sum':
      case 'value_avg':
      case 'value_percentile':
      case 'value_median': {
        const vf = c.valueFields[input];
        const n = vf === undefined ? undefined : valueNumber(get(vf));
        if (n !== undefined) {
          w.sum += n;
          w.n++;
          w.nums?.push(n);
        }
        break;
      }
      case 'temporal':
      case 'temporal_ordered': {
        const seen = w.seen![input]!;
        if (r.type === 'temporal_ordered' || seen.length === 0) seen.push(time);
        break;
      }
      case 'beacon': {
        const b = r.beacon!.bucketMs;
        const bucket = Math.floor(time / b) * b;
        if (w.b0 === undefined || w.b0 === bucket) {
          w.b0 = bucket;
          w.c0 = (w.c0 ?? 0) + weight;
        } else {
          if (!w.buckets) w.buckets = new Map([[w.b0, w.c0!]]);
          w.buckets.set(bucket, (w.buckets.get(bucket) ?? 0) + weight);
        }
        w.times?.push(time);
        break;
      }
      default:
        break;
    }
  }

  function push(event: CanonicalEvent): readonly DetectionMatch[] {
    stats.events++;
    hitIdx.length = 0;
    const fields = event.fields;
    ctx.reset(fields);
    const eid = valueNumber(getEventId(fields));
    const byId = eid === undefined ? undefined : rs.byEventId.get(eid);
    const chanRaw = valueText(getChannel(fields));
    if (chanRaw !== lastChannel) {
      lastChannel = chanRaw;
      lastChannelFolded = chanRaw === undefined ? '' : fold(chanRaw);
    }
    sel = false;
    out = undefined;
    current = event;
    if (chanRaw !== chanFor) refreshChannels(chanRaw);
    if (byId) {
      ctx.load();
      const prog = generated ? rs.programs.get(eid!) : undefined;
      if (prog) {
        if (prog(ctx, chanOk, hit)) sel = true;
      } else run(byId, event);
    }
    if (rs.anyEventId.length) {
      ctx.load();
      if (rs.anyProgram) {
        if (rs.anyProgram(ctx, chanOk, hit)) sel = true;
      } else run(rs.anyEventId, event);
    }
    if (!sel) stats.skipped++;
    const result = out ?? EMPTY;
    out = undefined;
    current = undefined;
    return result;
  }

  const generated = rs.programs.size > 0 || rs.anyProgram !== undefined;
  let current: CanonicalEvent | undefined;
  const hit = (di: number): void => hitRule(rs.detections[di]!, di, current!);

  // Per-event scratch (push is not re-entrant), kept outside to avoid a closure per event.
  let sel = false;
  let out: DetectionMatch[] | undefined;
  // Channel acceptance per detection, recomputed only when the event's channel text changes.
  const chanOk = new Uint8Array(rs.detections.length);
  let chanFor: string | undefined | null = null;
  function refreshChannels(chan: string | undefined): void {
    chanFor = chan;
    // No Channel, or one that no logsource maps: judged on EventID alone (logsource.ts).
    const anyChannel = chan === undefined || !isMappedChannel(lastChannelFolded);
    for (let di = 0; di < rs.detections.length; di++) {
      const chans = rs.channels[di];
      chanOk[di] = !chans || anyChannel || chans.has(lastChannelFolded) ? 1 : 0;
    }
  }

  function run(list: readonly number[], event: CanonicalEvent): void {
    for (let i = 0; i < list.length; i++) {
      const di = list[i]!;
      if (chanOk[di] === 0) continue;
      sel = true;
      const d = rs.detections[di]!;
      const g = d.gate;
      if (g !== undefined && !ctx.test(g[0], g[1])) continue;
      let hit: boolean;
      try {
        hit = d.test(ctx);
      } catch {
        hit = false; // never throw on event content
      }
      if (hit) hitRule(d, di, event);
    }
  }

  function hitRule(d: CompiledDetection, di: number, event: CanonicalEvent): void {
    if (hitCounts[di]!++ === 0) firstHits.push(di);
    hitIdx.push(di);
    if (d.emit || keepSilent) (out ??= []).push({ kind: 'detection', rule: d.rule, ruleKey: d.key, event, emit: d.emit });
    if (d.feeds.length && correlate) {
      feedFields = event.fields;
      one.push(event);
      for (const [ci, input] of directFeeds[di]!) feed(ci, input, event.time, getFed, one, 1, event);
      for (const g of onceGroups[di]!) feedOnceGroup(g, event.time, getFed, one, event);
      one.pop();
    }
  }
  // The event being fed (hitRule is not re-entrant): one reader and one array, not one per match.
  let feedFields: Readonly<Record<string, FieldValue>> = {};
  const getFed = (f: string): unknown => fieldScalar(feedFields, f);
  const one: CanonicalEvent[] = [];

  function close(ci: number): CorrelationMatch[] {
    const c = rs.correlations[ci]!;
    const r = c.rule;
    const out: CorrelationMatch[] = [];
    for (const w of [...state[ci]!.values()].flatMap((m) => [...m.values()])) {
      // A compact beacon window (one occurrence) cannot fire: see `compact`.
      if (typeof w === 'number') continue;
      let value: number;
      let fires: boolean;
      let bstats: BeaconStats | undefined;
      switch (r.type) {
        case 'event_count':
          value = w.count;
          fires = meets(value, r.condition);
          break;
        case 'value_count':
          value = w.values!.size;
          fires = meets(value, r.condition);
          break;
        case 'value_sum':
          value = w.sum;
          fires = w.n > 0 && meets(value, r.condition);
          break;
        case 'value_avg':
          value = w.n > 0 ? w.sum / w.n : NaN;
          fires = w.n > 0 && meets(value, r.condition);
          break;
        case 'value_percentile':
        case 'value_median': {
          const sorted = w.nums!.sort((a, b) => a - b);
          value = percentile(sorted, r.type === 'value_median' ? 50 : r.percentile ?? 50);
          fires = sorted.length > 0 && meets(value, r.condition);
          break;
        }
        case 'temporal': {
          value = w.seen!.filter((s) => s.length > 0).length;
          fires = r.condition.length ? meets(value, r.condition) : value === c.inputs.length;
          break;
        }
        case 'temporal_ordered': {
          // Greedy: earliest occurrence of rule 1, then the earliest of rule 2 at or after it, …
          let t = -Infinity;
          value = 0;
          for (const times of w.seen!) {
            let best = Infinity;
            for (const x of times) if (x >= t && x < best) best = x;
            if (best === Infinity) break;
            t = best;
            value++;
          }
          fires = r.condition.length ? meets(value, r.condition) : value === c.inputs.length;
          break;
        }
        case 'beacon': {
          // One active bucket: span 1, which cannot reach minBuckets > 1 (the common case).
          if (!w.buckets && r.beacon!.minBuckets > 1) continue;
          const buckets = w.buckets ?? new Map(w.b0 === undefined ? [] : [[w.b0, w.c0!]]);
          bstats = beaconStats(r.beacon!, buckets, w.times);
          value = bstats?.total ?? 0;
          fires = bstats !== undefined && beaconFires(r.beacon!, bstats) && meets(value, r.condition);
          break;
        }
      }
      if (!fires) continue;
      const events = [...w.events].sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
      out.push({
        kind: 'correlation',
        rule: r,
        ruleKey: c.key,
        type: r.type,
        group: w.group,
        groupKey: w.groupKey,
        window: { start: w.start, end: w.start + r.timespanMs },
        value,
        ...(bstats ? { stats: bstats } : {}),
        events,
        eventCount: w.count,
        emit: c.emit,
      });
    }
    out.sort((a, b) => a.window.start - b.window.start || (a.groupKey < b.groupKey ? -1 : a.groupKey > b.groupKey ? 1 : 0));
    return out;
  }

  function finish(): readonly CorrelationMatch[] {
    if (finished) return finished;
    const all: CorrelationMatch[] = [];
    // Correlations are in dependency order: close each, then feed its matches onward.
    rs.correlations.forEach((c, ci) => {
      const ms = close(ci);
      stats.correlationMatchesByRule.set(c.key, ms.length);
      for (const m of ms) {
        for (const [next, input] of c.feeds) {
          feed(next, input, m.window.start, (f) => (Object.prototype.hasOwnProperty.call(m.group, f) ? m.group[f] : undefined), m.events, 1);
        }
      }
      all.push(...ms);
    });
    finished = all;
    return all;
  }

  function replay(event: CanonicalEvent, hits: ArrayLike<number>): readonly DetectionMatch[] {
    if (finished) throw new Error('replay after finish');
    out = undefined;
    for (let i = 0; i < hits.length; i++) {
      const di = hits[i]!;
      const d = rs.detections[di];
      if (d === undefined) throw new Error(`replay: no detection ${di}`);
      hitRule(d, di, event);
    }
    const result = out ?? EMPTY;
    out = undefined;
    hitIdx.length = 0;
    return result;
  }

  function count(events: number, skipped: number): void {
    stats.events += events;
    stats.skipped += skipped;
  }

  return { push, finish, stats, lastHits: () => hitIdx, replay, count };
}
