/**
 * Beacon fixtures for rules/network_connection/beacon_periodic_connection.yml (called from
 * fixtures-rules.ts). Seeded and deterministic: multi-hour beacons at 60 s, 300 s, 600 s and 900 s
 * with 0 to 50 % jitter, bursty human browsing, periodic traffic with human gaps, and allow-listed
 * periodic services (WEF, NTP, EDR, Teams).
 *
 * Jitter models:
 *  - `cs`: Cobalt Strike's documented behaviour: each sleep is shortened by a random 0..jitter% of
 *    the interval (so gaps lie in [T·(1-j), T]);
 *  - `sym`: symmetric jitter, gaps uniform in [T·(1-j), T·(1+j)] (Sliver/Mythic-style profiles).
 */
import { join } from 'node:path';
import { EventFactory, rng, writeFixture, type EventSpec, type Host, type NetEvent } from './fixtures-lib.js';

const WKS: Host = { computer: 'WKS-FIN-023.corp.contoso.com', ip: '10.20.4.23' };
const WKS2: Host = { computer: 'WKS-HR-011.corp.contoso.com', ip: '10.20.5.11' };
const WKS3: Host = { computer: 'WKS-OPS-007.corp.contoso.com', ip: '10.20.6.7' };

interface BeaconSpec {
  readonly host: Host;
  readonly user: string;
  readonly image: string;
  readonly dst: string;
  readonly dport: number;
  readonly dhost?: string;
  readonly start: string;
  readonly end: string;
  readonly periodS: number;
  readonly jitter: number;
  readonly model: 'cs' | 'sym';
  readonly seed: number;
}

/** Connection times of one beacon; a small network/scheduling delay (0-400 ms) is added to each. */
export function beaconTimes(b: Pick<BeaconSpec, 'start' | 'end' | 'periodS' | 'jitter' | 'model' | 'seed'>): number[] {
  const r = rng(b.seed);
  const end = Date.parse(b.end);
  const out: number[] = [];
  let t = Date.parse(b.start);
  while (t < end) {
    out.push(t + Math.floor(r() * 400));
    const T = b.periodS * 1000;
    const gap = b.model === 'cs' ? T * (1 - b.jitter * r()) : T * (1 + b.jitter * (2 * r() - 1));
    t += Math.max(1000, Math.floor(gap));
  }
  return out;
}

function beacon(b: BeaconSpec): EventSpec[] {
  return beaconTimes(b).map((t) => ({ t, host: b.host, user: b.user, image: b.image, dst: b.dst, dport: b.dport, dhost: b.dhost }));
}

const U1 = 'CONTOSO\\j.miller';
const U2 = 'CONTOSO\\a.nguyen';
const U3 = 'CONTOSO\\p.kowalski';
const S32 = 'C:\\Windows\\System32\\';

/** Human browsing: sessions of 3-25 connections within a few minutes, separated by 5-90 minute gaps. */
function browsing(host: Host, user: string, image: string, dst: string, day: string, seed: number): EventSpec[] {
  const r = rng(seed);
  const out: EventSpec[] = [];
  let t = Date.parse(`${day}T08:05:00Z`);
  const end = Date.parse(`${day}T17:30:00Z`);
  const lunch = [Date.parse(`${day}T12:00:00Z`), Date.parse(`${day}T13:00:00Z`)] as const;
  while (t < end) {
    if (t >= lunch[0] && t < lunch[1]) t = lunch[1] + Math.floor(r() * 600_000);
    const n = 3 + Math.floor(r() * 23);
    const sessionMs = 60_000 + Math.floor(r() * 540_000);
    for (let i = 0; i < n; i++) out.push({ t: t + Math.floor(r() * sessionMs), host, user, image, dst, dport: 443 });
    t += sessionMs + 300_000 + Math.floor(r() * r() * 5_400_000);
  }
  return out;
}

/** A poller every `periodS` that only runs while the user is active: `onMin` minutes on, `offMin` off. */
function periodicWithGaps(host: Host, user: string, image: string, dst: string, day: string, periodS: number, onMin: number, offMin: number, seed: number): EventSpec[] {
  const r = rng(seed);
  const out: EventSpec[] = [];
  const end = Date.parse(`${day}T17:00:00Z`);
  for (let block = Date.parse(`${day}T08:10:00Z`); block < end; block += (onMin + offMin) * 60_000) {
    for (let t = block; t < block + onMin * 60_000; t += periodS * 1000) out.push({ t: t + Math.floor(r() * 400), host, user, image, dst, dport: 443 });
  }
  return out;
}

