/**
 * Writers: a canonical event back into each text format the readers accept. They make the seed
 * fixtures and the benchmark corpus, and they define the round trip the tests check: for every
 * format F, read(write_F(e)) has exactly the fields of e.
 *
 * Where a real collector loses information, the writer keeps it in the most natural place the
 * reader understands, and says so here:
 * - ECS: winlog.task / winlog.opcode / log.level / winlog.keywords carry the numeric values
 *   (winlogbeat puts names there; the reader takes whatever is there).
 * - NXLog: TimeCreated goes to `EventTime` with its zone (real NXLog writes local time without
 *   a zone, which the reader ignores because it cannot be placed on the time line).
 * - Sentinel: the System values the Log Analytics `Event` table has no column for (Provider_Guid,
 *   Version, Opcode, Keywords, EventRecordID, ProcessID, ThreadID, UserID) are added as extra
 *   columns under their canonical names.
 */
import type { FieldValue } from './event.js';

export type WriteFormat =
  | 'xml' | 'eventviewer' | 'ecs' | 'nxlog' | 'evtx-dump' | 'splunk' | 'sentinel' | 'sentinel-event'
  | 'splunk-csv' | 'sentinel-csv';

function csvCell(v: unknown): string {
  const t = v === undefined || v === null ? '' : typeof v === 'string' ? v : String(v);
  return /[",\r\n]/.test(t) ? `"${t.split('"').join('""')}"` : t;
}

/** CSV text: header = union of the rows' keys in first-seen order. */
export function toCsv(rows: ReadonlyArray<Record<string, unknown>>, rename: Record<string, string> = {}): string {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const head = cols.map((c) => csvCell(rename[c] ?? c)).join(',');
  return `${head}\r\n${rows.map((r) => cols.map((c) => csvCell(r[c])).join(',')).join('\r\n')}\r\n`;
}

export type Fields = Readonly<Record<string, FieldValue>>;

/** Canonical names that live in the System block (everything else is EventData). */
export const SYSTEM_FIELD_NAMES: ReadonlySet<string> = new Set([
  'Provider_Name', 'Provider_Guid', 'Provider_EventSourceName', 'EventID', 'Qualifiers', 'Version', 'Level', 'Task',
  'Opcode', 'Keywords', 'TimeCreated', 'EventRecordID', 'ActivityID', 'RelatedActivityID', 'ProcessID',
  'ThreadID', 'Channel', 'Computer', 'UserID',
]);

const NS = 'http://schemas.microsoft.com/win/2004/08/events/event';

function esc(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const r = c === 38 ? '&amp;' : c === 60 ? '&lt;' : c === 62 ? '&gt;' : c === 34 ? '&quot;' : c === 39 ? '&apos;' : undefined;
    if (r) { out += s.slice(last, i) + r; last = i + 1; }
  }
  return last === 0 ? s : out + s.slice(last);
}

function text(v: FieldValue | undefined): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : String(v);
}

function dataNames(f: Fields): string[] {
  return Object.keys(f).filter((k) => !SYSTEM_FIELD_NAMES.has(k));
}

