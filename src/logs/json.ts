/**
 * JSON records from collectors → canonical fields. One normalizer per shape, plus `json-auto`,
 * which picks the shape of each record from its keys:
 *
 * | shape | recognised by | what is read |
 * |---|---|---|
 * | `splunk` | `_raw` string (also inside Splunk's `{"result":{…}}` export lines) | the XML in `_raw` |
 * | `evtx-dump` | `Event.System` object (evtx_dump / python-evtx JSON) | System `#attributes`, EventData, UserData |
 * | `ecs` | `winlog` object or `winlog.*` dotted keys (winlogbeat, Elastic Agent) | `winlog.event_data.*`, winlog/ECS system fields, ECS → Sysmon fallbacks |
 * | `sentinel` | `TimeGenerated`, `EventLog`, `TenantId`, `_ResourceId`, or an `EventData` XML string | the Event table columns, the EventData XML, the Sysmon parser's flat columns |
 * | `nxlog` | anything else: flat objects (NXLog im_msvistalog, OTRF datasets) | every key; `-` means empty (NXLog only), `Hostname` → Computer |
 *
 * Elasticsearch hits (`_source`) are unwrapped first. Values are typed with the table in
 * fields.ts. Nested values of unknown keys become their JSON text.
 */
import type { FieldValue } from './event.js';
import { addSpacedAliases, assignLine, ConstructorCache, fieldsConstructor, SYSTEM_ELEMENT_NAMES, eventTime, fieldKind, newFields, safeStringify, typeByKind, typeJsonValue, type FieldKind } from './fields.js';
import { eventFieldsFromTree, findElement, parseEventXml, parseXmlTree, readEventData, type XNode } from './xml.js';

export type JsonShape = 'ecs' | 'nxlog' | 'evtx-dump' | 'splunk' | 'sentinel';

export interface NormalizedRecord {
  fields: Record<string, FieldValue>;
  time?: number;
}

/** Maximum nesting accepted in a JSON record (collectors produce at most about 6). */
export const MAX_JSON_DEPTH = 64;

