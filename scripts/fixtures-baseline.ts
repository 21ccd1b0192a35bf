/**
 * Benign baseline corpus: one day (2026-11-17, UTC) of Sysmon Event ID 3 from a small Windows estate,
 * written to fixtures/baseline/ (run: `npx tsx scripts/fixtures-baseline.ts`). Every rule must stay
 * silent on it unless it declares `tests.baseline`.
 *
 * What is in it, per host (volumes and rhythms modelled on what Windows 10/11 and Server 2022 emit):
 *  - workstations: DNS Client (svchost) to the DC, browsers in bursty sessions to CDNs and sites
 *    (with real-looking random CDN host names: cloudfront, googlevideo), Teams/Outlook/OneDrive/Office
 *    to Microsoft 365, SmartScreen, Defender cloud lookups, Windows Update, CRL/OCSP, Kerberos/LDAP
 *    to the DC, SMB from System to the file server and SYSVOL, WEF to the collector every 5 minutes,
 *    NTP every 1024 s, SSDP/mDNS multicast, an administrator's RDP session with mstsc;
 *  - the application server: inbound SMB and HTTPS (System/HTTP.sys), WEF, NTP, CrowdStrike
 *    heartbeat, Windows Update, a Java service talking to its internal database.
 * Files are gzip-compressed (readers detect gzip) and use three shapes: NXLog flat, ECS, <Events> XML.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EventFactory, rng, writeFixture, type EventSpec, type Host } from './fixtures-lib.js';

const OUT = join(import.meta.dirname, '..', 'fixtures', 'baseline');
const DAY = '2026-11-17';
const T0 = Date.parse(`${DAY}T00:00:00Z`);
const H = 3_600_000;
const M = 60_000;

const S32 = 'C:\\Windows\\System32\\';
const SVCHOST = S32 + 'svchost.exe';
const NETSVC = 'NT AUTHORITY\\NETWORK SERVICE';
const LOCALSVC = 'NT AUTHORITY\\LOCAL SERVICE';
const SYSTEM = 'NT AUTHORITY\\SYSTEM';
const DC = '10.20.0.10';
const FS = '10.20.1.15';
const WEC = '10.20.1.40';
const OFFICE = 'C:\\Program Files\\Microsoft Office\\root\\Office16\\';

interface Site { readonly host: string; readonly ip: string }
const SITES: readonly Site[] = [
  { host: 'www.google.com', ip: '142.250.185.68' }, { host: 'fonts.gstatic.com', ip: '142.250.186.35' },
  { host: 'www.bbc.co.uk', ip: '151.101.0.81' }, { host: 'github.com', ip: '140.82.121.4' },
  { host: 'stackoverflow.com', ip: '104.18.32.7' }, { host: 'www.linkedin.com', ip: '13.107.42.14' },
  { host: 'en.wikipedia.org', ip: '185.15.59.224' }, { host: 'www.reuters.com', ip: '23.218.218.160' },
  { host: 'login.salesforce.com', ip: '136.146.210.8' }, { host: 'contoso.my.salesforce.com', ip: '136.146.210.27' },
  { host: 'www.youtube.com', ip: '142.250.185.110' }, { host: 'i.ytimg.com', ip: '142.250.185.118' },
  { host: 'cdn.jsdelivr.net', ip: '151.101.1.229' }, { host: 'www.amazon.com', ip: '18.66.63.108' },
  { host: 'static.zdassets.com', ip: '104.18.70.113' }, { host: 'www.nytimes.com', ip: '151.101.193.164' },
  { host: 'docs.python.org', ip: '151.101.128.223' }, { host: 'www.techcrunch.com', ip: '192.0.66.2' },
  { host: 'www.wellsfargo.com', ip: '159.45.170.145' }, { host: 'connect.facebook.net', ip: '157.240.0.35' },
  { host: 'www.googletagmanager.com', ip: '142.250.186.40' }, { host: 'ssl.gstatic.com', ip: '142.250.186.67' },
];

function cloudfrontHost(r: () => number): string {
  const a = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = 'd';
  for (let i = 0; i < 13; i++) s += a[Math.floor(r() * a.length)];
  return `${s}.cloudfront.net`;
}
function googlevideoHost(r: () => number): string {
  const a = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 8; i++) s += a[Math.floor(r() * a.length)];
  return `rr${1 + Math.floor(r() * 5)}---sn-${s}.googlevideo.com`;
}

/** Activity weight by hour of day: office hours busy, nights quiet. */
const busy = (t: number): number => {
  const h = new Date(t).getUTCHours();
  return h >= 8 && h < 18 ? (h === 12 ? 0.3 : 1) : 0.05;
};

