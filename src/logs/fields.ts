/**
 * Field typing and event time: the one table that says which canonical fields are numbers and
 * which are booleans. Everything not listed is a string. Readers of every format call `typeField`
 * so that `DestinationPort` is 135 whether it came from XML text, an NXLog string or an ECS number.
 *
 * Rule: a listed numeric field whose text is a plain decimal integer (or 0x hex, as Windows writes
 * some ids) within the safe-integer range becomes a number; anything else (`-`, garbage, an
 * out-of-range value) stays the original string, so no information is lost. Booleans accept
 * `true`/`false` in any letter case; other text stays a string.
 */
import type { FieldValue } from './event.js';

/** Fields typed as numbers (Sysmon manifest integer types, Windows System block integers). */
export const NUMBER_FIELDS: ReadonlySet<string> = new Set([
  // System block
  'EventID', 'Version', 'Level', 'Task', 'Opcode', 'EventRecordID', 'ProcessID', 'ThreadID',
  'Qualifiers',
  // Sysmon EventData (all event ids)
  'ProcessId', 'ParentProcessId', 'SourcePort', 'DestinationPort', 'SourceProcessId',
  'TargetProcessId', 'SourceThreadId', 'NewThreadId', 'ThreadId', 'SessionId',
  'TerminalSessionId', 'QueryStatus', 'ParentProcessID',
]);

/** Fields typed as booleans. */
export const BOOLEAN_FIELDS: ReadonlySet<string> = new Set([
  'Initiated', 'SourceIsIpv6', 'DestinationIsIpv6', 'IsExecutable', 'Archived',
]);

/**
 * Element names of the System block. A UserData (or other non-EventData) leaf with one of these
 * names never takes the plain field name, even when System put its value under another name
 * (`Provider` → `Provider_Name`, `Execution` → `ProcessID`…): it goes under its dotted path
 * (`UserData.Operation_EssStarted.Provider`), as a duplicate name always does. Sigma tools that
 * flatten the event XML by element name resolve such a name to the System element first; SigmaHQ's
 * regression data relies on it (a WMI-Activity 5859 filter on `Provider` does not see UserData).
 */
export const SYSTEM_ELEMENT_NAMES: ReadonlySet<string> = new Set([
  'Provider', 'EventID', 'Version', 'Level', 'Task', 'Opcode', 'Keywords', 'TimeCreated', 'EventRecordID',
  'Correlation', 'Execution', 'Channel', 'Computer', 'Security',
]);

/**
 * Other spellings of an event-data name that holds spaces. Windows Defender names its values
 * "New Value", "Threat Name", "Process Name"…; Sigma rules write them without the spaces
 * (`NewValue`, `ThreatName`, as THOR and SigmaHQ's regression checker read them) or, in older
 * SigmaHQ rules, with underscores (`New_Value`). Undefined when the name has no space.
 */
export function spacedNameAliases(name: string): readonly [string, string] | undefined {
  if (name.indexOf(' ') < 0) return undefined;
  const words = name.split(' ').filter((w) => w !== '');
  if (words.length === 0) return undefined;
  return [words.join(''), words.join('_')];
}

/**
 * After `fields[name]` was set from event data: when the name holds spaces, the same value under
 * its space-less and underscore spellings (`spacedNameAliases`), never replacing a field the event
 * itself has.
 */
export function addSpacedAliases(fields: Record<string, FieldValue>, name: string): void {
  if (name.indexOf(' ') < 0) return;
  const v = fields[name];
  const al = spacedNameAliases(name);
  if (v === undefined || !al) return;
  for (const a of al) if (!(a in fields)) fields[a] = v;
}

/**
 * Events that also carry a Sigma category's field names, so that rules of that category read them
 * (the alternative log sources of SigmaHQ's regression config, tests/thor.yml): Security 4688 is a
 * `process_creation` event with Image = NewProcessName and ParentImage = ParentProcessName; a
 * Defender detection (1006–1019, 1115, 1116) is an `antivirus` event with Signature = ThreatName
 * and Filename = Path. An alias never replaces a field the event has.
 */
