/**
 * A seeded scenario for beacon detection: C2 beacons (period 60 s and 300 s; jitter 0/10/25/50 %,
 * one-sided as Cobalt Strike sleeps — `sleep · (1 − rand·jitter)` — and two-sided —
 * `sleep · (1 + (2·rand − 1)·jitter)`), several hours each, mixed with bursty human-like browsing
 * and benign periodic services (WEF/WinRM push to a collector, NTP, an update agent, an EDR
 * heartbeat). Every group of connections (Computer, Image, DestinationIp, DestinationPort) comes
 * with its ground truth, so tests can assert what must and must not be found.
 */
import type { CanonicalEvent } from '../logs/event.js';
import { Rng } from './prng.js';
import { processGuid, sysmon3Event } from './sysmon3.js';

export type JitterMode = 'none' | 'one-sided' | 'two-sided';

export interface GroupTruth {
  readonly kind: 'beacon' | 'bursty' | 'service';
  readonly computer: string;
  readonly image: string;
  readonly destinationIp: string;
  readonly destinationPort: number;
  /** beacon/service only. */
  readonly periodMs?: number;
  readonly jitter?: number;
  readonly mode?: JitterMode;
  readonly label: string;
  /** First and last event time, and number of events. */
  first: number;
  last: number;
  events: number;
}

export interface BeaconScenario {
  /** All events, in time order. */
  readonly events: CanonicalEvent[];
  readonly truths: readonly GroupTruth[];
  readonly start: number;
  readonly end: number;
}

export interface BeaconScenarioOptions {
  readonly seed?: string;
  /** Scenario start (epoch ms), default 2024-03-04T06:00:00Z. */
  readonly start?: number;
  /** Length of the scenario in hours (default 12). */
  readonly hours?: number;
  readonly periodsMs?: readonly number[];
  readonly jitters?: readonly number[];
  readonly modes?: readonly Exclude<JitterMode, 'none'>[];
  /** Beacon duration range in hours (default 2..6). */
  readonly durationHours?: readonly [number, number];
  /** Number of browsing users (default 12). */
  readonly browsers?: number;
  readonly services?: boolean;
}

const BEACON_IMAGES = [
  'C:\\Windows\\System32\\rundll32.exe',
  'C:\\Users\\Public\\Downloads\\update.exe',
  'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  'C:\\Users\\bob\\AppData\\Local\\Temp\\svchost.exe',
  'C:\\ProgramData\\msupd\\msupd.exe',
];
const BROWSERS = [
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
  'C:\\Program Files\\Mozilla Firefox\\firefox.exe',
];

export const SERVICE_IMAGES = {
  wef: 'C:\\Windows\\System32\\svchost.exe',
  ntp: 'C:\\Windows\\System32\\svchost.exe',
  update: 'C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe',
  edr: 'C:\\Program Files\\CrowdStrike\\CSFalconService.exe',
} as const;

/** One sleep of a jittered beacon. */
export function beaconSleep(rng: Rng, periodMs: number, jitter: number, mode: JitterMode): number {
  if (mode === 'none' || jitter === 0) return periodMs;
  if (mode === 'one-sided') return periodMs * (1 - rng.next() * jitter);
  return periodMs * (1 + (2 * rng.next() - 1) * jitter);
}

