/**
 * Synthetic Sysmon Event ID 3 (network connection) events in the canonical shape
 * (src/logs/event.ts): Sysmon field names, typed values (ports/pids numbers, booleans for
 * `Initiated` and `*IsIpv6`), `UtcTime` text and `time` in epoch ms.
 */
import type { CanonicalEvent, FieldValue } from '../logs/event.js';
import { Rng } from './prng.js';

export const SYSMON_CHANNEL = 'Microsoft-Windows-Sysmon/Operational';

export interface ConnectionSpec {
  readonly time: number;
  readonly computer: string;
  readonly image: string;
  readonly user?: string;
  readonly pid?: number;
  readonly protocol?: 'tcp' | 'udp';
  readonly initiated?: boolean;
  readonly sourceIp: string;
  readonly sourcePort?: number;
  readonly destinationIp: string;
  readonly destinationPort: number;
  readonly destinationHostname?: string;
  readonly recordId?: number;
  /** Default: derived deterministically from computer, image and pid. */
  readonly processGuid?: string;
}

const PORT_NAMES: Readonly<Record<number, string>> = {
  53: 'domain',
  80: 'http',
  88: 'kerberos',
  123: 'ntp',
  135: 'epmap',
  137: 'netbios-ns',
  139: 'netbios-ssn',
  389: 'ldap',
  443: 'https',
  445: 'microsoft-ds',
  636: 'ldaps',
  3389: 'ms-wbt-server',
  5985: '',
  5986: '',
};

/** `YYYY-MM-DD HH:MM:SS.mmm` in UTC, as Sysmon writes `UtcTime`. */
export function sysmonUtcTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** A stable ProcessGuid for (computer, image, pid). */
export function processGuid(computer: string, image: string, pid: number): string {
  return guid(new Rng(`${computer}|${image}|${pid}`));
}

function guid(rng: Rng): string {
  const h = (n: number): string => rng.int(0, 16 ** n - 1).toString(16).padStart(n, '0');
  return `{${h(8)}-${h(4)}-${h(4)}-${h(4)}-${h(6)}${h(6)}}`.toUpperCase();
}

/** Build one canonical Sysmon 3 event. */
export function sysmon3Event(spec: ConnectionSpec, rng?: Rng): CanonicalEvent {
  const v6 = (ip: string): boolean => ip.includes(':');
  const r = rng ?? new Rng(`${spec.computer}|${spec.image}|${spec.time}`);
  const pg = spec.processGuid ?? processGuid(spec.computer, spec.image, spec.pid ?? 4);
  const fields: Record<string, FieldValue> = Object.create(null) as Record<string, FieldValue>;
  Object.assign(fields, {
    EventID: 3,
    Version: 5,
    Level: 4,
    Task: 3,
    Opcode: 0,
    Keywords: '0x8000000000000000',
    Provider_Name: 'Microsoft-Windows-Sysmon',
    Channel: SYSMON_CHANNEL,
    Computer: spec.computer,
    EventRecordID: spec.recordId ?? 0,
    ProcessID: 3052,
    ThreadID: 4120,
    UserID: 'S-1-5-18',
    TimeCreated: new Date(spec.time).toISOString(),
    RuleName: '-',
    UtcTime: sysmonUtcTime(spec.time),
    ProcessGuid: pg,
    ProcessId: spec.pid ?? 4,
    Image: spec.image,
    User: spec.user ?? 'NT AUTHORITY\\SYSTEM',
    Protocol: spec.protocol ?? 'tcp',
    Initiated: spec.initiated ?? true,
    SourceIsIpv6: v6(spec.sourceIp),
    SourceIp: spec.sourceIp,
    SourceHostname: spec.computer,
    SourcePort: spec.sourcePort ?? r.int(49152, 65535),
    SourcePortName: '-',
    DestinationIsIpv6: v6(spec.destinationIp),
    DestinationIp: spec.destinationIp,
    DestinationHostname: spec.destinationHostname ?? '-',
    DestinationPort: spec.destinationPort,
    DestinationPortName: PORT_NAMES[spec.destinationPort] ?? '-',
  });
  return { fields, time: spec.time, source: { file: 'synthetic', record: spec.recordId ?? 0 } };
}

// ---------------------------------------------------------------------------------------------
// A general, realistic mix (for benchmarks and baselines)
// ---------------------------------------------------------------------------------------------

interface Profile {
  readonly image: string;
  readonly user: 'system' | 'network' | 'user';
  readonly weight: number;
  readonly protocol: 'tcp' | 'udp';
  readonly ports: readonly (readonly [number, number])[];
  /** Where it connects: public internet, Microsoft cloud, internal servers, DC, link-local. */
  readonly dest: 'public' | 'microsoft' | 'internal' | 'dc' | 'any';
  readonly inbound?: number;
}

