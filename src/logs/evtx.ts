/**
 * Our own EVTX reader (file header, 64 KiB chunks, records, BinXML with templates and typed
 * substitutions). Why not @ts-evtx/core: it reads Boolean substitutions as 1 byte instead of 4,
 * which shifts every field after `Initiated` in a Sysmon 3 record (see TARGETS.md); here every
 * substitution value is read by the size its descriptor declares, so that class of bug cannot
 * happen. It is also streaming: one chunk in memory at a time.
 *
 * BinXML is rendered into the same element tree the text XML parser builds, and flattened by the
 * same `eventFieldsFromTree`, so EVTX and XML give identical canonical events.
 *
 * Hostile input: every offset is bounds-checked against the chunk, nesting and template
 * recursion are capped, each token consumes at least one byte, so a corrupted file yields
 * errors (with chunk and record numbers), never a crash or a hang.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import type { FieldValue } from './event.js';
import { assignLine, ConstructorCache, fieldKind, fieldsConstructor, newFields, typeByKind, type FieldKind } from './fields.js';
import { eventFieldsFromTree, findElement, type XNode } from './xml.js';

export const EVTX_FILE_MAGIC = 'ElfFile\0';
export const EVTX_HEADER_SIZE = 4096;
export const EVTX_CHUNK_SIZE = 65536;
const MAX_DEPTH = 48;

export type EvtxItem =
  | { kind: 'event'; fields: Record<string, FieldValue>; record: number }
  | { kind: 'error'; record?: number; message: string };

class EvtxError extends Error {}

const crcTable = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (zlib's when Node has it, else a table-driven one). */
export function crc32(buf: Uint8Array, start = 0, end = buf.length, seed = 0): number {
  if (typeof zlibCrc32 === 'function') return zlibCrc32(buf.subarray(start, end), seed) >>> 0;
  let c = ~seed;
  for (let i = start; i < end; i++) c = crcTable[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Items of an array-typed substitution (type 0x80 | base): Windows repeats the element per item. */
class ValueArray {
  constructor(readonly items: readonly string[]) {}
  toString(): string { return this.items.join('\n'); }
}
/** A substitution's value: text, null (absent), an embedded BinXML fragment, or an array's items. */
type SubValue = string | null | XNode[] | ValueArray;
/** Fixed item width of array base types (strings and SIDs are variable). */
const ITEM_WIDTH: Readonly<Record<number, number>> = {
  0x03: 1, 0x04: 1, 0x05: 2, 0x06: 2, 0x07: 4, 0x08: 4, 0x09: 8, 0x0a: 8, 0x0b: 4, 0x0c: 8,
  0x0d: 4, 0x0f: 16, 0x10: 8, 0x11: 8, 0x12: 16, 0x14: 4, 0x15: 8,
};
interface Sub { sub: number; optional: boolean }
interface TElem { name: string; attrs: Array<{ name: string; parts: TPart[] }>; children: TPart[] }
/** Template content: literal text, substitution, element, or an already-instantiated fragment. */
type TPart = string | Sub | TElem | XNode[];

function isSub(p: TPart): p is Sub {
  return typeof p === 'object' && !Array.isArray(p) && 'sub' in p;
}

const HEX = '0123456789ABCDEF';

function hexBytes(b: Buffer, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += HEX[b[i]! >> 4]! + HEX[b[i]! & 15]!;
  return out;
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

let lastSecs = NaN;
let lastPrefix = '';

/**
 * FILETIME (100 ns ticks since 1601, as two 32-bit halves) → `YYYY-MM-DDThh:mm:ss.fffffff00Z`
 * (Event Viewer style). Exact to the tick without BigInt: the fraction is computed modulo 10^7
 * from the halves; the whole seconds tolerate the double's rounding.
 */
export function fileTimeToIso(lo: number, hi: number): string {
  const frac = ((hi % 10000000) * 4967296 + lo) % 10000000; // 2^32 mod 10^7 = 4967296
  const secs = Math.round((hi * 4294967296 + lo - frac) / 10000000) - 11644473600;
  if (secs !== lastSecs) {
    const d = new Date(secs * 1000);
    if (Number.isNaN(d.getTime())) return `${hi * 4294967296 + lo}`;
    lastPrefix = d.toISOString().slice(0, 19);
    lastSecs = secs;
  }
  return `${lastPrefix}.${pad(frac, 7)}00Z`;
}

const HEXU: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

function guidText(b: Buffer, o: number): string {
  return `{${HEXU[b[o + 3]!]}${HEXU[b[o + 2]!]}${HEXU[b[o + 1]!]}${HEXU[b[o]!]}-${HEXU[b[o + 5]!]}${HEXU[b[o + 4]!]}-${HEXU[b[o + 7]!]}${HEXU[b[o + 6]!]}-${HEXU[b[o + 8]!]}${HEXU[b[o + 9]!]}-${HEXU[b[o + 10]!]}${HEXU[b[o + 11]!]}${HEXU[b[o + 12]!]}${HEXU[b[o + 13]!]}${HEXU[b[o + 14]!]}${HEXU[b[o + 15]!]}}`;
}

/** Parser of one chunk's BinXML. Offsets are chunk-relative, as in the format. */
class ChunkParser {
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, TPart[]>();
  private pos = 0;

  constructor(private readonly b: Buffer, private readonly limit: number) {}

  private need(n: number, what: string): void {
    if (this.pos + n > this.limit) throw new EvtxError(`truncated ${what} at offset ${this.pos}`);
  }

  private u8(): number { this.need(1, 'byte'); return this.b[this.pos++]!; }
  private u16(): number { this.need(2, 'word'); const v = this.b.readUInt16LE(this.pos); this.pos += 2; return v; }
  private u32(): number { this.need(4, 'dword'); const v = this.b.readUInt32LE(this.pos); this.pos += 4; return v; }

  private name(off: number): string {
    const c = this.names.get(off);
    if (c !== undefined) return c;
    if (off + 8 > this.limit) throw new EvtxError(`name offset ${off} outside chunk`);
    const count = this.b.readUInt16LE(off + 6);
    if (off + 8 + count * 2 > this.limit) throw new EvtxError(`name at ${off} runs past chunk`);
    const s = this.b.toString('utf16le', off + 8, off + 8 + count * 2);
    this.names.set(off, s);
    return s;
  }

  /** Read a name reference; skip the name when it is stored inline right here. */
  private nameRef(): string {
    const off = this.u32();
    if (off === this.pos) {
      this.need(8, 'name');
      const count = this.b.readUInt16LE(this.pos + 6);
      const n = this.name(off);
      this.pos += 8 + count * 2 + 2;
      return n;
    }
    return this.name(off);
  }

  private utf16(count: number): string {
    this.need(count * 2, 'string');
    const s = this.b.toString('utf16le', this.pos, this.pos + count * 2);
    this.pos += count * 2;
    return s;
  }

  /** Parse tokens until EOF / EndElement / end (not consumed for EndElement). */
  private content(end: number, depth: number, stopAtAttr: boolean): TPart[] {
    if (depth > MAX_DEPTH) throw new EvtxError('BinXML nested too deep');
    const out: TPart[] = [];
    while (this.pos < end) {
      const tok = this.b[this.pos]!;
      const base = tok & 0x0f;
      if (tok === 0x00) { this.pos++; break; }
      if (tok === 0x0f) { this.need(4, 'fragment header'); this.pos += 4; continue; }
      if (base === 0x04 || base === 0x02 || base === 0x03) break;
      if (stopAtAttr && base === 0x06) break;
      switch (base) {
        case 0x01: out.push(this.element(end, depth + 1)); break;
        case 0x05: {
          this.pos++;
          const type = this.u8();
          if (type === 0x01) out.push(this.utf16(this.u16()));
          else throw new EvtxError(`unsupported value type 0x${type.toString(16)} in value token`);
          break;
        }
        case 0x0d: case 0x0e: {
          this.pos++;
          const idx = this.u16();
          this.u8();
          out.push({ sub: idx, optional: base === 0x0e });
          break;
        }
        case 0x07: this.pos++; out.push(this.utf16(this.u16())); break;
        case 0x08: this.pos++; out.push(String.fromCharCode(this.u16())); break;
        case 0x09: {
          this.pos++;
          const n = this.nameRef();
          out.push(({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[n] ?? `&${n};`);
          break;
        }
        case 0x0a: this.pos++; this.nameRef(); break;
        case 0x0b: this.pos++; this.utf16(this.u16()); break;
        case 0x0c: out.push(this.templateInstance(depth + 1)); break;
        default:
          throw new EvtxError(`unknown BinXML token 0x${tok.toString(16)} at offset ${this.pos}`);
      }
    }
    return out;
  }

  private element(end: number, depth: number): TElem {
    const start = this.pos;
    const tok = this.u8();
    // The dependency id is optional (libfwevt's rule): without it, the 4 bytes at offset 1 would
    // be a size larger than what is left.
    this.need(4, 'element');
    if (this.b.readUInt32LE(this.pos) > end - start - 7) this.u16();
    this.u32(); // data size
    const nameOff = this.u32();
    let name: string;
    if (nameOff === this.pos) {
      this.need(8, 'name');
      const count = this.b.readUInt16LE(this.pos + 6);
      name = this.name(nameOff);
      this.pos += 8 + count * 2 + 2;
    } else {
      name = this.name(nameOff);
    }
    if (tok & 0x40) this.u32(); // attribute list size (attributes are read token by token)
    const el: TElem = { name, attrs: [], children: [] };
    // attributes
    while (this.pos < end && (this.b[this.pos]! & 0x0f) === 0x06) {
      this.pos++;
      const an = this.nameRef();
      const parts = this.content(end, depth, true);
      el.attrs.push({ name: an, parts });
    }
    const closer = this.u8() & 0x0f;
    if (closer === 0x03) return el;
    if (closer !== 0x02) throw new EvtxError(`expected close of start element <${name}> at offset ${this.pos - 1}`);
    el.children = this.content(end, depth, false);
    if (this.pos >= end) throw new EvtxError(`element <${name}> not closed`);
    const e = this.u8() & 0x0f;
    if (e !== 0x04) throw new EvtxError(`expected end of element <${name}> at offset ${this.pos - 1}`);
    return el;
  }

  private templateInstance(depth: number): XNode[] {
    const { tpl, values } = this.readInstance(depth);
    return instantiate(tpl, values, 0);
  }

  /** Template instance token: its (cached) template and its decoded substitution values. */
  private readInstance(depth: number): { tpl: TPart[]; values: SubValue[] } {
    if (depth > MAX_DEPTH) throw new EvtxError('templates nested too deep');
    this.pos++;
    this.u8();
    this.u32(); // template id
    const defOff = this.u32();
    let tpl = this.templates.get(defOff);
    if (defOff === this.pos) {
      this.need(24, 'template definition');
      const size = this.b.readUInt32LE(this.pos + 20);
      const dataStart = this.pos + 24;
      if (dataStart + size > this.limit) throw new EvtxError('template definition runs past chunk');
      if (!tpl) tpl = this.parseTemplate(dataStart, dataStart + size, depth);
      this.pos = dataStart + size;
    } else if (!tpl) {
      if (defOff + 24 > this.limit) throw new EvtxError(`template offset ${defOff} outside chunk`);
      const size = this.b.readUInt32LE(defOff + 20);
      const dataStart = defOff + 24;
      if (dataStart + size > this.limit) throw new EvtxError('template definition runs past chunk');
      const save = this.pos;
      tpl = this.parseTemplate(dataStart, dataStart + size, depth);
      this.pos = save;
    }
    const count = this.u32();
    if (count > 4096) throw new EvtxError(`implausible substitution count ${count}`);
    this.need(count * 4, 'substitution descriptors');
    let vpos = this.pos + count * 4;
    const values: SubValue[] = new Array<SubValue>(count);
    for (let i = 0; i < count; i++) {
      const size = this.b.readUInt16LE(this.pos + i * 4);
      const type = this.b[this.pos + i * 4 + 2]!;
      if (vpos + size > this.limit) throw new EvtxError(`truncated substitution value at offset ${vpos}`);
      values[i] = this.value(type, vpos, size, depth);
      vpos += size;
    }
    this.pos = vpos;
    return { tpl, values };
  }

  /**
   * Fields of one record. Fast path for the usual record shape (fragment header + one template
   * instance): a per-template plan maps substitutions straight to fields, skipping the element
   * tree; it gives exactly what the tree path gives (tests compare both with evtxexport).
   */
  recordFields(start: number, end: number): Record<string, FieldValue> | undefined {
    this.pos = start;
    if (this.b[this.pos] === 0x0f) { this.need(4, 'fragment header'); this.pos += 4; }
    if (this.pos < end && (this.b[this.pos]! & 0x0f) === 0x0c) {
      const { tpl, values } = this.readInstance(1);
      const plan = planFor(tpl);
      if (plan && planFits(plan, values)) return applyPlan(plan, values);
      const ev = findElement(instantiate(tpl, values, 0), 'Event');
      return ev ? eventFieldsFromTree(ev) : undefined;
    }
    const ev = findElement(this.record(start, end), 'Event');
    return ev ? eventFieldsFromTree(ev) : undefined;
  }

  private parseTemplate(start: number, end: number, depth: number): TPart[] {
    const save = this.pos;
    const savedLimit = end;
    this.pos = start;
    const parts = this.content(savedLimit, depth, false);
    this.pos = save;
    this.templates.set(start - 24, parts);
    return parts;
  }

  private value(type: number, o: number, size: number, depth: number): SubValue {
    const b = this.b;
    if (size === 0 && type & 0x80) return new ValueArray([]); // an empty array renders no element
    if (size === 0 && type !== 0x01) return null;
    switch (type) {
      case 0x00: return null;
      case 0x01: return stripNul(b.toString('utf16le', o, o + (size & ~1)));
      case 0x02: return stripNul(b.toString('latin1', o, o + size));
      case 0x03: return size >= 1 ? String(b.readInt8(o)) : null;
      case 0x04: return size >= 1 ? String(b[o]) : null;
      case 0x05: return size >= 2 ? String(b.readInt16LE(o)) : null;
      case 0x06: return size >= 2 ? String(b.readUInt16LE(o)) : null;
      case 0x07: return size >= 4 ? String(b.readInt32LE(o)) : null;
      case 0x08: return size >= 4 ? String(b.readUInt32LE(o)) : null;
      case 0x09: return size >= 8 ? b.readBigInt64LE(o).toString() : null;
      case 0x0a: return size >= 8 ? b.readBigUInt64LE(o).toString() : null;
      case 0x0b: return size >= 4 ? String(b.readFloatLE(o)) : null;
      case 0x0c: return size >= 8 ? String(b.readDoubleLE(o)) : null;
      // Boolean is a 32-bit value; `size` (4) comes from the descriptor. This is the field
      // @ts-evtx/core reads as one byte.
      case 0x0d: return (size >= 4 ? b.readUInt32LE(o) : b[o]!) !== 0 ? 'true' : 'false';
      case 0x0e: return hexBytes(b, o, o + size);
      case 0x0f: return size < 16 ? hexBytes(b, o, o + size) : guidText(b, o);
      case 0x10: return size >= 8 ? `0x${b.readBigUInt64LE(o).toString(16).padStart(16, '0')}` : `0x${b.readUInt32LE(o).toString(16).padStart(8, '0')}`;
      case 0x11: return size >= 8 ? fileTimeToIso(b.readUInt32LE(o), b.readUInt32LE(o + 4)) : null;
      case 0x12: {
        if (size < 16) return null;
        const w = (i: number): number => b.readUInt16LE(o + i * 2);
        return `${pad(w(0), 4)}-${pad(w(1), 2)}-${pad(w(3), 2)}T${pad(w(4), 2)}:${pad(w(5), 2)}:${pad(w(6), 2)}.${pad(w(7), 3)}Z`;
      }
      case 0x13: {
        if (size < 8) return null;
        const rev = b[o]!;
        const n = b[o + 1]!;
        let auth = 0;
        for (let i = 2; i < 8; i++) auth = auth * 256 + b[o + i]!;
        let s = `S-${rev}-${auth}`;
        for (let i = 0; i < n && o + 8 + i * 4 + 4 <= o + size; i++) s += `-${b.readUInt32LE(o + 8 + i * 4)}`;
        return s;
      }
      case 0x14: return size >= 4 ? `0x${b.readUInt32LE(o).toString(16).padStart(8, '0')}` : null;
      case 0x15: return size >= 8 ? `0x${b.readBigUInt64LE(o).toString(16).padStart(16, '0')}` : null;
      case 0x21: {
        const save = this.pos;
        this.pos = o;
        const parts = this.content(o + size, depth + 1, false);
        this.pos = save;
        return instantiate(parts, [], depth + 1);
      }
      // String arrays: every item ends with NUL, so empty items (trailing ones too) are kept.
      case 0x81: return new ValueArray(splitTerminated(b.toString('utf16le', o, o + (size & ~1))));
      case 0x82: return new ValueArray(splitTerminated(b.toString('latin1', o, o + size)));
      default: {
        const w = ITEM_WIDTH[type & 0x7f];
        if (type & 0x80 && w !== undefined) {
          const items: string[] = [];
          for (let i = 0; i + w <= size; i += w) items.push(String(this.value(type & 0x7f, o + i, w, depth) ?? ''));
          return new ValueArray(items);
        }
        return hexBytes(b, o, o + size);
      }
    }
  }

  /** Parse one record's BinXML into element trees. */
  record(start: number, end: number): XNode[] {
    this.pos = start;
    const parts = this.content(end, 0, false);
    return instantiate(parts, [], 0);
  }
}

function splitTerminated(s: string): string[] {
  return (s.endsWith('\0') ? s.slice(0, -1) : s).split('\0');
}

function stripNul(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 0) e--;
  return e === s.length ? s : s.slice(0, e);
}

/** Fill a template with substitution values → element trees. */
function instantiate(parts: readonly TPart[], values: readonly SubValue[], depth: number): XNode[] {
  const out: XNode[] = [];
  for (const p of parts) {
    if (Array.isArray(p)) out.push(...p);
    else if (typeof p === 'object' && !isSub(p)) pushElement(out, p, values, depth);
  }
  return out;
}

/**
 * An element whose whole content is one array-typed substitution is repeated once per item, as
 * Windows and libevtx render it (`<Data>a</Data><Data>b</Data>` for a string array).
 */
function pushElement(out: XNode[], t: TElem, values: readonly SubValue[], depth: number): void {
  const only = t.children.length === 1 ? t.children[0]! : undefined;
  const sv = only !== undefined && isSub(only) ? values[only.sub] : undefined;
  // An element whose only content is an optional substitution left null is not rendered (libevtx).
  if (sv === null && only !== undefined && isSub(only) && only.optional) return;
  if (!(sv instanceof ValueArray)) { out.push(instElement(t, values, depth)); return; }
  const shell = instElement({ name: t.name, attrs: t.attrs, children: [] }, values, depth);
  for (const item of sv.items) out.push({ name: shell.name, attrs: shell.attrs, children: null, text: item });
}

function instElement(t: TElem, values: readonly SubValue[], depth: number): XNode {
  if (depth > MAX_DEPTH) throw new EvtxError('BinXML nested too deep');
  let attrs: Array<[string, string]> | null = null;
  for (const a of t.attrs) {
    let v = '';
    let present = false;
    for (const p of a.parts) {
      if (typeof p === 'string') { v += p; present = true; }
      else if (isSub(p)) {
        const sv = values[p.sub];
        if (typeof sv === 'string' || sv instanceof ValueArray) { v += String(sv); present = true; }
      }
    }
    // An attribute whose only content is a null substitution is not rendered (Windows does the same).
    if (present || a.parts.length === 0) (attrs ??= []).push([a.name, v]);
  }
  const node: XNode = { name: t.name, attrs, children: null, text: '' };
  for (const p of t.children) {
    if (typeof p === 'string') node.text += p;
    else if (Array.isArray(p)) (node.children ??= []).push(...p);
    else if (isSub(p)) {
      const sv = values[p.sub];
      if (typeof sv === 'string' || sv instanceof ValueArray) node.text += String(sv);
      else if (Array.isArray(sv)) (node.children ??= []).push(...sv);
    } else pushElement((node.children ??= []), p, values, depth + 1);
  }
  return node;
}

// ------------------------------------------------------------------ template plans

/** Substitutions that are the whole, optional content of an element (null → element omitted). */
function optionalSoleSubs(tpl: readonly TPart[]): number[] {
  const found: number[] = [];
  const walk = (parts: readonly TPart[]): void => {
    for (const p of parts) {
      if (typeof p !== 'object' || Array.isArray(p) || isSub(p)) continue;
      const only = p.children.length === 1 ? p.children[0]! : undefined;
      if (only !== undefined && typeof only === 'object' && !Array.isArray(only) && isSub(only) && only.optional) found.push(only.sub);
      walk(p.children);
    }
  };
  walk(tpl);
  return found;
}

/** A field's value: literal text and substitution references (attr: omitted when all null). */
interface PlanEntry {
  name: string; kind: FieldKind; parts: Array<string | number>; attr: boolean; trim: boolean; constant?: FieldValue;
  /** The substitution index when the value is exactly one substitution (the usual case), else -1. */
  single: number;
}
interface Plan {
  readonly entries: PlanEntry[];
  /** Optional sole-content substitutions: a null one omits its element, which entries cannot say. */
  readonly omittable: readonly number[];
  /** `applyPlanGeneric` as a generated constructor (fast-properties fields; fields.ts), if possible. */
  readonly ctor: PlanCtor | null;
}

/** The plan gives what the element tree would: no array or BinXML values, no omitted element. */
function planFits(plan: Plan, values: readonly SubValue[]): boolean {
  for (const v of values) if (v !== null && typeof v === 'object') return false;
  for (const i of plan.omittable) if (values[i] === null) return false;
  return true;
}

const plans = new WeakMap<TPart[], Plan | null>();
const TEXT_MARK = '\u0001';
const ATTR_MARK = '\u0002';
const TRIMMED_SYSTEM = new Set(['EventID', 'Version', 'Level', 'Task', 'Opcode', 'Keywords', 'EventRecordID', 'Channel', 'Computer']);

/** Instantiate with markers instead of values; null when the template is not plannable. */
function symbolic(parts: readonly TPart[]): XNode[] | null {
  const out: XNode[] = [];
  for (const p of parts) {
    if (Array.isArray(p)) return null;
    if (typeof p === 'object' && !isSub(p)) {
      const n = symElement(p);
      if (!n) return null;
      out.push(n);
    }
  }
  return out;
}

function symElement(t: TElem): XNode | null {
  const attrs: Array<[string, string]> = [];
  for (const a of t.attrs) {
    let v = '';
    for (const p of a.parts) {
      if (typeof p === 'string') v += p;
      else if (isSub(p)) v += `${ATTR_MARK}${p.sub}${ATTR_MARK}`;
    }
    attrs.push([a.name, v]);
  }
  const node: XNode = { name: t.name, attrs: attrs.length ? attrs : null, children: null, text: '' };
  for (const p of t.children) {
    if (typeof p === 'string') node.text += p;
    else if (Array.isArray(p)) return null;
    else if (isSub(p)) node.text += `${TEXT_MARK}${p.sub}${TEXT_MARK}`;
    else {
      const c = symElement(p);
      if (!c) return null;
      (node.children ??= []).push(c);
    }
  }
  return node;
}

function planFor(tpl: TPart[]): Plan | null {
  const cached = plans.get(tpl);
  if (cached !== undefined) return cached;
  let plan: PlanEntry[] | null = null;
  const roots = symbolic(tpl);
  const ev = roots && findElement(roots, 'Event');
  if (ev) {
    plan = [];
    const f = eventFieldsFromTree(ev);
    for (const name in f) {
      // A field name built from a substitution cannot be planned.
      if (name.includes(TEXT_MARK) || name.includes(ATTR_MARK)) { plan = null; break; }
      const v = f[name]!;
      if (typeof v !== 'string' || (!v.includes(TEXT_MARK) && !v.includes(ATTR_MARK))) {
        plan.push({ name, kind: fieldKind(name), parts: [], attr: false, trim: false, constant: v, single: -1 });
        continue;
      }
      const parts: Array<string | number> = [];
      let attr = false;
      let i = 0;
      while (i < v.length) {
        const a = v.indexOf(TEXT_MARK, i);
        const b = v.indexOf(ATTR_MARK, i);
        const m = a < 0 ? b : b < 0 ? a : Math.min(a, b);
        if (m < 0) { parts.push(v.slice(i)); break; }
        if (m > i) parts.push(v.slice(i, m));
        const mark = v[m]!;
        if (mark === ATTR_MARK) attr = true;
        const e = v.indexOf(mark, m + 1);
        parts.push(Number(v.slice(m + 1, e)));
        i = e + 1;
      }
      if (attr && parts.some((p) => typeof p === 'string')) attr = false;
      const single = parts.length === 1 && typeof parts[0] === 'number' ? parts[0] : -1;
      plan.push({ name, kind: fieldKind(name), parts, attr, trim: TRIMMED_SYSTEM.has(name), single });
    }
  }
  const out = plan && { entries: plan, omittable: optionalSoleSubs(tpl), ctor: planConstructor(plan) };
  plans.set(tpl, out);
  return out;
}

type PlanCtor = new (values: readonly SubValue[], entries: readonly PlanEntry[]) => Record<string, FieldValue>;

/**
 * Constructors by entry signature. Templates live per chunk, so the same template comes back in
 * every chunk: one constructor serves them all (constants are read from the entries passed in).
 */
const planCtors = new ConstructorCache<PlanCtor | null>(1024);

/** The assignments of `applyPlanGeneric` for these entries, entry by entry, as a constructor. */
function planConstructor(entries: readonly PlanEntry[]): PlanCtor | null {
  const sig = JSON.stringify(entries.map((e) => [e.name, e.kind, e.single, e.attr, e.trim, e.constant !== undefined, e.single >= 0 || e.constant !== undefined ? 0 : e.parts.length]));
  let c = planCtors.get(sig);
  if (c === undefined) {
    if (!planCtors.admits()) return null; // templates do not repeat: entry by entry
    c = buildPlanConstructor(entries);
    planCtors.set(sig, c);
  }
  return c;
}

function buildPlanConstructor(entries: readonly PlanEntry[]): PlanCtor | null {
  const lines = entries.map((e, i) => {
    if (e.constant !== undefined) return assignLine(e.name, `E[${i}].constant`);
    if (e.single >= 0) {
      const v = `a[${e.single}]`;
      const set = `if (typeof ${v} === 'string') ${assignLine(e.name, `T(${e.kind}, ${e.trim ? `${v}.trim()` : v})`)}`;
      return e.attr ? set : `${set} else ${assignLine(e.name, `T(${e.kind}, '')`)}`;
    }
    return `{ const t = P(E[${i}], a); if (t !== undefined) ${assignLine(e.name, 't')} }`;
  });
  return fieldsConstructor<[readonly SubValue[], readonly PlanEntry[]]>(entries.map((e) => e.name), ['a', 'E'], lines.join('\n'), { T: typeByKind, P: partsValue });
}

/** The value of an entry made of several parts; undefined for an attribute with no value. */
function partsValue(e: PlanEntry, values: readonly SubValue[]): FieldValue | undefined {
  let text = '';
  let any = false;
  for (const p of e.parts) {
    if (typeof p === 'string') text += p;
    else {
      const v = values[p];
      if (typeof v === 'string') { text += v; any = true; }
    }
  }
  if (e.attr && !any) return undefined;
  return typeByKind(e.kind, e.trim ? text.trim() : text);
}

function applyPlan(plan: Plan, values: readonly SubValue[]): Record<string, FieldValue> {
  return plan.ctor ? new plan.ctor(values, plan.entries) : applyPlanGeneric(plan, values);
}

/** The reference: entry by entry into a null-prototype object (also for `__proto__` names). */
function applyPlanGeneric(plan: Plan, values: readonly SubValue[]): Record<string, FieldValue> {
  const f = newFields();
  for (const e of plan.entries) {
    if (e.constant !== undefined) { f[e.name] = e.constant; continue; }
    if (e.single >= 0) {
      const v = values[e.single];
      if (typeof v === 'string') f[e.name] = typeByKind(e.kind, e.trim ? v.trim() : v);
      else if (!e.attr) f[e.name] = typeByKind(e.kind, '');
      continue;
    }
    const v = partsValue(e, values);
    if (v !== undefined) f[e.name] = v;
  }
  return f;
}

/** Records of one chunk (`chunk` may be short when the file is truncated). */
export function parseChunk(chunk: Buffer, chunkIndex: number): EvtxItem[] {
  const out: EvtxItem[] = [];
  const where = `chunk ${chunkIndex}`;
  if (chunk.length < 512) {
    out.push({ kind: 'error', message: `${where}: truncated chunk header (${chunk.length} bytes)` });
    return out;
  }
  if (chunk.toString('latin1', 0, 8) !== 'ElfChnk\0') {
    // Unused preallocated chunks are all zeros: not an error.
    if (chunk.every((x) => x === 0)) return out;
    out.push({ kind: 'error', message: `${where}: bad chunk signature` });
    return out;
  }
  const hdrCrc = chunk.readUInt32LE(124);
  const calc = crc32(chunk, 128, 512, crc32(chunk, 0, 120));
  if (hdrCrc !== calc) out.push({ kind: 'error', message: `${where}: chunk header checksum mismatch (reading on)` });
  const free = Math.min(chunk.readUInt32LE(48), chunk.length);
  if (chunk.readUInt32LE(48) > chunk.length) {
    out.push({ kind: 'error', message: `${where}: chunk truncated (${chunk.length} of ${chunk.readUInt32LE(48)} bytes of records present)` });
  } else if (crc32(chunk, 512, free) !== chunk.readUInt32LE(52)) {
    out.push({ kind: 'error', message: `${where}: records checksum mismatch (reading on)` });
  }
  const parser = new ChunkParser(chunk, chunk.length);
  let off = 512;
  while (off + 24 <= free) {
    if (chunk.readUInt32LE(off) !== 0x00002a2a) {
      out.push({ kind: 'error', message: `${where}: bad record signature at offset ${off}; rest of chunk skipped` });
      break;
    }
    const size = chunk.readUInt32LE(off + 4);
    const id = Number(chunk.readBigUInt64LE(off + 8));
    if (size < 28 || off + size > chunk.length) {
      out.push({ kind: 'error', record: id, message: `${where}: record ${id} has invalid size ${size} (truncated?)` });
      break;
    }
    if (chunk.readUInt32LE(off + size - 4) !== size) {
      out.push({ kind: 'error', record: id, message: `${where}: record ${id} size trailer mismatch` });
      off += size;
      continue;
    }
    try {
      const fields = parser.recordFields(off + 24, off + size - 4);
      if (!fields) throw new EvtxError('no Event element');
      out.push({ kind: 'event', fields, record: id });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      out.push({ kind: 'error', record: id, message: `${where}: record ${id}: ${msg}` });
    }
    off += size;
  }
  return out;
}

/** Validate the 4 KiB file header; returns errors (empty when fine). */
export function checkFileHeader(h: Buffer): string[] {
  if (h.length < 128 || h.toString('latin1', 0, 8) !== EVTX_FILE_MAGIC) return ['not an EVTX file (bad file signature)'];
  const errs: string[] = [];
  if (crc32(h, 0, 120) !== h.readUInt32LE(124)) errs.push('file header checksum mismatch (reading on)');
  return errs;
}

/**
 * EVTX as a splitter, like the text formats' (split.ts): bytes in, the records (or errors) of every
 * 64 KiB chunk completed so far out. Memory: one chunk.
 */
export class EvtxSplitter {
  private pending: Buffer[] = [];
  private have = 0;
  private need = EVTX_HEADER_SIZE;
  private headerDone = false;
  private chunkIndex = 0;

  push(b: Buffer): EvtxItem[] {
    this.pending.push(b);
    this.have += b.length;
    const out: EvtxItem[] = [];
    while (this.have >= this.need) for (const it of this.handle(this.take())) out.push(it);
    return out;
  }

  end(): EvtxItem[] {
    if (this.have === 0) return [];
    const rest = Buffer.concat(this.pending, this.have);
    this.pending = [];
    this.have = 0;
    if (!this.headerDone) return this.handle(rest);
    return chunkItems(rest, this.chunkIndex++);
  }

  private take(): Buffer {
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.have);
    const head = all.subarray(0, this.need);
    const rest = all.subarray(this.need);
    this.pending = rest.length > 0 ? [rest] : [];
    this.have = rest.length;
    return head;
  }

  private handle(block: Buffer): EvtxItem[] {
    if (!this.headerDone) {
      this.headerDone = true;
      this.need = EVTX_CHUNK_SIZE;
      const errs = checkFileHeader(block);
      if (errs[0]?.startsWith('not an EVTX')) throw new EvtxError(errs[0]);
      return errs.map((message) => ({ kind: 'error' as const, message }));
    }
    return parseChunk(block, this.chunkIndex++);
  }
}

/** Items of chunk `index`; a block shorter than a chunk is the file's truncated last one. */
export function chunkItems(block: Buffer, index: number): EvtxItem[] {
  if (block.length >= EVTX_CHUNK_SIZE) return parseChunk(block, index);
  return [
    { kind: 'error', message: `file ends inside chunk ${index} (${block.length} of ${EVTX_CHUNK_SIZE} bytes): truncated` },
    ...parseChunk(block, index),
  ];
}

/** Stream an EVTX byte stream: header, then chunk by chunk (see EvtxSplitter). */
export async function* evtxItems(bytes: AsyncIterable<Buffer>): AsyncGenerator<EvtxItem> {
  const sp = new EvtxSplitter();
  for await (const b of bytes) yield* sp.push(b);
  yield* sp.end();
}