/** XML lines of an event; `indent` and `dash` shape the Event Viewer copy. */
function xmlLines(f: Fields, style: 'pretty' | 'compact' | 'eventviewer'): string[] {
  const ev = style === 'eventviewer';
  const open = (indent: string, tag: string): string => `${indent}${ev ? '- ' : ''}${tag}`;
  const leafEnd = ev ? ' ' : '';
  const lines: string[] = [];
  const el = (name: string, v: FieldValue | undefined, attrs = ''): void => {
    lines.push(`    <${name}${attrs}>${esc(text(v))}</${name}>${leafEnd}`);
  };
  const empty = (name: string, attrs: Array<[string, FieldValue | undefined]>): void => {
    const a = attrs.filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${esc(text(v))}"`).join('');
    lines.push(`    <${name}${a} />${leafEnd}`);
  };
  lines.push(open('', `<Event xmlns="${NS}">`));
  lines.push(open('  ', '<System>'));
  if ('Provider_Name' in f || 'Provider_Guid' in f || 'Provider_EventSourceName' in f) {
    empty('Provider', [['Name', f['Provider_Name']], ['Guid', f['Provider_Guid']], ['EventSourceName', f['Provider_EventSourceName']]]);
  }
  if ('EventID' in f) el('EventID', f['EventID'], 'Qualifiers' in f ? ` Qualifiers="${esc(text(f['Qualifiers']))}"` : '');
  for (const k of ['Version', 'Level', 'Task', 'Opcode', 'Keywords']) if (k in f) el(k, f[k]);
  if ('TimeCreated' in f) empty('TimeCreated', [['SystemTime', f['TimeCreated']]]);
  if ('EventRecordID' in f) el('EventRecordID', f['EventRecordID']);
  empty('Correlation', [['ActivityID', f['ActivityID']], ['RelatedActivityID', f['RelatedActivityID']]]);
  if ('ProcessID' in f || 'ThreadID' in f) empty('Execution', [['ProcessID', f['ProcessID']], ['ThreadID', f['ThreadID']]]);
  for (const k of ['Channel', 'Computer']) if (k in f) el(k, f[k]);
  empty('Security', [['UserID', f['UserID']]]);
  lines.push('  </System>');
  lines.push(open('  ', '<EventData>'));
  for (const k of dataNames(f)) {
    const v = text(f[k]);
    lines.push(v === '' ? `    <Data Name="${esc(k)}" />${leafEnd}` : `    <Data Name="${esc(k)}">${esc(v)}</Data>${leafEnd}`);
  }
  lines.push('  </EventData>');
  lines.push('</Event>');
  if (style === 'compact') return [lines.map((l) => l.trim()).join('')];
  return lines;
}

/** One `<Event>` as Windows renders it (pretty-printed). */
export function toEventXml(f: Fields, compact = false): string {
  return xmlLines(f, compact ? 'compact' : 'pretty').join('\n');
}

/** The Event Viewer "copy details as XML" text, with `- ` before container lines. */
export function toEventViewerText(f: Fields): string {
  return xmlLines(f, 'eventviewer').join('\n');
}

function num(v: FieldValue | undefined): number | string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' ? v : text(v);
}

function prune(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v === undefined) delete o[k];
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      prune(v as Record<string, unknown>);
      if (Object.keys(v).length === 0) delete o[k];
    }
  }
  return o;
}

/** Elastic Agent / winlogbeat document (event_data values as strings, as winlogbeat writes). */
export function toEcs(f: Fields): Record<string, unknown> {
  const ed: Record<string, string> = {};
  for (const k of dataNames(f)) ed[k] = text(f[k]);
  const isSysmon3 = f['EventID'] === 3 && text(f['Channel']).includes('Sysmon');
  const doc: Record<string, unknown> = {
    '@timestamp': f['TimeCreated'] ?? undefined,
    event: { code: f['EventID'] === undefined ? undefined : text(f['EventID']), provider: f['Provider_Name'] ?? undefined, kind: 'event', module: isSysmon3 ? 'sysmon' : undefined },
    host: { name: f['Computer'] ?? undefined },
    log: { level: f['Level'] === undefined ? undefined : text(f['Level']) },
    winlog: {
      channel: f['Channel'] ?? undefined,
      computer_name: f['Computer'] ?? undefined,
      event_id: f['EventID'] === undefined ? undefined : text(f['EventID']),
      provider_name: f['Provider_Name'] ?? undefined,
      provider_guid: f['Provider_Guid'] ?? undefined,
      record_id: num(f['EventRecordID']),
      version: num(f['Version']),
      task: f['Task'] === undefined ? undefined : text(f['Task']),
      opcode: f['Opcode'] === undefined ? undefined : text(f['Opcode']),
      keywords: f['Keywords'] === undefined ? undefined : [text(f['Keywords'])],
      activity_id: f['ActivityID'] ?? undefined,
      related_activity_id: f['RelatedActivityID'] ?? undefined,
      process: { pid: num(f['ProcessID']), thread: { id: num(f['ThreadID']) } },
      user: { identifier: f['UserID'] ?? undefined },
      event_data: ed,
    },
  };
  if (isSysmon3) {
    doc['source'] = { ip: f['SourceIp'], port: num(f['SourcePort']), domain: f['SourceHostname'] || undefined };
    doc['destination'] = { ip: f['DestinationIp'], port: num(f['DestinationPort']), domain: f['DestinationHostname'] || undefined };
    doc['network'] = { transport: f['Protocol'], direction: f['Initiated'] === true ? 'egress' : f['Initiated'] === false ? 'ingress' : undefined };
    doc['process'] = { executable: f['Image'], pid: num(f['ProcessId']), entity_id: f['ProcessGuid'] };
  }
  // Qualifiers has no ECS home: keep it in event_data so it survives the round trip.
  if ('Qualifiers' in f) ed['Qualifiers'] = text(f['Qualifiers']);
  return prune(doc);
}

