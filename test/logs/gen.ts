/**
 * Deterministic synthetic Sysmon Event 3 events (canonical fields, typed), for EVTX/XML/JSON
 * round trips, hostile-input tests and the reader benchmark. Seeded PRNG: same seed, same events.
 */
import type { FieldValue } from '../../src/logs/event.js';

export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

const IMAGES = [
  'C:\\Windows\\System32\\svchost.exe', 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
  'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'C:\\Windows\\System32\\rundll32.exe',
  'C:\\Users\\jürgen\\AppData\\Local\\Temp\\ünïcode <&> "quoted".exe', 'System',
];
const PORTS: Array<[number, string]> = [[443, 'https'], [80, 'http'], [53, 'domain'], [445, 'microsoft-ds'], [5985, ''], [4444, '']];

function guid(r: () => number): string {
  const h = (n: number): string => Array.from({ length: n }, () => '0123456789ABCDEF'[Math.floor(r() * 16)]).join('');
  return `{${h(8)}-${h(4)}-${h(4)}-${h(4)}-${h(12)}}`;
}

function pad(n: number, w = 2): string { return String(n).padStart(w, '0'); }

export function sysmon3(count: number, seed = 1, startMs = Date.UTC(2024, 0, 1)): Array<Record<string, FieldValue>> {
  const r = prng(seed);
  const out: Array<Record<string, FieldValue>> = [];
  for (let i = 0; i < count; i++) {
    const t = startMs + i * 1000 + Math.floor(r() * 1000);
    const d = new Date(t);
    const utc = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
    const v6 = r() < 0.15;
    const [port, portName] = PORTS[Math.floor(r() * PORTS.length)]!;
    const initiated = r() < 0.8;
    const f: Record<string, FieldValue> = Object.create(null) as Record<string, FieldValue>;
    Object.assign(f, {
      Provider_Name: 'Microsoft-Windows-Sysmon', Provider_Guid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}',
      EventID: 3, Version: 5, Level: 4, Task: 3, Opcode: 0, Keywords: '0x8000000000000000',
      TimeCreated: `${new Date(t + 50).toISOString().slice(0, 23)}000000Z`,
      EventRecordID: i + 1, ProcessID: 2000 + Math.floor(r() * 100), ThreadID: 3000 + Math.floor(r() * 100),
      Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: `ws${Math.floor(r() * 50)}.corp.example`, UserID: 'S-1-5-18',
      RuleName: r() < 0.7 ? '' : 'technique_id=T1071,technique_name=Web Protocols',
      UtcTime: utc, ProcessGuid: guid(r), ProcessId: Math.floor(r() * 65000) + 4,
      Image: IMAGES[Math.floor(r() * IMAGES.length)]!, User: r() < 0.5 ? 'NT AUTHORITY\\SYSTEM' : 'CORP\\alice',
      Protocol: r() < 0.9 ? 'tcp' : 'udp', Initiated: initiated,
      SourceIsIpv6: v6, SourceIp: v6 ? 'fe80::1c2b:3d4e:5f60:7a8b' : `10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
      SourceHostname: r() < 0.5 ? '' : 'ws.corp.example', SourcePort: 49152 + Math.floor(r() * 16000), SourcePortName: '',
      DestinationIsIpv6: v6, DestinationIp: v6 ? '2606:4700::6810:84e5' : `${Math.floor(r() * 223) + 1}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
      DestinationHostname: r() < 0.5 ? '' : `cdn${Math.floor(r() * 9)}.example.com`, DestinationPort: port, DestinationPortName: portName,
    });
    out.push(f);
  }
  return out;
}
