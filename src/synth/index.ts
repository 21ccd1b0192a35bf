/**
 * src/synth: seeded synthetic events (reproducible from a seed).
 * - `Rng`: seeded PRNG (sfc32).
 * - `sysmon3Event(spec)`: one canonical Sysmon 3 event; `sysmon3Corpus({count, seed})`: a
 *   realistic, deterministic stream (browsers, svchost, System/SMB, lsass/Kerberos, Office,
 *   Teams, Zoom/UDP, a few LOLBins; IPv4 and IPv6) for benchmarks and baselines.
 * - `beaconScenario(opts)`: beacons (60 s/300 s, jitter 0/10/25/50 %, one- and two-sided)
 *   mixed with bursty browsing and benign periodic services, with per-group ground truth.
 */
export { Rng } from './prng.js';
export { sysmon3Event, sysmon3Corpus, sysmonUtcTime, processGuid, SYSMON_CHANNEL } from './sysmon3.js';
export type { ConnectionSpec, Sysmon3CorpusOptions } from './sysmon3.js';
export { beaconScenario, beaconSleep, SERVICE_IMAGES } from './beacons.js';
export type { BeaconScenario, BeaconScenarioOptions, GroupTruth, JitterMode } from './beacons.js';
