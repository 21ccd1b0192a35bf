/**
 * EVTX writer: canonical events → a valid .evtx file (file header, 64 KiB chunks with CRCs,
 * records whose BinXML is a template instance with typed substitutions, as Windows writes them).
 * Used for fixtures and the benchmark corpus, and checked against libevtx's `evtxexport`.
 *
 * Substitution types follow Sysmon's manifest where we know it: `Initiated`/`*IsIpv6` Boolean
 * (4 bytes, the case @ts-evtx/core gets wrong), ports UInt16, process ids UInt32, `*Guid` GUID,
 * other text UnicodeString. System: EventID UInt16, Version/Level/Opcode UInt8, Task UInt16,
 * Keywords HexInt64, TimeCreated FileTime, EventRecordID UInt64, UserID SID.
 */
import type { FieldValue } from './event.js';
import { crc32, EVTX_CHUNK_SIZE, EVTX_HEADER_SIZE } from './evtx.js';

const T = { str: 0x01, u8: 0x04, u16: 0x06, u32: 0x08, u64: 0x0a, bool: 0x0d, guid: 0x0f, filetime: 0x11, sid: 0x13, hex64: 0x15 } as const;

const SYSTEM_ORDER = [
  'Provider', 'EventID', 'Version', 'Level', 'Task', 'Opcode', 'Keywords', 'TimeCreated', 'EventRecordID',
  'Correlation', 'Execution', 'Channel', 'Computer', 'Security',
] as const;

const U16_FIELDS = new Set(['SourcePort', 'DestinationPort', 'EventID', 'Task']);
const U8_FIELDS = new Set(['Version', 'Level', 'Opcode']);

/** Bytes builder. */
class Out {
  buf = Buffer.alloc(1024);
  len = 0;
  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const nb = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(nb, 0, 0, this.len);
    this.buf = nb;
  }
  u8(v: number): void { this.grow(1); this.buf[this.len++] = v; }
  u16(v: number): void { this.grow(2); this.buf.writeUInt16LE(v, this.len); this.len += 2; }
  u32(v: number): void { this.grow(4); this.buf.writeUInt32LE(v >>> 0, this.len); this.len += 4; }
  u64(v: bigint): void { this.grow(8); this.buf.writeBigUInt64LE(v, this.len); this.len += 8; }
  bytes(b: Buffer): void { this.grow(b.length); b.copy(this.buf, this.len); this.len += b.length; }
  utf16(s: string): void { this.bytes(Buffer.from(s, 'utf16le')); }
  take(): Buffer { return this.buf.subarray(0, this.len); }
}

function nameHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 65599) + s.charCodeAt(i)) >>> 0;
  return h & 0xffff;
}

interface Slot { type: number; field: string }

/** A template shape: which system parts exist and the EventData names with their types. */
interface Shape { key: string; system: string[]; data: Array<{ name: string; type: number }> }

function guidBytes(s: string): Buffer | undefined {
  const h = s.replace(/[{}-]/g, '');
  if (h.length !== 32 || !/^[0-9a-fA-F]{32}$/.test(h)) return undefined;
  const b = Buffer.from(h, 'hex');
  // Data1..Data3 are little-endian in the binary form.
  b.subarray(0, 4).reverse();
  b.subarray(4, 6).reverse();
  b.subarray(6, 8).reverse();
  return b;
}

function sidBytes(s: string): Buffer | undefined {
  const p = s.split('-');
  if (p[0] !== 'S' || p.length < 3) return undefined;
  const subs = p.slice(3).map(Number);
  const b = Buffer.alloc(8 + subs.length * 4);
  b[0] = Number(p[1]);
  b[1] = subs.length;
  b.writeUIntBE(Number(p[2]), 2, 6);
  subs.forEach((v, i) => b.writeUInt32LE(v >>> 0, 8 + i * 4));
  return b;
}

function isoToFileTime(s: string): bigint | undefined {
  // YYYY-MM-DDThh:mm:ss[.fffffff…]Z — keep 100 ns precision.
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(s);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(ms)) return undefined;
  const frac = BigInt(((m[2] ?? '') + '0000000').slice(0, 7));
  return (BigInt(ms) * 10000n) + frac + 116444736000000000n;
}

function dataType(name: string, v: FieldValue): number {
  if (typeof v === 'boolean') return T.bool;
  if (typeof v === 'number') return U16_FIELDS.has(name) && v >= 0 && v <= 0xffff ? T.u16 : v >= 0 && v <= 0xffffffff ? T.u32 : T.str;
  if (typeof v === 'string' && /Guid$/.test(name) && guidBytes(v)) return T.guid;
  return T.str;
}

