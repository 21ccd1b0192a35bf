/**
 * Test-only helpers for the agreement tests: turning canonical events into each target's row
 * (through the same pipeline the compiler used), and the value semantics the interpreters share.
 */
import type { CanonicalEvent, FieldValue } from '../../../src/logs/event.js';
import type { Pipeline } from '../../../src/targets/pipeline.js';

export type Row = Record<string, FieldValue | undefined>;

function text(v: FieldValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

/**
 * A target row: every mapped Sysmon field under its target name. `dynamic`/`string` columns hold
 * the Sysmon text (Sentinel's parser and Splunk's extraction both yield text); `int` columns
 * numbers; value maps applied (Initiated → egress). The pipeline's source conditions are
 * filled in from the event (EventID → EventID / EventCode / event.code).
 */
export function toRow(e: CanonicalEvent, p: Pipeline): Row {
  const row: Row = Object.create(null);
  const f = e.fields;
  for (const [sysmon, m] of Object.entries(p.fields)) {
    if (!('to' in m)) continue;
    const raw = f[sysmon];
    if (raw === undefined || raw === null) continue;
    for (const name of m.to) {
      const t = p.types[name] ?? 'string';
      const vm = p.values[sysmon];
      if (vm) {
        const mapped = vm[String(text(raw)).toLowerCase()];
        if (mapped !== undefined) row[name] = mapped;
        continue;
      }
      if (t === 'int') {
        const n = Number(raw);
        if (Number.isFinite(n)) row[name] = n;
      } else row[name] = text(raw)!;
    }
  }
  for (const c of p.source.where) {
    // The source condition's field is EventID under another name (or the channel).
    if (/event.?id|eventcode|event\.code/i.test(c.field)) row[c.field] = typeof c.equals === 'number' ? Number(f['EventID']) : text(f['EventID'])!;
    else if (/channel/i.test(c.field)) row[c.field] = text(f['Channel'])!;
    else if (/product/i.test(c.field)) row[c.field] = 'Sysmon';
  }
  if (e.time !== undefined) row[p.timeField] = e.time;
  return row;
}

/** IPv4/IPv6 CIDR membership on text; false for text that is no address of that family. */
export function inCidr(value: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/') as [string, string];
  const a = ipBits(value);
  const b = ipBits(net);
  if (!a || !b || a.length !== b.length) return false;
  const n = Number(bits);
  return a.slice(0, n) === b.slice(0, n);
}

function ipBits(s: string): string | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    const o = s.split('.').map(Number);
    if (o.some((x) => x > 255)) return undefined;
    return o.map((x) => x.toString(2).padStart(8, '0')).join('');
  }
  if (!s.includes(':')) return undefined;
  let str = s.split('%')[0]!;
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(str);
  if (v4) {
    const o = v4[1]!.split('.').map(Number);
    str = str.slice(0, -v4[1]!.length) + ((o[0]! << 8) | o[1]!).toString(16) + ':' + ((o[2]! << 8) | o[3]!).toString(16);
  }
  const halves = str.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array(Math.max(fill, 0)).fill('0'), ...tail];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16).toString(2).padStart(16, '0')).join('');
}

/** A Lucene regex (as we emit it) as a JS RegExp with Lucene semantics (whole value). */
export function luceneToJs(re: string, ci = false): RegExp {
  const hit = inputCache.get(`L${ci ? 'i' : ''}/${re}`);
  if (hit) return hit;
  let out = '';
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    if (c === '\\') {
      const n = re[++i]!;
      out += /[A-Za-z0-9]/.test(n) ? n : '\\' + n;
    } else if (c === '.') out += '[\\s\\S]';
    else out += c;
  }
  const r = cached(`^(?:${out})$`, ci ? 'i' : '');
  inputCache.set(`L${ci ? 'i' : ''}/${re}`, r);
  return r;
}

/** ES wildcard / ES|QL LIKE pattern (`*`, `?`, `\` escapes) as a JS RegExp. */
export function wildcardToJs(p: string, ci: boolean): RegExp {
  const hit = inputCache.get(`W${ci ? 'i' : ''}/${p}`);
  if (hit) return hit;
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\' && i + 1 < p.length) out += escapeRe(p[++i]!);
    else if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else out += escapeRe(c);
  }
  const r = cached(`^${out}$`, ci ? 'i' : '');
  inputCache.set(`W${ci ? 'i' : ''}/${p}`, r);
  return r;
}

export function escapeRe(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, (c) => '\\' + c);
}

const reCache = new Map<string, RegExp>();
const inputCache = new Map<string, RegExp>();
function cached(src: string, flags: string): RegExp {
  const k = flags + '/' + src;
  let r = reCache.get(k);
  if (!r) reCache.set(k, (r = new RegExp(src, flags)));
  return r;
}
