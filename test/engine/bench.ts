/**
 * Engine benchmark (one core): `npx tsx test/engine/bench.ts [events=1000000]`.
 * 1. single-event matching: ~25 realistic network_connection rules over canonical events;
 * 2. beacon correlation: an outbound base rule + 1 m and 5 m beacon correlations over the same
 *    corpus (windows of one day).
 * The corpus is generated deterministically (src/synth) before timing starts.
 */
import { compileRules, createEvaluator } from '../../src/engine/index.js';
import type { CanonicalEvent } from '../../src/logs/event.js';
import { beaconScenario, sysmon3Corpus } from '../../src/synth/index.js';
import { beaconRules, benchRules } from './bench-rules.js';

const count = Number(process.argv[2] ?? 1_000_000);
// Run the compiled JS for figures (`npx tsc --outDir DIR` then `node DIR/test/engine/bench.js`):
// under tsx, esbuild's keepNames wrapper adds a call to every closure created per event.
const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;

// Calibration: how fast this (shared, noisy) machine is right now on a trivial string loop.
{
  const strs = Array.from({ length: 100_000 }, (_, i) => `C:\\Windows\\System32\\Svchost${i}.EXE`);
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const s = performance.now();
    let n = 0;
    for (const x of strs) n += x.toLowerCase().endsWith('.exe') ? 1 : 0;
    best = Math.min(best, performance.now() - s);
    if (n < 0) console.log(n);
  }
  console.log(`calibration: ${(strs.length / best / 1000).toFixed(1)} M toLowerCase+endsWith per second`);
}
let t = performance.now();
const events: CanonicalEvent[] = [...sysmon3Corpus({ count, seed: 'bench' })];
// Mix in beacons so the correlation has something to find.
const sc = beaconScenario({ seed: 'bench', start: events[0]!.time! });
const genMs = performance.now() - t;
console.log(`corpus: ${events.length} Sysmon 3 events (+${sc.events.length} scenario events) generated in ${(genMs / 1000).toFixed(1)} s, rss ${mb(process.memoryUsage().rss)}`);

function time(label: string, rules: ReturnType<typeof benchRules.slice>, evs: CanonicalEvent[], rounds = 3): void {
  const rs = compileRules(rules);
  if (rs.problems.length) console.log(rs.problems);
  let best = Infinity;
  let matched = 0;
  let corr = 0;
  for (let r = 0; r < rounds; r++) {
    const ev = createEvaluator(rs);
    matched = 0;
    const s = performance.now();
    for (let i = 0; i < evs.length; i++) matched += ev.push(evs[i]!).length;
    corr = ev.finish().length;
    best = Math.min(best, performance.now() - s);
  }
  const rate = evs.length / (best / 1000);
  console.log(`${label.padEnd(44)} ${String(rules.length).padStart(3)} rules  ${(rate / 1e6).toFixed(2)} M events/s  (${best.toFixed(0)} ms, ${matched} detection matches, ${corr} correlation matches)`);
}

time('single-event rules (1M resident events)', benchRules, events);
// Streaming-like: readers hand the engine one fresh event at a time, hot in cache.
time('single-event rules (10k events cycled)', benchRules, Array.from({ length: events.length }, (_, i) => events[i % 10_000]!));
const mixed = [...events, ...sc.events];
time('beacon correlation (corpus + scenario)', beaconRules(), mixed);
time('all together', [...benchRules, ...beaconRules()], mixed);
console.log(`peak rss ${mb(process.memoryUsage().rss)}; node ${process.version}`);