export function beaconScenario(opts: BeaconScenarioOptions = {}): BeaconScenario {
  const rng = new Rng(opts.seed ?? 'beacon-scenario');
  const start = opts.start ?? Date.UTC(2024, 2, 4, 6);
  const end = start + (opts.hours ?? 12) * 3_600_000;
  const periods = opts.periodsMs ?? [60_000, 300_000];
  const jitters = opts.jitters ?? [0, 0.1, 0.25, 0.5];
  const modes = opts.modes ?? ['one-sided', 'two-sided'];
  const [dMin, dMax] = opts.durationHours ?? [2, 6];
  const events: CanonicalEvent[] = [];
  const truths: GroupTruth[] = [];
  let hostNo = 0;
  const newHost = (): { name: string; ip: string } => {
    hostNo++;
    return { name: `WS-${String(500 + hostNo).padStart(4, '0')}.corp.example.com`, ip: `10.30.${hostNo >> 8}.${(hostNo & 255) || 1}` };
  };
  const emit = (truth: GroupTruth, host: { ip: string }, t: number, user: string, pid: number, protocol: 'tcp' | 'udp' = 'tcp', hostname = '-'): void => {
    const time = Math.round(t);
    events.push(
      sysmon3Event(
        {
          time, computer: truth.computer, image: truth.image, user, pid, protocol, sourceIp: host.ip,
          destinationIp: truth.destinationIp, destinationPort: truth.destinationPort, destinationHostname: hostname,
          processGuid: processGuid(truth.computer, truth.image, pid),
        },
        rng,
      ),
    );
    if (truth.events === 0) truth.first = time;
    truth.last = time;
    truth.events++;
  };
  const publicIp = (): string => `${rng.pick([23, 45, 91, 104, 141, 185, 194, 203])}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;

  // 1. Beacons: one per (period, jitter, mode); jitter 0 once per period.
  for (const period of periods) {
    for (const jitter of jitters) {
      for (const mode of jitter === 0 ? (['none'] as const) : modes) {
        const host = newHost();
        const duration = (dMin + rng.next() * (dMax - dMin)) * 3_600_000;
        let t = start + rng.next() * Math.max(0, end - start - duration);
        const stop = t + duration;
        const truth: GroupTruth = {
          kind: 'beacon', computer: host.name, image: rng.pick(BEACON_IMAGES), destinationIp: publicIp(),
          destinationPort: rng.pick([443, 80, 8080, 8443]), periodMs: period, jitter, mode,
          label: `beacon ${period / 1000}s jitter ${jitter * 100}% ${mode}`, first: 0, last: 0, events: 0,
        };
        truths.push(truth);
        const pid = 4000 + hostNo * 4;
        while (t < stop) {
          emit(truth, host, t, 'CORP\\bob', pid);
          t += beaconSleep(rng, period, jitter, mode);
        }
      }
    }
  }

  // 2. Bursty browsing: sessions separated by long idle gaps; page views (bursts of
  // 1-12 connections within a few seconds) separated by human think time (heavy-tailed).
  const sites = Array.from({ length: 8 }, () => publicIp());
  const nBrowsers = opts.browsers ?? 12;
  for (let u = 0; u < nBrowsers; u++) {
    const host = newHost();
    const image = rng.pick(BROWSERS);
    const pid = 6000 + u * 4;
    const user = `CORP\\user${u}`;
    const bySite = new Map<string, GroupTruth>();
    let t = start + rng.exp(20 * 60_000);
    while (t < end) {
      const sessionEnd = t + (5 + rng.next() * 55) * 60_000;
      const favourite = rng.pick(sites);
      while (t < sessionEnd && t < end) {
        const site = rng.chance(0.6) ? favourite : rng.pick(sites);
        let truth = bySite.get(site);
        if (!truth) {
          truth = { kind: 'bursty', computer: host.name, image, destinationIp: site, destinationPort: 443, label: `browsing user${u}`, first: 0, last: 0, events: 0 };
          bySite.set(site, truth);
          truths.push(truth);
        }
        const burst = rng.int(1, 12);
        for (let k = 0; k < burst; k++) emit(truth, host, t + rng.next() * 3000, user, pid, 'tcp', 'www.example.org');
        // Think time: mostly tens of seconds, sometimes minutes of reading.
        t += rng.chance(0.8) ? 5_000 + rng.exp(40_000) : rng.exp(240_000);
      }
      t += 20 * 60_000 + rng.exp(90 * 60_000); // idle between sessions
    }
  }

  // 3. Benign periodic services (found by a raw beacon rule; rules allow-list them).
  if (opts.services ?? true) {
    const svc = (label: string, image: string, ip: string, port: number, period: number, jitter: number, protocol: 'tcp' | 'udp', user: string): void => {
      const host = newHost();
      const truth: GroupTruth = { kind: 'service', computer: host.name, image, destinationIp: ip, destinationPort: port, periodMs: period, jitter, mode: 'two-sided', label, first: 0, last: 0, events: 0 };
      truths.push(truth);
      let t = start + rng.next() * period;
      while (t < end) {
        emit(truth, host, t, user, 2000 + hostNo * 4, protocol);
        t += beaconSleep(rng, period, jitter, 'two-sided');
      }
    };
    svc('WEF push to collector (WinRM)', SERVICE_IMAGES.wef, '10.0.5.20', 5985, 60_000, 0.05, 'tcp', 'NT AUTHORITY\\NETWORK SERVICE');
    svc('NTP (w32time)', SERVICE_IMAGES.ntp, '10.0.0.10', 123, 1_024_000, 0, 'udp', 'NT AUTHORITY\\LOCAL SERVICE');
    svc('update agent poll', SERVICE_IMAGES.update, '142.250.74.14', 443, 3_600_000, 0.1, 'tcp', 'NT AUTHORITY\\SYSTEM');
    svc('EDR heartbeat', SERVICE_IMAGES.edr, '52.8.120.33', 443, 300_000, 0.02, 'tcp', 'NT AUTHORITY\\SYSTEM');
  }

  events.sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
  return { events, truths, start, end };
}