/** Record layouts with a generated constructor (flat and ECS, each), and the widest one. */
const LAYOUT_MAX = 256;
const LAYOUT_KEYS_MAX = 200;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function has(o: Obj, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Value at a dotted path, accepting nested objects, dotted keys, or any mix of the two. */
export function getPath(o: unknown, path: string): unknown {
  return getSegs(o, path.split('.'), 0);
}

/** Nested-only lookup (no dotted keys): the fast path for documents without dots in keys. */
function getNested(o: unknown, segs: readonly string[]): unknown {
  let x = o;
  for (const s of segs) {
    if (!isObj(x) || !has(x, s)) return undefined;
    x = x[s];
  }
  return x;
}

function hasDottedKeys(o: Obj): boolean {
  for (const k in o) if (k.includes('.')) return true;
  return false;
}

function getSegs(o: unknown, segs: readonly string[], i: number): unknown {
  if (i === segs.length) return o;
  if (!isObj(o)) return undefined;
  for (let j = segs.length; j > i; j--) {
    const key = j === i + 1 ? segs[i]! : segs.slice(i, j).join('.');
    if (has(o, key)) {
      const r = getSegs(o[key], segs, j);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/** Nesting within `limit`? Recursion is bounded by `limit`, so no stack overflow on hostile depth. */
function depthOk(v: Obj | unknown[], limit: number): boolean {
  if (limit <= 0) return false;
  for (const k in v) {
    const x = (v as Obj)[k];
    if (typeof x === 'object' && x !== null && !depthOk(x as Obj, limit - 1)) return false;
  }
  return true;
}

function set(fields: Record<string, FieldValue>, name: string, v: unknown): void {
  if (v === undefined || name in fields) return;
  fields[name] = typeJsonValue(name, v);
}

/** Which shape a record has (after unwrapping `_source` / `result`). */
export function detectJsonShape(rec: unknown): JsonShape {
  const o = unwrap(rec);
  if (!isObj(o)) return 'nxlog';
  if (typeof o['_raw'] === 'string') return 'splunk';
  if (isObj(o['Event']) && (isObj((o['Event'] as Obj)['System']))) return 'evtx-dump';
  if (isObj(o['winlog'])) return 'ecs';
  for (const k in o) if (k.startsWith('winlog.')) return 'ecs';
  if (typeof o['EventData'] === 'string' || has(o, 'TimeGenerated') || has(o, 'TimeGenerated [UTC]') || has(o, 'EventLog') ||
    has(o, 'TenantId') || has(o, '_ResourceId')) return 'sentinel';
  return 'nxlog';
}

function unwrap(rec: unknown): unknown {
  if (isObj(rec)) {
    if (isObj(rec['_source'])) return rec['_source'];
    if (isObj(rec['result']) && !has(rec, 'EventID')) return rec['result'];
  }
  return rec;
}

/**
 * Records held in one JSON value: an array's elements, Elasticsearch `hits.hits`, Splunk REST
 * `results`, a Log Analytics API `tables[0]` (columns + rows), or the value itself.
 */
export function expandJsonValue(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isObj(v)) {
    const hits = isObj(v['hits']) ? v['hits']['hits'] : undefined;
    if (Array.isArray(hits)) return hits;
    if (Array.isArray(v['results']) && !has(v, 'EventID')) return v['results'];
    const tables = v['tables'];
    if (Array.isArray(tables) && isObj(tables[0])) {
      const cols = tables[0]['columns'];
      const rows = tables[0]['rows'];
      if (Array.isArray(cols) && Array.isArray(rows)) {
        const names = cols.map((c) => (isObj(c) ? String(c['name'] ?? c['ColumnName'] ?? '') : String(c)));
        return rows.map((r) => {
          const o: Obj = Object.create(null) as Obj;
          if (Array.isArray(r)) names.forEach((n, i) => { o[n] = r[i]; });
          return o;
        });
      }
    }
  }
  return [v];
}

/** Normalize one JSON record. `shape` forces a normalizer; default picks one per record. */
export function normalizeJsonRecord(rec: unknown, shape?: JsonShape): NormalizedRecord {
  const o = unwrap(rec);
  if (!isObj(o)) throw new Error(`record is ${Array.isArray(o) ? 'an array' : typeof o}, not an object`);
  // A plain object (straight from JSON.parse) has a layout, which knows its shape when keys decide it.
  const l = (shape === undefined || shape === 'nxlog') && Object.getPrototypeOf(o) === Object.prototype ? layoutOf(o) : null;
  // layoutOf saw every value: a flat record needs no depth walk.
  if ((l === null || layoutNested) && !depthOk(o, MAX_JSON_DEPTH)) throw new Error(`record nested deeper than ${MAX_JSON_DEPTH} levels`);
  const s = shape ?? l?.shape ?? detectJsonShape(o);
  let fields: Record<string, FieldValue>;
  switch (s) {
    case 'splunk': fields = fromSplunk(o); break;
    case 'evtx-dump': fields = fromEvtxDump(o); break;
    case 'ecs': fields = fromEcs(o); break;
    case 'sentinel': fields = fromSentinel(o); break;
    case 'nxlog': fields = (l && fromLayout(o, l)) || fromFlatGeneric(o, true); break;
  }
  const time = eventTime(fields);
  return time === undefined ? { fields } : { fields, time };
}

// ---------------------------------------------------------------- Splunk

function fromSplunk(o: Obj): Record<string, FieldValue> {
  const raw = o['_raw'];
  if (typeof raw !== 'string') throw new Error('splunk record has no _raw string');
  if (raw.includes('<Event')) return parseEventXml(raw);
  // Non-XML _raw (classic WinEventLog rendering): use the fields Splunk extracted.
  const rest: Obj = {};
  for (const k in o) if (!k.startsWith('_')) rest[k] = o[k];
  const f = fromFlatGeneric(rest, false);
  if (!('EventID' in f) && 'EventCode' in f) f['EventID'] = typeJsonValue('EventID', f['EventCode']);
  if (!('Computer' in f) && 'ComputerName' in f) f['Computer'] = f['ComputerName']!;
  return f;
}

// ---------------------------------------------------------------- evtx_dump

function textOf(v: unknown): unknown {
  if (isObj(v) && has(v, '#text')) return v['#text'];
  return v;
}

function attrsOf(o: Obj, key: string): Obj | undefined {
  const v = o[key];
  if (isObj(v) && isObj(v['#attributes'])) return v['#attributes'];
  const sep = o[`${key}_attributes`];
  return isObj(sep) ? sep : undefined;
}

function fromEvtxDump(o: Obj): Record<string, FieldValue> {
  const fields = newFields();
  const ev = o['Event'] as Obj;
  const sys = ev['System'];
  if (isObj(sys)) {
    for (const k in sys) {
      if (k.endsWith('_attributes')) continue;
      const a = attrsOf(sys, k);
      switch (k) {
        case 'Provider':
          if (a) for (const ak in a) set(fields, `Provider_${ak}`, a[ak]);
          break;
        case 'TimeCreated':
          if (a) set(fields, 'TimeCreated', a['SystemTime']);
          break;
        case 'EventID':
          set(fields, 'EventID', textOf(sys[k]));
          if (a && a['Qualifiers'] !== undefined && a['Qualifiers'] !== '' && a['Qualifiers'] !== null) {
            set(fields, 'Qualifiers', a['Qualifiers']);
          }
          break;
        case 'Execution': case 'Security': case 'Correlation':
          if (a) for (const ak in a) set(fields, ak, a[ak]);
          break;
        default: {
          const t = textOf(sys[k]);
          if (!isObj(t) && t !== null) set(fields, k, t);
          if (a) for (const ak in a) set(fields, `${k}_${ak}`, a[ak]);
        }
      }
    }
  }
  const ed = ev['EventData'];
  if (isObj(ed)) {
    const unnamed: unknown[] = [];
    let spaced: string[] | undefined;
    for (const k in ed) {
      if (k === '#attributes' || k.endsWith('_attributes')) continue;
      const v = ed[k];
      if (k === 'Data') {
        const items = Array.isArray(v) ? v : [v];
        for (const it of items) {
          const a = isObj(it) ? (isObj(it['#attributes']) ? it['#attributes'] : undefined) : undefined;
          const name = a?.['Name'];
          if (typeof name === 'string' && name !== '') {
            set(fields, name, nullToEmpty(textOf(it)));
            if (name.indexOf(' ') >= 0) (spaced ??= []).push(name);
          } else {
            const t = textOf(it);
            if (Array.isArray(t)) unnamed.push(...t);
            else unnamed.push(t);
          }
        }
      } else {
        set(fields, k, nullToEmpty(textOf(v)));
        if (k.indexOf(' ') >= 0) (spaced ??= []).push(k);
      }
    }
    if (spaced) for (const k of spaced) addSpacedAliases(fields, k);
    const vals = unnamed.map((u) => String(nullToEmpty(u)));
    if (vals.length === 1) set(fields, 'Data', vals[0]);
    else if (vals.length > 1) {
      vals.forEach((v, i) => set(fields, `Data${i + 1}`, v));
      set(fields, 'Data', vals.join('\n'));
    }
  }
  for (const k of ['UserData', 'RenderingInfo']) {
    const u = ev[k];
    if (isObj(u)) flattenObject(u, fields, k);
  }
  return fields;
}

function nullToEmpty(v: unknown): unknown {
  return v === null ? '' : v;
}

/** Leaves of a nested object → their own key (dotted path on a clash or a System element name). */
function flattenObject(o: Obj, fields: Record<string, FieldValue>, path: string): void {
  for (const k in o) {
    const v = o[k];
    if (k === '#attributes' && isObj(v)) {
      const owner = path.slice(path.lastIndexOf('.') + 1);
      for (const ak in v) if (!ak.startsWith('xmlns')) set(fields, `${owner}_${ak}`, v[ak]);
      continue;
    }
    if (k.startsWith('xmlns')) continue;
    const p = `${path}.${k}`;
    if (isObj(v) && !has(v, '#text')) flattenObject(v, fields, p);
    else {
      const t = textOf(v);
      const name = k === '#text' ? path.slice(path.lastIndexOf('.') + 1) : k;
      set(fields, name in fields || SYSTEM_ELEMENT_NAMES.has(name) ? p : name, Array.isArray(t) ? t.join('\n') : nullToEmpty(t));
      if (isObj(v) && isObj(v['#attributes'])) {
        for (const ak in v['#attributes']) set(fields, `${k}_${ak}`, v['#attributes'][ak]);
      }
    }
  }
}

// ---------------------------------------------------------------- ECS

/** winlog / ECS system fields → canonical System names (first present wins). */
const ECS_SYSTEM: ReadonlyArray<readonly [string, string]> = [
  ['winlog.event_id', 'EventID'], ['event.code', 'EventID'],
  ['winlog.channel', 'Channel'],
  ['winlog.computer_name', 'Computer'], ['host.name', 'Computer'], ['host.hostname', 'Computer'],
  ['winlog.provider_name', 'Provider_Name'], ['event.provider', 'Provider_Name'],
  ['winlog.provider_guid', 'Provider_Guid'],
  ['winlog.record_id', 'EventRecordID'],
  ['winlog.process.pid', 'ProcessID'], ['winlog.process.thread.id', 'ThreadID'],
  ['winlog.user.identifier', 'UserID'],
  ['winlog.version', 'Version'], ['winlog.task', 'Task'], ['winlog.opcode', 'Opcode'],
  ['log.level', 'Level'], ['winlog.keywords', 'Keywords'],
  ['winlog.activity_id', 'ActivityID'], ['winlog.related_activity_id', 'RelatedActivityID'],
  ['@timestamp', 'TimeCreated'],
];

/** ECS fields → Sysmon names, used only when winlog.event_data lacks the Sysmon field. */
const ECS_TO_SYSMON: ReadonlyArray<readonly [string, string]> = [
  ['rule.name', 'RuleName'],
  ['process.entity_id', 'ProcessGuid'], ['process.pid', 'ProcessId'], ['process.executable', 'Image'],
  ['process.command_line', 'CommandLine'], ['process.parent.executable', 'ParentImage'],
  ['process.parent.pid', 'ParentProcessId'], ['process.parent.entity_id', 'ParentProcessGuid'],
  ['process.parent.command_line', 'ParentCommandLine'],
  ['network.transport', 'Protocol'],
  ['source.ip', 'SourceIp'], ['source.domain', 'SourceHostname'], ['source.port', 'SourcePort'],
  ['destination.ip', 'DestinationIp'], ['destination.domain', 'DestinationHostname'],
  ['destination.port', 'DestinationPort'], ['network.protocol', 'DestinationPortName'],
  ['dns.question.name', 'QueryName'], ['file.path', 'TargetFilename'],
];

const ECS_SYSTEM_SEGS = ECS_SYSTEM.map(([p, n]) => [p.split('.'), n] as const);
const ECS_TO_SYSMON_SEGS = ECS_TO_SYSMON.map(([p, n]) => [p.split('.'), n] as const);

function fromEcs(o: Obj): Record<string, FieldValue> {
  if (Object.getPrototypeOf(o) === Object.prototype) {
    const l = ecsLayoutOf(o);
    if (l) return new l.ctor(o, o['winlog'] as Obj, (o['winlog'] as Obj)['event_data'] as Obj);
  }
  return fromEcsGeneric(o);
}

/** The reference algorithm; exported for the test that holds the layout path to it. */
export function fromEcsGeneric(o: Obj): Record<string, FieldValue> {
  const fields = newFields();
  const dotted = hasDottedKeys(o) || (isObj(o['winlog']) && hasDottedKeys(o['winlog']));
  const get = (segs: readonly string[]): unknown => (dotted ? getSegs(o, segs, 0) : getNested(o, segs));
  const getPath = (path: string): unknown => get(path.split('.'));
  const ed = getPath('winlog.event_data');
  let spaced: string[] | undefined;
  const eventData = (k: string, v: unknown): void => {
    set(fields, k, nullToEmpty(v));
    if (k.indexOf(' ') >= 0) (spaced ??= []).push(k);
  };
  if (isObj(ed)) for (const k in ed) eventData(k, ed[k]);
  if (dotted) for (const k in o) if (k.startsWith('winlog.event_data.')) eventData(k.slice(18), o[k]);
  // Defender's "New Value" → also NewValue / New_Value (after the real names, which win).
  if (spaced) for (const k of spaced) addSpacedAliases(fields, k);
  for (const [segs, name] of ECS_SYSTEM_SEGS) {
    if (name in fields) continue;
    let v = get(segs);
    if (Array.isArray(v)) v = v.length === 1 ? v[0] : v.join(', ');
    if (v !== undefined && v !== null) set(fields, name, v);
  }
  const ud = getPath('winlog.user_data');
  if (isObj(ud)) flattenObject(ud, fields, 'UserData');
  for (const [segs, name] of ECS_TO_SYSMON_SEGS) {
    if (name in fields) continue;
    const v = get(segs);
    if (v !== undefined && v !== null && !isObj(v)) set(fields, name, Array.isArray(v) ? v.join(', ') : v);
  }
  if (!('User' in fields)) {
    const un = getPath('user.name');
    const ud2 = getPath('user.domain');
    if (typeof un === 'string') fields['User'] = typeof ud2 === 'string' && ud2 !== '' ? `${ud2}\\${un}` : un;
  }
  if (!('Initiated' in fields)) {
    const d = getPath('network.direction');
    if (d === 'egress' || d === 'outbound') fields['Initiated'] = true;
    else if (d === 'ingress' || d === 'inbound') fields['Initiated'] = false;
  }
  const nt = getPath('network.type');
  if (nt === 'ipv4' || nt === 'ipv6') {
    set(fields, 'SourceIsIpv6', nt === 'ipv6');
    set(fields, 'DestinationIsIpv6', nt === 'ipv6');
  }
  return fields;
}

/**
 * ECS records of one shipper share their layout: the keys of the record, of `winlog` and of
 * `winlog.event_data`. Per layout a constructor (fields.ts) does what `fromEcsGeneric` does, in
 * the same order: the event data (names known), then each System and ECS fallback name not in
 * the event data, first present value wins (looked up per record, as values decide), then User,
 * Initiated and the IPv6 flags. Layouts with dotted keys, user_data, or event-data names that
 * are unusual (spaced, `__proto__`, integer-like) take the generic path.
 */
interface EcsLayout {
  readonly top: readonly string[];
  readonly winlog: readonly string[];
  readonly data: readonly string[];
  readonly ctor: new (o: Obj, winlog: Obj, data: Obj) => Record<string, FieldValue>;
}
const ecsLayouts = new ConstructorCache<EcsLayout | null>(LAYOUT_MAX);
let lastEcs: EcsLayout | undefined;

function sameKeys(o: Obj, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in o) if (i >= keys.length || keys[i++] !== k) return false;
  return i === keys.length;
}

function ecsLayoutOf(o: Obj): EcsLayout | null {
  const w = o['winlog'];
  if (!isObj(w) || Object.getPrototypeOf(w) !== Object.prototype) return null;
  const ed = w['event_data'];
  if (!isObj(ed) || Object.getPrototypeOf(ed) !== Object.prototype) return null;
  const last = lastEcs;
  if (last && sameKeys(o, last.top) && sameKeys(w, last.winlog) && sameKeys(ed, last.data)) return last;
  const top = Object.keys(o);
  const winlog = Object.keys(w);
  const data = Object.keys(ed);
  const sig = `${top.join('\u0000')}\u0001${winlog.join('\u0000')}\u0001${data.join('\u0000')}`;
  let l = ecsLayouts.get(sig);
  if (l === undefined) {
    if (!ecsLayouts.admits()) return null;
    l = newEcsLayout(top, winlog, data);
    ecsLayouts.set(sig, l);
  }
  if (l) lastEcs = l;
  return l;
}

function newEcsLayout(top: readonly string[], winlog: readonly string[], data: readonly string[]): EcsLayout | null {
  if (top.length + winlog.length + data.length > LAYOUT_KEYS_MAX) return null;
  if ([...top, ...winlog].some((k) => k.includes('.')) || winlog.includes('user_data')) return null;
  if (data.some((k) => k === '__proto__' || k.length > 256 || k.indexOf(' ') >= 0 || /^\d+$/.test(k))) return null;
  const lit = (x: string): string => JSON.stringify(x);
  const lines: string[] = [];
  const known = new Set(data);
  for (const k of data) lines.push(assignLine(k, `T(${lit(k)}, d[${lit(k)}] === null ? '' : d[${lit(k)}])`));
  // Names that may or may not be set by now: a flag each ("first present wins").
  const flags = new Map<string, string>();
  const flag = (name: string): string => {
    let f = flags.get(name);
    if (!f) { f = `h${flags.size}`; flags.set(name, f); lines.push(`let ${f} = false;`); }
    return f;
  };
  const paths: string[][] = [];
  const path = (segs: readonly string[]): string => { paths.push([...segs]); return `P[${paths.length - 1}]`; };
  lines.push('let v;');
  for (const [segs, name] of ECS_SYSTEM_SEGS) {
    if (known.has(name)) continue;
    const f = flag(name);
    lines.push(`if (!${f}) { v = G(o, ${path(segs)}); if (Array.isArray(v)) v = v.length === 1 ? v[0] : v.join(', '); if (v !== undefined && v !== null) { ${assignLine(name, `T(${lit(name)}, v)`)} ${f} = true; } }`);
  }
  for (const [segs, name] of ECS_TO_SYSMON_SEGS) {
    if (known.has(name)) continue;
    const f = flag(name);
    lines.push(`if (!${f}) { v = G(o, ${path(segs)}); if (v !== undefined && v !== null && !O(v)) { ${assignLine(name, `T(${lit(name)}, Array.isArray(v) ? v.join(', ') : v)`)} ${f} = true; } }`);
  }
  if (!known.has('User')) {
    const f = flag('User');
    lines.push(`if (!${f}) { const un = G(o, ${path(['user', 'name'])}); const ud = G(o, ${path(['user', 'domain'])}); if (typeof un === 'string') { ${assignLine('User', "typeof ud === 'string' && ud !== '' ? ud + '\\\\' + un : un")} ${f} = true; } }`);
  }
  if (!known.has('Initiated')) {
    const f = flag('Initiated');
    lines.push(`if (!${f}) { const d = G(o, ${path(['network', 'direction'])}); if (d === 'egress' || d === 'outbound') { ${assignLine('Initiated', 'true')} ${f} = true; } else if (d === 'ingress' || d === 'inbound') { ${assignLine('Initiated', 'false')} ${f} = true; } }`);
  }
  const ipv6: string[] = [];
  for (const name of ['SourceIsIpv6', 'DestinationIsIpv6']) {
    if (known.has(name)) continue;
    ipv6.push(`if (!${flag(name)}) ${assignLine(name, `T(${lit(name)}, nt === 'ipv6')`)}`);
  }
  if (ipv6.length) lines.push(`{ const nt = G(o, ${path(['network', 'type'])}); if (nt === 'ipv4' || nt === 'ipv6') { ${ipv6.join(' ')} } }`);
  const ctor = fieldsConstructor<[Obj, Obj, Obj]>(data, ['o', 'w', 'd'], lines.join('\n'), { T: typeJsonValue, G: getNested, O: isObj, P: paths });
  return ctor ? { top, winlog, data, ctor } : null;
}

// ---------------------------------------------------------------- Sentinel

/** Event table / Sysmon parser columns that are Log Analytics bookkeeping, not event data. */
const SENTINEL_ENVELOPE = new Set([
  'TenantId', 'SourceSystem', 'MG', 'ManagementGroupName', '_ResourceId', 'Type', 'EventLevelName',
  'ParameterXml', 'AzureDeploymentID', 'Role', '_ItemId', '_Internal_WorkspaceResourceId',
  '_SubscriptionId', '_BilledSize', '_IsBillable', 'EventOriginId',
]);

const SENTINEL_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['EventLog', 'Channel'], ['Source', 'Provider_Name'], ['EventLevel', 'Level'],
  ['EventCategory', 'Task'], ['TimeGenerated', 'TimeCreated'], ['RenderedDescription', 'Message'],
];

function fromSentinel(o: Obj): Record<string, FieldValue> {
  const fields = newFields();
  const xml = o['EventData'];
  if (typeof xml === 'string' && xml.trimStart().startsWith('<')) {
    const roots: XNode[] = parseXmlTree(xml);
    const ev = findElement(roots, 'Event');
    if (ev) {
      const f = eventFieldsFromTree(ev);
      for (const k in f) fields[k] = f[k]!;
    } else {
      const ed = findElement(roots, 'EventData');
      if (ed) readEventData(ed, fields);
    }
  }
  const mapped = new Set<string>();
  for (const [col, name] of SENTINEL_COLUMNS) {
    // Sentinel's CSV export names time columns "TimeGenerated [UTC]".
    const v = has(o, col) ? o[col] : o[`${col} [UTC]`];
    if (v !== undefined && v !== null && v !== '') set(fields, name, v);
    mapped.add(col);
    mapped.add(`${col} [UTC]`);
  }
  let spaced: string[] | undefined;
  for (const k in o) {
    if (k === 'EventData' || mapped.has(k) || SENTINEL_ENVELOPE.has(k)) continue;
    const v = o[k];
    set(fields, k, isObj(v) || Array.isArray(v) ? safeStringify(v) : v);
    if (k.indexOf(' ') >= 0) (spaced ??= []).push(k);
  }
  if (spaced) for (const k of spaced) addSpacedAliases(fields, k);
  return fields;
}

// ---------------------------------------------------------------- NXLog / flat

/** NXLog's own bookkeeping keys and the transport's (logstash) — not event content. */
const NXLOG_ENVELOPE = new Set([
  '@timestamp', '@version', 'host', 'port', 'type', 'tags', 'EventReceivedTime', 'SourceModuleName',
  'SourceModuleType', 'EventType', 'Severity', 'SeverityValue',
]);

const NXLOG_RENAMES: ReadonlyArray<readonly [string, string]> = [
  ['Hostname', 'Computer'], ['SourceName', 'Provider_Name'], ['ProviderGuid', 'Provider_Guid'],
  ['RecordNumber', 'EventRecordID'], ['OpcodeValue', 'Opcode'],
];

function hasZone(s: string): boolean {
  const z = s[s.length - 1];
  return z === 'Z' || z === 'z' || s.length > 6 && (s[s.length - 6] === '+' || s[s.length - 6] === '-');
}

/** Per key name: canonical name (null = dropped envelope key) and type kind. Cached, bounded. */
interface KeyPlan { to: string | null; kind: FieldKind; rename: boolean; spaced: boolean }
const NX_RENAME_MAP: ReadonlyMap<string, string> = new Map(NXLOG_RENAMES);
const keyPlans = [new Map<string, KeyPlan>(), new Map<string, KeyPlan>()];

function keyPlan(k: string, nx: boolean): KeyPlan {
  const cache = keyPlans[nx ? 1 : 0]!;
  let p = cache.get(k);
  if (p) return p;
  const ren = nx ? NX_RENAME_MAP.get(k) : undefined;
  const to = nx && NXLOG_ENVELOPE.has(k) ? null : ren ?? k;
  p = { to, kind: to === null ? 0 : fieldKind(to), rename: ren !== undefined, spaced: k.indexOf(' ') >= 0 };
  if (cache.size < 10000) cache.set(k, p);
  return p;
}

/** Keywords repeat from record to record: the last conversion is kept (BigInt is slow). */
let lastKw = NaN;
let lastKwHex = '';

/** The reference algorithm, key by key; exported for the test that holds the layout path to it. */
export function fromFlatGeneric(o: Obj, nxlog: boolean): Record<string, FieldValue> {
  const fields = newFields();
  const nx = nxlog && (has(o, 'SourceModuleType') || has(o, 'EventReceivedTime') || has(o, 'Hostname') ||
    has(o, 'SourceName') || has(o, 'RecordNumber'));
  let etTaken = false;
  if (nx) {
    // NXLog writes Keywords as a signed 64-bit number; Windows shows it as 0x-hex.
    const kw = o['Keywords'];
    if (typeof kw === 'number' && Number.isInteger(kw)) {
      if (kw !== lastKw) { lastKw = kw; lastKwHex = `0x${BigInt.asUintN(64, BigInt(kw)).toString(16).padStart(16, '0')}`; }
      fields['Keywords'] = lastKwHex;
    }
    // EventTime is local time without a zone in real NXLog output; only a zoned one is usable.
    const et = o['EventTime'];
    if (typeof et === 'string' && hasZone(et) && !has(o, 'TimeCreated')) {
      fields['TimeCreated'] = et;
      etTaken = true; // EventTime became TimeCreated: not a field of its own
    }
    // OpcodeValue is the number; NXLog's Opcode is its display name.
    if (has(o, 'OpcodeValue')) set(fields, 'Opcode', o['OpcodeValue']);
  }
  let spaced: string[] | undefined;
  for (const k in o) {
    const p = keyPlan(k, nx);
    if (p.spaced) (spaced ??= []).push(k);
    const to = p.to;
    if (to === null || to in fields || (etTaken && to === 'EventTime')) continue;
    if (p.rename && has(o, to)) {
      // Both the NXLog name and the canonical one are present: keep this one under its own name.
      if (!(k in fields)) fields[k] = typeJsonValue(k, o[k]);
      continue;
    }
    let v = o[k];
    if (nx && v === '-') v = '';
    if (typeof v === 'string') fields[to] = typeByKind(p.kind, v);
    else if (v === undefined) continue;
    else fields[to] = isObj(v) || Array.isArray(v) ? safeStringify(v) : typeJsonValue(to, v);
  }
  if (spaced) for (const k of spaced) addSpacedAliases(fields, k);
  if (nx) {
    fillFromSysmonMessage(fields, (v) => (v === '-' ? '' : v));
  }
  return fields;
}

/**
 * Records of one collector share their key list. Per key list (a layout) a constructor is
 * generated that builds the fields with fixed names, which V8 keeps as a fast-properties object;
 * `Object.create(null)` objects are hash tables. Normalising is then about 3× faster and the
 * engine's field reads about 2× (bench). The prototype is an empty null-prototype object, so
 * no Object.prototype name ('constructor', 'toString') ever reads as a field. Only what depends
 * on values (Keywords as a number, a zoned EventTime) is decided per record: one constructor
 * per combination. Unusual layouts (spaced or integer-like keys, `__proto__`, very wide ones)
 * take the generic path, which the layout path must equal (test/logs/flat-layout.test.ts).
 */
interface Layout {
  readonly keys: readonly string[];
  readonly nx: boolean;
  readonly hasKeywords: boolean;
  readonly hasTimeCreated: boolean;
  /** The record shape when the keys alone decide it (detectJsonShape), else undefined. */
  readonly shape: JsonShape | undefined;
  /** By (Keywords preset ? 2 : 0) + (TimeCreated from EventTime ? 1 : 0); built on first use. */
  readonly ctors: Array<FlatCtor | undefined>;
}
type FlatCtor = new (o: Obj, kw: string) => Record<string, FieldValue>;

const layouts = new ConstructorCache<Layout | null>(LAYOUT_MAX);
let lastLayout: Layout | undefined;

/** A value as `fromFlatGeneric` types it (kind and name are the canonical field's). */
function flatValue(nx: boolean, kind: FieldKind, to: string, v: unknown): FieldValue {
  if (nx && v === '-') return '';
  if (typeof v === 'string') return typeByKind(kind, v);
  return isObj(v) || Array.isArray(v) ? safeStringify(v) : typeJsonValue(to, v);
}
const flatValueNx = (kind: FieldKind, to: string, v: unknown): FieldValue => flatValue(true, kind, to, v);
const flatValuePlain = (kind: FieldKind, to: string, v: unknown): FieldValue => flatValue(false, kind, to, v);

/** Set by `layoutOf`: some value of the record is an object or an array. */
let layoutNested = false;

function layoutOf(o: Obj): Layout | null {
  const last = lastLayout;
  layoutNested = false;
  if (last) {
    const ks = last.keys;
    let i = 0;
    let same = true;
    let nested = false;
    for (const k in o) {
      if (i >= ks.length || ks[i] !== k) { same = false; break; }
      const v = o[k];
      if (typeof v === 'object' && v !== null) nested = true;
      i++;
    }
    if (same && i === ks.length) {
      layoutNested = nested;
      return last;
    }
  }
  const keys = Object.keys(o);
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'object' && v !== null) layoutNested = true;
  }
  const sig = keys.join('\u0000');
  let l = layouts.get(sig);
  if (l === undefined) {
    if (!layouts.admits()) return null;
    l = newLayout(keys);
    layouts.set(sig, l);
  }
  if (l) lastLayout = l;
  return l;
}

