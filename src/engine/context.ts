/**
 * Per-event evaluation context: the event's fields plus caches that live for one event, so a
 * field folded for one rule is not folded again for the next, and a condition shared by several
 * rules (same leaf) is evaluated once. Caches are invalidated by bumping `gen`, not by clearing.
 */
import type { FieldValue } from '../logs/event.js';
import { fold } from './fold.js';
import { fieldScalar, valueText } from './text.js';

export class EvalContext {
  fields: Readonly<Record<string, FieldValue>> = Object.create(null) as Record<string, FieldValue>;
  gen = 1;
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

  constructor(fieldSlots: number, leafSlots: number) {
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
    if (++this.gen >= 0x7fffffff) {
      this.gen = 1;
      this.textGen.fill(0);
      this.foldGen.fill(0);
      this.leafGen.fill(0);
      this.kwGen = 0;
      this.kwFoldGen = 0;
    }
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