function shapeOf(f: Readonly<Record<string, FieldValue>>, systemNames: ReadonlySet<string>): Shape {
  const system: string[] = [];
  for (const s of SYSTEM_ORDER) {
    const present = s === 'Provider' ? 'Provider_Name' in f || 'Provider_Guid' in f
      : s === 'Correlation' ? true
        : s === 'Execution' ? 'ProcessID' in f || 'ThreadID' in f
          : s === 'Security' ? 'UserID' in f
            : s in f;
    if (present) system.push(s);
  }
  const data: Shape['data'] = [];
  for (const k in f) {
    if (systemNames.has(k)) continue;
    data.push({ name: k, type: dataType(k, f[k]!) });
  }
  const key = `${system.join(',')}|${data.map((d) => `${d.name}:${d.type}`).join(',')}|${'Provider_Guid' in f ? 'g' : ''}${'ThreadID' in f ? 't' : ''}`;
  return { key, system, data };
}

const SYSTEM_FIELDS = new Set(['Provider_Name', 'Provider_Guid', 'EventID', 'Version', 'Level', 'Task', 'Opcode', 'Keywords',
  'TimeCreated', 'EventRecordID', 'ProcessID', 'ThreadID', 'Channel', 'Computer', 'UserID']);

/** Writes BinXML for a template definition, recording substitution slots. */
class TemplateWriter {
  readonly slots: Slot[] = [];
  /** Positions of the data-size fields of open elements (patched when each closes). */
  private readonly sizes: number[] = [];
  constructor(private readonly o: Out, private readonly base: number) {}

  private pos(): number { return this.base + this.o.len; }

  private name(s: string): void {
    // Inline name: offset points right after itself.
    this.o.u32(this.pos() + 4);
    this.o.u32(0); // next string offset
    this.o.u16(nameHash(s));
    this.o.u16(s.length);
    this.o.utf16(s);
    this.o.u16(0);
  }

  open(name: string, hasAttrs: boolean): void {
    this.o.u8(hasAttrs ? 0x41 : 0x01);
    this.o.u16(0xffff); // dependency id: none
    this.sizes.push(this.o.len);
    this.o.u32(0); // data size: bytes after this field up to the element's end, patched on close
    // name offset pointing right after itself (inline name), then the attribute list size
    this.o.u32(this.pos() + 4);
    this.o.u32(0);
    this.o.u16(nameHash(name));
    this.o.u16(name.length);
    this.o.utf16(name);
    this.o.u16(0);
    this.attrSize = hasAttrs ? this.o.len : -1;
    if (hasAttrs) this.o.u32(0);
  }

  private attrSize = -1;

  private patchAttrs(): void {
    if (this.attrSize >= 0) this.o.buf.writeUInt32LE(this.o.len - (this.attrSize + 4), this.attrSize);
    this.attrSize = -1;
  }

  attr(name: string, last: boolean, content: () => void): void {
    this.o.u8(last ? 0x06 : 0x46);
    this.name(name);
    content();
  }

  text(s: string): void {
    this.o.u8(0x05);
    this.o.u8(0x01);
    this.o.u16(s.length);
    this.o.utf16(s);
  }

  sub(type: number, field: string, optional = true): void {
    this.o.u8(optional ? 0x0e : 0x0d);
    this.o.u16(this.slots.length);
    this.o.u8(type);
    this.slots.push({ type, field });
  }

  closeStart(): void { this.patchAttrs(); this.o.u8(0x02); }
  closeEmpty(): void { this.patchAttrs(); this.o.u8(0x03); this.patchSize(); }
  end(): void { this.o.u8(0x04); this.patchSize(); }

  private patchSize(): void {
    const at = this.sizes.pop()!;
    this.o.buf.writeUInt32LE(this.o.len - (at + 4), at);
  }

  leaf(name: string, type: number, field: string): void {
    this.open(name, false);
    this.closeStart();
    this.sub(type, field);
    this.end();
  }

  attrsOnly(name: string, attrs: Array<[string, number, string]>): void {
    this.open(name, attrs.length > 0);
    attrs.forEach(([an, type, field], i) => this.attr(an, i === attrs.length - 1, () => this.sub(type, field)));
    this.closeEmpty();
  }
}