function newLayout(keys: readonly string[]): Layout | null {
  if (keys.length > LAYOUT_KEYS_MAX) return null;
  for (const k of keys) if (k === '__proto__' || k.length > 256 || k.indexOf(' ') >= 0 || /^\d+$/.test(k)) return null;
  const has = new Set(keys);
  const nx = has.has('SourceModuleType') || has.has('EventReceivedTime') || has.has('Hostname') || has.has('SourceName') || has.has('RecordNumber');
  // detectJsonShape looks at the values of these keys only; without them the keys decide.
  const byValue = ['_raw', 'Event', 'winlog', 'EventData', '_source', 'result'].some((k) => has.has(k)) || keys.some((k) => k.startsWith('winlog.'));
  const sentinel = ['TimeGenerated', 'TimeGenerated [UTC]', 'EventLog', 'TenantId', '_ResourceId'].some((k) => has.has(k));
  const shape: JsonShape | undefined = byValue ? undefined : sentinel ? 'sentinel' : 'nxlog';
  return { keys, nx, hasKeywords: has.has('Keywords'), hasTimeCreated: has.has('TimeCreated'), shape, ctors: [] };
}

/** The generic algorithm's assignments for this layout and these presets, as a constructor. */
function buildCtor(l: Layout, kwPreset: boolean, tcPreset: boolean): FlatCtor {
  const lit = (x: string): string => JSON.stringify(x);
  const keySet = new Set(l.keys);
  const assigned = new Set<string>();
  const lines: string[] = [];
  const put = (name: string, expr: string): void => { assigned.add(name); lines.push(assignLine(name, expr)); };
  if (l.nx) {
    if (kwPreset) put('Keywords', 'kw');
    if (tcPreset) { put('TimeCreated', 'o["EventTime"]'); assigned.add('EventTime'); }
    if (keySet.has('OpcodeValue')) put('Opcode', 'T("Opcode", o["OpcodeValue"])');
  }
  for (const k of l.keys) {
    const p = keyPlan(k, l.nx);
    const to = p.to;
    if (to === null || assigned.has(to)) continue;
    if (p.rename && keySet.has(to)) {
      if (!assigned.has(k)) put(k, `T(${lit(k)}, o[${lit(k)}])`);
      continue;
    }
    put(to, `V(${p.kind}, ${lit(to)}, o[${lit(k)}])`);
  }
  // newLayout admits no `__proto__` key, so there is always a constructor.
  return fieldsConstructor<[Obj, string]>(assigned, ['o', 'kw'], lines.join('\n'), { V: l.nx ? flatValueNx : flatValuePlain, T: typeJsonValue })!;
}

