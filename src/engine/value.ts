/**
 * One field value seen by every leaf that tests that field: its text, folded text, number and
 * parsed address are derived at most once (per event, or per distinct value when the field's
 * results are cached), however many rules and CIDR lists look at it.
 */
import type { FieldValue } from '../logs/event.js';
import { fold } from './fold.js';
import { parseIPv4, parseIPv6Into } from './ip.js';
import { valueNumber, valueText } from './text.js';

const TEXT = 1;
const FOLDED = 2;
const IP4 = 4;
const IP6 = 8;
const NUM = 16;

export class ValueView {
  /** The raw scalar (undefined when missing or not a scalar; null stays null). */
  raw: FieldValue | undefined = undefined;
  private have = 0;
  private t: string | undefined = undefined;
  private f: string | undefined = undefined;
  private i4: number | undefined = undefined;
  private i6: Uint16Array | undefined = undefined;
  /** Reused for every IPv6 parse of this view (leaves only read it while the view is current). */
  private readonly buf6 = new Uint16Array(8);
  private n: number | undefined = undefined;

  set(v: FieldValue | undefined): void {
    this.raw = v;
    this.have = 0;
  }

  /** Text (case preserved); undefined when absent or null. */
  text(): string | undefined {
    if ((this.have & TEXT) === 0) {
      this.t = valueText(this.raw);
      this.have |= TEXT;
    }
    return this.t;
  }

  /** Folded text (fold.ts); undefined when absent or null. */
  folded(): string | undefined {
    if ((this.have & FOLDED) === 0) {
      const t = this.text();
      // Numbers and booleans print in lower case already (`1e+21`, `true`).
      this.f = t === undefined ? undefined : typeof this.raw === 'string' ? fold(t) : t;
      this.have |= FOLDED;
    }
    return this.f;
  }

  /** The text as a dotted-quad IPv4 address, else undefined. */
  ip4(): number | undefined {
    if ((this.have & IP4) === 0) {
      const t = this.text();
      this.i4 = t === undefined ? undefined : parseIPv4(t);
      this.have |= IP4;
    }
    return this.i4;
  }

  /** The text as an IPv6 address, else undefined. */
  ip6(): Uint16Array | undefined {
    if ((this.have & IP6) === 0) {
      const t = this.text();
      this.i6 = t !== undefined && parseIPv6Into(t, this.buf6) ? this.buf6 : undefined;
      this.have |= IP6;
    }
    return this.i6;
  }

  /** Number for numeric comparisons (text.ts `valueNumber`). */
  num(): number | undefined {
    if ((this.have & NUM) === 0) {
      this.n = valueNumber(this.raw);
      this.have |= NUM;
    }
    return this.n;
  }
}

/** A leaf that depends on one field only: a pure function of that field's value. */
export type ValueTest = (v: ValueView) => boolean;