function writeTemplate(o: Out, base: number, shape: Shape, f: Readonly<Record<string, FieldValue>>): Slot[] {
  const w = new TemplateWriter(o, base);
  o.u8(0x0f); o.u8(1); o.u8(1); o.u8(0);
  w.open('Event', true);
  w.attr('xmlns', true, () => w.text('http://schemas.microsoft.com/win/2004/08/events/event'));
  w.closeStart();
  w.open('System', false);
  w.closeStart();
  for (const s of shape.system) {
    switch (s) {
      case 'Provider': {
        const a: Array<[string, number, string]> = [];
        if ('Provider_Name' in f) a.push(['Name', T.str, 'Provider_Name']);
        if ('Provider_Guid' in f) a.push(['Guid', T.guid, 'Provider_Guid']);
        w.attrsOnly('Provider', a);
        break;
      }
      case 'TimeCreated': w.attrsOnly('TimeCreated', [['SystemTime', T.filetime, 'TimeCreated']]); break;
      case 'Correlation': w.attrsOnly('Correlation', []); break;
      case 'Execution': {
        const a: Array<[string, number, string]> = [];
        if ('ProcessID' in f) a.push(['ProcessID', T.u32, 'ProcessID']);
        if ('ThreadID' in f) a.push(['ThreadID', T.u32, 'ThreadID']);
        w.attrsOnly('Execution', a);
        break;
      }
      case 'Security': w.attrsOnly('Security', [['UserID', T.sid, 'UserID']]); break;
      case 'Keywords': w.leaf('Keywords', T.hex64, 'Keywords'); break;
      case 'EventRecordID': w.leaf('EventRecordID', T.u64, 'EventRecordID'); break;
      case 'Channel': case 'Computer': w.leaf(s, T.str, s); break;
      default: w.leaf(s, U8_FIELDS.has(s) ? T.u8 : T.u16, s);
    }
  }
  w.end();
  w.open('EventData', false);
  w.closeStart();
  for (const d of shape.data) {
    w.open('Data', true);
    w.attr('Name', true, () => w.text(d.name));
    w.closeStart();
    w.sub(d.type, d.name);
    w.end();
  }
  w.end();
  w.end();
  o.u8(0x00);
  return w.slots;
}

function encodeValue(type: number, v: FieldValue | undefined): Buffer {
  try {
    return encodeValueOrThrow(type, v);
  } catch {
    return Buffer.alloc(0); // unrepresentable (e.g. Keywords that is not a number): written as null
  }
}

function encodeValueOrThrow(type: number, v: FieldValue | undefined): Buffer {
  if (v === undefined || v === null) return Buffer.alloc(0);
  const b = (n: number): Buffer => Buffer.alloc(n);
  switch (type) {
    case T.bool: { const x = b(4); x.writeUInt32LE(v === true || String(v).toLowerCase() === 'true' ? 1 : 0); return x; }
    case T.u8: { const x = b(1); x[0] = Number(v) & 0xff; return x; }
    case T.u16: { const x = b(2); x.writeUInt16LE(Number(v) & 0xffff); return x; }
    case T.u32: { const x = b(4); x.writeUInt32LE(Number(v) >>> 0); return x; }
    case T.u64: { const x = b(8); x.writeBigUInt64LE(BigInt(Math.max(0, Math.floor(Number(v))))); return x; }
    case T.hex64: { const x = b(8); x.writeBigUInt64LE(BigInt.asUintN(64, BigInt(String(v)))); return x; }
    case T.guid: return guidBytes(String(v)) ?? Buffer.alloc(0);
    case T.sid: return sidBytes(String(v)) ?? Buffer.alloc(0);
    case T.filetime: {
      const ft = isoToFileTime(String(v));
      if (ft === undefined) return Buffer.alloc(0);
      const x = b(8); x.writeBigUInt64LE(ft); return x;
    }
    default: return Buffer.from(String(v), 'utf16le');
  }
}

/** Build an EVTX file (whole, in memory: for fixtures) from canonical field sets. */
export function writeEvtx(events: Iterable<Readonly<Record<string, FieldValue>>>): Buffer {
  const w = new EvtxStreamWriter();
  const parts: Buffer[] = [];
  for (const f of events) parts.push(...w.add(f));
  parts.push(...w.finish());
  const header = w.header();
  return Buffer.concat([header, ...parts]);
}

/**
 * Incremental writer: `add` returns completed chunks (64 KiB each) to append after the header;
 * `header()` gives the 4 KiB file header once done (write it at offset 0).
 */
export class EvtxStreamWriter {
  private chunk = Buffer.alloc(EVTX_CHUNK_SIZE);
  private off = 512;
  private templates = new Map<string, { offset: number; slots: Slot[] }>();
  private firstId = 0;
  private lastId = 0;
  private lastRecOff = 0;
  private chunks = 0;
  private nextId = 1;

