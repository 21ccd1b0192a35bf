/**
 * Shared pieces of the fixture generators (scripts/fixtures-rules.ts, scripts/fixtures-baseline.ts):
 * a deterministic random source, a Sysmon Event ID 3 record model, and writers for the log shapes
 * collectors really produce:
 *   - Event Viewer "copy details" XML (the `- ` prefixed lines of the seed sample), one event;
 *   - `wevtutil qe /f:xml` style `<Events>` XML (newer Sysmon: `-` for empty values);
 *   - Elastic winlogbeat / Elastic Agent ECS JSON lines (`winlog.event_data.*` plus ECS fields);
 *   - NXLog-flattened JSON lines as in OTRF Security-Datasets (`Hostname`, `"-"` for empty).
 * Everything is a pure function of its inputs so regenerated files are byte-identical.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname } from 'node:path';

/** mulberry32: tiny deterministic PRNG (seeded), good enough for plausible fixture values. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stable 32-bit hash of a string (FNV-1a), used to derive per-host/per-process identifiers. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const hex = (n: number, width: number): string => (n >>> 0).toString(16).padStart(width, '0').slice(-width);

/** Port names Sysmon fills in from the services file (only the ones our fixtures use). */
const PORT_NAMES: Readonly<Record<number, string>> = {
  21: 'ftp', 53: 'domain', 79: 'finger', 80: 'http', 88: 'kerberos', 123: 'ntp', 135: 'epmap', 137: 'netbios-ns',
  138: 'netbios-dgm', 139: 'netbios-ssn', 389: 'ldap', 443: 'https', 445: 'microsoft-ds', 464: 'kpasswd', 636: 'ldaps',
  3268: 'msft-gc', 3389: 'ms-wbt-server',
};

export interface Host {
  readonly computer: string;
  readonly ip: string;
  readonly ipv6?: string;
}

/** One Sysmon Event ID 3 record, as Sysmon writes it (before any collector touches it). */
export interface NetEvent {
  readonly time: number; // ms since epoch (UtcTime)
  readonly computer: string;
  readonly recordId: number;
  readonly processGuid: string;
  readonly processId: number;
  readonly image: string;
  readonly user: string;
  readonly protocol: 'tcp' | 'udp';
  readonly initiated: boolean;
  readonly sourceIp: string;
  readonly sourceHostname: string;
  readonly sourcePort: number;
  readonly destinationIp: string;
  readonly destinationHostname: string;
  readonly destinationPort: number;
}

export interface EventSpec {
  /** ISO time or ms. */
  readonly t: string | number;
  readonly host: Host;
  readonly image: string;
  readonly user: string;
  readonly dst: string;
  readonly dport: number;
  readonly dhost?: string;
  readonly proto?: 'tcp' | 'udp';
  readonly initiated?: boolean;
  /** For inbound events: the remote peer (Sysmon puts it in Source*). */
  readonly src?: string;
  readonly sport?: number;
  readonly shost?: string;
  readonly pid?: number;
}

/** Builds full records from compact specs; ports, pids, GUIDs and record ids are derived deterministically. */
export class EventFactory {
  private readonly rand: () => number;
  private record: number;
  private readonly pids = new Map<string, number>();
  constructor(seed: number, firstRecord = 48211) {
    this.rand = rng(seed);
    this.record = firstRecord;
  }

