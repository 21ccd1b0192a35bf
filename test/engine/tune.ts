// Exploration script (not a test): beacon statistics per ground-truth group for tuning defaults.
// Run: npx tsx test/engine/tune.ts [seed]
import { beaconScenario } from '../../src/synth/index.js';
import { beaconStats } from '../../src/engine/index.js';

const seed = process.argv[2] ?? 'beacon-scenario';
const sc = beaconScenario({ seed });
const groups = new Map<string, number[]>();
for (const e of sc.events) {
  const f = e.fields;
  const k = `${f.Computer}|${f.Image}|${f.DestinationIp}|${f.DestinationPort}`;
  (groups.get(k) ?? groups.set(k, []).get(k)!).push(e.time!);
}
for (const bucketMs of [60_000, 300_000]) {
  console.log(`bucket ${bucketMs / 1000}s`);
  for (const t of sc.truths) {
    const times = groups.get(`${t.computer}|${t.image}|${t.destinationIp}|${t.destinationPort}`)!;
    const buckets = new Map<number, number>();
    for (const x of times) {
      const b = Math.floor(x / bucketMs) * bucketMs;
      buckets.set(b, (buckets.get(b) ?? 0) + 1);
    }
    const s = beaconStats({ bucketMs, minEvents: 0, minBuckets: 0, minCoverage: 0, maxCv: 9, method: 'intervals' }, buckets, times)!;
    console.log(`${t.kind.padEnd(7)} ${t.label.padEnd(34)} n=${String(s.total).padStart(5)} span=${String(s.span).padStart(4)} cov=${s.coverage.toFixed(2)} cv=${s.cv.toFixed(2)} icv=${s.intervals!.cv.toFixed(2)}`);
  }
}