  add(f: Readonly<Record<string, FieldValue>>): Buffer[] {
    const rec = this.record(f);
    if (rec) return [];
    const done = this.flush();
    if (!this.record(f)) throw new Error('event too large for one EVTX chunk');
    return done;
  }

  finish(): Buffer[] {
    return this.off > 512 ? this.flush() : [];
  }

  header(): Buffer {
    const h = Buffer.alloc(EVTX_HEADER_SIZE);
    h.write('ElfFile\0', 0, 'latin1');
    h.writeBigUInt64LE(0n, 8);
    h.writeBigUInt64LE(BigInt(Math.max(0, this.chunks - 1)), 16);
    h.writeBigUInt64LE(BigInt(this.nextId), 24);
    h.writeUInt32LE(128, 32);
    h.writeUInt16LE(1, 36);
    h.writeUInt16LE(3, 38);
    h.writeUInt16LE(4096, 40);
    h.writeUInt16LE(this.chunks, 42);
    h.writeUInt32LE(0, 120);
    h.writeUInt32LE(crc32(h, 0, 120), 124);
    return h;
  }

  /** Append a record to the current chunk; false when it does not fit. */
  private record(f: Readonly<Record<string, FieldValue>>): boolean {
    const shape = shapeOf(f, SYSTEM_FIELDS);
    const o = new Out();
    const recStart = this.off;
    const base = recStart + 24;
    o.u8(0x0f); o.u8(1); o.u8(1); o.u8(0);
    let t = this.templates.get(shape.key);
    let newTemplate: { offset: number; slots: Slot[] } | undefined;
    o.u8(0x0c); o.u8(0x01);
    o.u32(this.templates.size + 1);
    if (t) {
      o.u32(t.offset);
    } else {
      const defOff = base + o.len + 4;
      o.u32(defOff);
      o.u32(0); // next template offset
      const guid = Buffer.alloc(16);
      guid.writeUInt32LE(this.templates.size + 1, 0);
      o.bytes(guid);
      const sizePos = o.len;
      o.u32(0);
      const dataStart = o.len;
      const slots = writeTemplate(o, base, shape, f);
      o.buf.writeUInt32LE(o.len - dataStart, sizePos);
      newTemplate = { offset: defOff, slots };
      t = newTemplate;
    }
    const values = t.slots.map((s) => encodeValue(s.type, f[s.field]));
    o.u32(values.length);
    t.slots.forEach((s, i) => { o.u16(values[i]!.length); o.u8(values[i]!.length === 0 && (f[s.field] === undefined || f[s.field] === null) ? 0x00 : s.type); o.u8(0); });
    for (const v of values) o.bytes(v);
    o.u8(0x00); // end of the record's fragment
    const body = o.take();
    const size = 24 + body.length + 4;
    if (recStart + size > EVTX_CHUNK_SIZE) return false;
    const id = typeof f['EventRecordID'] === 'number' ? f['EventRecordID'] : this.nextId;
    const c = this.chunk;
    c.writeUInt32LE(0x00002a2a, recStart);
    c.writeUInt32LE(size, recStart + 4);
    c.writeBigUInt64LE(BigInt(id), recStart + 8);
    c.writeBigUInt64LE(isoToFileTime(String(f['TimeCreated'] ?? '')) ?? 0n, recStart + 16);
    body.copy(c, recStart + 24);
    c.writeUInt32LE(size, recStart + size - 4);
    if (newTemplate) this.templates.set(shape.key, newTemplate);
    if (this.off === 512) this.firstId = id;
    this.lastId = id;
    this.lastRecOff = recStart;
    this.off += size;
    this.nextId = id + 1;
    return true;
  }

  private flush(): Buffer[] {
    const c = this.chunk;
    c.write('ElfChnk\0', 0, 'latin1');
    c.writeBigUInt64LE(BigInt(this.firstId), 8);
    c.writeBigUInt64LE(BigInt(this.lastId), 16);
    c.writeBigUInt64LE(BigInt(this.firstId), 24);
    c.writeBigUInt64LE(BigInt(this.lastId), 32);
    c.writeUInt32LE(128, 40);
    c.writeUInt32LE(this.lastRecOff, 44);
    c.writeUInt32LE(this.off, 48);
    c.writeUInt32LE(crc32(c, 512, this.off), 52);
    c.writeUInt32LE(0, 120);
    c.writeUInt32LE(crc32(c, 128, 512, crc32(c, 0, 120)), 124);
    const done = c;
    this.chunk = Buffer.alloc(EVTX_CHUNK_SIZE);
    this.off = 512;
    this.templates = new Map();
    this.chunks++;
    return [done];
  }
}