export function writeBeaconFixtures(dir: string): number {
  const f = new EventFactory(9031);
  const make = (specs: EventSpec[]): NetEvent[] => specs.map((s) => f.make(s));

  // 6-hour tumbling window 2026-11-19 06:00-12:00 UTC holds every fast beacon entirely.
  const fast: EventSpec[] = [
    ...beacon({ host: WKS, user: U1, image: S32 + 'rundll32.exe', dst: '91.215.85.17', dport: 443, start: '2026-11-19T07:00:03Z', end: '2026-11-19T10:00:00Z', periodS: 60, jitter: 0, model: 'cs', seed: 1 }),
    ...beacon({ host: WKS, user: U1, image: 'C:\\Users\\j.miller\\AppData\\Local\\Temp\\msupdate64.exe', dst: '45.137.21.9', dport: 443, start: '2026-11-19T07:10:41Z', end: '2026-11-19T10:10:00Z', periodS: 60, jitter: 0.5, model: 'cs', seed: 2 }),
    ...beacon({ host: WKS2, user: U2, image: S32 + 'WindowsPowerShell\\v1.0\\powershell.exe', dst: '193.42.33.14', dport: 8080, start: '2026-11-19T06:20:07Z', end: '2026-11-19T11:20:00Z', periodS: 300, jitter: 0, model: 'cs', seed: 3 }),
    ...beacon({ host: WKS3, user: U3, image: 'C:\\ProgramData\\Intel\\igfxsvc.exe', dst: '172.67.141.20', dport: 80, start: '2026-11-19T06:05:13Z', end: '2026-11-19T11:55:00Z', periodS: 300, jitter: 0.5, model: 'cs', seed: 4 }),
  ];
  writeFixture(join(dir, 'positive_fast_beacons.ecs.ndjson.gz'), make(fast));

  // One day (24-hour window 2026-11-20), slower beacons with symmetric jitter.
  const slow: EventSpec[] = [
    ...beacon({ host: WKS, user: U1, image: 'C:\\Users\\j.miller\\AppData\\Roaming\\Zoom\\bin\\zCrashRpt.exe', dst: '193.42.33.14', dport: 443, start: '2026-11-20T08:00:21Z', end: '2026-11-20T16:00:00Z', periodS: 300, jitter: 0.5, model: 'sym', seed: 5 }),
    ...beacon({ host: WKS2, user: U2, image: S32 + 'rundll32.exe', dst: '2a01:4f8:c17:5a6f:0:0:0:1', dport: 443, start: '2026-11-20T07:00:09Z', end: '2026-11-20T15:30:00Z', periodS: 600, jitter: 0.3, model: 'sym', seed: 6 }),
    ...beacon({ host: WKS3, user: U3, image: 'C:\\ProgramData\\Intel\\igfxsvc.exe', dst: '45.137.21.9', dport: 8443, start: '2026-11-20T06:00:30Z', end: '2026-11-20T14:00:00Z', periodS: 900, jitter: 0.2, model: 'sym', seed: 7 }),
  ];
  writeFixture(join(dir, 'positive_slow_beacons.ecs.ndjson.gz'), make(slow));

  const day = '2026-11-21';
  const bursty: EventSpec[] = [
    ...browsing(WKS, U1, 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', '142.250.185.78', day, 21),
    ...browsing(WKS2, U2, 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', '104.18.32.7', day, 22),
    ...browsing(WKS3, U3, 'C:\\Program Files\\Slack\\slack.exe', '3.5.140.2', day, 23),
  ];
  writeFixture(join(dir, 'near_miss_bursty_browsing.ecs.ndjson.gz'), make(bursty));

  const gaps: EventSpec[] = [
    ...periodicWithGaps(WKS, U1, 'C:\\Users\\j.miller\\AppData\\Roaming\\Zoom\\bin\\Zoom.exe', '170.114.52.2', day, 60, 20, 60, 24),
    ...periodicWithGaps(WKS2, U2, 'C:\\Users\\a.nguyen\\AppData\\Local\\Programs\\Notion\\Notion.exe', '104.18.31.10', day, 300, 25, 65, 25),
  ];
  writeFixture(join(dir, 'near_miss_periodic_with_gaps.ecs.ndjson.gz'), make(gaps));

  const allow: EventSpec[] = [
    ...beacon({ host: WKS, user: 'NT AUTHORITY\\NETWORK SERVICE', image: S32 + 'svchost.exe', dst: '10.20.1.40', dport: 5985, dhost: 'wec01.corp.contoso.com', start: `${day}T00:02:00Z`, end: `${day}T23:59:00Z`, periodS: 300, jitter: 0.05, model: 'sym', seed: 31 }),
    ...beacon({ host: WKS, user: 'NT AUTHORITY\\LOCAL SERVICE', image: S32 + 'svchost.exe', dst: '10.20.0.10', dport: 123, dhost: 'DC01.corp.contoso.com', start: `${day}T00:01:00Z`, end: `${day}T23:59:00Z`, periodS: 1024, jitter: 0, model: 'sym', seed: 32 }).map((s) => ({ ...s, proto: 'udp' as const })),
    ...beacon({ host: WKS2, user: 'NT AUTHORITY\\SYSTEM', image: 'C:\\ProgramData\\Microsoft\\Windows Defender Advanced Threat Protection\\Platform\\10.8760.27703.1006\\MsSense.exe', dst: '20.42.73.25', dport: 443, start: `${day}T00:00:30Z`, end: `${day}T23:59:00Z`, periodS: 60, jitter: 0.1, model: 'sym', seed: 33 }),
    ...beacon({ host: WKS2, user: U2, image: 'C:\\Program Files\\WindowsApps\\MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe\\ms-teams.exe', dst: '52.113.194.132', dport: 443, dhost: 'teams.microsoft.com', start: `${day}T08:00:00Z`, end: `${day}T17:00:00Z`, periodS: 120, jitter: 0.1, model: 'sym', seed: 34 }),
    ...beacon({ host: WKS3, user: 'NT AUTHORITY\\SYSTEM', image: 'C:\\Program Files\\CrowdStrike\\CSFalconService.exe', dst: '52.10.162.48', dport: 443, start: `${day}T00:00:10Z`, end: `${day}T23:59:00Z`, periodS: 300, jitter: 0.05, model: 'sym', seed: 35 }),
  ];
  writeFixture(join(dir, 'near_miss_allowlisted_periodic.ecs.ndjson.gz'), make(allow));
  return 5;
}