/** NXLog im_msvistalog + to_json() object. */
export function toNxlog(f: Fields): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const rename: Record<string, string> = {
    Computer: 'Hostname', Provider_Name: 'SourceName', Provider_Guid: 'ProviderGuid', EventRecordID: 'RecordNumber',
    Opcode: 'OpcodeValue', TimeCreated: 'EventTime',
  };
  o['EventReceivedTime'] = f['TimeCreated'] === undefined ? undefined : text(f['TimeCreated']).slice(0, 19).replace('T', ' ');
  o['SourceModuleName'] = 'eventlog';
  o['SourceModuleType'] = 'im_msvistalog';
  for (const k of Object.keys(f)) {
    const v = f[k]!;
    const name = rename[k] ?? k;
    if (k === 'Keywords' && typeof v === 'string' && v.startsWith('0x')) {
      try {
        const signed = BigInt.asIntN(64, BigInt(v));
        o[name] = BigInt(Number(signed)) === signed ? Number(signed) : v;
      } catch {
        o[name] = v;
      }
      continue;
    }
    if (v === null) continue;
    if (SYSTEM_FIELD_NAMES.has(k)) o[name] = v === '' ? '-' : v;
    else o[name] = v === '' ? '-' : text(v);
  }
  return o;
}

function attrsObj(pairs: Array<[string, FieldValue | undefined]>): Record<string, unknown> | undefined {
  const a: Record<string, unknown> = {};
  for (const [k, v] of pairs) if (v !== undefined) a[k] = v;
  return Object.keys(a).length > 0 ? { '#attributes': a } : undefined;
}

/** evtx_dump JSON (`-o json`): typed values, `#attributes` for XML attributes. */
export function toEvtxDump(f: Fields): Record<string, unknown> {
  const sys: Record<string, unknown> = {};
  const p = attrsObj([['Name', f['Provider_Name']], ['Guid', f['Provider_Guid']], ['EventSourceName', f['Provider_EventSourceName']]]);
  if (p) sys['Provider'] = p;
  if ('EventID' in f) sys['EventID'] = 'Qualifiers' in f ? { '#attributes': { Qualifiers: f['Qualifiers'] }, '#text': f['EventID'] } : f['EventID'];
  for (const k of ['Version', 'Level', 'Task', 'Opcode', 'Keywords']) if (k in f) sys[k] = f[k];
  if ('TimeCreated' in f) sys['TimeCreated'] = { '#attributes': { SystemTime: f['TimeCreated'] } };
  if ('EventRecordID' in f) sys['EventRecordID'] = f['EventRecordID'];
  sys['Correlation'] = attrsObj([['ActivityID', f['ActivityID']], ['RelatedActivityID', f['RelatedActivityID']]]) ?? null;
  const ex = attrsObj([['ProcessID', f['ProcessID']], ['ThreadID', f['ThreadID']]]);
  if (ex) sys['Execution'] = ex;
  for (const k of ['Channel', 'Computer']) if (k in f) sys[k] = f[k];
  sys['Security'] = attrsObj([['UserID', f['UserID']]]) ?? null;
  const ed: Record<string, unknown> = {};
  for (const k of dataNames(f)) ed[k] = f[k];
  return { Event: { '#attributes': { xmlns: NS }, System: sys, EventData: ed } };
}

