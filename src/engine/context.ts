/**
 * Per-event evaluation context: the event's fields plus caches that live for one event, so a
 * field folded for one rule is not folded again for the next, and a condition shared by several
 * rules (same leaf) is evaluated once. Caches are invalidated by bumping `gen`, not by clearing.
 */
import type { FieldValue } from '../logs/event.js';
import { v4Lookup, v4Table, type FieldPlan } from './compile.js';
import { fold } from './fold.js';
import { fieldScalar, valueText } from './text.js';
import { ValueView } from './value.js';

/** Distinct values remembered per plan before the cache is emptied. */
const CACHE_MAX = 4096;
/** Longer texts are not cached (hashing them costs as much as testing them). */
const CACHE_VALUE_MAX = 256;
/** Lookups per period over which a plan's cache must hit at least half the time to be kept. */
const PERIOD = 8192;
const ALL = 0x7fffffff;

export class EvalContext {
  fields: Readonly<Record<string, FieldValue>> = Object.create(null) as Record<string, FieldValue>;
  gen = 1;
  private loaded = false;
  private readonly textGen: Int32Array;
  private readonly textVal: (string | undefined)[];
  private readonly foldGen: Int32Array;
  private readonly foldVal: (string | undefined)[];
  readonly leafGen: Int32Array;
  readonly leafVal: Uint8Array;
  private kwGen = 0;
  private kwRaw: string[] = [];
  private kwFoldGen = 0;
  private kwFolded: string[] = [];

  // Field plans (compile.ts): per plan, the event generation its masks belong to, which of its
  // leaves are known, and their values; per field, one ValueView (filled at `reset`).
  /** Per plan: which leaves are known for the current event (zeroed at `reset`). */
  readonly pKnown: Int32Array;
  /** Per plan: the results of the known leaves. */
  readonly pVal: Int32Array;
  private readonly views: ValueView[];
  /**
   * Per plan: results of all its leaves per distinct raw value. A plan whose values rarely
   * repeat (addresses, ports) drops its cache and evaluates leaves lazily per event instead.
   */
  private readonly caches: Array<Map<FieldValue | undefined, number> | null>;
  private readonly lookups: Int32Array;
  private readonly hits: Int32Array;

  constructor(
    fieldSlots: number,
    leafSlots: number,
    private readonly plans: readonly FieldPlan[] = [],
    viewCount = 0,
    private readonly loadViews: (fields: Readonly<Record<string, FieldValue>>, views: readonly ValueView[]) => void = () => {},
  ) {
    const n = plans.length;
    this.pKnown = new Int32Array(n);
    this.pVal = new Int32Array(n);
    this.views = Array.from({ length: viewCount }, () => new ValueView());
    this.caches = plans.map(() => new Map());
    this.lookups = new Int32Array(n);
    this.hits = new Int32Array(n);
    this.textGen = new Int32Array(fieldSlots);
    this.textVal = new Array<string | undefined>(fieldSlots).fill(undefined);
    this.foldGen = new Int32Array(fieldSlots);
    this.foldVal = new Array<string | undefined>(fieldSlots).fill(undefined);
    this.leafGen = new Int32Array(leafSlots);
    this.leafVal = new Uint8Array(leafSlots);
  }

  /** Start evaluating a new event. */
  reset(fields: Readonly<Record<string, FieldValue>>): void {
    this.fields = fields;
    this.loaded = false;
    this.pKnown.fill(0);
    if (++this.gen >= 0x7fffffff) {
      this.gen = 1;
      this.textGen.fill(0);
      this.foldGen.fill(0);
      this.leafGen.fill(0);
      this.kwGen = 0;
      this.kwFoldGen = 0;
    }
  }

  /**
   * Read the planned fields of the current event into their views; called once per event before
   * any plan is used, and only when some rule may run (events no rule selects are not read).
   */
  load(): void {
    if (!this.loaded) {
      this.loaded = true;
      this.loadViews(this.fields, this.views);
    }
  }

  /** Result of leaf `bit` of plan `p` for the current event (after `load`). */
  test(p: number, bit: number): boolean {
    if ((this.pKnown[p]! & bit) === 0) this.r(p, bit);
    return (this.pVal[p]! & bit) !== 0;
  }

  /** Make leaf `bit` of plan `p` known (generated rules inline the check of `pKnown`). */
  r(p: number, bit: number): boolean {
    if (this.pKnown[p] === 0) this.begin(p);
    if ((this.pKnown[p]! & bit) === 0) this.compute(p, bit);
    return true;
  }

  /** First look at plan `p` in this event: take every result from the cache, or none. */
  private begin(p: number): void {
    this.pVal[p] = 0;
    const cache = this.caches[p];
    if (!cache) return;
    const plan = this.plans[p]!;
    const view = this.views[plan.view]!;
    const raw = view.raw;
    if (typeof raw === 'string' && raw.length > CACHE_VALUE_MAX) return;
    const hit = cache.get(raw);
    const n = ++this.lookups[p]!;
    if (hit !== undefined) {
      this.hits[p]!++;
      this.pKnown[p] = ALL;
      this.pVal[p] = hit;
    } else {
      const tests = plan.tests;
      let m = 0;
      for (let i = 0; i < tests.length; i++) if (tests[i]!(view)) m |= 1 << i;
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(raw, m);
      this.pKnown[p] = ALL;
      this.pVal[p] = m;
    }
    if (n >= PERIOD) {
      if (this.hits[p]! * 2 < n) this.caches[p] = null;
      this.lookups[p] = 0;
      this.hits[p] = 0;
    }
  }

  private compute(p: number, bit: number): void {
    const plan = this.plans[p]!;
    const v4 = plan.v4;
    if (v4 !== undefined && (v4.bits & bit) !== 0) {
      // Every CIDR leaf of the plan at once for an IPv4 value (one binary search).
      const ip = this.views[plan.view]!.ip4();
      if (ip !== undefined) {
        this.pVal[p]! |= v4Lookup((v4.table ??= v4Table(v4.leaves)), ip);
        this.pKnown[p]! |= v4.bits;
        return;
      }
    }
    if (plan.tests[31 - Math.clz32(bit)]!(this.views[plan.view]!)) this.pVal[p]! |= bit;
    this.pKnown[p]! |= bit;
  }

  /** Field value as text (case preserved), undefined when absent or null. */
  text(slot: number, name: string): string | undefined {
    if (this.textGen[slot] === this.gen) return this.textVal[slot];
    const t = valueText(fieldScalar(this.fields, name));
    this.textGen[slot] = this.gen;
    this.textVal[slot] = t;
    return t;
  }

  /** Field value as folded text (see fold.ts), undefined when absent or null. */
  folded(slot: number, name: string): string | undefined {
    if (this.foldGen[slot] === this.gen) return this.foldVal[slot];
    const t = this.text(slot, name);
    const f = t === undefined ? undefined : fold(t);
    this.foldGen[slot] = this.gen;
    this.foldVal[slot] = f;
    return f;
  }

  /** Every value of the event as text, for keywords. */
  allText(): readonly string[] {
    if (this.kwGen === this.gen) return this.kwRaw;
    const out: string[] = [];
    const f = this.fields;
    for (const k in f) {
      const t = valueText(fieldScalar(f, k));
      if (t !== undefined) out.push(t);
    }
    this.kwRaw = out;
    this.kwGen = this.gen;
    return out;
  }

  allFolded(): readonly string[] {
    if (this.kwFoldGen === this.gen) return this.kwFolded;
    this.kwFolded = this.allText().map(fold);
    this.kwFoldGen = this.gen;
    return this.kwFolded;
  }
}