interface CategoryAlias { readonly channel: string; readonly names: ReadonlyArray<readonly [string, string]> }
const PROCESS_CREATION_4688: CategoryAlias = { channel: 'Security', names: [['Image', 'NewProcessName'], ['ParentImage', 'ParentProcessName']] };
const DEFENDER_DETECTION: CategoryAlias = { channel: 'Microsoft-Windows-Windows Defender/Operational', names: [['Signature', 'ThreatName'], ['Filename', 'Path']] };
const CATEGORY_ALIASES: ReadonlyMap<number, CategoryAlias> = new Map<number, CategoryAlias>([
  [4688, PROCESS_CREATION_4688],
  ...[1006, 1007, 1008, 1009, 1010, 1011, 1012, 1017, 1018, 1019, 1115, 1116].map((id): [number, CategoryAlias] => [id, DEFENDER_DETECTION]),
]);

/** Adds the category aliases above to an event of one of those EventIDs (in place). */
export function addCategoryAliases(fields: Record<string, FieldValue>): void {
  const id = fields['EventID'];
  if (typeof id !== 'number') return;
  const a = CATEGORY_ALIASES.get(id);
  if (!a) return;
  const ch = fields['Channel'];
  if (ch !== undefined && (typeof ch !== 'string' || ch.toLowerCase() !== a.channel.toLowerCase())) return;
  for (const [alias, from] of a.names) {
    const v = fields[from];
    if (v !== undefined && !(alias in fields)) fields[alias] = v;
  }
}

/** A fresh fields object with a null prototype: `__proto__` from a log is an ordinary key. */
export function newFields(): Record<string, FieldValue> {
  return Object.create(null) as Record<string, FieldValue>;
}

/**
 * Prototype of the fields objects that generated constructors build: empty, frozen, with a null
 * prototype, so that, as with `newFields`, no Object.prototype name ever reads as a field.
 */
const FIELDS_PROTO: object = Object.freeze(Object.create(null) as object);

/**
 * A constructor of fields objects with fixed names, for readers that know a record's field names
 * ahead (a JSON layout, an EVTX template). V8 keeps such objects in fast mode, where an
 * `Object.create(null)` object that is filled key by key is a hash table: building them is about
 * 3× faster and the engine reads their fields about 2× faster. `body` assigns `this[<JSON string
 * literal>]`; `env` names what it uses. Null for names that are not safe as assignment targets
 * (`__proto__`), so the caller keeps its key-by-key path.
 */
export function fieldsConstructor<A extends unknown[]>(
  names: Iterable<string>,
  params: readonly string[],
  body: string,
  env: Readonly<Record<string, unknown>>,
): (new (...args: A) => Record<string, FieldValue>) | null {
  for (const n of names) if (n === '__proto__') return null;
  const envNames = Object.keys(env);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- field names enter as JSON string literals only
  const make = new Function(...envNames, `"use strict"; return function Fields(${params.join(', ')}) {\n${body}\n};`) as
    (...e: unknown[]) => new (...args: A) => Record<string, FieldValue>;
  const ctor = make(...envNames.map((k) => env[k]));
  (ctor as unknown as { prototype: object }).prototype = FIELDS_PROTO;
  return ctor;
}

/**
 * Generated constructors by signature (a record layout, an EVTX template). When signatures do not
 * repeat (hostile or odd input), a compile per record would cost 25× the key-by-key path: once
 * full, the cache makes nothing new (`admits` false: use the key-by-key path), and after 16
 * misses per entry it empties itself to learn again, so a later, ordinary input still gets
 * constructors (at most about 3 µs per record spent on compiling, measured).
 */
export class ConstructorCache<V> {
  private readonly map = new Map<string, V>();
  private misses = 0;

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  /** May an entry be made now? */
  admits(): boolean {
    if (this.map.size < this.max) return true;
    if (++this.misses < 16 * this.max) return false;
    this.map.clear();
    this.misses = 0;
    return true;
  }

  set(key: string, value: V): void {
    this.map.set(key, value);
  }
}

/** `this[name] = expr;` for a generated fields constructor. */
export function assignLine(name: string, expr: string): string {
  return `this[${JSON.stringify(name)}] = ${expr};`;
}

