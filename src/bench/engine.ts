/**
 * Engine-only benchmark for tuning (not part of `dac bench`): the repository's rules loaded by
 * the real front end, over canonical events from the synthetic corpus held in memory.
 *
 *   npm run build && node dist/bench/engine.js [events=200000] [rounds=5] [rules=rules] [lists=lists]
 *
 * Prints a calibration figure first (a trivial string loop, best of 15) so figures taken on a
 * shared, noisy machine can be compared as ratios: `match M ev/s ÷ calibration M ops/s`.
 * Matching: best of `rounds` passes of single-event rules (one evaluator, so the per-event
 * caches are the engine's own). All rules (correlations included): one pass, with heap growth.
 */
import type { Rule } from '../ir/types.js';
import { compileRules, createEvaluator } from '../engine/index.js';
import type { CanonicalEvent } from '../logs/event.js';
import { loadRulePaths } from '../sigma/index.js';
import { sysmon3Corpus } from '../synth/index.js';
import { calibration, matchWarm } from './run.js';

const count = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 5);
const rulesDir = process.argv[4] ?? 'rules';
const listsDir = process.argv[5] ?? 'lists';

function matchBest(rules: readonly Rule[], events: readonly CanonicalEvent[]): { perSec: number; matches: number } {
  const rs = compileRules(rules);
  let best = Infinity;
  let matches = 0;
  for (let r = 0; r < rounds; r++) {
    const ev = createEvaluator(rs);
    let m = 0;
    const t = performance.now();
    for (let i = 0; i < events.length; i++) m += ev.push(events[i]!).length;
    best = Math.min(best, performance.now() - t);
    matches = m;
  }
  return { perSec: events.length / (best / 1000), matches };
}

async function main(): Promise<void> {
  const loaded = await loadRulePaths([rulesDir], { profile: 'sigma', listsDir });
  const rules = loaded.rules;
  const detections = rules.filter((r) => r.kind === 'detection');
  const events: CanonicalEvent[] = [...sysmon3Corpus({ count, seed: 'bench-v1' })];
  const cal = calibration();
  console.log(`calibration: ${cal.toFixed(1)} M toLowerCase+endsWith/s`);
  const single = matchBest(detections, events);
  console.log(
    `match single-event (${detections.length} rules, ${events.length} events, best of ${rounds}): ${(single.perSec / 1e6).toFixed(3)} M ev/s, ${single.matches} matches; ratio to calibration ${(single.perSec / 1e6 / cal).toFixed(4)}`,
  );
  console.log(`match single-event, events in CPU cache (chunks of 256 read just before): ${(matchWarm(compileRules(detections), events) / 1e6).toFixed(3)} M ev/s`);
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const rs = compileRules(rules);
  const ev = createEvaluator(rs);
  const t = performance.now();
  let m = 0;
  for (let i = 0; i < events.length; i++) m += ev.push(events[i]!).length;
  const tPush = performance.now() - t;
  global.gc?.();
  const heap1 = process.memoryUsage().heapUsed;
  const cms = ev.finish();
  const ms = performance.now() - t;
  const kept = cms.reduce((s, c) => s + c.events.length, 0);
  console.log(
    `all rules (${rules.length}, correlations included), one pass: ${(events.length / (ms / 1000) / 1e6).toFixed(3)} M ev/s (push ${(events.length / (tPush / 1000) / 1e6).toFixed(3)}), ${m} detections, ${cms.length} correlation matches keeping ${kept} events; correlation state ${((heap1 - heap0) / 1048576).toFixed(0)} MB heap${global.gc ? '' : ' (run with --expose-gc for an exact figure)'}`,
  );
}

await main();