  make(s: EventSpec): NetEvent {
    const time = typeof s.t === 'number' ? s.t : Date.parse(s.t);
    const key = `${s.host.computer}|${s.image}|${s.user}`;
    let pid = s.pid ?? this.pids.get(key);
    if (pid === undefined) {
      pid = s.image === 'System' ? 4 : 4 * (300 + Math.floor(this.rand() * 4000));
      this.pids.set(key, pid);
    }
    const hc = hash32(s.host.computer);
    const hp = hash32(key);
    const processGuid = `{${hex(hc, 8)}-${hex(hp >>> 16, 4)}-${hex(0x6000 + (hp & 0xfff), 4)}-${hex(hp & 0xffff, 4)}-${hex(pid * 16, 12)}}`;
    const initiated = s.initiated ?? true;
    const v6 = s.dst.includes(':');
    const localIp = v6 ? (s.host.ipv6 ?? 'fe80:0:0:0:1c2d:3e4f:5a6b:7c8d') : s.host.ip;
    const ephemeral = 49152 + Math.floor(this.rand() * 16000);
    this.record += 1 + Math.floor(this.rand() * 6);
    if (initiated) {
      return {
        time, computer: s.host.computer, recordId: this.record, processGuid, processId: pid, image: s.image, user: s.user,
        protocol: s.proto ?? 'tcp', initiated, sourceIp: localIp, sourceHostname: s.host.computer, sourcePort: s.sport ?? ephemeral,
        destinationIp: s.dst, destinationHostname: s.dhost ?? '', destinationPort: s.dport,
      };
    }
    // Inbound: Sysmon reports the remote peer as Source and the local listener as Destination.
    return {
      time, computer: s.host.computer, recordId: this.record, processGuid, processId: pid, image: s.image, user: s.user,
      protocol: s.proto ?? 'tcp', initiated, sourceIp: s.src ?? s.dst, sourceHostname: s.shost ?? '', sourcePort: s.sport ?? ephemeral,
      destinationIp: v6 ? localIp : s.host.ip, destinationHostname: s.host.computer, destinationPort: s.dport,
    };
  }
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
/** Sysmon's UtcTime: `YYYY-MM-DD hh:mm:ss.mmm`. */
export function utcTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}
/** The event is written a little after the connection (Sysmon batches network events). */
const writtenAt = (e: NetEvent): number => e.time + 120 + (e.recordId % 900);

function dataFields(e: NetEvent, empty: string): [string, string][] {
  const v6 = (ip: string): string => String(ip.includes(':'));
  return [
    ['RuleName', empty],
    ['UtcTime', utcTime(e.time)],
    ['ProcessGuid', e.processGuid],
    ['ProcessId', String(e.processId)],
    ['Image', e.image],
    ['User', e.user],
    ['Protocol', e.protocol],
    ['Initiated', String(e.initiated)],
    ['SourceIsIpv6', v6(e.sourceIp)],
    ['SourceIp', e.sourceIp],
    ['SourceHostname', e.sourceHostname || empty],
    ['SourcePort', String(e.sourcePort)],
    ['SourcePortName', PORT_NAMES[e.initiated ? -1 : e.sourcePort] ?? empty],
    ['DestinationIsIpv6', v6(e.destinationIp)],
    ['DestinationIp', e.destinationIp],
    ['DestinationHostname', e.destinationHostname || empty],
    ['DestinationPort', String(e.destinationPort)],
    ['DestinationPortName', PORT_NAMES[e.destinationPort] ?? empty],
  ];
}

const xmlEsc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
const systemTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z').replace(/(\.\d{7})\d*Z$/, '$1Z');

/** Event Viewer "Copy details" text, exactly like the seed sample (one event). */
export function toViewerXml(e: NetEvent): string {
  const lines = [
    '- <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">',
    '  - <System>',
    '    <Provider Name="Microsoft-Windows-Sysmon" Guid="{5770385F-C22A-43E0-BF4C-06F5698FFBD9}" /> ',
    '    <EventID>3</EventID> ',
    '    <Version>5</Version> ',
    '    <Level>4</Level> ',
    '    <Task>3</Task> ',
    '    <Opcode>0</Opcode> ',
    '    <Keywords>0x8000000000000000</Keywords> ',
    `    <TimeCreated SystemTime="${new Date(writtenAt(e)).toISOString().replace('Z', '000000Z')}" /> `,
    `    <EventRecordID>${e.recordId}</EventRecordID> `,
    '    <Correlation /> ',
    `    <Execution ProcessID="${2000 + (hash32(e.computer) % 3000)}" ThreadID="${3000 + (e.recordId % 2000)}" /> `,
    '    <Channel>Microsoft-Windows-Sysmon/Operational</Channel> ',
    `    <Computer>${xmlEsc(e.computer)}</Computer> `,
    '    <Security UserID="S-1-5-18" /> ',
    '  </System>',
    '  - <EventData>',
    ...dataFields(e, '').map(([k, v]) => (v === '' ? `    <Data Name="${k}" /> ` : `    <Data Name="${k}">${xmlEsc(v)}</Data> `)),
    '  </EventData>',
    '</Event>',
  ];
  return lines.join('\n') + '\n';
}