/** Splunk's JSON export line: `{"preview":false,"result":{"_raw":"<Event…>", …}}`. */
export function toSplunk(f: Fields): Record<string, unknown> {
  return {
    preview: false,
    result: {
      _raw: toEventXml(f, true),
      _time: f['TimeCreated'] ?? undefined,
      host: f['Computer'] ?? undefined,
      source: `XmlWinEventLog:${text(f['Channel'])}`,
      sourcetype: 'XmlWinEventLog',
      EventCode: f['EventID'] === undefined ? undefined : text(f['EventID']),
    },
  };
}

function sentinelColumns(f: Fields): Record<string, unknown> {
  return {
    TenantId: '00000000-0000-0000-0000-000000000000',
    TimeGenerated: f['TimeCreated'] ?? undefined,
    SourceSystem: 'OpsManager',
    Source: f['Provider_Name'] ?? undefined,
    EventLog: f['Channel'] ?? undefined,
    Computer: f['Computer'] ?? undefined,
    EventLevel: f['Level'] ?? undefined,
    EventLevelName: f['Level'] === 4 ? 'Information' : undefined,
    EventID: f['EventID'] ?? undefined,
    EventCategory: f['Task'] ?? undefined,
    Type: 'Event',
    // Not columns of the real Event table (see the file comment): kept so nothing is lost.
    Provider_Guid: f['Provider_Guid'] ?? undefined,
    Version: f['Version'] ?? undefined,
    Opcode: f['Opcode'] ?? undefined,
    Keywords: f['Keywords'] ?? undefined,
    EventRecordID: f['EventRecordID'] ?? undefined,
    ProcessID: f['ProcessID'] ?? undefined,
    ThreadID: f['ThreadID'] ?? undefined,
    UserID: f['UserID'] ?? undefined,
    Qualifiers: f['Qualifiers'] ?? undefined,
  };
}

/** A row of the Sentinel `Sysmon` parser: Event table columns + EventData as flat string columns. */
export function toSentinel(f: Fields): Record<string, unknown> {
  const o = sentinelColumns(f);
  for (const k of dataNames(f)) o[k] = text(f[k]);
  return prune(o);
}

/** A row of the Log Analytics `Event` table: EventData holds the XML (`DataItem` wrapper). */
export function toSentinelEvent(f: Fields): Record<string, unknown> {
  const o = sentinelColumns(f);
  const data = dataNames(f).map((k) => `<Data Name="${esc(k)}">${esc(text(f[k]))}</Data>`).join('');
  o['EventData'] = `<DataItem type="System.XmlData" time="${esc(text(f['TimeCreated']))}" sourceHealthServiceId="00000000-0000-0000-0000-000000000000"><EventData xmlns="${NS}">${data}</EventData></DataItem>`;
  return prune(o);
}

/** A whole file's text for a list of events in one format (fixtures, corpora). */
export function writeEventsText(format: WriteFormat, events: readonly Fields[]): string {
  switch (format) {
    case 'xml': return `<Events>\n${events.map((e) => toEventXml(e)).join('\n')}\n</Events>\n`;
    case 'eventviewer': return `${events.map((e) => toEventViewerText(e)).join('\n\n')}\n`;
    case 'ecs': return events.map((e) => JSON.stringify(toEcs(e))).join('\n') + '\n';
    case 'nxlog': return events.map((e) => JSON.stringify(toNxlog(e))).join('\n') + '\n';
    case 'evtx-dump': return events.map((e, i) => `Record ${i + 1}\n${JSON.stringify(toEvtxDump(e), null, 2)}`).join('\n') + '\n';
    case 'splunk': return events.map((e) => JSON.stringify(toSplunk(e))).join('\n') + '\n';
    case 'sentinel': return `${JSON.stringify(events.map(toSentinel), null, 1)}\n`;
    case 'sentinel-event': return events.map((e) => JSON.stringify(toSentinelEvent(e))).join('\n') + '\n';
    // Splunk "Export results" CSV (with _raw), and the Log Analytics portal CSV export.
    case 'splunk-csv': return toCsv(events.map((e) => toSplunk(e)['result'] as Record<string, unknown>));
    case 'sentinel-csv': return toCsv(events.map(toSentinelEvent), { TimeGenerated: 'TimeGenerated [UTC]' });
  }
}
