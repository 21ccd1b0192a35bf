/**
 * Format names and detection from a file's first bytes (after gunzip).
 *
 * | LogFormat | input |
 * |---|---|
 * | `xml` | event XML: one `<Event>`, an `<Events>` wrapper, `wevtutil qe /f:xml` output (events without a root), the Event Viewer copy (`- ` before element lines), XML embedded in other text; UTF-8 or UTF-16 (BOM) |
 * | `evtx` | Windows .evtx files |
 * | `json-auto` | JSON lines or a JSON array (or pretty-printed objects one after another); each record's shape picked from its keys |
 * | `csv` | CSV with a header row (Splunk export with `_raw`, Sentinel / Log Analytics portal export); each row becomes an object normalized like a JSON record |
 * | `ecs` | Elastic Agent / winlogbeat documents (`winlog.event_data.*` + ECS) |
 * | `nxlog` | flat objects as NXLog writes them (`-` = empty, `Hostname` = computer) |
 * | `evtx-dump` | evtx_dump / python-evtx JSON (`Event.System`, `Event.EventData`, `#attributes`) |
 * | `splunk` | Splunk exports with `_raw` holding the XML (also `{"result":{…}}` lines) |
 * | (zip) | a .zip archive (OTRF datasets): each entry is detected and read on its own; not a forcible format |
 * | `sentinel` | Microsoft Sentinel / Log Analytics rows: the `Sysmon` parser's flat columns, or the `Event` table with its `EventData` XML column |
 *
 * The JSON shapes force one normalizer for every record; `json-auto` (what detection gives for
 * JSON) decides per record, so a file mixing shapes still reads.
 */
import { EVTX_FILE_MAGIC } from './evtx.js';
import { detectJsonShape, type JsonShape } from './json.js';

export type LogFormat = 'xml' | 'evtx' | 'json-auto' | 'csv' | JsonShape;

export const LOG_FORMATS: readonly LogFormat[] = ['xml', 'evtx', 'json-auto', 'csv', 'ecs', 'nxlog', 'evtx-dump', 'splunk', 'sentinel'];

export interface DetectedFormat {
  format: 'xml' | 'evtx' | 'json' | 'csv' | 'zip' | 'unknown';
  /** For JSON: the normalizer (`json-auto` unless forced). */
  shape?: JsonShape | 'json-auto';
  /** For JSON: the shape of the first record (informative). */
  firstRecordShape?: JsonShape;
  /** For JSON: one value per line, or a value stream / array. */
  jsonLayout?: 'lines' | 'values';
  encoding: 'utf-8' | 'utf-16le';
  forced: boolean;
}

export function isLogFormat(s: string): s is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(s);
}

function firstNonWs(s: string): number {
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xfeff) break;
    i++;
  }
  return i;
}

/** Detect from the first bytes (already gunzipped); `forced` overrides the format. */
export function detectFormatFromBytes(head: Buffer, forced?: LogFormat): DetectedFormat {
  if (!forced && head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    return { format: 'zip', encoding: 'utf-8', forced: false };
  }
  if (forced === 'evtx' || (!forced && head.length >= 8 && head.toString('latin1', 0, 8) === EVTX_FILE_MAGIC)) {
    return { format: 'evtx', encoding: 'utf-8', forced: forced !== undefined };
  }
  const utf16 = head.length >= 2 && head[0] === 0xff && head[1] === 0xfe;
  const encoding = utf16 ? 'utf-16le' : 'utf-8';
  const text = new TextDecoder(encoding).decode(head);
  const i = firstNonWs(text);
  const c = text[i];
  const jsonLayout = (): 'lines' | 'values' => {
    if (c === '[') return 'values';
    const nl = text.indexOf('\n', i);
    const line = text.slice(i, nl < 0 ? undefined : nl).trim();
    try {
      JSON.parse(line);
      return 'lines';
    } catch {
      // Whole first line not a value: pretty-printed objects (or a line cut by the sniff size).
      return nl < 0 && text.length >= 65536 ? 'lines' : 'values';
    }
  };
  const firstShape = (): JsonShape | undefined => {
    const nl = text.indexOf('\n', i);
    try {
      const v: unknown = JSON.parse(text.slice(i, nl < 0 ? undefined : nl));
      const rec = Array.isArray(v) ? v[0] : v;
      return detectJsonShape(rec);
    } catch {
      return undefined;
    }
  };
  if (forced === 'xml') return { format: 'xml', encoding, forced: true };
  if (forced === 'csv') return { format: 'csv', shape: 'json-auto', encoding, forced: true };
  if (forced) {
    const shape = forced === 'json-auto' ? 'json-auto' : forced;
    const fs = firstShape();
    return { format: 'json', shape, jsonLayout: jsonLayout(), encoding, forced: true, ...(fs ? { firstRecordShape: fs } : {}) };
  }
  if (c === '{' || c === '[') {
    const fs = firstShape();
    return { format: 'json', shape: 'json-auto', jsonLayout: jsonLayout(), encoding, forced: false, ...(fs ? { firstRecordShape: fs } : {}) };
  }
  if (looksLikeCsvHeader(text, i)) return { format: 'csv', shape: 'json-auto', encoding, forced: false };
  if (text.includes('<Event')) return { format: 'xml', encoding, forced: false };
  // evtx_dump's default output: "Record 1" lines before pretty-printed JSON objects.
  const brace = text.indexOf('\n{');
  if (brace >= 0 && text.slice(i, brace).trim().length < 200) {
    return { format: 'json', shape: 'json-auto', jsonLayout: 'values', encoding, forced: false };
  }
  return { format: 'unknown', encoding, forced: false };
}

/** A first line of at least two comma-separated column names (letters, digits, `_ .@[]` and spaces). */
function looksLikeCsvHeader(text: string, i: number): boolean {
  const nl = text.indexOf('\n', i);
  const line = text.slice(i, nl < 0 ? undefined : nl).replace(/\r$/, '');
  if (line.length === 0 || line.length > 10000) return false;
  const cols = line.split(',');
  if (cols.length < 2) return false;
  for (let c of cols) {
    if (c.length >= 2 && c.startsWith('"') && c.endsWith('"')) c = c.slice(1, -1);
    if (c.length === 0 || c.length > 128) return false;
    for (let k = 0; k < c.length; k++) {
      const ch = c.charCodeAt(k);
      const ok = (ch >= 48 && ch <= 57) || (ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122) ||
        ch === 95 || ch === 46 || ch === 64 || ch === 91 || ch === 93 || ch === 32;
      if (!ok) return false;
    }
  }
  return true;
}

/** Detect the format of a file (reads at most 64 KiB, gunzipping if needed). */
/** gzip's magic (1f 8b) at the start. */
export function isGzipMagic(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export async function detectFormat(path: string): Promise<DetectedFormat> {
  const { createReadStream } = await import('node:fs');
  const { createGunzip } = await import('node:zlib');
  const got: Buffer[] = [];
  let n = 0;
  const raw = createReadStream(path, { start: 0, end: 65535 });
  for await (const b of raw) { got.push(b as Buffer); n += (b as Buffer).length; }
  let head = Buffer.concat(got, n);
  if (isGzipMagic(head)) {
    const out: Buffer[] = [];
    let m = 0;
    const gun = createGunzip();
    const done = new Promise<void>((resolve) => {
      gun.on('data', (d: Buffer) => { if (m < 65536) { out.push(d); m += d.length; } });
      gun.on('end', resolve);
      gun.on('error', () => resolve());
    });
    gun.end(head);
    await done;
    head = Buffer.concat(out, m).subarray(0, 65536);
  }
  return detectFormatFromBytes(head);
}