/** `wevtutil qe Microsoft-Windows-Sysmon/Operational /f:xml` output wrapped in `<Events>`. */
export function toEventsXml(events: readonly NetEvent[]): string {
  const one = (e: NetEvent): string =>
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>" +
    "<Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/>" +
    '<EventID>3</EventID><Version>5</Version><Level>4</Level><Task>3</Task><Opcode>0</Opcode>' +
    '<Keywords>0x8000000000000000</Keywords>' +
    `<TimeCreated SystemTime='${systemTime(writtenAt(e))}'/>` +
    `<EventRecordID>${e.recordId}</EventRecordID><Correlation/>` +
    `<Execution ProcessID='${2000 + (hash32(e.computer) % 3000)}' ThreadID='${3000 + (e.recordId % 2000)}'/>` +
    `<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>${xmlEsc(e.computer)}</Computer>` +
    "<Security UserID='S-1-5-18'/></System><EventData>" +
    dataFields(e, '-').map(([k, v]) => `<Data Name='${k}'>${xmlEsc(v)}</Data>`).join('') +
    '</EventData></Event>';
  return '<?xml version="1.0" encoding="UTF-8"?>\n<Events>\n' + events.map(one).join('\n') + '\n</Events>\n';
}

const splitUser = (u: string): { domain?: string; name: string } => {
  const i = u.indexOf('\\');
  return i < 0 ? { name: u } : { domain: u.slice(0, i), name: u.slice(i + 1) };
};
const baseName = (image: string): string => image.slice(image.lastIndexOf('\\') + 1);

/** winlogbeat 8.x document: raw `winlog.event_data` plus the ECS fields of the Sysmon module. */
export function toEcs(e: NetEvent): string {
  const data = Object.fromEntries(dataFields(e, '-'));
  const user = splitUser(e.user);
  const doc = {
    '@timestamp': new Date(e.time).toISOString(),
    agent: { type: 'winlogbeat', version: '8.15.3', name: e.computer.split('.')[0] },
    ecs: { version: '8.0.0' },
    event: {
      code: '3', kind: 'event', provider: 'Microsoft-Windows-Sysmon', module: 'sysmon',
      action: 'Network connection detected (rule: NetworkConnect)', category: ['network'], type: ['connection', 'start', 'protocol'],
      created: new Date(writtenAt(e) + 1500).toISOString(),
    },
    host: { name: e.computer.toLowerCase(), hostname: e.computer.split('.')[0] },
    log: { level: 'information' },
    message: 'Network connection detected:\nRuleName: -\nUtcTime: ' + data.UtcTime,
    process: { entity_id: e.processGuid, executable: e.image, name: baseName(e.image), pid: e.processId },
    user: { domain: user.domain, name: user.name },
    network: {
      transport: e.protocol, direction: e.initiated ? 'egress' : 'ingress', type: e.destinationIp.includes(':') ? 'ipv6' : 'ipv4',
      ...(PORT_NAMES[e.destinationPort] ? { protocol: PORT_NAMES[e.destinationPort] } : {}),
    },
    source: { ip: e.sourceIp, port: e.sourcePort, ...(e.sourceHostname ? { domain: e.sourceHostname } : {}) },
    destination: { ip: e.destinationIp, port: e.destinationPort, ...(e.destinationHostname ? { domain: e.destinationHostname } : {}) },
    winlog: {
      api: 'wineventlog', channel: 'Microsoft-Windows-Sysmon/Operational', computer_name: e.computer, event_id: '3',
      opcode: 'Info', process: { pid: 2000 + (hash32(e.computer) % 3000), thread: { id: 3000 + (e.recordId % 2000) } },
      provider_guid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}', provider_name: 'Microsoft-Windows-Sysmon',
      record_id: String(e.recordId), task: 'Network connection detected (rule: NetworkConnect)',
      user: { identifier: 'S-1-5-18', domain: 'NT AUTHORITY', name: 'SYSTEM', type: 'User' }, version: 5,
      event_data: data,
    },
  };
  return JSON.stringify(doc);
}