const PROFILES: readonly Profile[] = [
  { image: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', user: 'user', weight: 30, protocol: 'tcp', ports: [[443, 90], [80, 10]], dest: 'public' },
  { image: 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', user: 'user', weight: 18, protocol: 'tcp', ports: [[443, 92], [80, 8]], dest: 'public' },
  { image: 'C:\\Program Files\\Mozilla Firefox\\firefox.exe', user: 'user', weight: 6, protocol: 'tcp', ports: [[443, 95], [80, 5]], dest: 'public' },
  { image: 'C:\\Windows\\System32\\svchost.exe', user: 'network', weight: 14, protocol: 'tcp', ports: [[443, 60], [80, 15], [135, 5], [5985, 5], [49667, 5], [7680, 10]], dest: 'any' },
  { image: 'C:\\Windows\\System32\\svchost.exe', user: 'network', weight: 4, protocol: 'udp', ports: [[53, 80], [123, 10], [5353, 10]], dest: 'dc' },
  { image: 'System', user: 'system', weight: 5, protocol: 'tcp', ports: [[445, 85], [139, 15]], dest: 'internal', inbound: 0.4 },
  { image: 'C:\\Windows\\System32\\lsass.exe', user: 'system', weight: 3, protocol: 'tcp', ports: [[88, 50], [389, 40], [636, 10]], dest: 'dc' },
  { image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', user: 'user', weight: 5, protocol: 'tcp', ports: [[443, 100]], dest: 'microsoft' },
  { image: 'C:\\Users\\{user}\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe', user: 'user', weight: 4, protocol: 'tcp', ports: [[443, 100]], dest: 'microsoft' },
  { image: 'C:\\Users\\{user}\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe', user: 'user', weight: 3, protocol: 'tcp', ports: [[443, 100]], dest: 'microsoft' },
  { image: 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe', user: 'system', weight: 2, protocol: 'tcp', ports: [[443, 100]], dest: 'microsoft' },
  { image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', user: 'user', weight: 0.6, protocol: 'tcp', ports: [[443, 60], [80, 20], [5985, 20]], dest: 'any' },
  { image: 'C:\\Windows\\System32\\mstsc.exe', user: 'user', weight: 0.4, protocol: 'tcp', ports: [[3389, 100]], dest: 'internal' },
  { image: 'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe', user: 'network', weight: 0.5, protocol: 'tcp', ports: [[135, 50], [49668, 50]], dest: 'internal' },
  { image: 'C:\\Program Files\\Zoom\\bin\\Zoom.exe', user: 'user', weight: 2, protocol: 'udp', ports: [[8801, 70], [443, 30]], dest: 'public' },
  { image: 'C:\\Windows\\System32\\rundll32.exe', user: 'user', weight: 0.1, protocol: 'tcp', ports: [[443, 100]], dest: 'public' },
  { image: 'C:\\Windows\\System32\\certutil.exe', user: 'user', weight: 0.02, protocol: 'tcp', ports: [[80, 50], [443, 50]], dest: 'public' },
];

const PUBLIC_HOSTS = [
  'www.google.com', 'fonts.gstatic.com', 'www.youtube.com', 'github.com', 'api.github.com', 'www.wikipedia.org',
  'cdn.jsdelivr.net', 'www.amazon.com', 'static.xx.fbcdn.net', 'www.linkedin.com', 'slack.com', 'www.bbc.co.uk',
  'stackoverflow.com', 'www.reddit.com', 'zoom.us', 'a.nel.cloudflare.com', 'www.nytimes.com', 'docs.python.org',
];
const MS_HOSTS = [
  'outlook.office365.com', 'login.microsoftonline.com', 'teams.microsoft.com', 'graph.microsoft.com',
  'onedrive.live.com', 'wdcp.microsoft.com', 'settings-win.data.microsoft.com', 'v10.events.data.microsoft.com',
];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar'];

export interface Sysmon3CorpusOptions {
  readonly seed?: string;
  readonly count: number;
  /** Start time (epoch ms); default 2024-03-04T00:00:00Z. */
  readonly start?: number;
  /** Average events per second across the fleet (default 50). */
  readonly ratePerSecond?: number;
  readonly hosts?: number;
  /** Share of IPv6 connections (default 0.12). */
  readonly ipv6Share?: number;
}

function publicV4(rng: Rng): string {
  // Avoid private, loopback, link-local, multicast and reserved first octets.
  let a: number;
  do a = rng.int(1, 223);
  while (a === 10 || a === 127 || a === 169 || a === 172 || a === 192 || a === 100 || a === 0);
  return `${a}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}
function hex(rng: Rng): string {
  return rng.int(0, 0xffff).toString(16);
}

/** Deterministic stream of realistic Sysmon 3 events in time order. */
export function* sysmon3Corpus(opts: Sysmon3CorpusOptions): Generator<CanonicalEvent> {
  const rng = new Rng(opts.seed ?? 'sysmon3-corpus');
  const start = opts.start ?? Date.UTC(2024, 2, 4);
  const rate = opts.ratePerSecond ?? 50;
  const nHosts = opts.hosts ?? 200;
  const v6Share = opts.ipv6Share ?? 0.12;
  const hosts = Array.from({ length: nHosts }, (_, i) => ({
    name: `WS-${String(i + 1).padStart(4, '0')}.corp.example.com`,
    v4: `10.${20 + (i >> 8)}.${(i >> 4) & 15}.${(i & 255) + 1 > 254 ? 254 : (i & 255) + 1}`,
    v6: `fe80::${hex(rng)}:${hex(rng)}:${hex(rng)}:${hex(rng)}`,
    gv6: `2001:db8:${hex(rng)}:${hex(rng)}::${hex(rng)}`,
    user: rng.pick(USERS),
  }));
  const internal = Array.from({ length: 20 }, (_, i) => `10.1.${i >> 3}.${10 + i}`);
  const dcs = ['10.0.0.10', '10.0.0.11'];
  const weighted = PROFILES.map((p) => [p, p.weight] as const);
  const msV4 = ['13.107.42.14', '52.96.166.130', '40.126.31.2', '20.190.159.64', '52.113.194.132'];
  const msV6 = ['2603:1030:20e:3::23c', '2620:1ec:42::132', '2603:1026:c0b:10::2'];
  const guids = new Map<string, string>();
  const guidOf = (c: string, img: string, pid: number): string => {
    const k = `${c}|${img}|${pid}`;
    let g = guids.get(k);
    if (!g) guids.set(k, (g = processGuid(c, img, pid)));
    return g;
  };
  let t = start;
  for (let i = 0; i < opts.count; i++) {
    t += rng.exp(1000 / rate);
    const h = rng.pick(hosts);
    const p = rng.weighted(weighted);
    const port = rng.weighted(p.ports);
    const useV6 = p.dest !== 'dc' && p.dest !== 'internal' && rng.chance(v6Share);
    let dest: string;
    let host = '-';
    switch (p.dest === 'any' ? rng.pick(['public', 'microsoft', 'internal'] as const) : p.dest) {
      case 'public':
        dest = useV6 ? `2a0${rng.int(0, 9)}:${hex(rng)}:${hex(rng)}::${hex(rng)}` : publicV4(rng);
        host = rng.chance(0.7) ? rng.pick(PUBLIC_HOSTS) : '-';
        break;
      case 'microsoft':
        dest = useV6 ? rng.pick(msV6) : rng.pick(msV4);
        host = rng.pick(MS_HOSTS);
        break;
      case 'dc':
        dest = rng.pick(dcs);
        host = 'dc01.corp.example.com';
        break;
      default:
        dest = rng.pick(internal);
        host = `srv${dest.split('.')[3]}.corp.example.com`;
    }
    const inbound = p.inbound !== undefined && rng.chance(p.inbound);
    const user = p.user === 'system' ? 'NT AUTHORITY\\SYSTEM' : p.user === 'network' ? 'NT AUTHORITY\\NETWORK SERVICE' : `CORP\\${h.user}`;
    const image = p.image.replace('{user}', h.user);
    const src = useV6 ? (dest.startsWith('fe80') ? h.v6 : h.gv6) : h.v4;
    const pid = inbound ? 4 : 1000 + (rng.int(0, 400) << 2);
    const ev = sysmon3Event(
      inbound
        ? {
            time: Math.round(t), computer: h.name, image, user, pid, processGuid: guidOf(h.name, image, pid), protocol: p.protocol, initiated: false,
            sourceIp: dest, sourcePort: rng.int(49152, 65535), destinationIp: src, destinationPort: port,
            destinationHostname: h.name, recordId: i + 1,
          }
        : {
            time: Math.round(t), computer: h.name, image, user, pid, processGuid: guidOf(h.name, image, pid), protocol: p.protocol,
            initiated: true, sourceIp: src, destinationIp: dest, destinationPort: port, destinationHostname: host, recordId: i + 1,
          },
      rng,
    );
    yield ev;
  }
}