function periodic(out: EventSpec[], base: Omit<EventSpec, 't'>, periodMs: number, jitter: number, r: () => number, from = T0, to = T0 + 24 * H): void {
  for (let t = from + Math.floor(r() * periodMs); t < to; t += Math.floor(periodMs * (1 + jitter * (2 * r() - 1)))) out.push({ ...base, t });
}

function workstation(host: Host, user: string, seed: number, admin: boolean): EventSpec[] {
  const r = rng(seed);
  const out: EventSpec[] = [];
  const me = user;
  // WEF subscription (source-initiated, WinRM) and NTP: strictly periodic, allow-listed by design.
  periodic(out, { host, user: NETSVC, image: SVCHOST, dst: WEC, dport: 5985, dhost: 'wec01.corp.contoso.com' }, 5 * M, 0.03, r);
  periodic(out, { host, user: LOCALSVC, image: SVCHOST, dst: DC, dport: 123, proto: 'udp', dhost: 'DC01.corp.contoso.com' }, 1024_000, 0, r);
  // Defender cloud and EDR sensor check-ins.
  periodic(out, { host, user: SYSTEM, image: 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe', dst: '20.10.31.115', dport: 443, dhost: 'wdcp.microsoft.com' }, 17 * M, 0.5, r);
  periodic(out, { host, user: SYSTEM, image: 'C:\\ProgramData\\Microsoft\\Windows Defender Advanced Threat Protection\\Platform\\10.8760.27703.1006\\MsSense.exe', dst: '20.42.73.25', dport: 443, dhost: 'winatp-gw-eus.microsoft.com' }, 5 * M, 0.1, r);
  // Minute-by-minute background and user activity.
  for (let t = T0; t < T0 + 24 * H; t += M) {
    const w = busy(t);
    const dnsCount = Math.floor(r() * 6 * w + (r() < 0.3 ? 1 : 0));
    for (let i = 0; i < dnsCount; i++) out.push({ t: t + Math.floor(r() * M), host, user: NETSVC, image: SVCHOST, dst: DC, dport: 53, proto: 'udp' });
    if (r() < 0.04 * w) out.push({ t: t + Math.floor(r() * M), host, user: SYSTEM, image: 'System', dst: FS, dport: 445, dhost: 'SRV-FS01.corp.contoso.com' });
    if (r() < 0.02) out.push({ t: t + Math.floor(r() * M), host, user: SYSTEM, image: S32 + 'lsass.exe', dst: DC, dport: 88, dhost: 'DC01.corp.contoso.com' });
    if (r() < 0.02) out.push({ t: t + Math.floor(r() * M), host, user: SYSTEM, image: SVCHOST, dst: DC, dport: 389, dhost: 'DC01.corp.contoso.com' });
    if (r() < 0.01) out.push({ t: t + Math.floor(r() * M), host, user: NETSVC, image: SVCHOST, dst: DC, dport: 135, dhost: 'DC01.corp.contoso.com' });
    if (r() < 0.03) out.push({ t: t + Math.floor(r() * M), host, user: LOCALSVC, image: SVCHOST, dst: '239.255.255.250', dport: 1900, proto: 'udp' });
    if (r() < 0.03) out.push({ t: t + Math.floor(r() * M), host, user: NETSVC, image: SVCHOST, dst: '224.0.0.251', dport: 5353, proto: 'udp' });
    if (r() < 0.01) out.push({ t: t + Math.floor(r() * M), host, user: NETSVC, image: SVCHOST, dst: '13.107.4.52', dport: 80, dhost: 'www.msftconnecttest.com' });
    if (w === 1 && r() < 0.05) {
      // A browsing session: a burst of connections to a few sites and CDNs.
      const browser = r() < 0.6 ? 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe' : 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
      const n = 4 + Math.floor(r() * 20);
      for (let i = 0; i < n; i++) {
        const pick = r();
        const site = SITES[Math.floor(r() * SITES.length)]!;
        const dhost = pick < 0.15 ? cloudfrontHost(r) : pick < 0.25 ? googlevideoHost(r) : site.host;
        const dst = pick < 0.15 ? `18.66.${Math.floor(r() * 250)}.${Math.floor(r() * 250)}` : pick < 0.25 ? `173.194.${Math.floor(r() * 250)}.${Math.floor(r() * 250)}` : site.ip;
        out.push({ t: t + Math.floor(r() * 8 * M), host, user: me, image: browser, dst, dport: 443, dhost });
      }
      out.push({ t: t + Math.floor(r() * M), host, user: me, image: S32 + 'smartscreen.exe', dst: '20.49.150.241', dport: 443, dhost: 'nav.smartscreen.microsoft.com' });
    }
    if (w === 1 && r() < 0.12) out.push({ t: t + Math.floor(r() * M), host, user: me, image: 'C:\\Program Files\\WindowsApps\\MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe\\ms-teams.exe', dst: '52.113.194.132', dport: 443, dhost: 'teams.microsoft.com' });
    if (w === 1 && r() < 0.08) out.push({ t: t + Math.floor(r() * M), host, user: me, image: OFFICE + 'OUTLOOK.EXE', dst: `52.96.${Math.floor(r() * 250)}.${Math.floor(r() * 250)}`, dport: 443, dhost: 'outlook.office365.com' });
    if (w === 1 && r() < 0.04) out.push({ t: t + Math.floor(r() * M), host, user: me, image: `C:\\Users\\${me.split('\\')[1]}\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe`, dst: '13.107.136.9', dport: 443, dhost: 'contoso-my.sharepoint.com' });
    if (w === 1 && r() < 0.02) {
      out.push({ t: t + Math.floor(r() * M), host, user: me, image: OFFICE + 'WINWORD.EXE', dst: '52.113.194.132', dport: 443, dhost: 'ecs.office.com' });
      out.push({ t: t + Math.floor(r() * M), host, user: me, image: OFFICE + 'WINWORD.EXE', dst: '192.229.211.108', dport: 80, dhost: 'ocsp.digicert.com' });
      out.push({ t: t + Math.floor(r() * M), host, user: me, image: OFFICE + 'EXCEL.EXE', dst: '52.109.8.19', dport: 443, dhost: 'officeclient.microsoft.com' });
      out.push({ t: t + Math.floor(r() * M), host, user: me, image: OFFICE + 'POWERPNT.EXE', dst: '13.107.6.152', dport: 443 });
    }
  }
  // Windows Update scan and download at night.
  for (let i = 0; i < 12; i++) out.push({ t: T0 + 3 * H + i * 40_000, host, user: SYSTEM, image: SVCHOST, dst: `8.241.${11 + i}.126`, dport: 80, dhost: '7.tlu.dl.delivery.mp.microsoft.com' });
  out.push({ t: T0 + 3 * H - 60_000, host, user: LOCALSVC, image: SVCHOST, dst: '93.184.221.240', dport: 80, dhost: 'ctldl.windowsupdate.com' });
  if (admin) {
    out.push({ t: T0 + 10 * H + 12 * M, host, user: 'CONTOSO\\adm-r.osei', image: S32 + 'mstsc.exe', dst: '10.20.1.32', dport: 3389, dhost: 'SRV-APP02.corp.contoso.com' });
  }
  return out;
}

function server(host: Host, seed: number): EventSpec[] {
  const r = rng(seed);
  const out: EventSpec[] = [];
  periodic(out, { host, user: NETSVC, image: SVCHOST, dst: WEC, dport: 5985, dhost: 'wec01.corp.contoso.com' }, 5 * M, 0.03, r);
  periodic(out, { host, user: LOCALSVC, image: SVCHOST, dst: DC, dport: 123, proto: 'udp', dhost: 'DC01.corp.contoso.com' }, 1024_000, 0, r);
  periodic(out, { host, user: SYSTEM, image: 'C:\\Program Files\\CrowdStrike\\CSFalconService.exe', dst: '52.10.162.48', dport: 443, dhost: 'ts01-b.cloudsink.net' }, 5 * M, 0.05, r);
  periodic(out, { host, user: SYSTEM, image: 'C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunkd.exe', dst: '10.20.1.45', dport: 9997, dhost: 'splunk-idx01.corp.contoso.com' }, 30_000, 0.1, r);
  for (let t = T0; t < T0 + 24 * H; t += M) {
    const w = busy(t);
    for (let i = 0; i < Math.floor(r() * 3); i++) out.push({ t: t + Math.floor(r() * M), host, user: NETSVC, image: SVCHOST, dst: DC, dport: 53, proto: 'udp' });
    // The application: a Java service with pooled connections to its database server, and users on HTTPS.
    if (r() < 0.3) out.push({ t: t + Math.floor(r() * M), host, user: 'CONTOSO\\svc-app02', image: 'C:\\Program Files\\Eclipse Adoptium\\jre-17.0.12.7-hotspot\\bin\\java.exe', dst: '10.20.1.21', dport: 1433, dhost: 'SRV-SQL01.corp.contoso.com' });
    const users = Math.floor(r() * 5 * w);
    for (let i = 0; i < users; i++) {
      const client = `10.20.${4 + Math.floor(r() * 3)}.${10 + Math.floor(r() * 60)}`;
      out.push({ t: t + Math.floor(r() * M), host, user: SYSTEM, image: 'System', dst: client, src: client, dport: 443, initiated: false });
    }
    if (r() < 0.05 * w) {
      const client = `10.20.${4 + Math.floor(r() * 3)}.${10 + Math.floor(r() * 60)}`;
      out.push({ t: t + Math.floor(r() * M), host, user: SYSTEM, image: 'System', dst: client, src: client, dport: 445, initiated: false });
    }
    if (r() < 0.02) out.push({ t: t + Math.floor(r() * M), host, user: SYSTEM, image: S32 + 'lsass.exe', dst: DC, dport: 88, dhost: 'DC01.corp.contoso.com' });
  }
  out.push({ t: T0 + 10 * H + 12 * M + 300, host, user: NETSVC, image: SVCHOST, dst: '10.20.6.7', src: '10.20.6.7', dport: 3389, initiated: false });
  for (let i = 0; i < 8; i++) out.push({ t: T0 + 2 * H + i * 45_000, host, user: SYSTEM, image: SVCHOST, dst: `8.241.${30 + i}.126`, dport: 80, dhost: '11.tlu.dl.delivery.mp.microsoft.com' });
  return out;
}

export function writeBaseline(dir = OUT): { files: number; events: number } {
  const f = new EventFactory(20261117, 910_000);
  const WKS: Host = { computer: 'WKS-FIN-023.corp.contoso.com', ip: '10.20.4.23' };
  const WKS2: Host = { computer: 'WKS-HR-011.corp.contoso.com', ip: '10.20.5.11' };
  const ADMWKS: Host = { computer: 'WKS-OPS-007.corp.contoso.com', ip: '10.20.6.7' };
  const APP: Host = { computer: 'SRV-APP02.corp.contoso.com', ip: '10.20.1.32' };
  const parts: [string, EventSpec[]][] = [
    ['wks-fin-023.flat.jsonl.gz', workstation(WKS, 'CONTOSO\\j.miller', 101, false)],
    ['wks-hr-011.ecs.ndjson.gz', workstation(WKS2, 'CONTOSO\\a.nguyen', 102, false)],
    ['wks-ops-007.flat.jsonl.gz', workstation(ADMWKS, 'CONTOSO\\p.kowalski', 103, true)],
    ['srv-app02.xml.gz', server(APP, 104)],
  ];
  let events = 0;
  for (const [file, specs] of parts) {
    writeFixture(join(dir, file), specs.map((s) => f.make(s)));
    events += specs.length;
  }
  return { files: parts.length, events };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { files, events } = writeBaseline();
  process.stdout.write(`wrote ${events} events in ${files} files under ${OUT}\n`);
}