/** NXLog im_msvistalog flattened JSON as in OTRF Security-Datasets (values as strings, `-` for empty). */
export function toFlat(e: NetEvent): string {
  const fields = dataFields(e, '-');
  const data = Object.fromEntries(fields);
  const message = 'Network connection detected:\r\n' + fields.map(([k, v]) => `${k}: ${v}`).join('\r\n');
  const written = new Date(writtenAt(e)).toISOString();
  const doc: Record<string, unknown> = {
    '@timestamp': written,
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    DestinationHostname: data.DestinationHostname,
    DestinationIp: data.DestinationIp,
    DestinationIsIpv6: data.DestinationIsIpv6,
    DestinationPort: data.DestinationPort,
    DestinationPortName: data.DestinationPortName,
    EventID: 3,
    Hostname: e.computer,
    Image: e.image,
    Initiated: data.Initiated,
    Keywords: '0x8000000000000000',
    Level: '4',
    Message: message,
    ProcessGuid: e.processGuid,
    ProcessId: data.ProcessId,
    Protocol: e.protocol,
    ProviderGuid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
    RuleName: '-',
    SourceHostname: data.SourceHostname,
    SourceIp: data.SourceIp,
    SourceIsIpv6: data.SourceIsIpv6,
    SourceName: 'Microsoft-Windows-Sysmon',
    SourcePort: data.SourcePort,
    SourcePortName: data.SourcePortName,
    Task: '3',
    TimeCreated: written,
    User: e.user,
    UtcTime: data.UtcTime,
  };
  return JSON.stringify(doc);
}

export type Format = 'viewer' | 'events' | 'ecs' | 'flat';

/** Format from the fixture file name: `.ecs.ndjson`, `.flat.jsonl`, `.xml` (one event: viewer copy), optionally `.gz`. */
export function formatOf(path: string, count: number): Format {
  const file = path.endsWith('.gz') ? path.slice(0, -3) : path;
  if (file.endsWith('.ecs.ndjson')) return 'ecs';
  if (file.endsWith('.flat.jsonl')) return 'flat';
  if (file.endsWith('.xml')) return count === 1 ? 'viewer' : 'events';
  throw new Error(`unknown fixture extension: ${file}`);
}

export function render(format: Format, events: readonly NetEvent[]): string {
  switch (format) {
    case 'viewer':
      return events.map(toViewerXml).join('');
    case 'events':
      return toEventsXml(events);
    case 'ecs':
      return events.map(toEcs).join('\n') + '\n';
    case 'flat':
      return events.map(toFlat).join('\n') + '\n';
  }
}

export function writeFixture(path: string, events: readonly NetEvent[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const sorted = [...events].sort((a, b) => a.time - b.time);
  const text = render(formatOf(path, sorted.length), sorted);
  // Large generated corpora are stored gzip-compressed (the log readers detect gzip per file);
  // gzipSync writes no timestamp, so the bytes stay reproducible.
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(text, { level: 9 }) : text);
}