function isDecimal(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 17) return false;
  let i = s.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (i === n) return false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isHex(s: string): boolean {
  const n = s.length;
  if (n < 3 || n > 15 || s.charCodeAt(0) !== 48 || (s.charCodeAt(1) | 32) !== 120) return false;
  for (let i = 2; i < n; i++) {
    const c = s.charCodeAt(i) | 32;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** 0 string, 1 number, 2 boolean: precomputed per field name by hot paths. */
export type FieldKind = 0 | 1 | 2;

export function fieldKind(name: string): FieldKind {
  return NUMBER_FIELDS.has(name) ? 1 : BOOLEAN_FIELDS.has(name) ? 2 : 0;
}

/** Text of a field as read from a log → its typed canonical value. */
export function typeField(name: string, text: string): FieldValue {
  return typeByKind(fieldKind(name), text);
}

/** `typeField` with the kind already known. */
export function typeByKind(kind: FieldKind, text: string): FieldValue {
  if (kind === 1) {
    if (isDecimal(text)) {
      const v = Number(text);
      return Number.isSafeInteger(v) ? v : text;
    }
    if (isHex(text)) return parseInt(text.slice(2), 16);
    return text;
  }
  if (kind === 2) {
    const l = text.length;
    if (l === 4 && text.toLowerCase() === 'true') return true;
    if (l === 5 && text.toLowerCase() === 'false') return false;
    return text;
  }
  return text;
}

/** A JSON scalar from a collector → typed canonical value (same table as `typeField`). */
export function typeJsonValue(name: string, v: unknown): FieldValue {
  if (typeof v === 'string') return typeField(name, v);
  if (typeof v === 'number') {
    if (NUMBER_FIELDS.has(name)) return v;
    return String(v);
  }
  if (typeof v === 'boolean') {
    if (BOOLEAN_FIELDS.has(name)) return v;
    return v ? 'true' : 'false';
  }
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return typeField(name, v.toString());
  return safeStringify(v);
}

/** JSON text of a nested value, never throwing (cycles cannot occur in parsed JSON, depth can). */
export function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Parse `YYYY-MM-DD hh:mm:ss[.fff…]` (Sysmon UtcTime, UTC) or ISO 8601 `YYYY-MM-DDThh:mm:ss[.f…]`
 * with `Z` or `±hh:mm` (System/TimeCreated SystemTime) into epoch ms. Fractions beyond ms are
 * truncated. No zone designator means UTC (UtcTime's contract). Returns undefined when malformed.
 */
export function parseTimestamp(s: string): number | undefined {
  if (s.length < 19 || s.length > 40) return undefined;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const se = digits(s, 17, 2);
  const sep = s.charCodeAt(10);
  if (s[4] !== '-' || s[7] !== '-' || s[13] !== ':' || s[16] !== ':') return undefined;
  if (sep !== 32 && sep !== 84 /* T */ && sep !== 116) return undefined;
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59) return undefined;
  if (se < 0 || se > 60) return undefined;
  let i = 19;
  let ms = 0;
  if (s[i] === '.' || s[i] === ',') {
    i++;
    let scale = 100;
    const start = i;
    while (i < s.length) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      ms += c * scale;
      scale /= 10;
      i++;
    }
    if (i === start) return undefined;
    ms = Math.floor(ms);
  }
  let offsetMin = 0;
  if (i < s.length) {
    const z = s[i];
    if (z === 'Z' || z === 'z') {
      i++;
    } else if (z === '+' || z === '-') {
      const oh = digits(s, i + 1, 2);
      const om = s[i + 3] === ':' ? digits(s, i + 4, 2) : digits(s, i + 3, 2);
      if (oh < 0 || om < 0) return undefined;
      offsetMin = (oh * 60 + om) * (z === '+' ? 1 : -1);
      i += s[i + 3] === ':' ? 6 : 5;
    } else {
      return undefined;
    }
    if (i !== s.length) return undefined;
  }
  const t = Date.UTC(y, mo - 1, d, h, mi, se, ms) - offsetMin * 60_000;
  return Number.isFinite(t) ? t : undefined;
}

/** Event time of a canonical fields object: UtcTime, else TimeCreated (SystemTime). */
export function eventTime(fields: Readonly<Record<string, FieldValue>>): number | undefined {
  const u = fields['UtcTime'];
  if (typeof u === 'string') {
    const t = parseTimestamp(u);
    if (t !== undefined) return t;
  }
  const c = fields['TimeCreated'];
  if (typeof c === 'string') return parseTimestamp(c);
  return undefined;
}