function fromLayout(o: Obj, l: Layout): Record<string, FieldValue> {
  let kw = '';
  let tc = false;
  if (l.nx) {
    const k = o['Keywords'];
    if (l.hasKeywords && typeof k === 'number' && Number.isInteger(k)) {
      if (k !== lastKw) { lastKw = k; lastKwHex = `0x${BigInt.asUintN(64, BigInt(k)).toString(16).padStart(16, '0')}`; }
      kw = lastKwHex;
    }
    const et = o['EventTime'];
    tc = typeof et === 'string' && hasZone(et) && !l.hasTimeCreated;
  }
  const v = (kw !== '' ? 2 : 0) + (tc ? 1 : 0);
  const C = l.ctors[v] ?? (l.ctors[v] = buildCtor(l, kw !== '', tc));
  const fields = new C(o, kw);
  if (l.nx) fillFromSysmonMessage(fields, (x) => (x === '-' ? '' : x));
  return fields;
}

/**
 * NXLog drops empty EventData values and, in older versions, lets the System `ProcessID` shadow
 * Sysmon's EventData `ProcessId`. Sysmon's rendered Message holds every EventData field as
 * `Name: value` lines, so fields that are missing are filled from it (never overriding).
 */
function fillFromSysmonMessage(fields: Record<string, FieldValue>, val: (v: unknown) => unknown): void {
  const msg = fields['Message'];
  const prov = fields['Provider_Name'];
  if (typeof msg !== 'string' || typeof prov !== 'string' || !prov.includes('Sysmon') || msg.length > 1_000_000) return;
  let i = msg.indexOf('\n');
  while (i >= 0 && i < msg.length) {
    const nl = msg.indexOf('\n', i + 1);
    const end = nl < 0 ? msg.length : nl;
    const line = msg.slice(i + 1, end > i + 1 && msg.charCodeAt(end - 1) === 13 ? end - 1 : end);
    const colon = line.indexOf(': ');
    const name = colon > 0 ? line.slice(0, colon) : line.endsWith(':') ? line.slice(0, -1) : '';
    if (name !== '' && isIdent(name) && !(name in fields)) {
      set(fields, name, val(colon > 0 ? line.slice(colon + 2) : ''));
    }
    i = nl;
  }
}

function isIdent(s: string): boolean {
  if (s.length > 64) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57 && i > 0) || c === 95)) return false;
  }
  return true;
}
